-- 0061: the individual's directive to send a copy to a third party
-- (requester kind patient_directive, 0060) reaches the two server-side
-- maps of requester kinds written before it existed.  Without this, an
-- invoice for a directive was refused (the app's quote says
-- "patient-directive", the server "other") and its legal clock was a
-- third party's (none) instead of the individual's (45 CFR 164.524(c)(3)).
-- A separate migration because a new enum value cannot be used in the
-- transaction that adds it.

CREATE OR REPLACE FUNCTION invoice_requester_class(k requester_kind) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE k
    WHEN 'patient' THEN 'patient'
    WHEN 'personal_representative' THEN 'patient'
    WHEN 'patient_directive' THEN 'patient-directive'
    WHEN 'attorney' THEN 'attorney'
    WHEN 'insurer' THEN 'insurer'
    WHEN 'provider' THEN 'provider'
    WHEN 'government_agency' THEN 'government'
    ELSE 'other'
  END
$$;

CREATE OR REPLACE FUNCTION roi_deadline_class(kind requester_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE kind WHEN 'patient' THEN 'individual'
                   WHEN 'personal_representative' THEN 'personal-representative'
                   WHEN 'patient_directive' THEN 'directive'
                   ELSE 'third-party' END
$$;
