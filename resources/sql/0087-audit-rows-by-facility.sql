-- Audit rows by facility (issue 22): the audit log was readable in full by
-- every role (0002), so a clerk of one facility could read the old and new
-- rows of another facility's requests, invoices and records, which 0080's
-- row-level security hides from them everywhere else.  Now a login reads
-- the audit rows of the facilities it works for, and the rows that belong
-- to no facility (settings, fee schedules, logins' events); administrators
-- and auditors (and the schema's owner) read them all, so `audit verify`
-- and the evidence pack still see every row.
--
-- An audit row's facility is found in what it recorded, without a new
-- column (the hash chain covers every column of every row, and 0079's
-- partitions keep their shape):
--   * a row of a table with a facility_id (requests since 0080, invoices,
--     disclosures, rendered documents, bills, members, Bates counters): that
--     facility;
--   * a row of roi_requests from before 0080 (no facility_id in it): the
--     request's, read through roi_requests' own row-level security;
--   * a row with a request_id (records, payments, deliveries ...) or an
--     event whose details name a request_id (record.viewed, release events):
--     the request's, likewise;
--   * anything else: every login, as before.
-- Writes are untouched: the log is written only by the owner's functions
-- and triggers, which row-level security does not apply to.  The policy
-- applies to the partitioned table and so to every year read through it.

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY audit_log_by_facility ON audit_log FOR SELECT
  USING (
    (SELECT facility_sees_all())
    OR CASE
         WHEN COALESCE(new_row, old_row) ? 'facility_id'
           THEN (COALESCE(new_row, old_row)->>'facility_id')::bigint
                = ANY ((SELECT visible_facility_ids())::bigint[])
         WHEN table_name = 'roi_requests' AND row_id IS NOT NULL
           THEN EXISTS (SELECT 1 FROM roi_requests r WHERE r.id = audit_log.row_id)
         WHEN jsonb_typeof(COALESCE(new_row, old_row)->'request_id') = 'number'
           THEN EXISTS (SELECT 1 FROM roi_requests r
                         WHERE r.id = (COALESCE(new_row, old_row)->>'request_id')::bigint)
         WHEN jsonb_typeof(new_row->'details'->'request_id') = 'number'
           THEN EXISTS (SELECT 1 FROM roi_requests r
                         WHERE r.id = (new_row->'details'->>'request_id')::bigint)
         ELSE true
       END);
