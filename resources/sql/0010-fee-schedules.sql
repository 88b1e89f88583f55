-- Release-of-information fee schedules (issue 3): the law's amounts as data.
--
-- One row per version of a schedule.  An edit inserts the next version and
-- never changes an old one, so an invoice's schedule_version ("PA-2025@1")
-- always names the amounts it was priced with.  The columns are the keys
-- of resources/seed/fee-schedules.ini ('-' written '_'), and the model
-- library (cst-fee-schedule.c) validates a whole set before a version is
-- saved: overlapping dates, tier gaps and negative amounts are refused
-- there with a clear message; the constraints below are the backstop.

CREATE TABLE fee_schedules (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schedule_key            text NOT NULL
                          CHECK (schedule_key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  version                 integer NOT NULL CHECK (version >= 1),
  kind                    text NOT NULL DEFAULT 'fee'
                          CHECK (kind IN ('fee', 'exemption', 'exclusion', 'hipaa')),
  -- A state or territory code, or US for the federal HIPAA schedule.
  jurisdiction            char(2) NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}$'),
  providers               text[] NOT NULL CHECK (cardinality(providers) > 0),
  requesters              text[] NOT NULL CHECK (cardinality(requesters) > 0),
  purposes                text[] NOT NULL CHECK (cardinality(purposes) > 0),
  effective_from          date NOT NULL,
  effective_to            date CHECK (effective_to IS NULL OR effective_to >= effective_from),
  -- C confirmed in the primary text, S secondary source, U UNCONFIRMED.
  confidence              char(1) NOT NULL CHECK (confidence IN ('C', 'S', 'U')),
  citation                text NOT NULL CHECK (btrim(citation) <> ''),
  source                  text,
  note                    text,
  condition               text CHECK (condition IS NULL OR condition = 'indigent'),
  request_fee_cents       bigint CHECK (request_fee_cents >= 0),
  request_fee_label       text,
  per_year_cents          bigint CHECK (per_year_cents >= 0),
  certification_cents     bigint CHECK (certification_cents >= 0),
  minimum_cents           bigint CHECK (minimum_cents >= 0),
  cap_cents               bigint CHECK (cap_cents >= 0),
  postage                 text CHECK (postage IN ('actual', 'included')),
  tax_basis_points        bigint CHECK (tax_basis_points BETWEEN 0 AND 5000),
  clerical_rate_cents     bigint CHECK (clerical_rate_cents >= 0),
  clerical_per_minutes    bigint CHECK (clerical_per_minutes > 0),
  clerical_round_up       boolean,
  -- Marginal tiers "1-20:194;21-60:144;61-:50" (cents), or "50%" of paper.
  paper                   text CHECK (paper ~ '^([0-9]+-[0-9]*:=?[0-9]+;?)+$|^[0-9]+%$'),
  electronic              text CHECK (electronic ~ '^([0-9]+-[0-9]*:=?[0-9]+;?)+$|^[0-9]+%$'),
  media                   text CHECK (media ~ '^([0-9]+-[0-9]*:=?[0-9]+;?)+$|^[0-9]+%$'),
  microform               text CHECK (microform ~ '^([0-9]+-[0-9]*:=?[0-9]+;?)+$|^[0-9]+%$'),
  paper_confidence        char(1) CHECK (paper_confidence IN ('C', 'S', 'U')),
  electronic_confidence   char(1) CHECK (electronic_confidence IN ('C', 'S', 'U')),
  media_confidence        char(1) CHECK (media_confidence IN ('C', 'S', 'U')),
  microform_confidence    char(1) CHECK (microform_confidence IN ('C', 'S', 'U')),
  -- OCR's flat fee: not to exceed $6.50 (HHS FAQ 2030).
  flat_cents              bigint CHECK (flat_cents BETWEEN 0 AND 650),
  default_method          text CHECK (default_method IN ('actual', 'average', 'flat')),
  supplies_per_page_cents bigint CHECK (supplies_per_page_cents >= 0),
  media_cents             bigint CHECK (media_cents >= 0),
  created_at              timestamptz NOT NULL DEFAULT now(),
  created_by              text NOT NULL DEFAULT session_user,
  UNIQUE (schedule_key, version),
  CHECK ((kind = 'hipaa') = (jurisdiction = 'US'))
);
CREATE INDEX fee_schedules_jurisdiction_idx ON fee_schedules (jurisdiction, effective_from);

-- A saved version is history: corrections are new versions.
CREATE FUNCTION fee_schedules_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a saved fee schedule version cannot be changed; save a new version'
    USING ERRCODE = 'CS005';
END $$;

CREATE TRIGGER fee_schedules_immutable
  BEFORE UPDATE OR DELETE ON fee_schedules
  FOR EACH ROW EXECUTE FUNCTION fee_schedules_refuse_change();
CREATE TRIGGER fee_schedules_no_truncate
  BEFORE TRUNCATE ON fee_schedules
  FOR EACH STATEMENT EXECUTE FUNCTION fee_schedules_refuse_change();
CREATE TRIGGER fee_schedules_audit AFTER INSERT OR UPDATE OR DELETE ON fee_schedules
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- Everyone reads the schedules (clerks quote, billing bills, auditors
-- check); only an administrator saves a new version.
GRANT SELECT ON fee_schedules
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON fee_schedules TO custodian_admin;
