-- Personal representatives (45 CFR 164.502(g)): a parent of a minor, a
-- guardian, the holder of a health-care power of attorney, or the executor
-- or administrator of a deceased patient's estate is treated as the
-- individual.  OCR's Essex Residential Care settlement began with a son
-- holding a power of attorney refused.  The authority and the document that
-- proves it are recorded once, checked by a named clerk, with an expiry,
-- and kept on file for the patient's later requests.

CREATE TYPE representative_authority AS ENUM (
  'parent_of_minor', 'guardian', 'health_care_poa', 'executor', 'administrator');

CREATE TABLE personal_representatives (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id    bigint NOT NULL REFERENCES patients,
  name          text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 500),
  authority     representative_authority NOT NULL,
  document      text NOT NULL CHECK (btrim(document) <> '' AND length(document) <= 2000),
  valid_until   date,
  verified_by   text NOT NULL DEFAULT session_user,
  verified_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_representatives_patient_idx ON personal_representatives (patient_id);

CREATE FUNCTION personal_representatives_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.verified_by := session_user;
  NEW.verified_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER personal_representatives_stamp BEFORE INSERT OR UPDATE ON personal_representatives
  FOR EACH ROW EXECUTE FUNCTION personal_representatives_stamp();
CREATE TRIGGER personal_representatives_audit AFTER INSERT OR UPDATE OR DELETE ON personal_representatives
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The representative's authority on file for a request: same patient, the
-- requester's name (case and spacing aside), not expired on @p_on.
CREATE FUNCTION roi_representative_on_file(p_request_id bigint, p_on date)
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT p.id
    FROM roi_requests r
    JOIN requesters q ON q.id = r.requester_id
    JOIN personal_representatives p ON p.patient_id = r.patient_id
   WHERE r.id = p_request_id
     AND lower(regexp_replace(btrim(p.name), '\s+', ' ', 'g'))
         = lower(regexp_replace(btrim(q.name), '\s+', ' ', 'g'))
     AND (p.valid_until IS NULL OR p.valid_until >= p_on)
   ORDER BY p.verified_at DESC
   LIMIT 1
$$;

-- A representative's request is verified only with the authority on file.
CREATE FUNCTION roi_requests_check_representative() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'received' AND NEW.status = 'authorization_verified'
     AND (SELECT q.kind FROM requesters q WHERE q.id = NEW.requester_id) = 'personal_representative'
     AND roi_representative_on_file(NEW.id, current_date) IS NULL THEN
    RAISE EXCEPTION 'request % is from a personal representative whose authority is not on file',
                    OLD.reference
      USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_check_representative BEFORE UPDATE OF status ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_check_representative();

GRANT SELECT, INSERT, UPDATE ON personal_representatives TO custodian_clerk, custodian_admin;
GRANT SELECT ON personal_representatives TO custodian_billing, custodian_auditor;
