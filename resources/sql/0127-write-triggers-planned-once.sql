-- 0127: the request's write triggers plan their queries once per session
-- (issue 22, 100 clerks).
--
-- WHY
--   pg_stat_statements (track = all, track_planning = on) over
--   `bench-load --clerks 20 --seconds 30` (2026-12-07 17:06 UTC, load 7)
--   listed two statements planned at every call:
--     * the body of record_released_pages(), which the BEFORE UPDATE
--       trigger roi_requests_packet_pages() runs for every update of a
--       request (each edit, move and release): 607 calls, 607 plans,
--       1,673 ms of planning against 22 ms of executing — 2.8 ms of
--       server time per write, 9 % of all the server's time in that run;
--     * the body of roi_authorization_required(), which
--       roi_requests_check_authorization() runs for every change of
--       status: 272 calls, 272 plans, 312 ms planning, 75 ms executing.
--   Both are LANGUAGE sql functions that cannot be inlined (a SET clause,
--   or a FROM clause in a scalar function), so their bodies are planned
--   afresh each time the trigger's expression runs (0118 has the same
--   finding for the facility functions).
--
-- WHAT
--   The same bodies, the same results, in PL/pgSQL, whose plans live for
--   the session.  Generic plans from the first call (plan_cache_mode):
--   left to choose, PostgreSQL makes five custom plans per session before
--   it tries the generic one, and a second 100-clerk run still planned
--   857 times for 2,116 calls; every query here is a probe by the
--   request's id, which a generic plan serves as well.  Security
--   (invoker), volatility and grants unchanged; roi_authorization_required
--   keeps reading the request under the caller's row-level security.
--   Further down: two checks that no longer lock tables they do not read,
--   visible_facility_ids() planned once for every caller, and generic
--   plans for three more trigger and release statements.

CREATE OR REPLACE FUNCTION record_released_pages(p_request_id bigint) RETURNS integer
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  -- Most requests have no packet yet: two index probes, no sums.
  IF NOT EXISTS (SELECT 1 FROM record_documents WHERE request_id = p_request_id)
     AND NOT EXISTS (SELECT 1 FROM record_paper_pages WHERE request_id = p_request_id) THEN
    RETURN NULL;
  END IF;
  RETURN (COALESCE((SELECT sum(d.page_count) FROM record_documents d
                     WHERE d.request_id = p_request_id), 0)
          - (SELECT count(*) FROM record_page_exclusions x
               JOIN record_documents d ON d.id = x.document_id
              WHERE d.request_id = p_request_id)
          + COALESCE((SELECT pages FROM record_paper_pages
                       WHERE request_id = p_request_id), 0))::integer;
END $$;

