-- "No records found" needs a recorded search and a second person.  OCR's
-- Bayfront settlement began with records declared not found that existed;
-- an answer of "no records" (the individual must still be told where to
-- direct the request, 45 CFR 164.524(d)(3)) is therefore given only after
-- the search scope is recorded and another person has signed it off.

ALTER TABLE roi_requests ADD COLUMN no_records boolean NOT NULL DEFAULT false;

CREATE TABLE no_records_searches (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id       bigint NOT NULL UNIQUE REFERENCES roi_requests,
  systems_searched text[] NOT NULL
                   CHECK (cardinality(systems_searched) >= 1
                          AND array_position(systems_searched, '') IS NULL),
  searched_from    date NOT NULL,
  searched_to      date NOT NULL,
  locations        text[] NOT NULL
                   CHECK (cardinality(locations) >= 1 AND array_position(locations, '') IS NULL),
  searched_by      text NOT NULL DEFAULT session_user,
  searched_at      timestamptz NOT NULL DEFAULT now(),
  signed_off_by    text,
  signed_off_at    timestamptz,
  CHECK (searched_from <= searched_to),
  CHECK ((signed_off_by IS NULL) = (signed_off_at IS NULL)),
  CHECK (signed_off_by IS NULL OR signed_off_by <> searched_by)
);

-- Who searched and who signed off are the server's word.  The scope is
-- fixed once recorded; a sign-off is given once, by someone else.
CREATE FUNCTION no_records_searches_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.searched_by := session_user;
    NEW.searched_at := now();
    NEW.signed_off_by := NULL;
    NEW.signed_off_at := NULL;
    RETURN NEW;
  END IF;
  IF OLD.signed_off_by IS NOT NULL
     OR NEW.request_id <> OLD.request_id
     OR NEW.systems_searched <> OLD.systems_searched
     OR NEW.searched_from <> OLD.searched_from OR NEW.searched_to <> OLD.searched_to
     OR NEW.locations <> OLD.locations
     OR NEW.searched_by <> OLD.searched_by OR NEW.searched_at <> OLD.searched_at THEN
    RAISE EXCEPTION 'a recorded search cannot change; only its sign-off is added, once'
      USING ERRCODE = 'CS005';
  END IF;
  IF NEW.signed_off_by IS NOT NULL THEN
    IF session_user = OLD.searched_by THEN
      RAISE EXCEPTION 'the person who searched cannot sign off their own "no records" search'
        USING ERRCODE = '42501';
    END IF;
    NEW.signed_off_by := session_user;
    NEW.signed_off_at := now();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER no_records_searches_stamp BEFORE INSERT OR UPDATE ON no_records_searches
  FOR EACH ROW EXECUTE FUNCTION no_records_searches_stamp();
CREATE TRIGGER no_records_searches_audit AFTER INSERT OR UPDATE OR DELETE ON no_records_searches
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The answer: closing a request as "no records" needs the signed-off search.
CREATE FUNCTION roi_requests_check_no_records() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.no_records AND NEW.status IN ('denied', 'released')
     AND (NEW.status <> OLD.status OR NOT OLD.no_records)
     AND NOT EXISTS (SELECT 1 FROM no_records_searches s
                      WHERE s.request_id = NEW.id AND s.signed_off_by IS NOT NULL) THEN
    RAISE EXCEPTION 'request % cannot be answered "no records found" without a recorded search signed off by a second person',
                    OLD.reference
      USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_check_no_records BEFORE UPDATE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_check_no_records();

GRANT SELECT, INSERT, UPDATE ON no_records_searches TO custodian_clerk, custodian_admin;
GRANT SELECT ON no_records_searches TO custodian_billing, custodian_auditor;
