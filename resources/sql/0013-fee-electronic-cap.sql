-- A separate ceiling for electronic and media copies (issue 3): South
-- Carolina caps them at $150 and paper at $200 (44-115-80).  The key
-- electronic-cap-cents of resources/seed/fee-schedules.ini; unset, cap_cents
-- applies to every format.
ALTER TABLE fee_schedules ADD COLUMN electronic_cap_cents bigint
  CHECK (electronic_cap_cents >= 0);
