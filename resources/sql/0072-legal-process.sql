-- 0072: legal process (issue 20).  A request from a court, an attorney
-- with a subpoena, or an agency can be entered as legal process: a court
-- order, a subpoena signed by a judge, or a subpoena without a court
-- order.  45 CFR 164.512(e)(1)(ii) lets the last one be answered only
-- with satisfactory assurances: a written statement and documentation
-- that the individual was notified and the time to object passed
-- (164.512(e)(1)(iii)), or that a qualified protective order was agreed
-- or sought (164.512(e)(1)(iv), (v)).  Substance use disorder records
-- under 42 CFR Part 2 are not released on a subpoena at all: they need a
-- court order with the findings of 42 CFR 2.64 (2.61).
--
-- WHAT IS STORED
--   legal_process_elements  the checklist as data, as the authorization's
--                           (0040): each element belongs to a route, and
--                           a route is satisfied when every active element
--                           of it is on file.  Routes: 'notice' and
--                           'protective_order' (either one is a
--                           subpoena's satisfactory assurances), 'part2'
--                           (all of it, for Part 2 records).
--   legal_processes         the request's legal process: its kind, who
--                           issued it, the case, whether Part 2 records
--                           are sought.
--   legal_process_checks    per request and element: on file or not, by
--                           whom and when (the server's word).
--
-- THE GATE
--   legal_process_gaps(request) says what still keeps a request from
--   release, NULL when nothing does; the trigger
--   roi_requests_check_legal_process refuses the move to released while
--   it says something (CS001).  It is a trigger of its own, so
--   release_request() stays packet-review's.
--
-- TIMING
--   Entering legal process sets the request's purpose to 'subpoena', which
--   0063 times (and 0060 prices) as legal process, whatever the kind.
--
-- WHO
--   clerks and administrators enter legal process and check elements;
--   administrators change the elements; everyone reads.

CREATE TYPE legal_process_kind AS ENUM ('court_order', 'judge_subpoena', 'subpoena');

CREATE TABLE legal_process_elements (
  code      text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
  route     text NOT NULL CHECK (route IN ('notice', 'protective_order', 'part2')),
  label     text NOT NULL CHECK (btrim(label) <> ''),
  citation  text NOT NULL CHECK (btrim(citation) <> ''),
  position  integer NOT NULL,
  active    boolean NOT NULL DEFAULT true
);

INSERT INTO legal_process_elements (code, route, label, citation, position) VALUES
  ('notice_good_faith', 'notice',
   'A written statement and documentation that the party seeking the records made a good faith attempt to give the individual written notice',
   '45 CFR 164.512(e)(1)(ii)(A), (e)(1)(iii)(A)', 10),
  ('notice_enough_to_object', 'notice',
   'The notice gave enough information about the proceeding for the individual to raise an objection with the court',
   '45 CFR 164.512(e)(1)(iii)(B)', 20),
  ('notice_time_passed', 'notice',
   'The time to object has passed, and no objection was filed or every objection was resolved in a way that allows this disclosure',
   '45 CFR 164.512(e)(1)(iii)(C)', 30),
  ('qpo_sought', 'protective_order',
   'A written statement and documentation that the parties agreed to a qualified protective order and presented it to the court, or that the party seeking the records asked the court for one',
   '45 CFR 164.512(e)(1)(ii)(B), (e)(1)(iv)', 110),
  ('qpo_terms', 'protective_order',
   'The protective order forbids using or disclosing the records outside the proceeding and requires them returned or destroyed at its end',
   '45 CFR 164.512(e)(1)(v)', 120),
  ('part2_court_order', 'part2',
   'A court order authorizing the disclosure of the substance use disorder records (a subpoena alone does not)',
   '42 CFR 2.61, 2.64', 210),
  ('part2_notice', 'part2',
   'The patient and the record holder were given notice of the application and an opportunity to respond',
   '42 CFR 2.64(b)', 220),
  ('part2_other_ways', 'part2',
   'The order finds that other ways of obtaining the information are not available or would not be effective',
   '42 CFR 2.64(d)(1)', 230),
  ('part2_public_interest', 'part2',
   'The order finds that the public interest and need for the disclosure outweigh the potential injury to the patient, the physician-patient relationship and the treatment services',
   '42 CFR 2.64(d)(2)', 240),
  ('part2_limits', 'part2',
   'The order limits the disclosure to the parts of the record essential to its purpose and to the persons who need them, and protects their confidentiality',
   '42 CFR 2.64(e)', 250);

CREATE TABLE legal_processes (
  request_id     bigint PRIMARY KEY REFERENCES roi_requests,
  kind           legal_process_kind NOT NULL,
  issuer         text NOT NULL CHECK (btrim(issuer) <> '' AND length(issuer) <= 300),
  case_number    text NOT NULL DEFAULT '' CHECK (length(case_number) <= 200),
  part2_records  boolean NOT NULL DEFAULT false,
  recorded_by    text NOT NULL DEFAULT session_user,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE legal_process_checks (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id    bigint NOT NULL REFERENCES legal_processes,
  element_code  text NOT NULL REFERENCES legal_process_elements,
  on_file       boolean NOT NULL,
  note          text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  checked_by    text NOT NULL DEFAULT session_user,
  checked_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, element_code)
);

-- Legal process belongs to an open third party's request; who entered it
-- and when are the server's word.  Legal process cannot be entered for
-- the individual's own access (164.524), which no subpoena governs.
CREATE FUNCTION legal_processes_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  req roi_requests;
  requester requester_kind;
BEGIN
  SELECT * INTO req FROM roi_requests WHERE id = COALESCE(NEW.request_id, OLD.request_id);
  IF req.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed (%): its legal process can no longer change',
      req.reference, req.status USING ERRCODE = 'CS002';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.request_id <> OLD.request_id THEN
    RAISE EXCEPTION 'legal process cannot move to another request' USING ERRCODE = 'CS004';
  END IF;
  SELECT q.kind INTO requester FROM requesters q WHERE q.id = req.requester_id;
  IF requester IN ('patient', 'personal_representative', 'patient_directive') THEN
    RAISE EXCEPTION 'request % is the individual''s own; it cannot be entered as legal process',
      req.reference USING ERRCODE = 'CS004';
  END IF;
  NEW.recorded_by := session_user;
  NEW.recorded_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER legal_processes_stamp BEFORE INSERT OR UPDATE ON legal_processes
  FOR EACH ROW EXECUTE FUNCTION legal_processes_stamp();
CREATE TRIGGER legal_processes_audit AFTER INSERT OR UPDATE OR DELETE ON legal_processes
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

CREATE FUNCTION legal_process_checks_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  req roi_requests;
BEGIN
  SELECT * INTO req FROM roi_requests WHERE id = NEW.request_id;
  IF req.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed (%): its legal process can no longer change',
      req.reference, req.status USING ERRCODE = 'CS002';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.request_id <> OLD.request_id
                           OR NEW.element_code <> OLD.element_code) THEN
    RAISE EXCEPTION 'a check cannot move to another request or element' USING ERRCODE = 'CS004';
  END IF;
  NEW.checked_by := session_user;
  NEW.checked_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER legal_process_checks_stamp BEFORE INSERT OR UPDATE ON legal_process_checks
  FOR EACH ROW EXECUTE FUNCTION legal_process_checks_stamp();
CREATE TRIGGER legal_process_checks_audit AFTER INSERT OR UPDATE OR DELETE ON legal_process_checks
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The routes a request's legal process needs, and whether each element is
-- on file: the checklist the request view shows.
CREATE FUNCTION legal_process_checklist(p_request_id bigint)
RETURNS TABLE (code text, route text, label text, citation text, on_file boolean,
               note text, checked_by text, checked_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT e.code, e.route, e.label, e.citation, COALESCE(c.on_file, false), COALESCE(c.note, ''),
         c.checked_by, c.checked_at
    FROM legal_processes p
    JOIN legal_process_elements e
      ON e.active AND ((p.kind = 'subpoena' AND e.route IN ('notice', 'protective_order'))
                       OR (p.part2_records AND e.route = 'part2'))
    LEFT JOIN legal_process_checks c ON c.request_id = p.request_id AND c.element_code = e.code
   WHERE p.request_id = p_request_id
   ORDER BY e.position, e.code
$$;

-- What keeps the request from release, in words, or NULL.  A route is on
-- file when none of its elements is missing.
CREATE FUNCTION legal_process_gaps(p_request_id bigint)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  p legal_processes;
  notice_gaps text;
  order_gaps text;
  part2_gaps text;
  gaps text[] := '{}';
BEGIN
  SELECT * INTO p FROM legal_processes WHERE request_id = p_request_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT string_agg(c.code, ', ' ORDER BY c.code) FILTER (WHERE c.route = 'notice' AND NOT c.on_file),
         string_agg(c.code, ', ' ORDER BY c.code) FILTER (WHERE c.route = 'protective_order' AND NOT c.on_file),
         string_agg(c.code, ', ' ORDER BY c.code) FILTER (WHERE c.route = 'part2' AND NOT c.on_file)
    INTO notice_gaps, order_gaps, part2_gaps
    FROM legal_process_checklist(p_request_id) c;
  IF p.kind = 'subpoena' AND notice_gaps IS NOT NULL AND order_gaps IS NOT NULL THEN
    gaps := gaps || format('a subpoena without a court order needs satisfactory assurances '
                           '(45 CFR 164.512(e)(1)(ii)): the notice (%s) or the protective order (%s)',
                           notice_gaps, order_gaps);
  END IF;
  IF p.part2_records AND p.kind <> 'court_order' THEN
    gaps := gaps || 'Part 2 records are released on a court order only (42 CFR 2.61, 2.64)'::text;
  END IF;
  IF p.part2_records AND part2_gaps IS NOT NULL THEN
    gaps := gaps || format('the court order''s 42 CFR 2.64 findings (%s)', part2_gaps);
  END IF;
  RETURN NULLIF(array_to_string(gaps, '; '), '');
END $$;

CREATE FUNCTION roi_requests_check_legal_process() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  gaps text := legal_process_gaps(NEW.id);
BEGIN
  IF gaps IS NOT NULL THEN
    RAISE EXCEPTION 'request % cannot be released on its legal process yet: %', OLD.reference, gaps
      USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_check_legal_process BEFORE UPDATE OF status ON roi_requests
  FOR EACH ROW WHEN (NEW.status = 'released' AND OLD.status <> 'released')
  EXECUTE FUNCTION roi_requests_check_legal_process();

-- Entering legal process times the request as legal process (0063) in
-- the same statement: the purpose becomes 'subpoena'.
CREATE FUNCTION legal_processes_time_request() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE roi_requests SET purpose_code = 'subpoena'
   WHERE id = NEW.request_id AND purpose_code <> 'subpoena';
  RETURN NULL;
END $$;
CREATE TRIGGER legal_processes_time_request AFTER INSERT ON legal_processes
  FOR EACH ROW EXECUTE FUNCTION legal_processes_time_request();

GRANT SELECT ON legal_process_elements
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT, UPDATE ON legal_process_elements TO custodian_admin;
GRANT SELECT, INSERT, UPDATE ON legal_processes, legal_process_checks TO custodian_clerk, custodian_admin;
GRANT SELECT ON legal_processes, legal_process_checks TO custodian_billing, custodian_auditor;

-- A disclosure for legal process is made under 164.512(e), not on the
-- patient's authorization (164.508): a request entered as legal process no
-- longer waits for the authorization checklist of 0040, which its
-- elements (the patient's signature, the right to revoke…) could never
-- satisfy.  As 0040's otherwise.
CREATE OR REPLACE FUNCTION roi_authorization_required(p_request_id bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT q.kind NOT IN ('patient', 'personal_representative')
         AND NOT EXISTS (SELECT 1 FROM legal_processes p WHERE p.request_id = r.id)
    FROM roi_requests r JOIN requesters q ON q.id = r.requester_id
   WHERE r.id = p_request_id
$$;

-- The custodian of records' certification of the packet, generic and in
-- Texas Rule of Evidence 902(10)'s form, become document kinds whose
-- wording the hospital edits like the letters'.  The kinds other
-- migrations allowed stay allowed: the constraint grows by these two.
DO $$
DECLARE
  allowed text := (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                    WHERE c.conname = 'document_templates_kind_check'
                      AND c.conrelid = 'document_templates'::regclass);
BEGIN
  ALTER TABLE document_templates DROP CONSTRAINT document_templates_kind_check;
  EXECUTE format('ALTER TABLE document_templates ADD CONSTRAINT document_templates_kind_check'
                 ' CHECK ((%s) OR kind IN (%L, %L))',
                 regexp_replace(allowed, '^CHECK ', ''),
                 'records-certification', 'records-certification-tx');
END $$;
