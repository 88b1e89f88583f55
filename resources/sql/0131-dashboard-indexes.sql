-- The dashboard's figures (cst_dashboard_load_for) from indexes, without
-- reading the invoices' or the requests' rows (issue 22).
--
-- At 2,000,000 requests and 1,760,000 invoices (bench/system), every
-- refresh of the dashboard read the whole invoices table (3.3 GB: the
-- invoice's lines and justification make each row ~2 kB) twice, for the
-- fees of the window's months and for what is outstanding, and every
-- released request of the facility from the requests' heap for the
-- turnaround: 45 s a refresh for a clerk of one facility, up to 53 s
-- with the requests' pages not in memory.  Each index below carries
-- exactly the columns its statement reads, so the statement is an
-- index-only scan of one facility's range (where vacuum has marked the
-- pages all-visible).  The statements' text gives the same numbers as
-- before: db/test-dashboard compares them with the old statements'.

-- Fees by month and the outstanding total: the invoices of a facility up
-- to a day, with their amounts.  One entry more to write per invoice.
CREATE INDEX invoices_facility_issued_idx ON invoices (facility_id, issued_at) INCLUDE (total_cents);

-- Turnaround: the released requests of a facility with what their
-- released date and the days it took are computed from.  Only released
-- requests are in it, so a save of an open request never writes here;
-- the release writes one entry.
CREATE INDEX roi_requests_released_idx ON roi_requests (facility_id, updated_at)
  INCLUDE (received_date, id) WHERE status = 'released';

-- Each facility's open, overdue and due-this-week counts: the open
-- requests only (3 % of them in the bench's data), by facility and due
-- date.  A save that keeps a request open and its due date moves nothing
-- here unless it is not a HOT update (0119 made every save one), then one
-- entry; closing a request leaves the index's predicate.
CREATE INDEX roi_requests_open_due_idx ON roi_requests (facility_id, due_date)
  WHERE status NOT IN ('released', 'denied', 'cancelled');
