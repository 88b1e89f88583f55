-- The legal clock by state and by who asks (issue 23).
--
-- Until now every request was due jurisdictions.access_deadline_days (30)
-- after receipt.  HIPAA's 30 days (45 CFR 164.524(b)(2)) govern only the
-- individual's own access and the individual's directive; several states
-- set shorter clocks, some in business days; a third party's request under
-- an authorization has no HIPAA deadline at all.  The rules are now data,
-- versioned like the fee schedules (0010): one row per version, never
-- changed, read from resources/seed/deadline-rules.ini by the model
-- (cst-deadline.c, which validates the set) and installed after the
-- migrations by cst_deadline_repo_install_seed().
--
-- A request keeps the rule version it was timed by (deadline_rule_id), as
-- an invoice keeps its schedule version: a newer rule changes the deadline
-- of requests opened after it, never of one already open.  due_date is
-- NULL when no law sets a deadline; only the department's target (0045)
-- then applies.  original_due_date is the deadline before the extension.

CREATE FUNCTION roi_deadline_all_classes() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['individual', 'personal-representative', 'directive', 'third-party', 'legal-process']
$$;
CREATE FUNCTION roi_deadline_all_formats() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['paper', 'electronic', 'media', 'microform']
$$;

CREATE TABLE deadline_rules (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_key       text NOT NULL CHECK (rule_key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  version        integer NOT NULL CHECK (version >= 1),
  -- A state or territory code, or US for the federal (HIPAA) rules.
  jurisdiction   char(2) NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}$'),
  classes        text[] NOT NULL
                 CHECK (cardinality(classes) > 0 AND classes <@ roi_deadline_all_classes()),
  formats        text[] NOT NULL
                 CHECK (cardinality(formats) > 0 AND formats <@ roi_deadline_all_formats()),
  effective_from date NOT NULL,
  effective_to   date CHECK (effective_to IS NULL OR effective_to >= effective_from),
  -- NULL: the law sets no deadline for these requesters.
  days           integer CHECK (days BETWEEN 1 AND 365),
  count          text NOT NULL DEFAULT 'calendar' CHECK (count IN ('calendar', 'business')),
  holidays       text NOT NULL DEFAULT 'federal' CHECK (holidays IN ('federal', 'WA')),
  -- How far the one extension, given in writing, moves the deadline
  -- (same count); 0: the rule allows none.
  extension_days integer NOT NULL DEFAULT 0 CHECK (extension_days BETWEEN 0 AND 365),
  -- C confirmed in the primary text, S secondary source, U UNCONFIRMED.
  confidence     char(1) NOT NULL CHECK (confidence IN ('C', 'S', 'U')),
  citation       text NOT NULL CHECK (btrim(citation) <> ''),
  source         text,
  note           text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     text NOT NULL DEFAULT session_user,
  UNIQUE (rule_key, version),
  CHECK (days IS NOT NULL OR extension_days = 0)
);
CREATE INDEX deadline_rules_jurisdiction_idx ON deadline_rules (jurisdiction, effective_from);

CREATE FUNCTION deadline_rules_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a saved deadline rule version cannot be changed; save a new version'
    USING ERRCODE = 'CS005';
END $$;
CREATE TRIGGER deadline_rules_immutable
  BEFORE UPDATE OR DELETE ON deadline_rules
  FOR EACH ROW EXECUTE FUNCTION deadline_rules_refuse_change();
CREATE TRIGGER deadline_rules_no_truncate
  BEFORE TRUNCATE ON deadline_rules
  FOR EACH STATEMENT EXECUTE FUNCTION deadline_rules_refuse_change();
CREATE TRIGGER deadline_rules_audit AFTER INSERT OR UPDATE OR DELETE ON deadline_rules
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The newest version of each rule: what a new request is timed by.
CREATE VIEW deadline_rules_current WITH (security_invoker = true) AS
  SELECT DISTINCT ON (rule_key) * FROM deadline_rules ORDER BY rule_key, version DESC;

-- Two rules of one jurisdiction for the same requesters, format and day
-- would leave the deadline to the order of their keys: a version that
-- overlaps another rule's newest version is refused, as the model refuses
-- overlapping fee schedules (cst-deadline.c checks the shipped file alike).
CREATE FUNCTION deadline_rules_refuse_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  other text;
BEGIN
  SELECT r.rule_key INTO other FROM deadline_rules_current r
   WHERE r.rule_key <> NEW.rule_key AND r.jurisdiction = NEW.jurisdiction
     AND r.classes && NEW.classes AND r.formats && NEW.formats
     AND r.effective_from <= COALESCE(NEW.effective_to, 'infinity')
     AND NEW.effective_from <= COALESCE(r.effective_to, 'infinity')
   LIMIT 1;
  IF other IS NOT NULL THEN
    RAISE EXCEPTION 'deadline rules % and % cover the same requesters on the same days',
                    NEW.rule_key, other
      USING ERRCODE = 'CS004';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER deadline_rules_no_overlap BEFORE INSERT ON deadline_rules
  FOR EACH ROW EXECUTE FUNCTION deadline_rules_refuse_overlap();

