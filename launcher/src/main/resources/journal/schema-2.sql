-- hwf journal, schema version 2: where a service task answers once it is ready.
ALTER TABLE hwf_attempt ADD COLUMN endpoint TEXT
;
ALTER TABLE hwf_attempt ADD COLUMN ready_at TEXT
