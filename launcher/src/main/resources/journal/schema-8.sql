-- hwf journal, schema version 8 (SPEC section 7):
-- how a task's inputs went from site to site (its staging's route): "through this machine", or
-- directly from one site's login node to the other's (reaches:);
-- an attempt hwf withdrew from its site to place it again (replaceAfter). Written before its jobs
-- are cancelled: a pass that finds an attempt withdrawn with elements still live cancels its jobs
-- (again) and puts them back to WAITING.
ALTER TABLE hwf_staging ADD COLUMN route TEXT
;
ALTER TABLE hwf_attempt ADD COLUMN withdrawn_at TEXT
;
