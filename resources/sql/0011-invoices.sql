-- Invoices for release-of-information fees (issue 3).
--
-- An invoice freezes a quote: its lines and full justification (the
-- quote's JSON: method, schedule version, citations, notes) as jsonb, the
-- amounts as bigint cents.  An issued invoice never changes; a correction
-- is a new adjustment invoice that points at the one it corrects.  A clerk
-- who charges other than the quoted amount must give a reason, and the
-- audit trigger records it with the row.

CREATE SEQUENCE invoice_number_seq;

CREATE TABLE invoices (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number             text NOT NULL UNIQUE,
  request_id         bigint NOT NULL REFERENCES roi_requests,
  adjusts_invoice_id bigint REFERENCES invoices,
  method             text NOT NULL CHECK (method IN ('hipaa-actual', 'hipaa-average', 'hipaa-flat',
                                                     'state-schedule', 'no-charge', 'adjustment')),
  jurisdiction       char(2) NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}$'),
  schedule_version   text,
  received_date      date NOT NULL,
  -- What the engine quoted, and what is charged.
  quoted_cents       bigint NOT NULL CHECK (quoted_cents >= 0),
  total_cents        bigint NOT NULL,
  unconfirmed        boolean NOT NULL DEFAULT false,
  lines              jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  justification      jsonb NOT NULL CHECK (jsonb_typeof(justification) = 'object'),
  override_reason    text CHECK (override_reason IS NULL OR btrim(override_reason) <> ''),
  issued_at          timestamptz NOT NULL DEFAULT now(),
  issued_by          text NOT NULL DEFAULT session_user,
  -- Only an adjustment may credit (a negative amount).
  CHECK (total_cents >= 0 OR adjusts_invoice_id IS NOT NULL),
  -- Charging other than the quote, and any adjustment, needs a reason.
  CHECK (total_cents = quoted_cents OR override_reason IS NOT NULL),
  CHECK (adjusts_invoice_id IS NULL OR override_reason IS NOT NULL),
  CHECK ((method = 'adjustment') = (adjusts_invoice_id IS NOT NULL))
);
CREATE INDEX invoices_request_idx ON invoices (request_id, issued_at);

CREATE FUNCTION invoices_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  line_sum bigint;
  original invoices;
BEGIN
  NEW.number := 'INV-' || to_char(now(), 'YYYY') || '-'
                || lpad(nextval('invoice_number_seq')::text, 6, '0');
  NEW.issued_at := now();
  NEW.issued_by := session_user;
  SELECT COALESCE(sum((l->>'amount_cents')::bigint), 0) INTO line_sum
    FROM jsonb_array_elements(NEW.lines) AS l;
  IF NEW.adjusts_invoice_id IS NULL AND line_sum <> NEW.quoted_cents THEN
    RAISE EXCEPTION 'the invoice lines add up to % cents, not the quoted % cents',
      line_sum, NEW.quoted_cents USING ERRCODE = 'CS004';
  END IF;
  IF NEW.adjusts_invoice_id IS NOT NULL THEN
    SELECT * INTO original FROM invoices WHERE id = NEW.adjusts_invoice_id;
    IF original.request_id <> NEW.request_id THEN
      RAISE EXCEPTION 'an adjustment must belong to the request of the invoice it corrects'
        USING ERRCODE = 'CS004';
    END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER invoices_before_insert BEFORE INSERT ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_before_insert();

CREATE FUNCTION invoices_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'an issued invoice cannot be changed; issue an adjustment invoice'
    USING ERRCODE = 'CS005';
END $$;

CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_refuse_change();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
  FOR EACH STATEMENT EXECUTE FUNCTION invoices_refuse_change();
CREATE TRIGGER invoices_audit AFTER INSERT OR UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- Clerks and billing issue invoices and adjustments; auditors read them.
-- Nobody updates or deletes one (and the trigger refuses even the owner).
GRANT SELECT ON invoices
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON invoices TO custodian_clerk, custodian_billing, custodian_admin;
GRANT USAGE ON SEQUENCE invoice_number_seq
  TO custodian_clerk, custodian_billing, custodian_admin;
