-- A partial release records what was withheld and why, with a category the
-- letter and the evidence can name: 42 CFR Part 2 records, psychotherapy
-- notes (45 CFR 164.524(a)(1)(i)), a minor's confidential services under
-- state law, outside the requested date range, not held here.

CREATE TYPE withholding_reason AS ENUM (
  'part2', 'psychotherapy_notes', 'minor_confidential', 'outside_date_range', 'not_held');

CREATE TABLE release_withholdings (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id   bigint NOT NULL REFERENCES roi_requests,
  reason       withholding_reason NOT NULL,
  description  text NOT NULL CHECK (btrim(description) <> '' AND length(description) <= 2000),
  recorded_by  text NOT NULL DEFAULT session_user,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX release_withholdings_request_idx ON release_withholdings (request_id);

-- Append-only, stamped by the server, and only while the request is open:
-- what was withheld is fixed once the answer went out.
CREATE FUNCTION release_withholdings_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT status FROM roi_requests WHERE id = NEW.request_id)
     IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request is closed; what was withheld can no longer change'
      USING ERRCODE = 'CS002';
  END IF;
  NEW.recorded_by := session_user;
  NEW.recorded_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER release_withholdings_stamp BEFORE INSERT ON release_withholdings
  FOR EACH ROW EXECUTE FUNCTION release_withholdings_stamp();
CREATE TRIGGER release_withholdings_append_only BEFORE UPDATE OR DELETE ON release_withholdings
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER release_withholdings_audit AFTER INSERT ON release_withholdings
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT, INSERT ON release_withholdings TO custodian_clerk, custodian_admin;
GRANT SELECT ON release_withholdings TO custodian_billing, custodian_auditor;
