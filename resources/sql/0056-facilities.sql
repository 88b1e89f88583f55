-- The facility's details printed on every letter, invoice and statement
-- (name, address, phone, how to pay and where online, and the state new
-- requests start in) belong to the hospital, not to one user's settings:
-- before this they lived in each computer's GSettings, and a clerk whose
-- settings were empty printed "call us at  and".
--
-- One row per facility, so that a later version can hold several and tie
-- each request to one; today there is exactly one, the default.  Empty
-- text means "not filled in yet": the documents refuse to be made until
-- an administrator fills what they need (Preferences → Facility, or
-- custodian-cli facility set).
CREATE TABLE facilities (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  is_default    boolean NOT NULL DEFAULT false,
  name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  address       text NOT NULL DEFAULT '' CHECK (length(address) <= 1000),
  phone         text NOT NULL DEFAULT '' CHECK (length(phone) <= 60),
  pay_text      text NOT NULL DEFAULT '' CHECK (length(pay_text) <= 1000),
  pay_link      text NOT NULL DEFAULT '' CHECK (length(pay_link) <= 500),
  default_state text NOT NULL DEFAULT 'NY' CHECK (default_state ~ '^[A-Z]{2}$'),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    text NOT NULL DEFAULT session_user
);
CREATE UNIQUE INDEX facilities_one_default ON facilities (is_default) WHERE is_default;

CREATE FUNCTION facilities_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  NEW.updated_by := session_user;
  RETURN NEW;
END $$;
CREATE TRIGGER facilities_stamp BEFORE INSERT OR UPDATE ON facilities
  FOR EACH ROW EXECUTE FUNCTION facilities_stamp();
CREATE TRIGGER facilities_audit AFTER INSERT OR UPDATE OR DELETE ON facilities
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

INSERT INTO facilities (is_default) VALUES (true);

-- Every role reads the details (every role makes or checks documents);
-- only an administrator changes them, and only the details, never which
-- row is the default.
ALTER TABLE facilities ENABLE ROW LEVEL SECURITY;
CREATE POLICY facilities_read ON facilities FOR SELECT
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin
  USING (true);
CREATE POLICY facilities_admin_update ON facilities FOR UPDATE
  TO custodian_admin
  USING (true) WITH CHECK (true);

GRANT SELECT ON facilities
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT UPDATE (name, address, phone, pay_text, pay_link, default_state) ON facilities
  TO custodian_admin;
