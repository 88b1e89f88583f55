-- Which findings each authorization element allows (issue 15).
--
-- "Not applicable" was offered and accepted for every element, the
-- signature and its date included, which 45 CFR 164.508(c)(1)(vi) requires
-- of every authorization.  An element is present or missing on any form;
-- whether it may also be "not applicable" is a property of the element,
-- so it is data beside the element, read by the checklist (which offers the
-- choice only where it is allowed) and enforced here for every client.
--
-- The default is false: an element someone adds later is required unless
-- they say it can be absent for a reason.
ALTER TABLE authorization_elements
  ADD COLUMN allows_not_applicable boolean NOT NULL DEFAULT false;

-- Never "not applicable": 164.508(c)(1) lists the core elements every valid
-- authorization contains, (c)(2) the statements it must carry, (c)(3) that
-- it is in plain language, and (b)(2)(ii) makes a form that lacks any of
-- them defective.  Each has a form that always fits, so none can be
-- absent for a reason:
--   description     (c)(1)(i)   what is to be disclosed: always named;
--   discloser       (c)(1)(ii)  who may disclose: at least a class of persons;
--   recipient       (c)(1)(iii) to whom: at least a class of persons;
--   purpose         (c)(1)(iv)  "at the request of the individual" suffices
--                               when the individual gives no purpose, so
--                               it is present in those words or missing;
--   expiration      (c)(1)(v)   a date or an event ("none" is allowed only
--                               for research databases, still written);
--   signature       (c)(1)(vi)  the signature of the individual (or the
--                               representative) AND the date: an unsigned or
--                               undated form authorizes nothing;
--   right_to_revoke (c)(2)(i), no_conditioning (c)(2)(ii),
--   redisclosure    (c)(2)(iii) the required statements;
--   plain_language  (c)(3).
-- They keep the default, false.

-- "Not applicable" is a real answer where the element depends on who signed
-- or on what is requested:
UPDATE authorization_elements SET allows_not_applicable = true
 WHERE code IN (
   -- (c)(1)(vi): a description of the representative's authority is
   -- required only "if the authorization is signed by a personal
   -- representative"; signed by the individual, it does not apply.
   'representative_authority',
   -- 42 CFR 2.31: only when substance use disorder records from a Part 2
   -- program are requested.
   'part2_consent',
   -- 164.508(a)(2): only when psychotherapy notes are requested.
   'psychotherapy_notes',
   -- N.Y. Public Health Law 2782: only when confidential HIV-related
   -- information is to be disclosed.
   'ny_hiv',
   -- Cal. Welf. & Inst. Code 5328: only when information from mental-health
   -- services is requested.
   'ca_mental_health');

-- A client cannot write a finding its element does not allow.  An element
-- changed later to disallow "not applicable" keeps the findings already
-- recorded (the audit log says when they were made); a new or changed one
-- must be present or missing.
CREATE FUNCTION authorization_checks_finding_allowed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  element authorization_elements;
BEGIN
  SELECT * INTO element FROM authorization_elements WHERE code = NEW.element_code;
  IF NEW.finding = 'not_applicable' AND NOT element.allows_not_applicable THEN
    RAISE EXCEPTION 'every authorization needs "%" (%): record it as present or missing, not as not applicable',
                    element.label, element.citation
      USING ERRCODE = 'CS004';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER authorization_checks_finding_allowed BEFORE INSERT OR UPDATE ON authorization_checks
  FOR EACH ROW EXECUTE FUNCTION authorization_checks_finding_allowed();

-- Findings already written that are no longer allowed: on a request still
-- waiting at the gate ("received"), "not applicable" for a required element
-- would let it through, so the finding is removed and the element is
-- unchecked again, to be looked at on the form (the audit log keeps the
-- removed row, with who recorded it and when).  Requests past the gate keep
-- their history as it was.
DELETE FROM authorization_checks c
 USING authorization_elements e, roi_requests r
 WHERE e.code = c.element_code AND r.id = c.request_id
   AND c.finding = 'not_applicable' AND NOT e.allows_not_applicable
   AND r.status = 'received';
