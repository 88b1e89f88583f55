-- Fee disputes, during which the due date does not stop (issue 20,
-- "Payment": for the individual's own request "the due date does not stop
-- for a fee dispute").
--
-- WHAT IS STORED
--   fee_disputes  the requester disputes a request's fee (one of its
--                 invoices, or the fee as a whole): what they said, who
--                 took it and when, and the request's due date at that
--                 moment; later how it ended (the fee upheld, reduced,
--                 waived, or the dispute withdrawn), by whom and when.  A
--                 reduction or waiver itself is an invoice adjustment or a
--                 refund, recorded as always; the dispute records the
--                 outcome.  One open dispute per request.  Rows are never
--                 deleted, and an open one is only ever resolved.
--   fee_dispute_clocks  each open dispute beside its request's clock: the
--                 due date then and now, days in dispute, days left.
--
-- THE DUE DATE DOES NOT STOP
--   45 CFR 164.524(b)(2) runs from the request; a fee dispute is not one
--   of the ways it is extended, and an individual's access is never held
--   for payment (0071).  So a dispute holds nothing: no status, no hold,
--   no gate on the release (0071's payment_release_gate still looks at
--   payment only for a third party's request), and the request stays in
--   the clocks and the at-risk count as before.  And the trigger
--   fee_dispute_keeps_due_date refuses, under every role, any later due
--   date for a request while a dispute of its fee is open, except the
--   one extension taken with its notice (extended_on, 0041/0059), which
--   stands on its own grounds.
--
-- WHO MAY RUN WHAT (owner-rights functions, caller_is_one_of inside)
--   fee_dispute_open     custodian_clerk, custodian_billing, custodian_admin
--                        (the desk takes the requester's call)
--   fee_dispute_resolve  custodian_billing, custodian_admin
--   reading              every role

CREATE TABLE fee_disputes (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id           bigint NOT NULL REFERENCES roi_requests,
  invoice_id           bigint REFERENCES invoices,
  reason               text NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 1000),
  due_date_at_opening  date,
  opened_by            text NOT NULL DEFAULT session_user,
  opened_at            timestamptz NOT NULL DEFAULT now(),
  outcome              text CHECK (outcome IN ('upheld', 'reduced', 'waived', 'withdrawn')),
  resolution           text CHECK (resolution IS NULL
                                   OR (btrim(resolution) <> '' AND length(resolution) <= 1000)),
  resolved_by          text,
  resolved_at          timestamptz,
  CHECK ((outcome IS NULL) = (resolved_at IS NULL)),
  CHECK ((resolved_by IS NULL) = (resolved_at IS NULL)),
  CHECK (outcome IS NULL OR resolution IS NOT NULL)
);
CREATE INDEX fee_disputes_request_idx ON fee_disputes (request_id, id);
CREATE UNIQUE INDEX fee_disputes_one_open ON fee_disputes (request_id) WHERE resolved_at IS NULL;

CREATE FUNCTION fee_disputes_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.request_id <> OLD.request_id
     OR NEW.invoice_id IS DISTINCT FROM OLD.invoice_id OR NEW.reason <> OLD.reason
     OR NEW.due_date_at_opening IS DISTINCT FROM OLD.due_date_at_opening
     OR NEW.opened_by <> OLD.opened_by OR NEW.opened_at <> OLD.opened_at
     OR OLD.resolved_at IS NOT NULL THEN
    RAISE EXCEPTION 'a fee dispute is only ever resolved' USING ERRCODE = 'CS005';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION fee_disputes_check() FROM PUBLIC;
CREATE TRIGGER fee_disputes_check BEFORE UPDATE ON fee_disputes
  FOR EACH ROW EXECUTE FUNCTION fee_disputes_check();
CREATE TRIGGER fee_disputes_no_delete BEFORE DELETE ON fee_disputes
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER fee_disputes_no_truncate BEFORE TRUNCATE ON fee_disputes
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER fee_disputes_audit AFTER INSERT OR UPDATE ON fee_disputes
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON fee_disputes
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE fee_disputes ENABLE ROW LEVEL SECURITY;
CREATE POLICY fee_disputes_read ON fee_disputes FOR SELECT USING (true);

-- Opens a dispute of the request's fee, or of one of its invoices (by
-- number; NULL for the fee as a whole).
CREATE FUNCTION fee_dispute_open(p_request_id bigint, p_invoice_number text, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
  inv_id bigint;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and billing record a fee dispute'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  IF req.status = 'cancelled' THEN
    RAISE EXCEPTION 'request % is cancelled: there is no fee to dispute', req.reference
      USING ERRCODE = 'CS002';
  END IF;
  IF NULLIF(btrim(p_invoice_number), '') IS NOT NULL THEN
    SELECT id INTO inv_id FROM invoices
     WHERE request_id = req.id AND number = btrim(p_invoice_number)
       AND adjusts_invoice_id IS NULL;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'request % has no invoice %', req.reference, btrim(p_invoice_number)
        USING ERRCODE = 'CS004';
    END IF;
  END IF;
  IF NULLIF(btrim(p_reason), '') IS NULL THEN
    RAISE EXCEPTION 'say what the requester disputes' USING ERRCODE = 'CS004';
  END IF;
  IF EXISTS (SELECT 1 FROM fee_disputes WHERE request_id = req.id AND resolved_at IS NULL) THEN
    RAISE EXCEPTION 'the fee of request % is already in dispute', req.reference
      USING ERRCODE = 'CS002';
  END IF;
  INSERT INTO fee_disputes (request_id, invoice_id, reason, due_date_at_opening)
  VALUES (req.id, inv_id, btrim(p_reason), req.due_date)
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION fee_dispute_open(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fee_dispute_open(bigint, text, text)
  TO custodian_clerk, custodian_billing, custodian_admin;

-- Ends the request's open dispute with its outcome and what was done.
CREATE FUNCTION fee_dispute_resolve(p_request_id bigint, p_outcome text, p_resolution text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only billing and administrators resolve a fee dispute'
      USING ERRCODE = '42501';
  END IF;
  IF p_outcome IS NULL OR p_outcome NOT IN ('upheld', 'reduced', 'waived', 'withdrawn') THEN
    RAISE EXCEPTION 'a fee dispute ends upheld, reduced, waived or withdrawn, not %', p_outcome
      USING ERRCODE = 'CS004';
  END IF;
  IF NULLIF(btrim(p_resolution), '') IS NULL THEN
    RAISE EXCEPTION 'say how the fee dispute was resolved' USING ERRCODE = 'CS004';
  END IF;
  UPDATE fee_disputes SET outcome = p_outcome, resolution = btrim(p_resolution),
                          resolved_by = session_user, resolved_at = now()
   WHERE request_id = p_request_id AND resolved_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'request % has no fee dispute open', p_request_id USING ERRCODE = 'CS002';
  END IF;
  RETURN true;
END $$;
REVOKE EXECUTE ON FUNCTION fee_dispute_resolve(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fee_dispute_resolve(bigint, text, text)
  TO custodian_billing, custodian_admin;

-- The law, not a grant: while the fee is in dispute, the due date never
-- moves later but by the extension taken with its notice.
CREATE FUNCTION fee_dispute_keeps_due_date() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.due_date > OLD.due_date
     AND NEW.extended_on IS NOT DISTINCT FROM OLD.extended_on
     AND EXISTS (SELECT 1 FROM fee_disputes WHERE request_id = NEW.id AND resolved_at IS NULL) THEN
    RAISE EXCEPTION 'the due date of request % (%) does not stop for a fee dispute',
      NEW.reference, OLD.due_date USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION fee_dispute_keeps_due_date() FROM PUBLIC;
-- Named to run after the triggers that compute due_date (BEFORE triggers
-- run in name order).
CREATE TRIGGER zz_fee_dispute_keeps_due_date BEFORE UPDATE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION fee_dispute_keeps_due_date();

-- Each open dispute beside its request's clock.
CREATE VIEW fee_dispute_clocks WITH (security_invoker = true) AS
  SELECT d.id AS dispute_id, d.request_id, r.reference,
         d.opened_at::date AS opened_on,
         current_date - d.opened_at::date AS days_in_dispute,
         d.due_date_at_opening,
         r.due_date,
         r.due_date - current_date AS legal_days_left,
         r.status NOT IN ('released', 'denied', 'cancelled')
           AND r.due_date - current_date <= 5 AS at_risk
    FROM fee_disputes d JOIN roi_requests r ON r.id = d.request_id
   WHERE d.resolved_at IS NULL;
GRANT SELECT ON fee_dispute_clocks
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
