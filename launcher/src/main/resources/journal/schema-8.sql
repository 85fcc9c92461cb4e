-- hwf journal, schema version 8: an attempt hwf withdrew from its site to place it again
-- (replaceAfter, SPEC section 7). Written before its jobs are cancelled: a pass that finds an
-- attempt withdrawn with elements still live cancels its jobs (again) and puts them back to WAITING.
ALTER TABLE hwf_attempt ADD COLUMN withdrawn_at TEXT
