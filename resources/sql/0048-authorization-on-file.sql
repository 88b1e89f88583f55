-- A verified authorization is on file (45 CFR 164.508; issue 7).
--
-- A third party's request leaves "received" only with every element of the
-- authorization checklist present or not applicable (0040).  That is what
-- "authorization on file" means to the release, which records a disclosure
-- under 164.508 with it and under 164.512 (accountable to the patient)
-- without it.  Until now only a separate tick set it, so a fully checked
-- authorization could still be recorded as a 164.512 disclosure.  The gate
-- now sets it when it lets the request through.
CREATE OR REPLACE FUNCTION roi_requests_check_authorization() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  gaps text;
BEGIN
  IF NEW.status = OLD.status OR NOT roi_authorization_required(NEW.id) THEN
    RETURN NEW;
  END IF;
  IF OLD.status = 'received' AND NEW.status = 'authorization_verified' THEN
    SELECT string_agg(c.code, ', ') INTO gaps
      FROM roi_authorization_checklist(NEW.id) c
     WHERE c.finding IS NULL OR c.finding = 'missing';
    IF gaps IS NOT NULL THEN
      RAISE EXCEPTION 'the authorization for request % is incomplete: %', OLD.reference, gaps
        USING ERRCODE = 'CS001';
    END IF;
    NEW.authorization_on_file := true;
  END IF;
  IF NEW.status = 'released' AND NEW.authorization_expires IS NOT NULL
     AND NEW.authorization_expires < current_date THEN
    RAISE EXCEPTION 'the authorization for request % expired on %', OLD.reference,
                    NEW.authorization_expires
      USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;

-- Open requests verified before this migration: the checklist was complete
-- when they passed the gate, so their authorization is on file too.  Through
-- the triggers, so each change is versioned and in the audit log like any
-- other.  Closed requests cannot change, and their disclosures were recorded
-- as they were: an auditor finds them by legal_basis.
UPDATE roi_requests r SET authorization_on_file = true
 WHERE NOT r.authorization_on_file
   AND r.status NOT IN ('received', 'released', 'denied', 'cancelled')
   AND roi_authorization_required(r.id)
   AND NOT EXISTS (SELECT 1 FROM roi_authorization_checklist(r.id) c
                    WHERE c.finding IS NULL OR c.finding = 'missing');
