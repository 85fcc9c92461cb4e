-- hwf journal, schema version 9 (SPEC section 7): notifications.
-- hwf_run.notify: the events the run's notify: entries listen to, as ",failed,ended,"; null for none.
-- hwf_notice: the outbox. One row per event (an element failed for good, the run ended, ...), written
-- by the triggers below inside the transaction of the change itself, so a change is never recorded
-- without its notice, nor a notice without its change. message_id stays null until a pass gathers
-- the open notices of a run and kind into one message (many failures: one message).
-- hwf_delivery: one message to one channel (the index of its notify: entry): its text, fixed when
-- it was gathered, so that every resend carries the same id and words; tries, the next attempt and
-- the last error for the backoff; sent_at once the receiver took it.
ALTER TABLE hwf_run ADD COLUMN notify TEXT
;
CREATE TABLE hwf_notice (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id       TEXT NOT NULL REFERENCES hwf_run(id),
  kind         TEXT NOT NULL,
  task         TEXT,
  idx          INTEGER,
  attempt      INTEGER,
  state        TEXT,
  reason       TEXT,
  created_at   TEXT NOT NULL,
  message_id   TEXT
)
;
CREATE INDEX hwf_notice_open ON hwf_notice(message_id, run_id, kind)
;
CREATE TABLE hwf_delivery (
  message_id   TEXT NOT NULL,
  channel      INTEGER NOT NULL,
  run_id       TEXT NOT NULL REFERENCES hwf_run(id),
  kind         TEXT NOT NULL,
  subject      TEXT NOT NULL,
  body         TEXT NOT NULL,
  state        TEXT NOT NULL,
  tries        INTEGER NOT NULL DEFAULT 0,
  next_at      TEXT NOT NULL,
  last_error   TEXT,
  created_at   TEXT NOT NULL,
  sent_at      TEXT,
  PRIMARY KEY (message_id, channel)
)
;
CREATE INDEX hwf_delivery_due ON hwf_delivery(state, next_at)
;
-- the triggers are one line each: the script is split at a ';' that ends a line
CREATE TRIGGER hwf_notice_failed AFTER UPDATE OF state ON hwf_element WHEN new.state = 'FAILED' AND old.state <> 'FAILED' AND (SELECT notify FROM hwf_run WHERE id = new.run_id) LIKE '%,failed,%' BEGIN INSERT INTO hwf_notice(run_id, kind, task, idx, state, reason, created_at) VALUES (new.run_id, 'failed', new.task, new.idx, new.state, new.reason, coalesce(new.ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))); END
;
CREATE TRIGGER hwf_notice_ended AFTER UPDATE OF state ON hwf_run WHEN old.state = 'RUNNING' AND new.state <> 'RUNNING' AND new.notify LIKE '%,ended,%' BEGIN INSERT INTO hwf_notice(run_id, kind, state, reason, created_at) VALUES (new.id, 'ended', new.state, new.reason, coalesce(new.ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))); END
;
