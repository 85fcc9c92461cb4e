-- hwf journal, schema version 10 (SPEC section 7, stuck):
-- why a QUEUED element's job waits, as its scheduler said at the last pass that read it
-- (pending: ReqNodeNotAvail, JobHeldUser, held (Hold_Types u), ...), and whether that can clear
-- by itself (pending_block: CLEARS, or HELD, DOWN, BUDGET, NEVER for a reason that cannot). Both
-- null when the scheduler gives no reason, and cleared when the element leaves the queue.
ALTER TABLE hwf_element ADD COLUMN pending TEXT
;
ALTER TABLE hwf_element ADD COLUMN pending_block TEXT
;
