-- Other people the request names, as fields of the request (issue 19).
--
-- WHAT IS STORED
--   request_other_people  the names and medical record numbers of other
--                         people a request gives (a relative on the chart,
--                         a roommate, a transferred-in patient), for the
--                         proposal finder to propose wherever they stand
--                         in the request's record pages.  Until now they
--                         were command-line flags of `packet propose`,
--                         forgotten after the run; they are now kept with
--                         the request (its facility's, like every row with
--                         a request_id), so the page view's Find Proposals
--                         and every later run read them.  The flags stay,
--                         as extra people for one run.
--
-- WHO MAY RUN WHAT
--   request_other_person_add, request_other_person_remove
--                         custodian_clerk, custodian_admin, while the
--                         request is open (its redactions may change).
--   Reading: the desk, auditors and administrators, limited to the
--   request's facility by the request's own row-level security.

CREATE TABLE request_other_people (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id  bigint NOT NULL REFERENCES roi_requests,
  kind        text NOT NULL CHECK (kind IN ('name', 'mrn')),
  value       text NOT NULL CHECK (btrim(value) <> '' AND length(value) <= 200),
  added_by    text NOT NULL DEFAULT session_user,
  added_at    timestamptz NOT NULL DEFAULT now()
);
-- One row per request, kind and spelling (case aside).
CREATE UNIQUE INDEX request_other_people_once_idx
  ON request_other_people (request_id, kind, lower(value));

CREATE TRIGGER request_other_people_audit AFTER INSERT OR UPDATE OR DELETE ON request_other_people
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
-- As 0080 does for every table with a request_id: a write through the
-- functions below is refused for another facility's request.
CREATE TRIGGER facility_guard BEFORE INSERT OR UPDATE ON request_other_people
  FOR EACH ROW EXECUTE FUNCTION facility_guard_request('check');

GRANT SELECT ON request_other_people TO custodian_clerk, custodian_auditor, custodian_admin;
ALTER TABLE request_other_people ENABLE ROW LEVEL SECURITY;
CREATE POLICY request_other_people_read ON request_other_people FOR SELECT
  USING (EXISTS (SELECT 1 FROM roi_requests r WHERE r.id = request_id));

-- Adds another person's name (@p_kind 'name') or MRN ('mrn') to request
-- @p_request_id; returns the row's id (the existing row's when the
-- request gives it already).
CREATE FUNCTION request_other_person_add(p_request_id bigint, p_kind text, p_value text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  row_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk records whom a request names'
      USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM roi_requests WHERE id = p_request_id) THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  IF p_kind IS NULL OR p_kind NOT IN ('name', 'mrn') THEN
    RAISE EXCEPTION 'another person is given by name or mrn, not %', p_kind USING ERRCODE = 'CS004';
  END IF;
  PERFORM record_redaction_request_open(p_request_id);
  SELECT id INTO row_id FROM request_other_people
   WHERE request_id = p_request_id AND kind = p_kind AND lower(value) = lower(btrim(p_value));
  IF FOUND THEN
    RETURN row_id;
  END IF;
  INSERT INTO request_other_people (request_id, kind, value)
  VALUES (p_request_id, p_kind, btrim(p_value))
  RETURNING id INTO row_id;
  RETURN row_id;
END $$;
REVOKE EXECUTE ON FUNCTION request_other_person_add(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION request_other_person_add(bigint, text, text)
  TO custodian_clerk, custodian_admin;

-- Removes row @p_id of an open request this login works for.
CREATE FUNCTION request_other_person_remove(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  person request_other_people;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk records whom a request names'
      USING ERRCODE = '42501';
  END IF;
  SELECT p.* INTO person FROM request_other_people p JOIN roi_requests r ON r.id = p.request_id
   WHERE p.id = p_id AND r.facility_id = ANY (visible_facility_ids());
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no other person % on a request of this login', p_id USING ERRCODE = 'CS004';
  END IF;
  PERFORM record_redaction_request_open(person.request_id);
  DELETE FROM request_other_people WHERE id = p_id;
END $$;
REVOKE EXECUTE ON FUNCTION request_other_person_remove(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION request_other_person_remove(bigint) TO custodian_clerk, custodian_admin;
