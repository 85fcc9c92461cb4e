-- hwf journal, schema version 5: where an attempt ran, when hwf learns it from something other
-- than the scheduler: for a packed task's attempt (a bundle of its elements), the name of the
-- pilot agent that claimed it (pELEMENT-aATTEMPT-HOST).
ALTER TABLE hwf_attempt ADD COLUMN ran_on TEXT
