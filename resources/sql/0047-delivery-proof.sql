-- Format and delivery proof.  The individual chooses the form and format
-- (45 CFR 164.524(c)(2)); OCR's Korunda settlement began with the wrong
-- format.  At release the produced format is recorded; a mismatch with the
-- requested one needs the reason agreed with the requester.  The delivery
-- is proved: a tracking number for mail, the message id for secure email,
-- the signer's name and date for pickup.

CREATE TABLE release_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id       bigint NOT NULL UNIQUE REFERENCES roi_requests,
  produced_format  record_format NOT NULL,
  format_name      text NOT NULL DEFAULT '' CHECK (length(format_name) <= 200),
  mismatch_reason  text CHECK (mismatch_reason IS NULL OR btrim(mismatch_reason) <> ''),
  delivery         delivery_method NOT NULL,
  tracking_number  text CHECK (tracking_number IS NULL OR btrim(tracking_number) <> ''),
  email_message_id text CHECK (email_message_id IS NULL OR btrim(email_message_id) <> ''),
  pickup_signed_by text CHECK (pickup_signed_by IS NULL OR btrim(pickup_signed_by) <> ''),
  pickup_signed_on date,
  recorded_by      text NOT NULL DEFAULT session_user,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (delivery <> 'mail' OR tracking_number IS NOT NULL),
  CHECK (delivery <> 'secure_email' OR email_message_id IS NOT NULL),
  CHECK (delivery <> 'pickup' OR (pickup_signed_by IS NOT NULL AND pickup_signed_on IS NOT NULL))
);

CREATE FUNCTION release_deliveries_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  requested roi_requests;
BEGIN
  SELECT * INTO requested FROM roi_requests WHERE id = NEW.request_id;
  IF (requested.format <> NEW.produced_format OR requested.delivery <> NEW.delivery)
     AND NEW.mismatch_reason IS NULL THEN
    RAISE EXCEPTION 'request % asked for % by %; another format or delivery needs the reason agreed with the requester',
                    requested.reference, requested.format, requested.delivery
      USING ERRCODE = 'CS004';
  END IF;
  NEW.recorded_by := session_user;
  NEW.recorded_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER release_deliveries_check BEFORE INSERT ON release_deliveries
  FOR EACH ROW EXECUTE FUNCTION release_deliveries_check();
CREATE TRIGGER release_deliveries_append_only BEFORE UPDATE OR DELETE ON release_deliveries
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER release_deliveries_audit AFTER INSERT ON release_deliveries
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT, INSERT ON release_deliveries TO custodian_clerk, custodian_admin;
GRANT SELECT ON release_deliveries TO custodian_billing, custodian_auditor;
