-- hwf journal, schema version 1. Statements are separated by lines holding only ';'.
CREATE TABLE hwf_run (
  id           TEXT PRIMARY KEY,
  workflow     TEXT NOT NULL,
  scheduler    TEXT NOT NULL,
  state        TEXT NOT NULL,
  reason       TEXT,
  source       TEXT NOT NULL,
  spec         TEXT NOT NULL,
  workdir      TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  ended_at     TEXT
)
;
CREATE INDEX hwf_run_state ON hwf_run(state)
;
CREATE TABLE hwf_task (
  run_id       TEXT NOT NULL REFERENCES hwf_run(id),
  name         TEXT NOT NULL,
  position     INTEGER NOT NULL,
  state        TEXT NOT NULL,
  reason       TEXT,
  attempt      INTEGER NOT NULL DEFAULT 0,
  job_id       TEXT,
  exit_code    INTEGER,
  array_size   INTEGER NOT NULL,
  submitted_at TEXT,
  started_at   TEXT,
  ended_at     TEXT,
  PRIMARY KEY (run_id, name)
)
;
CREATE TABLE hwf_attempt (
  run_id       TEXT NOT NULL,
  task         TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  job_name     TEXT NOT NULL,
  job_id       TEXT,
  indices      TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  PRIMARY KEY (run_id, task, attempt),
  FOREIGN KEY (run_id, task) REFERENCES hwf_task(run_id, name)
)
;
CREATE TABLE hwf_element (
  run_id       TEXT NOT NULL,
  task         TEXT NOT NULL,
  idx          INTEGER NOT NULL,
  state        TEXT NOT NULL,
  attempt      INTEGER NOT NULL DEFAULT 0,
  tries        INTEGER NOT NULL DEFAULT 0,
  job_id       TEXT,
  exit_code    INTEGER,
  reason       TEXT,
  missing_since TEXT,
  started_at   TEXT,
  ended_at     TEXT,
  PRIMARY KEY (run_id, task, idx),
  FOREIGN KEY (run_id, task) REFERENCES hwf_task(run_id, name)
)
;
CREATE TABLE hwf_event (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id    TEXT NOT NULL,
  task      TEXT,
  idx       INTEGER,
  attempt   INTEGER,
  at        TEXT NOT NULL,
  state     TEXT NOT NULL,
  reason    TEXT,
  job_id    TEXT
)
;
CREATE INDEX hwf_event_run ON hwf_event(run_id, id)
