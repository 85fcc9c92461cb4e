-- hwf journal, schema version 8: how a task's inputs went from site to site (its staging's route):
-- "through this machine", or directly from one site's login node to the other's.
ALTER TABLE hwf_staging ADD COLUMN route TEXT
;
