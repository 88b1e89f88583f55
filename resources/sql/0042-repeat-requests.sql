-- Repeat requests escalate.  OCR's Right of Access settlements (Memorial
-- Hermann: five requests over 564 days; Concentra: six) began with repeats
-- treated as noise.  A new request for the same patient from the same
-- requester, or the patient's own access again, while an earlier one is
-- still open is linked to the earliest open one, gets a higher priority and
-- a supervisor flag.  Both rows stay: a repeat is never merged away.

ALTER TABLE roi_requests
  ADD COLUMN repeat_of       bigint REFERENCES roi_requests,
  ADD COLUMN priority        integer NOT NULL DEFAULT 0 CHECK (priority >= 0),
  ADD COLUMN supervisor_flag boolean NOT NULL DEFAULT false;
CREATE INDEX roi_requests_repeat_of_idx ON roi_requests (repeat_of);

-- The open requests a new one repeats: same patient, and either both the
-- patient's own access or the same requester name (case and spacing aside).
CREATE FUNCTION roi_open_requests_repeated(p_patient_id bigint, p_requester_id bigint)
RETURNS SETOF roi_requests LANGUAGE sql STABLE AS $$
  SELECT r.*
    FROM roi_requests r
    JOIN requesters q ON q.id = r.requester_id
    JOIN requesters n ON n.id = p_requester_id
   WHERE r.patient_id = p_patient_id
     AND r.status NOT IN ('released', 'denied', 'cancelled')
     AND ((q.kind = 'patient' AND n.kind = 'patient')
          OR lower(regexp_replace(btrim(q.name), '\s+', ' ', 'g'))
             = lower(regexp_replace(btrim(n.name), '\s+', ' ', 'g')))
$$;

CREATE FUNCTION roi_requests_link_repeat() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  earliest bigint;
  n_open   integer;
BEGIN
  SELECT min(r.id) FILTER (WHERE r.received_date = (SELECT min(received_date)
                             FROM roi_open_requests_repeated(NEW.patient_id, NEW.requester_id))),
         count(*)
    INTO earliest, n_open
    FROM roi_open_requests_repeated(NEW.patient_id, NEW.requester_id) r;
  IF n_open > 0 THEN
    NEW.repeat_of := earliest;
    NEW.priority := n_open;
    NEW.supervisor_flag := true;
  ELSE
    NEW.repeat_of := NULL;
    NEW.priority := 0;
    NEW.supervisor_flag := false;
  END IF;
  RETURN NEW;
END $$;
-- Fires after roi_requests_before_insert (triggers run in name order).
CREATE TRIGGER roi_requests_link_repeat BEFORE INSERT ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_link_repeat();

-- The link is history and the escalation only goes up: no client may undo
-- either.  Clearing the supervisor flag is the supervisor's (admin's) act.
CREATE FUNCTION roi_requests_keep_repeat() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.repeat_of IS DISTINCT FROM OLD.repeat_of OR NEW.priority < OLD.priority THEN
    RAISE EXCEPTION 'the repeat link and priority of request % cannot be undone', OLD.reference
      USING ERRCODE = 'CS001';
  END IF;
  IF OLD.supervisor_flag AND NOT NEW.supervisor_flag
     AND NOT pg_has_role(session_user, 'custodian_admin', 'MEMBER') THEN
    RAISE EXCEPTION 'only a supervisor may clear the supervisor flag of request %', OLD.reference
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_keep_repeat BEFORE UPDATE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_keep_repeat();
