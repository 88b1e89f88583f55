-- The authorization checklist: the required elements of a valid HIPAA
-- authorization (45 CFR 164.508(c)) as data, each checked per request by a
-- named clerk, and the workflow refusing to go on while one is missing.

-- Elements: the core set every authorization needs, state add-ons (only for
-- requests in that jurisdiction) and the sensitive categories that need their
-- own specific consent.  New rows here extend every later checklist.
CREATE TABLE authorization_elements (
  code         text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
  label        text NOT NULL CHECK (btrim(label) <> ''),
  citation     text NOT NULL CHECK (btrim(citation) <> ''),
  category     text NOT NULL CHECK (category IN ('core', 'state', 'sensitive')),
  jurisdiction char(2) REFERENCES jurisdictions,
  position     integer NOT NULL,
  active       boolean NOT NULL DEFAULT true,
  CHECK ((category = 'state') = (jurisdiction IS NOT NULL))
);

INSERT INTO authorization_elements (code, label, citation, category, jurisdiction, position) VALUES
  ('description', 'A specific and meaningful description of the information to be disclosed',
   '45 CFR 164.508(c)(1)(i)', 'core', NULL, 10),
  ('discloser', 'The name of the person or class of persons authorized to make the disclosure',
   '45 CFR 164.508(c)(1)(ii)', 'core', NULL, 20),
  ('recipient', 'The name of the person or class of persons to whom the disclosure may be made',
   '45 CFR 164.508(c)(1)(iii)', 'core', NULL, 30),
  ('purpose', 'The purpose of the disclosure (or "at the request of the individual")',
   '45 CFR 164.508(c)(1)(iv)', 'core', NULL, 40),
  ('expiration', 'An expiration date or expiration event',
   '45 CFR 164.508(c)(1)(v)', 'core', NULL, 50),
  ('signature', 'The signature of the individual and the date',
   '45 CFR 164.508(c)(1)(vi)', 'core', NULL, 60),
  ('representative_authority', 'When signed by a representative, a description of the representative''s authority',
   '45 CFR 164.508(c)(1)(vi)', 'core', NULL, 70),
  ('right_to_revoke', 'A statement of the right to revoke the authorization in writing and how',
   '45 CFR 164.508(c)(2)(i)', 'core', NULL, 80),
  ('no_conditioning', 'A statement that treatment, payment, enrollment or eligibility is not conditioned on signing',
   '45 CFR 164.508(c)(2)(ii)', 'core', NULL, 90),
  ('redisclosure', 'A statement that the disclosed information may be re-disclosed and no longer protected',
   '45 CFR 164.508(c)(2)(iii)', 'core', NULL, 100),
  ('plain_language', 'Written in plain language',
   '45 CFR 164.508(c)(3)', 'core', NULL, 110),
  ('part2_consent', 'Substance use disorder records: a consent meeting 42 CFR Part 2',
   '42 CFR 2.31', 'sensitive', NULL, 200),
  ('psychotherapy_notes', 'Psychotherapy notes: a separate authorization for them alone',
   '45 CFR 164.508(a)(2)', 'sensitive', NULL, 210),
  ('ny_hiv', 'New York: an explicit authorization for confidential HIV-related information',
   'N.Y. Public Health Law 2782', 'state', 'NY', 300),
  ('ca_mental_health', 'California: the specific mental-health information and uses named',
   'Cal. Welf. & Inst. Code 5328', 'state', 'CA', 310);

CREATE TYPE authorization_finding AS ENUM ('present', 'missing', 'not_applicable');

CREATE TABLE authorization_checks (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id   bigint NOT NULL REFERENCES roi_requests,
  element_code text NOT NULL REFERENCES authorization_elements,
  finding      authorization_finding NOT NULL,
  note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  checked_by   text NOT NULL DEFAULT session_user,
  checked_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, element_code)
);

-- Who checked and when are the server's word, never the client's; a re-check
-- replaces the finding and the audit log keeps the earlier one.
CREATE FUNCTION authorization_checks_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.request_id <> OLD.request_id
                           OR NEW.element_code <> OLD.element_code) THEN
    RAISE EXCEPTION 'a check cannot move to another request or element'
      USING ERRCODE = 'CS004';
  END IF;
  NEW.checked_by := session_user;
  NEW.checked_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER authorization_checks_stamp BEFORE INSERT OR UPDATE ON authorization_checks
  FOR EACH ROW EXECUTE FUNCTION authorization_checks_stamp();
CREATE TRIGGER authorization_checks_audit AFTER INSERT OR UPDATE OR DELETE ON authorization_checks
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The individual's own access (164.524) needs no authorization; everyone else
-- does (164.508(a)).
CREATE FUNCTION roi_authorization_required(p_request_id bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT q.kind NOT IN ('patient', 'personal_representative')
    FROM roi_requests r JOIN requesters q ON q.id = r.requester_id
   WHERE r.id = p_request_id
$$;

-- The checklist of one request: every element that applies, with its finding
-- (NULL while unchecked).
CREATE FUNCTION roi_authorization_checklist(p_request_id bigint)
RETURNS TABLE (code text, label text, citation text, category text,
               finding authorization_finding, note text,
               checked_by text, checked_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT e.code, e.label, e.citation, e.category, c.finding, c.note,
         c.checked_by, c.checked_at
    FROM roi_requests r
    JOIN authorization_elements e
      ON e.active AND (e.jurisdiction IS NULL OR e.jurisdiction = r.jurisdiction)
    LEFT JOIN authorization_checks c
      ON c.request_id = r.id AND c.element_code = e.code
   WHERE r.id = p_request_id
   ORDER BY e.position, e.code
$$;

-- The gate: leaving "received" for "authorization_verified" needs every
-- applicable element checked and none missing; releasing needs an
-- authorization that has not expired by the release date (164.508(b)(2)(i)).
CREATE FUNCTION roi_requests_check_authorization() RETURNS trigger
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
  END IF;
  IF NEW.status = 'released' AND NEW.authorization_expires IS NOT NULL
     AND NEW.authorization_expires < current_date THEN
    RAISE EXCEPTION 'the authorization for request % expired on %', OLD.reference,
                    NEW.authorization_expires
      USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_check_authorization BEFORE UPDATE OF status ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_check_authorization();

GRANT SELECT ON authorization_elements
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT, UPDATE ON authorization_elements TO custodian_admin;
GRANT SELECT, INSERT, UPDATE ON authorization_checks TO custodian_clerk, custodian_admin;
GRANT SELECT ON authorization_checks TO custodian_billing, custodian_auditor;
