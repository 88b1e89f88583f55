-- Payments against invoices, refunds, balances, and the law on waiting
-- for payment (issue 20, "Payment").
--
-- WHAT IS STORED
--   payments          one row per payment against an invoice (the original,
--                     never an adjustment): the amount in cents, the day it
--                     was paid, how (method), the cheque or card slip
--                     (reference), who recorded it and when (the server's).
--                     A refund is a negative payment, with a reason, and
--                     never more than was paid; a payment never more than
--                     is owed.  Nothing is updated or deleted: a mistake is
--                     put right with a refund (or a payment) of its own.
--   invoice_balances  per original invoice: charged (adjustments included),
--                     paid (refunds included), the balance.
--   payment_settings  the hospital's one row, so every desk agrees: whether a
--                     third party pays before release, and after how many
--                     days an unpaid invoice flags its requester.
--   payment_holds     a third party's request held until it is paid, placed
--                     by billing (even when the setting is off).
--
-- THE INDIVIDUAL'S OWN REQUEST NEVER WAITS ON PAYMENT
--   45 CFR 164.524 gives the individual (the patient, a personal
--   representative, the patient's directive to send a copy to a third
--   party) the copy within the deadline; a fee may be charged, but access
--   may not be withheld until it is paid (OCR's right-of-access cases).  So:
--     * payment_holds refuses a hold on such a request under every role,
--       the owner and superusers included (a trigger, not a grant);
--     * payment_release_gate, a trigger on the move to released, looks at
--       payment only for a third party's request (roi_deadline_class,
--       0059/0061), never at an individual's, whatever is unpaid on it or
--       on the requester's earlier requests.
--   release_request() (0057, packet-review's to replace) is not touched:
--   the gate is a trigger of this migration's own.
--
-- WHO MAY RUN WHAT (owner-rights functions, caller_is_one_of inside)
--   payment_record          a payment: custodian_clerk, custodian_billing,
--                           custodian_admin; a refund: billing and admin
--   payment_hold_place      custodian_billing, custodian_admin
--   payment_hold_lift       custodian_billing, custodian_admin
--   payment_settings        every role reads; an administrator updates
--   reading                 every role (the auditor to check, the clerk to
--                           answer the requester)
--
-- CLOSED REQUESTS
--   Payments come after a release (the invoice goes out with it), so a
--   released request takes payments and refunds; a denied or cancelled one
--   only refunds.  A closed request takes no hold.

-- ---------------------------------------------------------------- payments

CREATE TABLE payments (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id    bigint NOT NULL REFERENCES invoices,
  request_id    bigint NOT NULL REFERENCES roi_requests,
  amount_cents  bigint NOT NULL CHECK (amount_cents <> 0 AND abs(amount_cents) <= 10000000),
  paid_on       date NOT NULL,
  method        text NOT NULL CHECK (method IN ('cash', 'check', 'card', 'money-order',
                                                'bank-transfer', 'other')),
  reference     text CHECK (reference IS NULL OR (btrim(reference) <> '' AND length(reference) <= 200)),
  reason        text CHECK (reason IS NULL OR (btrim(reason) <> '' AND length(reason) <= 1000)),
  recorded_by   text NOT NULL DEFAULT session_user,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  -- A refund says why.
  CHECK (amount_cents > 0 OR reason IS NOT NULL)
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id, id);
CREATE INDEX payments_request_idx ON payments (request_id, id);

CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER payments_audit AFTER INSERT ON payments
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON payments TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY payments_read ON payments FOR SELECT USING (true);

-- Charged, paid and owed per original invoice; an adjustment counts in
-- the invoice it corrects.
CREATE VIEW invoice_balances WITH (security_invoker = true) AS
SELECT i.id AS invoice_id, i.number, i.request_id, i.issued_at,
       i.total_cents + COALESCE((SELECT sum(a.total_cents) FROM invoices a
                                  WHERE a.adjusts_invoice_id = i.id), 0) AS charged_cents,
       COALESCE((SELECT sum(p.amount_cents) FROM payments p WHERE p.invoice_id = i.id), 0)
         AS paid_cents,
       i.total_cents + COALESCE((SELECT sum(a.total_cents) FROM invoices a
                                  WHERE a.adjusts_invoice_id = i.id), 0)
         - COALESCE((SELECT sum(p.amount_cents) FROM payments p WHERE p.invoice_id = i.id), 0)
         AS balance_cents
  FROM invoices i
 WHERE i.adjusts_invoice_id IS NULL;
GRANT SELECT ON invoice_balances
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Plain functions with the caller's rights (and PUBLIC's EXECUTE): they
-- read only what the caller may read.
--
-- What a request owed at a moment: its invoices and adjustments issued by
-- then, less its payments recorded by then (the audit flag asks it at
-- the release).
CREATE FUNCTION request_balance_at(p_request_id bigint, p_at timestamptz) RETURNS bigint
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT COALESCE((SELECT sum(total_cents) FROM invoices
                    WHERE request_id = p_request_id AND issued_at <= p_at), 0)
       - COALESCE((SELECT sum(amount_cents) FROM payments
                    WHERE request_id = p_request_id AND recorded_at <= p_at), 0)
$$;

-- Records a payment (amount > 0) or a refund (amount < 0) against an
-- original invoice.  @p_paid_on NULL is the server's today.
CREATE FUNCTION payment_record(p_invoice_id bigint, p_amount_cents bigint, p_paid_on date,
                               p_method text, p_reference text, p_reason text)
RETURNS payments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  inv invoices;
  req roi_requests;
  owed invoice_balances;
  paid_on date := COALESCE(p_paid_on, current_date);
  recorded payments;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and billing record payments'
      USING ERRCODE = '42501';
  END IF;
  IF p_amount_cents IS NULL OR p_amount_cents = 0 THEN
    RAISE EXCEPTION 'a payment is of an amount other than zero' USING ERRCODE = 'CS004';
  END IF;
  IF p_amount_cents < 0
     AND NOT caller_is_one_of(ARRAY['custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only billing and administrators refund' USING ERRCODE = '42501';
  END IF;
  -- One payment at a time per invoice, so the balance checks hold.
  SELECT * INTO inv FROM invoices WHERE id = p_invoice_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no invoice %', p_invoice_id USING ERRCODE = 'CS004';
  END IF;
  IF inv.adjusts_invoice_id IS NOT NULL THEN
    RAISE EXCEPTION 'invoice % is an adjustment; record the payment against the invoice it corrects',
      inv.number USING ERRCODE = 'CS004';
  END IF;
  SELECT * INTO req FROM roi_requests WHERE id = inv.request_id;
  IF p_amount_cents > 0 AND req.status IN ('denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is %: it takes refunds, not payments', req.reference, req.status
      USING ERRCODE = 'CS002';
  END IF;
  IF paid_on > current_date OR paid_on < inv.issued_at::date THEN
    RAISE EXCEPTION 'a payment of invoice % is dated between its issue (%) and today, not %',
      inv.number, inv.issued_at::date, paid_on USING ERRCODE = 'CS004';
  END IF;
  SELECT * INTO owed FROM invoice_balances WHERE invoice_id = inv.id;
  IF p_amount_cents > owed.balance_cents THEN
    RAISE EXCEPTION 'invoice % has % cents to pay; % cents is more than is owed',
      inv.number, owed.balance_cents, p_amount_cents USING ERRCODE = 'CS004';
  END IF;
  IF -p_amount_cents > owed.paid_cents THEN
    RAISE EXCEPTION 'invoice % has % cents paid; a refund of % cents is more than was paid',
      inv.number, owed.paid_cents, -p_amount_cents USING ERRCODE = 'CS004';
  END IF;
  IF p_amount_cents < 0 AND NULLIF(btrim(p_reason), '') IS NULL THEN
    RAISE EXCEPTION 'a refund needs a reason' USING ERRCODE = 'CS004';
  END IF;

  INSERT INTO payments (invoice_id, request_id, amount_cents, paid_on, method, reference, reason)
  VALUES (inv.id, inv.request_id, p_amount_cents, paid_on, p_method,
          NULLIF(btrim(p_reference), ''), NULLIF(btrim(p_reason), ''))
  RETURNING * INTO recorded;
  PERFORM audit_event(CASE WHEN p_amount_cents > 0 THEN 'payment.recorded' ELSE 'payment.refunded' END,
                      jsonb_build_object('payment', recorded.id, 'invoice', inv.id,
                                         'request', inv.request_id,
                                         'amount_cents', p_amount_cents));
  RETURN recorded;
END $$;
REVOKE EXECUTE ON FUNCTION payment_record(bigint, bigint, date, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION payment_record(bigint, bigint, date, text, text, text)
  TO custodian_clerk, custodian_billing, custodian_admin;

-- ---------------------------------------------------------------- settings

CREATE TABLE payment_settings (
  id                      integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  third_party_pays_first  boolean NOT NULL DEFAULT false,
  unpaid_flag_days        integer NOT NULL DEFAULT 60 CHECK (unpaid_flag_days BETWEEN 1 AND 3650),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  updated_by              text NOT NULL DEFAULT session_user
);
CREATE TRIGGER payment_settings_stamp BEFORE INSERT OR UPDATE ON payment_settings
  FOR EACH ROW EXECUTE FUNCTION facilities_stamp();
CREATE TRIGGER payment_settings_audit AFTER INSERT OR UPDATE OR DELETE ON payment_settings
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
INSERT INTO payment_settings DEFAULT VALUES;

ALTER TABLE payment_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY payment_settings_read ON payment_settings FOR SELECT
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin USING (true);
CREATE POLICY payment_settings_admin_update ON payment_settings FOR UPDATE
  TO custodian_admin USING (true) WITH CHECK (true);
GRANT SELECT ON payment_settings
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT UPDATE (third_party_pays_first, unpaid_flag_days) ON payment_settings TO custodian_admin;

-- Whether a request is the individual's own (patient, personal
-- representative, the patient's directive): nothing of it waits on payment.
CREATE FUNCTION request_is_individuals(p_request_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT roi_deadline_class(q.kind) <> 'third-party'
    FROM roi_requests r JOIN requesters q ON q.id = r.requester_id
   WHERE r.id = p_request_id
$$;

-- ---------------------------------------------------------------- holds

CREATE TABLE payment_holds (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id  bigint NOT NULL REFERENCES roi_requests,
  reason      text NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 1000),
  placed_by   text NOT NULL DEFAULT session_user,
  placed_at   timestamptz NOT NULL DEFAULT now(),
  lifted_by   text,
  lifted_at   timestamptz,
  CHECK ((lifted_by IS NULL) = (lifted_at IS NULL))
);
CREATE UNIQUE INDEX payment_holds_one_open ON payment_holds (request_id) WHERE lifted_at IS NULL;

-- The law, not a grant: no role, the owner included, holds an individual's
-- request for payment.
CREATE FUNCTION payment_holds_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.id <> OLD.id OR NEW.request_id <> OLD.request_id
                          OR NEW.reason <> OLD.reason OR NEW.placed_by <> OLD.placed_by
                          OR NEW.placed_at <> OLD.placed_at OR OLD.lifted_at IS NOT NULL) THEN
    RAISE EXCEPTION 'a payment hold is only ever lifted' USING ERRCODE = 'CS005';
  END IF;
  IF NEW.lifted_at IS NULL AND request_is_individuals(NEW.request_id) THEN
    RAISE EXCEPTION 'an individual''s own request is never held for payment (45 CFR 164.524): the copy goes out within the deadline, paid or not'
      USING ERRCODE = 'CS004';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION payment_holds_check() FROM PUBLIC;
CREATE TRIGGER payment_holds_check BEFORE INSERT OR UPDATE ON payment_holds
  FOR EACH ROW EXECUTE FUNCTION payment_holds_check();
CREATE TRIGGER payment_holds_no_delete BEFORE DELETE ON payment_holds
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER payment_holds_audit AFTER INSERT OR UPDATE ON payment_holds
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON payment_holds
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE payment_holds ENABLE ROW LEVEL SECURITY;
CREATE POLICY payment_holds_read ON payment_holds FOR SELECT USING (true);

CREATE FUNCTION payment_hold_place(p_request_id bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only billing and administrators hold a request for payment'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'there is no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  IF req.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is % and cannot be held', req.reference, req.status
      USING ERRCODE = 'CS002';
  END IF;
  INSERT INTO payment_holds (request_id, reason) VALUES (req.id, btrim(p_reason))
    RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION payment_hold_place(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION payment_hold_place(bigint, text)
  TO custodian_billing, custodian_admin;

CREATE FUNCTION payment_hold_lift(p_request_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only billing and administrators lift a payment hold'
      USING ERRCODE = '42501';
  END IF;
  UPDATE payment_holds SET lifted_by = session_user, lifted_at = now()
   WHERE request_id = p_request_id AND lifted_at IS NULL;
  RETURN FOUND;
END $$;
REVOKE EXECUTE ON FUNCTION payment_hold_lift(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION payment_hold_lift(bigint) TO custodian_billing, custodian_admin;

-- ---------------------------------------------------------------- release

-- A third party's request waits for payment when the hospital requires it
-- (payment_settings) or billing held it; an individual's never does.
CREATE FUNCTION payment_release_gate() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  owed bigint;
BEGIN
  IF request_is_individuals(NEW.id) THEN
    RETURN NEW;
  END IF;
  IF NOT (SELECT third_party_pays_first FROM payment_settings)
     AND NOT EXISTS (SELECT 1 FROM payment_holds
                      WHERE request_id = NEW.id AND lifted_at IS NULL) THEN
    RETURN NEW;
  END IF;
  owed := request_balance_at(NEW.id, 'infinity');
  IF owed > 0 THEN
    RAISE EXCEPTION 'request % waits for payment before release: % cents are owed on its invoices',
      NEW.reference, owed USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION payment_release_gate() FROM PUBLIC;
CREATE TRIGGER payment_release_gate BEFORE UPDATE OF status ON roi_requests
  FOR EACH ROW WHEN (NEW.status = 'released' AND OLD.status IS DISTINCT FROM 'released')
  EXECUTE FUNCTION payment_release_gate();

-- ---------------------------------------------------------------- the flag

-- A third party's request whose requester left invoices unpaid for longer
-- than the setting allows, on this or earlier requests: the requester is
-- the same row, or has the same e-mail, or the same name at the same
-- organization (each request records its requester anew).  Nothing for an
-- individual's request, and an individual's own invoices (a patient of the
-- same name) count against nobody.
CREATE FUNCTION requester_unpaid_invoices(p_request_id bigint)
RETURNS TABLE (invoice_id bigint, number text, reference text, issued_on date,
               balance_cents bigint)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT b.invoice_id, b.number, r2.reference, b.issued_at::date, b.balance_cents
    FROM roi_requests r
    JOIN requesters q ON q.id = r.requester_id
    JOIN requesters q2 ON q2.id = q.id
                       OR (q.email IS NOT NULL AND lower(q2.email) = lower(q.email))
                       OR (lower(btrim(q2.name)) = lower(btrim(q.name))
                           AND lower(btrim(COALESCE(q2.organization, '')))
                             = lower(btrim(COALESCE(q.organization, ''))))
    JOIN roi_requests r2 ON r2.requester_id = q2.id
    JOIN invoice_balances b ON b.request_id = r2.id
   WHERE r.id = p_request_id
     AND roi_deadline_class(q.kind) = 'third-party'
     AND roi_deadline_class(q2.kind) = 'third-party'
     AND b.balance_cents > 0
     AND b.issued_at < now() - make_interval(days => (SELECT unpaid_flag_days FROM payment_settings))
   ORDER BY b.issued_at, b.invoice_id
$$;
