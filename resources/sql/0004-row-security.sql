-- Row-level security: rules that depend on the row, not only on the table.
--
-- Grants (0002) still decide who may read or write roi_requests at all;
-- the policies below add what a grant cannot say.  They apply to every
-- role except the table owner, which bypasses them (RLS is enabled, not
-- forced): migrations and the owner's SECURITY DEFINER functions, such as
-- the audit trigger, keep working unchanged.
--
-- A released, denied or cancelled request is closed: the disclosure it
-- records is history.  The status trigger of 0001 already refuses to change
-- one, for everybody; the policy makes the same rule part of the role's
-- privileges, so a closed row is not even a candidate for a non-owner's
-- UPDATE (or SELECT … FOR UPDATE): it cannot be locked, and a trigger
-- replaced or disabled by mistake would not open it up.

ALTER TABLE roi_requests ENABLE ROW LEVEL SECURITY;

-- Everyone who holds the SELECT grant reads every request: the hospital's
-- ROI desk, billing and auditors all work across patients.
CREATE POLICY roi_requests_read ON roi_requests
  FOR SELECT USING (true);

-- New requests start at the beginning of the workflow.
CREATE POLICY roi_requests_create ON roi_requests
  FOR INSERT WITH CHECK (status = 'received' AND extended_on IS NULL);

-- Only open requests can change.  WITH CHECK (true): closing a request
-- (moving it to released, denied or cancelled) is itself allowed.
CREATE POLICY roi_requests_change_open ON roi_requests
  FOR UPDATE
  USING (status NOT IN ('released', 'denied', 'cancelled'))
  WITH CHECK (true);
