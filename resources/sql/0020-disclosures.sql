-- The disclosure log behind the patient's accounting of disclosures
-- (45 CFR 164.528).  The release step writes one row per disclosure; the
-- accounting prints the accountable ones for a period.  Rows are a legal
-- record: nobody may change or delete them (no UPDATE or DELETE grant),
-- and the audit trigger records each insert.
CREATE TABLE disclosures (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id        bigint NOT NULL REFERENCES patients,
  request_id        bigint REFERENCES roi_requests,
  -- 164.528(b)(2)(i): the date of the disclosure
  disclosed_on      date NOT NULL CHECK (disclosed_on >= DATE '1990-01-01'),
  -- (ii): who received it, and their address if known
  recipient_name    text NOT NULL CHECK (btrim(recipient_name) <> ''),
  recipient_address text,
  -- (iii): a brief description of what was disclosed
  phi_description   text NOT NULL CHECK (btrim(phi_description) <> ''),
  -- (iv): a brief statement of the purpose, or a copy of the request
  purpose_statement text NOT NULL CHECK (btrim(purpose_statement) <> ''),
  -- Disclosures under an authorization, to the patient, or for treatment,
  -- payment and operations are logged but excluded from the accounting
  -- (164.528(a)(1)).
  accountable       boolean NOT NULL DEFAULT true,
  legal_basis       text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  created_by        text NOT NULL DEFAULT session_user
);
CREATE INDEX disclosures_patient_date_idx ON disclosures (patient_id, disclosed_on);
CREATE INDEX disclosures_request_idx ON disclosures (request_id);

CREATE TRIGGER disclosures_audit AFTER INSERT OR UPDATE OR DELETE ON disclosures
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT, INSERT ON disclosures TO custodian_clerk;
GRANT SELECT ON disclosures TO custodian_billing, custodian_auditor, custodian_admin;