GRANT SELECT ON deadline_rules, deadline_rules_current
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON deadline_rules TO custodian_admin;

-- ------------------------------------------------------------- holidays
-- Computed from their statutes, not listed: 5 U.S.C. 6103 (a Saturday
-- holiday kept on the Friday before, a Sunday one on the Monday after,
-- Executive Order 11582); Washington's RCW 1.16.050 has no Columbus Day
-- and adds the Friday after Thanksgiving.  cst-deadline.c computes the
-- same; tests/db/test-deadlines.c compares the two over 2024-2030.

CREATE FUNCTION roi_deadline_observed(d date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE extract(isodow FROM d) WHEN 6 THEN d - 1 WHEN 7 THEN d + 1 ELSE d END
$$;

-- The n-th ISO weekday (1 Monday ... 7 Sunday) of a month; n = -1 the last.
CREATE FUNCTION roi_deadline_nth_weekday(y integer, m integer, dow integer, n integer)
RETURNS date LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN n > 0 THEN
           make_date(y, m, 1)
             + ((dow - extract(isodow FROM make_date(y, m, 1))::integer + 7) % 7 + 7 * (n - 1))
         ELSE
           (make_date(y, m, 1) + interval '1 month')::date - 1
             - ((extract(isodow FROM (make_date(y, m, 1) + interval '1 month')::date - 1)::integer
                 - dow + 7) % 7)
         END
$$;

CREATE FUNCTION roi_deadline_holidays(y integer, calendar text) RETURNS SETOF date
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT roi_deadline_observed(make_date(y, 1, 1))
  UNION ALL SELECT roi_deadline_nth_weekday(y, 1, 1, 3)
  UNION ALL SELECT roi_deadline_nth_weekday(y, 2, 1, 3)
  UNION ALL SELECT roi_deadline_nth_weekday(y, 5, 1, -1)
  UNION ALL SELECT roi_deadline_observed(make_date(y, 6, 19))
             WHERE y >= CASE calendar WHEN 'WA' THEN 2022 ELSE 2021 END
  UNION ALL SELECT roi_deadline_observed(make_date(y, 7, 4))
  UNION ALL SELECT roi_deadline_nth_weekday(y, 9, 1, 1)
  UNION ALL SELECT roi_deadline_nth_weekday(y, 10, 1, 2) WHERE calendar = 'federal'
  UNION ALL SELECT roi_deadline_observed(make_date(y, 11, 11))
  UNION ALL SELECT roi_deadline_nth_weekday(y, 11, 4, 4)
  UNION ALL SELECT roi_deadline_nth_weekday(y, 11, 4, 4) + 1 WHERE calendar = 'WA'
  UNION ALL SELECT roi_deadline_observed(make_date(y, 12, 25))
  -- Next year's New Year's Day, kept on December 31 when it is a Saturday.
  UNION ALL SELECT roi_deadline_observed(make_date(y + 1, 1, 1))
$$;

-- The day @days calendar or business days after @start (not counted).
-- The holidays of the years the count can reach are computed once.
CREATE FUNCTION roi_deadline_add_days(start date, days integer, business boolean, calendar text)
RETURNS date LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  d date := start;
  counted integer := 0;
  first_year integer := extract(year FROM start)::integer;
  off date[];
BEGIN
  IF NOT business THEN
    RETURN start + days;
  END IF;
  off := ARRAY(SELECT roi_deadline_holidays(y, calendar)
                 FROM generate_series(first_year, first_year + 1 + days / 200) y);
  WHILE counted < days LOOP
    d := d + 1;
    IF extract(isodow FROM d) < 6 AND d <> ALL (off) THEN
      counted := counted + 1;
    END IF;
  END LOOP;
  RETURN d;
END $$;

-- ------------------------------------------------------- which rule governs

CREATE FUNCTION roi_deadline_class(kind requester_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE kind WHEN 'patient' THEN 'individual'
                   WHEN 'personal_representative' THEN 'personal-representative'
                   ELSE 'third-party' END
$$;

CREATE FUNCTION roi_deadline_format(f record_format) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE f WHEN 'portable_media' THEN 'media' ELSE f::text END
$$;

CREATE FUNCTION roi_deadline_rule_due(rule_id bigint, received date) RETURNS date
LANGUAGE sql STABLE AS $$
  SELECT roi_deadline_add_days(received, r.days, r.count = 'business', r.holidays)
    FROM deadline_rules r WHERE r.id = rule_id
$$;

-- Of the federal and the state rule in effect on @received for these
-- requesters, the one whose deadline comes first governs (HIPAA or a
-- shorter state clock for the individual); on the same day the one with
-- the shorter extension, then the state's.  Where neither sets a
-- deadline, due_date is NULL and rule_id names the rule that says so
-- (the federal one where there is one).  cst_deadline_rule_set_govern()
-- is the same choice in C.
CREATE FUNCTION roi_deadline_for(p_jurisdiction char(2), p_class text, p_format text, p_received date,
                                 OUT rule_id bigint, OUT compared_rule_id bigint, OUT due_date date)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  federal bigint;
  state bigint;
  federal_due date;
  state_due date;
  state_first boolean;
BEGIN
  SELECT r.id INTO federal FROM deadline_rules_current r
   WHERE r.jurisdiction = 'US' AND p_class = ANY (r.classes) AND p_format = ANY (r.formats)
     AND r.effective_from <= p_received AND (r.effective_to IS NULL OR p_received <= r.effective_to)
   ORDER BY r.rule_key LIMIT 1;
  SELECT r.id INTO state FROM deadline_rules_current r
   WHERE r.jurisdiction = p_jurisdiction AND p_class = ANY (r.classes) AND p_format = ANY (r.formats)
     AND r.effective_from <= p_received AND (r.effective_to IS NULL OR p_received <= r.effective_to)
   ORDER BY r.rule_key LIMIT 1;
  federal_due := roi_deadline_rule_due(federal, p_received);
  state_due := roi_deadline_rule_due(state, p_received);
  IF federal_due IS NOT NULL AND state_due IS NOT NULL THEN
    state_first := state_due < federal_due OR (state_due = federal_due AND
      (SELECT s.extension_days <= f.extension_days FROM deadline_rules s, deadline_rules f
        WHERE s.id = state AND f.id = federal));
    rule_id := CASE WHEN state_first THEN state ELSE federal END;
    compared_rule_id := CASE WHEN state_first THEN federal ELSE state END;
    due_date := LEAST(state_due, federal_due);
  ELSIF federal_due IS NOT NULL OR state_due IS NOT NULL THEN
    rule_id := CASE WHEN federal_due IS NOT NULL THEN federal ELSE state END;
    due_date := COALESCE(federal_due, state_due);
  ELSE
    rule_id := COALESCE(federal, state);
  END IF;
END $$;

-- The deadline once the one extension is taken; NULL if the rule allows none.
CREATE FUNCTION roi_deadline_extended(p_rule_id bigint, p_original date) RETURNS date
LANGUAGE sql STABLE AS $$
  SELECT roi_deadline_add_days(p_original, r.extension_days, r.count = 'business', r.holidays)
    FROM deadline_rules r WHERE r.id = p_rule_id AND r.extension_days > 0
$$;

-- ------------------------------------------------------------- requests

ALTER TABLE roi_requests
  ALTER COLUMN due_date DROP NOT NULL,
  ADD COLUMN original_due_date date,
  ADD COLUMN deadline_rule_id bigint REFERENCES deadline_rules,
  ADD COLUMN deadline_compared_rule_id bigint REFERENCES deadline_rules;

-- Times NEW by the rules now in effect (the requester's class and the
-- format from the request).
CREATE FUNCTION roi_deadline_time(r roi_requests) RETURNS roi_requests
LANGUAGE plpgsql STABLE AS $$
DECLARE
  d record;
BEGIN
  SELECT * INTO d FROM roi_deadline_for(
    r.jurisdiction,
    roi_deadline_class((SELECT q.kind FROM requesters q WHERE q.id = r.requester_id)),
    roi_deadline_format(r.format), r.received_date);
  r.deadline_rule_id := d.rule_id;
  r.deadline_compared_rule_id := d.compared_rule_id;
  r.original_due_date := d.due_date;
  RETURN r;
END $$;

CREATE OR REPLACE FUNCTION roi_requests_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.received_date > current_date THEN
    RAISE EXCEPTION 'the received date % is in the future', NEW.received_date
      USING ERRCODE = 'CS004';
  END IF;
  IF NEW.status <> 'received' OR NEW.extended_on IS NOT NULL THEN
    RAISE EXCEPTION 'a new request starts as received, without extension'
      USING ERRCODE = 'CS001';
  END IF;
  IF NEW.reference IS NULL THEN
    NEW.reference := format('ROI-%s-%s', to_char(NEW.received_date, 'YYYY'),
                            lpad(nextval('roi_reference_seq')::text, 6, '0'));
  END IF;
  NEW := roi_deadline_time(NEW);
  NEW.due_date := NEW.original_due_date;
  NEW.version := 1;
  NEW.created_by := session_user;
  NEW.updated_by := session_user;
  NEW.created_at := now();
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION roi_requests_before_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed (%) and can no longer change', OLD.reference, OLD.status
      USING ERRCODE = 'CS002';
  END IF;
  IF NEW.id <> OLD.id OR NEW.reference <> OLD.reference
     OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
    RAISE EXCEPTION 'identity columns of a request cannot change' USING ERRCODE = 'CS001';
  END IF;
  IF NEW.received_date > current_date THEN
    RAISE EXCEPTION 'the received date % is in the future', NEW.received_date
      USING ERRCODE = 'CS004';
  END IF;
  IF NEW.status <> OLD.status AND NOT EXISTS (
       SELECT 1 FROM roi_status_transitions t
        WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
    RAISE EXCEPTION 'a request cannot move from % to %', OLD.status, NEW.status
      USING ERRCODE = 'CS001';
  END IF;
  IF OLD.extended_on IS NOT NULL AND
     (NEW.extended_on IS DISTINCT FROM OLD.extended_on
      OR NEW.extension_reason IS DISTINCT FROM OLD.extension_reason) THEN
    RAISE EXCEPTION 'request % was already extended once', OLD.reference
      USING ERRCODE = 'CS003';
  END IF;
  IF OLD.extended_on IS NULL AND NEW.extended_on IS NOT NULL
     AND roi_deadline_extended(OLD.deadline_rule_id, OLD.original_due_date) IS NULL THEN
    RAISE EXCEPTION 'the legal deadline of request % allows no extension', OLD.reference
      USING ERRCODE = 'CS003';
  END IF;
  IF OLD.extended_on IS NULL AND NEW.extended_on IS NOT NULL
     AND NEW.extended_on > OLD.due_date THEN
    RAISE EXCEPTION 'the extension must be taken before the original due date %', OLD.due_date
      USING ERRCODE = 'CS003';
  END IF;
  -- The rule version stays the one the request was opened under, unless
  -- what decides it was corrected (or it was never timed: before 0059).
  IF OLD.deadline_rule_id IS NULL OR NEW.received_date <> OLD.received_date
     OR NEW.jurisdiction <> OLD.jurisdiction OR NEW.requester_id <> OLD.requester_id
     OR NEW.format <> OLD.format THEN
    NEW := roi_deadline_time(NEW);
  ELSE
    NEW.deadline_rule_id := OLD.deadline_rule_id;
    NEW.deadline_compared_rule_id := OLD.deadline_compared_rule_id;
    NEW.original_due_date := OLD.original_due_date;
  END IF;
  NEW.due_date := CASE WHEN NEW.extended_on IS NULL THEN NEW.original_due_date
                       ELSE COALESCE(roi_deadline_extended(NEW.deadline_rule_id, NEW.original_due_date),
                                     NEW.original_due_date) END;
  NEW.version := OLD.version + 1;
  NEW.updated_by := session_user;
  NEW.updated_at := now();
  RETURN NEW;
END $$;

-- Open requests opened before the rules: timed from their received date
-- once the rules are installed (cst_deadline_repo_install_seed).  Closed
-- requests keep the due date they were closed with.
CREATE FUNCTION roi_deadline_assign_missing() RETURNS void
LANGUAGE sql AS $$
  UPDATE roi_requests SET version = version
   WHERE deadline_rule_id IS NULL
     AND status NOT IN ('released', 'denied', 'cancelled')
     AND EXISTS (SELECT 1 FROM deadline_rules)
$$;

-- ---------------------------------------------------------------- clocks
-- As 0045, with the governing rule; no legal deadline: not at risk.
CREATE OR REPLACE VIEW roi_request_clocks WITH (security_invoker = true) AS
  SELECT r.id, r.reference, r.status,
         r.due_date AS legal_due_date,
         r.received_date + (SELECT days FROM service_target) AS service_due_date,
         r.due_date - current_date AS legal_days_left,
         r.received_date + (SELECT days FROM service_target) - current_date AS service_days_left,
         COALESCE(r.status NOT IN ('released', 'denied', 'cancelled')
                  AND r.due_date - current_date <= 5, false) AS at_risk,
         d.rule_key || '@' || d.version AS deadline_rule,
         d.citation AS deadline_citation
    FROM roi_requests r LEFT JOIN deadline_rules d ON d.id = r.deadline_rule_id;
