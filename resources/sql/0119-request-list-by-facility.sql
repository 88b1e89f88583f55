-- A facility's request list, in the list's order, from one index (issues
-- 22 and 24).
--
-- The list (cst_request_repo_list_rows) reads the facilities' open
-- requests and those received since the window's cut-off (a year), newest
-- received first.  Without this index, a clerk of one facility in twenty
-- at 2,000,000 requests had the facility's 100,000 requests found through
-- roi_requests_facility_status_idx as a bitmap and read from 71,298 heap
-- pages (twenty facilities' arrivals interleave, so a facility's rows lie
-- on every page), to keep 20,135 of them: 1.4 s with the pages cached,
-- 7.5 s without.
--
-- Keyed by facility and then the list's order, and carrying every column
-- of roi_requests the list reads, a facility's listed rows are one range
-- of this index read in order, without the table (an index-only scan,
-- where vacuum has marked the pages all-visible): 2,018 pages for the same
-- clerk.  The first screenful (ORDER BY … LIMIT 100) walks the same range
-- and stops.
--
-- The price: version and updated_by change at every save, so a save of a
-- request is never a HOT update any more (each of the table's indexes gets
-- its new entry); 258 MB at 2,000,000 requests, built in 18 s there.
CREATE INDEX roi_requests_facility_listed_idx ON roi_requests
  (facility_id, received_date DESC, id DESC)
  INCLUDE (status, version, patient_id, requester_id, due_date, extended_on, original_due_date,
           deadline_rule_id, deadline_compared_rule_id, reference, jurisdiction, updated_by);
