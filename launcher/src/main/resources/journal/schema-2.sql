-- hwf journal, schema version 2: where a service task answers once it is ready, and the
-- running time of an element's earlier tries.
ALTER TABLE hwf_attempt ADD COLUMN endpoint TEXT
;
ALTER TABLE hwf_attempt ADD COLUMN ready_at TEXT
;
-- running seconds of an element's earlier tries (a retry or resume clears started_at/ended_at
-- for the next try; what the last try ran is added here first), for core- and GPU-hours
ALTER TABLE hwf_element ADD COLUMN earlier_seconds REAL NOT NULL DEFAULT 0
