-- Least-privilege group roles.  People log in as their own PostgreSQL login,
-- a member of one of these; the application never needs the owner or a
-- superuser in normal use.  Roles are cluster-wide, so creating them must
-- tolerate a second database (or a concurrent migration) having done it.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['custodian_clerk', 'custodian_billing',
                           'custodian_auditor', 'custodian_admin'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Reference data everyone reads.
GRANT SELECT ON jurisdictions, roi_status_transitions, schema_migrations
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- The audit log: read by all, written only by the SECURITY DEFINER trigger.
GRANT SELECT ON audit_log
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Clerks run the release-of-information desk.  No DELETE: a request is
-- cancelled, never erased.
GRANT SELECT, INSERT, UPDATE ON patients, requesters, roi_requests
  TO custodian_clerk, custodian_admin;
GRANT USAGE ON SEQUENCE roi_reference_seq TO custodian_clerk, custodian_admin;

-- Billing and auditors read requests; they do not change them.
GRANT SELECT ON patients, requesters, roi_requests
  TO custodian_billing, custodian_auditor;

-- Administrators also manage jurisdiction clocks.
GRANT UPDATE (access_deadline_days) ON jurisdictions TO custodian_admin;
