-- The request's purpose as the fee engine knows it (issue 17).  Free-copy
-- and flat-fee rules depend on it (New York's benefit claims, Texas's
-- 161.202, Pennsylvania's Social Security flat fee), so it is a choice of
-- the engine's purposes, kept beside the free text the clerk wrote, which
-- stays as it was (it is what the accounting of disclosures prints).
ALTER TABLE roi_requests
  ADD COLUMN purpose_code text NOT NULL DEFAULT 'other'
  CHECK (purpose_code IN ('benefits-claim', 'personal-injury', 'continuing-care', 'subpoena', 'other'));

-- The individual directing a copy of their records to a third party (45 CFR
-- 164.524(c)(3)(ii)): a requester class of its own, priced as the engine's
-- patient-directive.  The requests already logged keep their class.
ALTER TYPE requester_kind ADD VALUE IF NOT EXISTS 'patient_directive';
