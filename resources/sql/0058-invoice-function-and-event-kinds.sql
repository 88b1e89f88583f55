-- Invoices and application events that do not take the client's word
-- (issue 25).
--
-- INVOICES
--   Until now clerks and billing inserted invoice rows themselves, so an
--   invoice said whatever the client said: $999,999.00 "as quoted" with no
--   override reason, on a request already released, under a state,
--   received date and requester that were not the request's.  Now nobody
--   but the owner inserts into invoices; people issue one through
--   issue_invoice() and correct one through adjust_invoice(), both owner-
--   rights functions with their roles listed inside, as release_request()
--   does.  issue_invoice() takes the state, the received date and the
--   requester class from the stored request (a quote made for others is
--   refused), refuses closed requests (released, denied, cancelled),
--   requires the override reason whenever the charge differs from the
--   quote, checks the schedule version it names, and records the quote's
--   inputs and the newest schedule row it could have used.
--
--   The fee engine is C, not SQL, so the server cannot quote; what it
--   records lets the auditors' fee report quote every invoice again with
--   the engine (cst-fee-report.c) and flag one whose amount differs from
--   that quote without a recorded override: a client that lies is caught
--   in the next report.
--
-- APPLICATION EVENTS
--   audit_event(kind, details) was open to every role for any kind: an
--   auditor could add "request.released" or "audit.verified" rows.  Now
--   each role may record only the kinds listed for it in
--   audit_event_kinds (data, beside the grants), and every event row says
--   where it came from: "source": "database" when an owner-rights
--   function of these migrations recorded it (release_request's
--   "request.released"), "application" when a login reported it.  Events
--   written before this migration have no source; anyone could have
--   written them, so readers treat them as reported by the application.

-- ---------------------------------------------------------------- invoices

-- What the server knows of an invoice issued from now on (NULL on older
-- rows and on adjustments).
ALTER TABLE invoices
  ADD COLUMN requester_class text
    CHECK (requester_class IN ('patient', 'attorney', 'insurer', 'provider', 'government', 'other')),
  ADD COLUMN quote_inputs jsonb CHECK (jsonb_typeof(quote_inputs) = 'object'),
  ADD COLUMN schedules_through bigint;

COMMENT ON COLUMN invoices.requester_class IS
  'the fee engine''s requester class, taken from the request''s requester when issued';
COMMENT ON COLUMN invoices.quote_inputs IS
  'what the fee engine was asked (cst_fee_request_to_json), for quoting the invoice again';
COMMENT ON COLUMN invoices.schedules_through IS
  'the newest fee_schedules id when issued: the schedule versions the quote could use';

-- The fee engine's requester class of a requester kind, as
-- cst_request_fee_fill() maps it: a personal representative stands in the
-- patient's shoes (45 CFR 164.502(g)).
CREATE FUNCTION invoice_requester_class(k requester_kind) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE k
    WHEN 'patient' THEN 'patient'
    WHEN 'personal_representative' THEN 'patient'
    WHEN 'attorney' THEN 'attorney'
    WHEN 'insurer' THEN 'insurer'
    WHEN 'provider' THEN 'provider'
    WHEN 'government_agency' THEN 'government'
    ELSE 'other'
  END
$$;
REVOKE EXECUTE ON FUNCTION invoice_requester_class(requester_kind) FROM PUBLIC;

-- Writes an invoice of the request as quoted by the caller's engine, with
-- the request's own state, received date and requester class.  Runs with
-- the caller's rights, and only the owner may call it: issue_invoice()
-- for people, and the demo data, whose requests were released before
-- they are invoiced.
CREATE FUNCTION invoice_record(p_request_id bigint,
                               p_inputs jsonb,
                               p_method text,
                               p_schedule_version text,
                               p_quoted_cents bigint,
                               p_total_cents bigint,
                               p_unconfirmed boolean,
                               p_lines jsonb,
                               p_justification jsonb,
                               p_override_reason text)
RETURNS invoices
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
  class text;
  reason text := NULLIF(btrim(p_override_reason), '');
  issued invoices;
