-- Itemized bills and patient-statement templates (issue 5).
--
-- Money is bigint cents.  Every table is audited.  Template text is
-- versioned and append-only, and each statement sent records the exact
-- template version it was made from, so it can be made again as sent.

CREATE TYPE bill_visit_type AS ENUM ('emergency', 'outpatient', 'inpatient', 'observation');
CREATE TYPE bill_claim_status AS ENUM ('processed', 'pending', 'denied');

CREATE TABLE bills (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_number           text NOT NULL CHECK (btrim(account_number) <> ''
                                                AND length(account_number) <= 64),
  patient_name             text NOT NULL CHECK (btrim(patient_name) <> ''),
  guarantor_name           text,
  visit_type               bill_visit_type NOT NULL,
  admit_date               date NOT NULL,
  discharge_date           date NOT NULL,
  payer_name               text,
  claim_number             text,
  claim_status             bill_claim_status NOT NULL DEFAULT 'processed',
  claim_processed_date     date,
  -- Paid as a whole (DRG, case rate): the lines carry charges only.
  claim_level_payment      boolean NOT NULL DEFAULT false,
  claim_insurer_paid_cents bigint NOT NULL DEFAULT 0,
  claim_adjustment_cents   bigint NOT NULL DEFAULT 0,
  fap_adjustment_cents     bigint NOT NULL DEFAULT 0 CHECK (fap_adjustment_cents >= 0),
  patient_payments_cents   bigint NOT NULL DEFAULT 0 CHECK (patient_payments_cents >= 0),
  other_credits_cents      bigint NOT NULL DEFAULT 0,
  statement_date           date NOT NULL,
  due_date                 date NOT NULL,
  statement_sequence       integer NOT NULL DEFAULT 1 CHECK (statement_sequence >= 1),
  created_at               timestamptz NOT NULL DEFAULT now(),
  created_by               text NOT NULL DEFAULT session_user,
  CHECK (discharge_date >= admit_date),
  CHECK (due_date >= statement_date),
  CHECK (claim_level_payment OR (claim_insurer_paid_cents = 0 AND claim_adjustment_cents = 0))
);
CREATE INDEX bills_account_idx ON bills (account_number);

CREATE TABLE bill_lines (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bill_id            bigint NOT NULL REFERENCES bills (id),
  position           integer NOT NULL CHECK (position >= 0),
  source_line        integer NOT NULL DEFAULT 0,
  service_date       date NOT NULL,
  revenue_code       text NOT NULL CHECK (revenue_code ~ '^[0-9]{4}$'),
  cpt_hcpcs          text NOT NULL DEFAULT '' CHECK (cpt_hcpcs ~ '^([A-Z0-9]{5})?$'),
  description        text NOT NULL CHECK (btrim(description) <> ''),
  units              bigint NOT NULL,
  charge_cents       bigint NOT NULL,
  insurer_paid_cents bigint NOT NULL,
  adjustment_cents   bigint NOT NULL,
  patient_resp_cents bigint NOT NULL,
  UNIQUE (bill_id, position),
  -- statement-spec 7.1; claim-level lines carry no payments at all.
  CHECK (charge_cents = insurer_paid_cents + adjustment_cents + patient_resp_cents
         OR (insurer_paid_cents = 0 AND adjustment_cents = 0 AND patient_resp_cents = 0))
);

CREATE TABLE statement_templates (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  language        text NOT NULL CHECK (language IN ('en', 'es')),
  current_version integer NOT NULL DEFAULT 0 CHECK (current_version >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL DEFAULT session_user,
  UNIQUE (name, language)
);

-- The template's whole text (key-file form) per version.
CREATE TABLE statement_template_versions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  template_id bigint NOT NULL REFERENCES statement_templates (id),
  version     integer NOT NULL CHECK (version >= 1),
  body        text NOT NULL CHECK (body <> ''),
  note        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL DEFAULT session_user,
  UNIQUE (template_id, version)
);

CREATE FUNCTION statement_template_versions_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'statement template versions are append-only; save a new version'
    USING ERRCODE = 'CS005';
END $$;

CREATE TRIGGER statement_template_versions_append_only
  BEFORE UPDATE OR DELETE ON statement_template_versions
  FOR EACH ROW EXECUTE FUNCTION statement_template_versions_refuse_change();

-- One row per statement produced for a patient: which bill, which exact
-- template version, what it said was due.
CREATE TABLE bill_statements (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bill_id             bigint NOT NULL REFERENCES bills (id),
  template_version_id bigint NOT NULL REFERENCES statement_template_versions (id),
  amount_due_cents    bigint NOT NULL,
  total_charges_cents bigint NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          text NOT NULL DEFAULT session_user
);
CREATE INDEX bill_statements_bill_idx ON bill_statements (bill_id);

CREATE TRIGGER bills_audit AFTER INSERT OR UPDATE OR DELETE ON bills
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER bill_lines_audit AFTER INSERT OR UPDATE OR DELETE ON bill_lines
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER statement_templates_audit AFTER INSERT OR UPDATE OR DELETE ON statement_templates
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER statement_template_versions_audit AFTER INSERT OR UPDATE OR DELETE
  ON statement_template_versions
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER bill_statements_audit AFTER INSERT OR UPDATE OR DELETE ON bill_statements
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- Billing stores bills and designs statements; auditors read; admins
-- manage templates; clerks have no business with bills.  No DELETE for
-- anyone: a bill that was wrong is superseded, never erased.
REVOKE ALL ON bills, bill_lines, statement_templates, statement_template_versions,
              bill_statements FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON bills, bill_lines TO custodian_billing;
GRANT SELECT, INSERT ON bill_statements TO custodian_billing;
GRANT SELECT, INSERT, UPDATE ON statement_templates TO custodian_billing, custodian_admin;
GRANT SELECT, INSERT ON statement_template_versions TO custodian_billing, custodian_admin;
GRANT SELECT ON bills, bill_lines, statement_templates, statement_template_versions,
                bill_statements TO custodian_auditor;
