-- The hospital's own fee amounts (issue 3): "unless the hospital configured
-- lower amounts, a third-party quote is the schedule's maximum".  They are
-- schedules of kind 'facility', versioned and audited like the state's, so
-- an invoice names the amounts it was priced with; the engine charges them
-- only where they come to less than the state maximum.
ALTER TABLE fee_schedules DROP CONSTRAINT fee_schedules_kind_check;
ALTER TABLE fee_schedules ADD CONSTRAINT fee_schedules_kind_check
  CHECK (kind IN ('fee', 'exemption', 'exclusion', 'hipaa', 'facility'));
