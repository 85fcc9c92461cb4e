-- hwf journal, schema version 6: every version of a run's workflow. A run starts at version 1;
-- 'hwf resume RUN --file/--set' adds the next, in the same transaction that switches the run to
-- it. Each keeps the text it was read from and its --set overrides (so a later --set can be applied
-- to it again), the validated workflow, and each task's definition hash. Each attempt records the
-- version it ran; a task recorded SUCCEEDED from an earlier run ('hwf submit --reuse') names it.
CREATE TABLE hwf_version (
  run_id       TEXT NOT NULL REFERENCES hwf_run(id),
  version      INTEGER NOT NULL,
  source       TEXT NOT NULL,
  text         TEXT,
  sets         TEXT NOT NULL DEFAULT '[]',
  spec         TEXT NOT NULL,
  definitions  TEXT,
  note         TEXT,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (run_id, version)
)
;
INSERT INTO hwf_version(run_id, version, source, spec, created_at) SELECT id, 1, source, spec, submitted_at FROM hwf_run
;
ALTER TABLE hwf_run ADD COLUMN version INTEGER NOT NULL DEFAULT 1
;
ALTER TABLE hwf_attempt ADD COLUMN version INTEGER NOT NULL DEFAULT 1
;
ALTER TABLE hwf_task ADD COLUMN reused_from TEXT
