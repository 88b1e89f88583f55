-- Bates numbers per facility (issue 22): a packet is numbered from its
-- request's facility's counter and prefix, not the default facility's.
-- 0080 gave every facility its counter (a trigger makes one for each new
-- facility); only the counter the UPDATE reads changes here.  The range's
-- row carries the facility, so 0080's write guard still refuses a range for
-- a request of a facility the caller does not work for.
CREATE OR REPLACE FUNCTION allocate_bates(p_request_id bigint, p_count integer)
RETURNS TABLE (prefix text, digits integer, first_number bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  counter bates_counters;
  request_facility bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators number packets'
      USING ERRCODE = '42501';
  END IF;
  IF p_count IS NULL OR p_count < 1 OR p_count > 1000000 THEN
    RAISE EXCEPTION 'a Bates range has from 1 to 1000000 pages' USING ERRCODE = '22023';
  END IF;
  SELECT facility_id INTO request_facility FROM roi_requests WHERE id = p_request_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  UPDATE bates_counters c SET next_number = c.next_number + p_count
   WHERE c.facility_id = request_facility
  RETURNING c.* INTO counter;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the facility has no Bates counter' USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO bates_ranges (facility_id, request_id, prefix, first_number, last_number)
    VALUES (counter.facility_id, p_request_id, counter.prefix,
            counter.next_number - p_count, counter.next_number - 1);
  RETURN QUERY SELECT counter.prefix, counter.digits, counter.next_number - p_count;
END $$;
