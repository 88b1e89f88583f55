-- 0063: a subpoena is legal process, whoever brings it.  Since 0060 a
-- request's purpose is a code the server can read; the deadline rules of
-- 0059 were chosen by requester kind alone, so a subpoena was timed as any
-- third party's request and a state's legal-process rule never applied.
-- cst_deadline_class_for() makes the same choice in C (custodian-cli
-- deadline --purpose subpoena).

CREATE OR REPLACE FUNCTION roi_deadline_time(r roi_requests) RETURNS roi_requests
LANGUAGE plpgsql STABLE AS $$
DECLARE
  d record;
BEGIN
  SELECT * INTO d FROM roi_deadline_for(
    r.jurisdiction,
    CASE WHEN r.purpose_code = 'subpoena' THEN 'legal-process'
         ELSE roi_deadline_class((SELECT q.kind FROM requesters q WHERE q.id = r.requester_id)) END,
    roi_deadline_format(r.format), r.received_date);
  r.deadline_rule_id := d.rule_id;
  r.deadline_compared_rule_id := d.compared_rule_id;
  r.original_due_date := d.due_date;
  RETURN r;
END $$;

-- As 0059's, and a changed purpose times the request again.
CREATE OR REPLACE FUNCTION roi_requests_before_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed (%) and can no longer change', OLD.reference, OLD.status
      USING ERRCODE = 'CS002';
  END IF;
  IF NEW.id <> OLD.id OR NEW.reference <> OLD.reference
     OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
    RAISE EXCEPTION 'identity columns of a request cannot change' USING ERRCODE = 'CS001';
  END IF;
  IF NEW.received_date > current_date THEN
    RAISE EXCEPTION 'the received date % is in the future', NEW.received_date
      USING ERRCODE = 'CS004';
  END IF;
  IF NEW.status <> OLD.status AND NOT EXISTS (
       SELECT 1 FROM roi_status_transitions t
        WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
    RAISE EXCEPTION 'a request cannot move from % to %', OLD.status, NEW.status
      USING ERRCODE = 'CS001';
  END IF;
  IF OLD.extended_on IS NOT NULL AND
     (NEW.extended_on IS DISTINCT FROM OLD.extended_on
      OR NEW.extension_reason IS DISTINCT FROM OLD.extension_reason) THEN
    RAISE EXCEPTION 'request % was already extended once', OLD.reference
      USING ERRCODE = 'CS003';
  END IF;
  IF OLD.extended_on IS NULL AND NEW.extended_on IS NOT NULL
     AND roi_deadline_extended(OLD.deadline_rule_id, OLD.original_due_date) IS NULL THEN
    RAISE EXCEPTION 'the legal deadline of request % allows no extension', OLD.reference
      USING ERRCODE = 'CS003';
  END IF;
  IF OLD.extended_on IS NULL AND NEW.extended_on IS NOT NULL
     AND NEW.extended_on > OLD.due_date THEN
    RAISE EXCEPTION 'the extension must be taken before the original due date %', OLD.due_date
      USING ERRCODE = 'CS003';
  END IF;
  -- The rule version stays the one the request was opened under, unless
  -- what decides it was corrected (or it was never timed: before 0059);
  -- since 0063 the purpose is one of those.
  IF OLD.deadline_rule_id IS NULL OR NEW.received_date <> OLD.received_date
     OR NEW.jurisdiction <> OLD.jurisdiction OR NEW.requester_id <> OLD.requester_id
     OR NEW.format <> OLD.format OR NEW.purpose_code <> OLD.purpose_code THEN
    NEW := roi_deadline_time(NEW);
  ELSE
    NEW.deadline_rule_id := OLD.deadline_rule_id;
    NEW.deadline_compared_rule_id := OLD.deadline_compared_rule_id;
    NEW.original_due_date := OLD.original_due_date;
  END IF;
  NEW.due_date := CASE WHEN NEW.extended_on IS NULL THEN NEW.original_due_date
                       ELSE COALESCE(roi_deadline_extended(NEW.deadline_rule_id, NEW.original_due_date),
                                     NEW.original_due_date) END;
  NEW.version := OLD.version + 1;
  NEW.updated_by := session_user;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
