-- hwf journal, schema version 3: site limits kept with the run, and array jobs that carry a slice
-- of a task's elements under their own scheduler indices.
-- the limits hwf read from the scheduler for a run (SiteLimits as JSON) and when
CREATE TABLE hwf_site_limits (
  run_id   TEXT PRIMARY KEY REFERENCES hwf_run(id),
  limits   TEXT NOT NULL,
  read_at  TEXT NOT NULL
)
;
-- an attempt's scheduler array index i is the task's element index_offset + i (0 unless the
-- task's indices reach the site's array size limit)
ALTER TABLE hwf_attempt ADD COLUMN index_offset INTEGER NOT NULL DEFAULT 0
;
-- live elements across a journal's running runs are counted for the site's job limit
CREATE INDEX hwf_element_state ON hwf_element(state, run_id)
