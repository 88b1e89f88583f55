-- Fee schedules, second part (issue 3).
--
-- The hospital's own fee amounts: "unless the hospital configured
-- lower amounts, a third-party quote is the schedule's maximum".  They are
-- schedules of kind 'facility', versioned and audited like the state's, so
-- an invoice names the amounts it was priced with; the engine charges them
-- only where they come to less than the state maximum.
ALTER TABLE fee_schedules DROP CONSTRAINT fee_schedules_kind_check;
ALTER TABLE fee_schedules ADD CONSTRAINT fee_schedules_kind_check
  CHECK (kind IN ('fee', 'exemption', 'exclusion', 'hipaa', 'facility'));

-- A separate ceiling for electronic and media copies (South Carolina caps
-- them at $150 and paper at $200, 44-115-80).
ALTER TABLE fee_schedules ADD COLUMN electronic_cap_cents bigint
  CHECK (electronic_cap_cents >= 0);