BEGIN
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  SELECT invoice_requester_class(q.kind) INTO class FROM requesters q WHERE q.id = req.requester_id;
  IF p_inputs IS NULL OR jsonb_typeof(p_inputs) <> 'object' THEN
    RAISE EXCEPTION 'an invoice records what its quote was asked' USING ERRCODE = 'CS004';
  END IF;
  IF p_inputs->>'jurisdiction' IS DISTINCT FROM btrim(req.jurisdiction)
     OR p_inputs->>'received' IS DISTINCT FROM to_char(req.received_date, 'YYYY-MM-DD')
     OR p_inputs->>'requester' IS DISTINCT FROM class THEN
    RAISE EXCEPTION 'the quote is for another state, received date or requester than request % (% received %, %); quote the request as it is stored',
      req.reference, req.jurisdiction, to_char(req.received_date, 'YYYY-MM-DD'), class
      USING ERRCODE = 'CS004';
  END IF;
  IF p_quoted_cents IS NULL OR p_total_cents IS NULL OR p_quoted_cents < 0 OR p_total_cents < 0 THEN
    RAISE EXCEPTION 'an invoice charges zero or more; an adjustment credits' USING ERRCODE = 'CS004';
  END IF;
  IF p_total_cents <> p_quoted_cents AND reason IS NULL THEN
    RAISE EXCEPTION 'charging % cents instead of the quoted % cents needs a reason',
      p_total_cents, p_quoted_cents USING ERRCODE = 'CS004';
  END IF;
  IF p_schedule_version IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM fee_schedules s WHERE s.schedule_key || '@' || s.version = p_schedule_version) THEN
    RAISE EXCEPTION 'there is no fee schedule version %', p_schedule_version USING ERRCODE = 'CS004';
  END IF;

  INSERT INTO invoices (request_id, method, jurisdiction, schedule_version, received_date,
                        quoted_cents, total_cents, unconfirmed, lines, justification,
                        override_reason, requester_class, quote_inputs, schedules_through)
  VALUES (req.id, p_method, req.jurisdiction, p_schedule_version, req.received_date,
          p_quoted_cents, p_total_cents, COALESCE(p_unconfirmed, false), p_lines, p_justification,
          reason, class, p_inputs, (SELECT max(id) FROM fee_schedules))
  RETURNING * INTO issued;
  RETURN issued;
END $$;
REVOKE EXECUTE ON FUNCTION invoice_record(bigint, jsonb, text, text, bigint, bigint, boolean,
                                          jsonb, jsonb, text) FROM PUBLIC;

-- Issues an invoice for an open request: the one way for a person to.
CREATE FUNCTION issue_invoice(p_request_id bigint,
                              p_inputs jsonb,
                              p_method text,
                              p_schedule_version text,
                              p_quoted_cents bigint,
                              p_total_cents bigint,
                              p_unconfirmed boolean,
                              p_lines jsonb,
                              p_justification jsonb,
                              p_override_reason text)
RETURNS invoices
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
BEGIN
  -- EXECUTE is granted to these roles only; checked again here, against
  -- the person's own login, in case a grant is ever widened.
  IF NOT (pg_has_role(session_user, 'custodian_clerk', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_billing', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_admin', 'MEMBER')) THEN
    RAISE EXCEPTION 'only the release-of-information desk and billing may issue an invoice'
      USING ERRCODE = '42501';
  END IF;
  -- FOR SHARE: a release committed first is seen here, and a release
  -- started later waits for this invoice (and then must send it).
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR SHARE;
  IF FOUND AND req.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is % and can no longer be invoiced; correct an issued invoice with an adjustment',
      req.reference, req.status USING ERRCODE = 'CS002';
  END IF;
  RETURN invoice_record(p_request_id, p_inputs, p_method, p_schedule_version, p_quoted_cents,
                        p_total_cents, p_unconfirmed, p_lines, p_justification, p_override_reason);
END $$;
REVOKE EXECUTE ON FUNCTION issue_invoice(bigint, jsonb, text, text, bigint, bigint, boolean,
                                         jsonb, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION issue_invoice(bigint, jsonb, text, text, bigint, bigint, boolean,
                                        jsonb, jsonb, text)
  TO custodian_clerk, custodian_billing, custodian_admin;

-- Corrects an issued invoice with an adjustment invoice, closed requests
-- included (a refund comes after the release): always with a reason, by
-- at most $100,000, never netting below zero.  @p_description is the
-- adjustment's one line, in the clerk's language.
CREATE FUNCTION adjust_invoice(p_invoice_id bigint,
                               p_delta_cents bigint,
                               p_reason text,
                               p_description text)
RETURNS invoices
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  original invoices;
  net bigint;
  issued invoices;
BEGIN
  IF NOT (pg_has_role(session_user, 'custodian_clerk', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_billing', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_admin', 'MEMBER')) THEN
    RAISE EXCEPTION 'only the release-of-information desk and billing may adjust an invoice'
      USING ERRCODE = '42501';
  END IF;
  IF p_reason IS NULL OR btrim(p_reason) = '' OR p_description IS NULL OR btrim(p_description) = '' THEN
    RAISE EXCEPTION 'an adjustment needs a reason' USING ERRCODE = 'CS004';
  END IF;
  IF p_delta_cents IS NULL OR p_delta_cents = 0 OR abs(p_delta_cents) > 10000000 THEN
    RAISE EXCEPTION 'an adjustment must change the amount, by at most $100,000' USING ERRCODE = 'CS004';
  END IF;
  -- One adjustment at a time per invoice, so the net check holds.
  SELECT * INTO original FROM invoices
   WHERE id = p_invoice_id AND adjusts_invoice_id IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no invoice % to adjust (adjust the original, not an adjustment)',
      p_invoice_id USING ERRCODE = 'CS004';
  END IF;
  SELECT sum(total_cents) INTO net FROM invoices
   WHERE id = original.id OR adjusts_invoice_id = original.id;
  IF net + p_delta_cents < 0 THEN
    RAISE EXCEPTION 'invoice % stands at % cents; it cannot be credited below zero',
      original.number, net USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO invoices (request_id, adjusts_invoice_id, method, jurisdiction, received_date,
                        quoted_cents, total_cents, lines, justification, override_reason)
  VALUES (original.request_id, original.id, 'adjustment', original.jurisdiction,
          original.received_date, 0, p_delta_cents,
          jsonb_build_array(jsonb_build_object('description', p_description, 'quantity', 1,
                                               'unit_cents', p_delta_cents,
                                               'amount_cents', p_delta_cents,
                                               'rule', 'adjustment', 'adjusts', original.number)),
          jsonb_build_object('adjusts', original.number, 'amount_cents', p_delta_cents,
                             'reason', p_reason),
          p_reason)
  RETURNING * INTO issued;
  RETURN issued;
END $$;
REVOKE EXECUTE ON FUNCTION adjust_invoice(bigint, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION adjust_invoice(bigint, bigint, text, text)
  TO custodian_clerk, custodian_billing, custodian_admin;

-- The two functions are now the only way for a person to write an invoice.
REVOKE INSERT ON invoices FROM custodian_clerk, custodian_billing, custodian_admin;
REVOKE USAGE ON SEQUENCE invoice_number_seq FROM custodian_clerk, custodian_billing, custodian_admin;

-- ---------------------------------------------------------------- events

-- The kinds of application event each role may record: what the
-- application itself records for that role's work (grep the model for
-- cst_audit_log_event and audit_event).  Every role may export the fee
-- report and a request's evidence pack, and each export is logged.
CREATE TABLE audit_event_kinds (
  role text NOT NULL CHECK (role IN ('custodian_clerk', 'custodian_billing',
                                     'custodian_auditor', 'custodian_admin')),
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND length(kind) <= 64),
  PRIMARY KEY (role, kind)
);
CREATE TRIGGER audit_event_kinds_audit AFTER INSERT OR UPDATE OR DELETE ON audit_event_kinds
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

