-- Finding a request's open repeats by the patient first.
--
-- 0042's function joined the new request's requester to every requester
-- and filtered by patient last.  In the BEFORE INSERT trigger PL/pgSQL
-- soon switches to a generic plan, which started from a scan of the whole
-- requesters table with two regexp_replace calls per row: 25 ms per new
-- request with 5,000 requesters, and growing with every requester ever
-- registered (bench/load/README.md).  A patient has a handful of requests,
-- so start there; the answer is the same.
CREATE OR REPLACE FUNCTION roi_open_requests_repeated(p_patient_id bigint, p_requester_id bigint)
RETURNS SETOF roi_requests LANGUAGE sql STABLE AS $$
  -- Each OFFSET 0 keeps the planner from flattening a subquery into one
  -- join that it may again start from the whole requesters table: the
  -- patient's open requests come first, then each one's requester by key.
  SELECT r.*
    FROM (SELECT * FROM roi_requests
           WHERE patient_id = p_patient_id
             AND status NOT IN ('released', 'denied', 'cancelled')
          OFFSET 0) r
   CROSS JOIN LATERAL (SELECT kind, name FROM requesters WHERE id = r.requester_id OFFSET 0) q
   CROSS JOIN (SELECT kind, name FROM requesters WHERE id = p_requester_id OFFSET 0) n
   WHERE (q.kind = 'patient' AND n.kind = 'patient')
      OR lower(regexp_replace(btrim(q.name), '\s+', ' ', 'g'))
         = lower(regexp_replace(btrim(n.name), '\s+', ' ', 'g'))
$$;