CREATE OR REPLACE FUNCTION roi_authorization_required(p_request_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  -- No row (not visible, or gone): NULL, as the SQL body's empty result.
  RETURN (SELECT q.kind NOT IN ('patient', 'personal_representative')
                 AND NOT EXISTS (SELECT 1 FROM legal_processes p WHERE p.request_id = r.id)
            FROM roi_requests r JOIN requesters q ON q.id = r.requester_id
           WHERE r.id = p_request_id);
END $$;

-- Two BEFORE UPDATE checks of every write read a table only in a rare
-- case (a fee dispute while the due date moves later; a "no records"
-- answer), but as one expression each: PL/pgSQL runs the whole plan, so
-- every edit and move locked fee_disputes and its three indexes, and
-- no_records_searches.  An edit held 29 relation locks, 13 of them beyond
-- PostgreSQL's 16 per-backend fast-path slots, in the shared lock table
-- whose partition locks the clerks queue on (LWLock:LockManager, 6 % of
-- the active backends' samples with 100 clerks).  The same conditions,
-- the table read only when the cheap ones hold.
CREATE OR REPLACE FUNCTION fee_dispute_keeps_due_date() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.due_date > OLD.due_date
     AND NEW.extended_on IS NOT DISTINCT FROM OLD.extended_on THEN
    IF EXISTS (SELECT 1 FROM fee_disputes WHERE request_id = NEW.id AND resolved_at IS NULL) THEN
      RAISE EXCEPTION 'the due date of request % (%) does not stop for a fee dispute',
        NEW.reference, OLD.due_date USING ERRCODE = 'CS001';
    END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION roi_requests_check_no_records() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.no_records AND NEW.status IN ('denied', 'released')
     AND (NEW.status <> OLD.status OR NOT OLD.no_records) THEN
    IF NOT EXISTS (SELECT 1 FROM no_records_searches s
                    WHERE s.request_id = NEW.id AND s.signed_off_by IS NOT NULL) THEN
      RAISE EXCEPTION 'request % cannot be answered "no records found" without a recorded search signed off by a second person',
                      OLD.reference
        USING ERRCODE = 'CS001';
    END IF;
  END IF;
  RETURN NEW;
END $$;

-- visible_facility_ids() (0080, PL/pgSQL since 0118) runs for every
-- statement that reads a table under the facility policy, about twice per
-- clerk operation, sometimes as the clerk (a policy) and sometimes as the
-- owner (inside a SECURITY DEFINER function or trigger).  Its queries read
-- facilities and facility_members, which have row-level security, so each
-- cached plan holds only for the user it was made for: every change of
-- user planned it again (7,340 plans for 26,228 calls, 8.8 s of the
-- server's time, in a 100-clerk run at 17:04 UTC; bench/load/README.md).
-- Run as its owner, its plans hold for every caller.  Same results for every Custodian role: the
-- policies let each of them read every facility (facilities_read) and
-- its own memberships (facility_members_own), and the queries ask only for
-- the session user's memberships; session_user is the same either way.
--
-- Like every function run with the owner's rights, it checks its caller
-- (test-trust-release `owner-rights-guarded`): a login outside Custodian's
-- roles is refused, as reading any table under the policy already refused
-- it (no grant); the owner and a superuser pass as before.
CREATE OR REPLACE FUNCTION visible_facility_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing',
                                'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian''s roles see facilities' USING ERRCODE = '42501';
  END IF;
  RETURN CASE
    WHEN facility_sees_all() THEN (SELECT array_agg(id ORDER BY id) FROM facilities)
    WHEN EXISTS (SELECT 1 FROM facility_members WHERE login = session_user)
      THEN (SELECT array_agg(facility_id ORDER BY facility_id) FROM facility_members
             WHERE login = session_user)
    ELSE (SELECT array_agg(id) FROM facilities WHERE is_default)
  END;
END $$;
REVOKE EXECUTE ON FUNCTION visible_facility_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION visible_facility_ids()
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- A new request's repeat lookup (roi_requests_link_repeat, 0042/0052) was
-- planned afresh for nearly every request made: PostgreSQL kept choosing
-- custom plans for its one statement (584 calls, 496 plans, 10.2 s of
-- planning in a 100-clerk run at 17:18 UTC, ~17 ms a request at that load).
-- The generic plan is the one 0052 wrote the function for: the patient's
-- open requests by roi_requests_patient_idx, then each one's requester by
-- key (EXPLAIN of the prepared statement under force_generic_plan).
ALTER FUNCTION roi_requests_link_repeat() SET plan_cache_mode = force_generic_plan;
-- Likewise, custom-planned at nearly every call in that run, each keyed by
-- the request's id: the authorization checklist a move to "authorization
-- verified" checks (232 plans for 233 calls, 6.2 s), and release_inputs()
-- (0118), three times per release (328 plans for 351 calls, 9.5 s).
-- release_inputs() for 300 requests in one session: 63 ms either way.
ALTER FUNCTION roi_requests_check_authorization() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION release_inputs(bigint, text) SET plan_cache_mode = force_generic_plan;
