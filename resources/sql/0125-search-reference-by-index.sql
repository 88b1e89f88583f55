-- Searching older closed requests by a word of the reference, as a clerk,
-- uses the reference's trigram index again (0054).
--
-- Since 0087 every role but the system-wide ones reads roi_requests
-- through the restrictive facility policy.  ILIKE is not leakproof, so
-- PostgreSQL applies it only after the policy, never as an index
-- condition: a clerk's search read every request of the clerk's
-- facilities and tested each (5.0 s for one facility of 2,000,000
-- requests, bench/system/README.md; the patients' and requesters' indexes
-- were still used, those tables having no policy).
--
-- This function runs as the tables' owner, whom the policy does not
-- restrict, so the index serves the ILIKE; it applies the policy's own
-- rule itself (the caller's facilities, by session_user, through
-- visible_facility_ids(), read once), after checking the caller's role as
-- every owner-rights function does, and returns ids only: whatever the
-- caller then reads of those requests still goes through the policy.
CREATE FUNCTION request_ids_by_reference(pattern text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  visible bigint[];
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing',
                                'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian''s roles search the requests' USING ERRCODE = '42501';
  END IF;
  visible := visible_facility_ids();
  RETURN QUERY SELECT r.id FROM roi_requests r
                WHERE r.reference ILIKE pattern AND r.facility_id = ANY (visible);
END
$$;
REVOKE EXECUTE ON FUNCTION request_ids_by_reference(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION request_ids_by_reference(text)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
