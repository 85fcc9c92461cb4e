-- hwf journal, schema version 4: how many elements of each task are in each state, kept by
-- triggers as elements are written, so that a pass learns a large run's counts without reading
-- its elements; with the running seconds of the elements that are not live (the ended ones' tries,
-- the earlier tries of WAITING ones), for the GPU-hour budget. WAITING elements are counted by
-- reason as well ('' for none; other states count under ''), so that a reason every held element
-- carries already is not written over a large queue again on every pass.
CREATE TABLE hwf_count (
  run_id   TEXT NOT NULL,
  task     TEXT NOT NULL,
  state    TEXT NOT NULL,
  reason   TEXT NOT NULL,
  n        INTEGER NOT NULL,
  seconds  REAL NOT NULL,
  PRIMARY KEY (run_id, task, state, reason)
)
;
INSERT INTO hwf_count(run_id, task, state, reason, n, seconds) SELECT e.run_id, e.task, e.state, CASE WHEN e.state='WAITING' THEN coalesce(e.reason, '') ELSE '' END, count(*), sum(CASE WHEN e.state IN ('SUCCEEDED','FAILED','CANCELLED') THEN e.earlier_seconds + max(0, coalesce((julianday(e.ended_at) - julianday(e.started_at)) * 86400.0, 0)) WHEN e.state='WAITING' THEN e.earlier_seconds ELSE 0 END) FROM hwf_element e GROUP BY e.run_id, e.task, e.state, CASE WHEN e.state='WAITING' THEN coalesce(e.reason, '') ELSE '' END
;
-- element rows are inserted only when a run is created, which writes its tasks' counts itself;
-- the triggers follow every change after that. Each trigger body is on one line: its statements
-- end in "; " within it, the script's own at a line's end.
CREATE TRIGGER hwf_count_update AFTER UPDATE OF state, reason, earlier_seconds, started_at, ended_at ON hwf_element BEGIN UPDATE hwf_count SET n = n - 1, seconds = seconds - (CASE WHEN old.state IN ('SUCCEEDED','FAILED','CANCELLED') THEN old.earlier_seconds + max(0, coalesce((julianday(old.ended_at) - julianday(old.started_at)) * 86400.0, 0)) WHEN old.state='WAITING' THEN old.earlier_seconds ELSE 0 END) WHERE run_id=old.run_id AND task=old.task AND state=old.state AND reason=CASE WHEN old.state='WAITING' THEN coalesce(old.reason, '') ELSE '' END; INSERT INTO hwf_count(run_id, task, state, reason, n, seconds) VALUES (new.run_id, new.task, new.state, CASE WHEN new.state='WAITING' THEN coalesce(new.reason, '') ELSE '' END, 1, CASE WHEN new.state IN ('SUCCEEDED','FAILED','CANCELLED') THEN new.earlier_seconds + max(0, coalesce((julianday(new.ended_at) - julianday(new.started_at)) * 86400.0, 0)) WHEN new.state='WAITING' THEN new.earlier_seconds ELSE 0 END) ON CONFLICT(run_id, task, state, reason) DO UPDATE SET n = n + 1, seconds = seconds + excluded.seconds; END
;
CREATE TRIGGER hwf_count_delete AFTER DELETE ON hwf_element BEGIN UPDATE hwf_count SET n = n - 1, seconds = seconds - (CASE WHEN old.state IN ('SUCCEEDED','FAILED','CANCELLED') THEN old.earlier_seconds + max(0, coalesce((julianday(old.ended_at) - julianday(old.started_at)) * 86400.0, 0)) WHEN old.state='WAITING' THEN old.earlier_seconds ELSE 0 END) WHERE run_id=old.run_id AND task=old.task AND state=old.state AND reason=CASE WHEN old.state='WAITING' THEN coalesce(old.reason, '') ELSE '' END; END
