-- Two clocks per request: the legal deadline (due_date: the jurisdiction's
-- days from receipt plus the one extension, 45 CFR 164.524(b)(2)) and the
-- department's own service target, shorter, from this one-row setting.  A
-- request within 5 days of its legal deadline, or past it, is at risk.

CREATE TABLE service_target (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  days     integer NOT NULL DEFAULT 10 CHECK (days BETWEEN 1 AND 30)
);
INSERT INTO service_target DEFAULT VALUES;
CREATE TRIGGER service_target_audit AFTER INSERT OR UPDATE OR DELETE ON service_target
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

CREATE VIEW roi_request_clocks WITH (security_invoker = true) AS
  SELECT r.id, r.reference, r.status,
         r.due_date AS legal_due_date,
         r.received_date + (SELECT days FROM service_target) AS service_due_date,
         r.due_date - current_date AS legal_days_left,
         r.received_date + (SELECT days FROM service_target) - current_date AS service_days_left,
         r.status NOT IN ('released', 'denied', 'cancelled')
           AND r.due_date - current_date <= 5 AS at_risk
    FROM roi_requests r;

GRANT SELECT ON service_target, roi_request_clocks
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT UPDATE ON service_target TO custodian_admin;