INSERT INTO audit_event_kinds (role, kind)
SELECT r, k
  FROM unnest(ARRAY['custodian_clerk', 'custodian_billing', 'custodian_auditor',
                    'custodian_admin']) AS r,
       unnest(ARRAY['report.exported', 'evidence.exported']) AS k;

GRANT SELECT ON audit_event_kinds
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Checks and writes one event row, marked with where it came from.  Runs
-- with the caller's rights; only the owner may call it.
CREATE FUNCTION audit_event_insert(p_kind text, p_details jsonb, p_source text) RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF p_kind IS NULL OR length(p_kind) > 64
     OR p_kind !~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' THEN
    RAISE EXCEPTION 'an audit event kind is a short dotted code such as report.exported'
      USING ERRCODE = 'CS004';
  END IF;
  IF p_details IS NOT NULL AND jsonb_typeof(p_details) <> 'object' THEN
    RAISE EXCEPTION 'audit event details must be a JSON object' USING ERRCODE = 'CS004';
  END IF;
  -- The log is for events, not documents: keep one row small.
  IF octet_length(p_details::text) > 65536 THEN
    RAISE EXCEPTION 'audit event details are larger than 64 KiB' USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO audit_log (actor, table_name, action, new_row)
  VALUES (session_user, 'event', 'EVENT',
          jsonb_build_object('kind', p_kind, 'details', COALESCE(p_details, '{}'::jsonb),
                             'source', p_source))
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION audit_event_insert(text, jsonb, text) FROM PUBLIC;

-- An event a person's login reports: only a kind listed for one of the
-- login's roles.
CREATE FUNCTION audit_application_event(p_kind text, p_details jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT (pg_has_role(session_user, 'custodian_clerk', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_billing', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_auditor', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_admin', 'MEMBER')) THEN
    RAISE EXCEPTION 'only a Custodian role may record an application event'
      USING ERRCODE = '42501';
  END IF;
  -- A malformed kind is refused as such by audit_event_insert.
  IF p_kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND NOT EXISTS (
       SELECT 1 FROM audit_event_kinds k
        WHERE k.kind = p_kind AND pg_has_role(session_user, k.role, 'MEMBER')) THEN
    RAISE EXCEPTION 'your role may not record the event %', p_kind USING ERRCODE = '42501';
  END IF;
  RETURN audit_event_insert(p_kind, p_details, 'application');
END $$;
REVOKE EXECUTE ON FUNCTION audit_application_event(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_application_event(text, jsonb)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- audit_event keeps its name and grants (the application and
-- release_request call it) but now runs with the caller's rights, so it
-- can tell who calls.  Inside an owner-rights function current_user is
-- the owner, who may write the log, while session_user is still the
-- person: the event is the database's own.  The owner or a superuser
-- calling in person (set-up, the demo data) may record any kind, but it
-- is their word, as an application's is.  Anyone else goes through the
-- list of kinds of their role.
CREATE OR REPLACE FUNCTION audit_event(kind text, details jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = public, pg_temp AS $$
BEGIN
  IF has_table_privilege(current_user, 'audit_log', 'INSERT') THEN
    RETURN audit_event_insert(kind, details,
                              CASE WHEN current_user <> session_user THEN 'database'
                                   ELSE 'application' END);
  END IF;
  RETURN audit_application_event(kind, details);
END $$;
