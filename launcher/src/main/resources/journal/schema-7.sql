-- hwf journal, schema version 7: several sites (SPEC section 7). Each file copied into a
-- dependant's task directory from an upstream on another site, with its size, checksum and times;
-- each task's staging progress (bytes done of the total, tries, the last error); and the site
-- each attempt was placed on (its name; and its scheduler, host and user, which count its live jobs
-- against the site's limits), with the reason for the choice and the start the scheduler estimated.
CREATE TABLE hwf_copy (
  run_id        TEXT NOT NULL,
  task          TEXT NOT NULL,
  from_task     TEXT NOT NULL,
  path          TEXT NOT NULL,
  from_site     TEXT NOT NULL,
  to_site       TEXT NOT NULL,
  bytes         INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  already_there INTEGER NOT NULL,
  started_at    TEXT NOT NULL,
  ended_at      TEXT NOT NULL,
  PRIMARY KEY (run_id, task, from_task, path)
)
;
CREATE TABLE hwf_staging (
  run_id      TEXT NOT NULL,
  task        TEXT NOT NULL,
  site        TEXT NOT NULL,
  bytes_done  INTEGER NOT NULL DEFAULT 0,
  bytes_total INTEGER NOT NULL DEFAULT 0,
  tries       INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  started_at  TEXT,
  ended_at    TEXT,
  PRIMARY KEY (run_id, task)
)
;
ALTER TABLE hwf_attempt ADD COLUMN site TEXT
;
ALTER TABLE hwf_attempt ADD COLUMN placed TEXT
;
ALTER TABLE hwf_attempt ADD COLUMN site_key TEXT
;
ALTER TABLE hwf_attempt ADD COLUMN estimated_start TEXT
