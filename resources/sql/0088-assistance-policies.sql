-- The financial-assistance policy in the database (issue 21).  0070's
-- screening read the hospital's policy (income bands against the HHS
-- poverty guidelines, the discount of each band, the AGB percentage, the
-- rule for plans on assisted balances) from a file shipped with the
-- program; a policy is the hospital's, changed by its board and dated,
-- so it is stored here, effective-dated like fee schedules and price
-- lists:
--
--   assistance_policies  one row per version of the policy: its text
--                        (the key-file shape of
--                        resources/seed/financial-assistance.ini, checked
--                        by the client's reader before it is stored), the
--                        day it takes effect, who stored it and when.  The
--                        policy in effect on a day is the one with the
--                        latest effective_from on or before it; with no
--                        row in effect the shipped file is the policy (the
--                        seed), so nothing changes until an administrator
--                        stores one.
--
-- Administrators store versions; every role reads (billing and clerks
-- screen patients, auditors see what a screening was made under).  Nobody
-- changes or deletes a version: a statement screened under it must still
-- be explainable.  Storing is audited.
CREATE TABLE assistance_policies (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  effective_from date NOT NULL UNIQUE,
  policy         text NOT NULL CHECK (btrim(policy) <> '' AND octet_length(policy) <= 1000000),
  note           text CHECK (note IS NULL OR btrim(note) <> ''),
  stored_by      text NOT NULL DEFAULT session_user,
  stored_at      timestamptz NOT NULL DEFAULT now()
);

-- Who stored a version is the login that did, whatever the client sends.
CREATE FUNCTION assistance_policies_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.stored_by := session_user;
  NEW.stored_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER assistance_policies_stamp BEFORE INSERT ON assistance_policies
  FOR EACH ROW EXECUTE FUNCTION assistance_policies_stamp();
CREATE TRIGGER assistance_policies_no_change BEFORE UPDATE OR DELETE ON assistance_policies
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER assistance_policies_audit AFTER INSERT ON assistance_policies
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON assistance_policies
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON assistance_policies TO custodian_admin;
