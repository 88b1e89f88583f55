-- 0133: the request list's names kept on the request row (issue 24, the
-- whole list of 200,000 requests in one second).
--
-- WHY
--   The main window reads its whole list in one COPY.  Joining each
--   request to its patient and its requester was about 400 ms of the
--   server's 670-750 ms of CPU for 200,000 requests (a merge join over two
--   index scans, the patients hashed), and the two tables' pages were
--   about half of the 10,500 shared buffers a new backend touches for the
--   first time (bench/window/README.md, "where the server's CPU for the
--   whole list goes").  With the names on the row, the list reads
--   roi_requests alone.
--
-- WHAT
--   roi_requests gets copies of what the list shows of the patient (MRN,
--   family and given name) and of the requester (name, kind).  They are
--   the patient's and the requester's, never typed for the request:
--     * request_list_names_copied, BEFORE INSERT and BEFORE UPDATE of the
--       patient, the requester or the copies themselves, copies them from
--       patients and requesters (whatever a statement wrote into them);
--       an edit that changes neither the patient nor the requester does
--       not fire it (the WHEN clause);
--     * request_list_names_patient_changed and ..._requester_changed,
--       AFTER a rename, copy the new names into every request naming them,
--       of every facility and closed ones too.
--   The copy reads the patient and the requester FOR SHARE: a request
--   made while its patient is being renamed waits for the rename and
--   copies the new name, and a rename waits for requests being made for
--   that patient and then finds them; without the lock either could keep
--   the old name.
--
--   A rename's copy is not a change of the request: no new version, no
--   updated_by, no audit row and no change notice for the requests it
--   touches (the rename itself is audited, on patients or requesters, with
--   who and when).  A requester such as an insurer names thousands of
--   requests: a version for each would make every window fetch each of
--   them, one by one, and make an edit open on any of them fail as
--   changed by someone else; a closed request cannot change at all.  A
--   window shows the new name from its next load, as it did when the
--   list joined the patients.  Such a copy is told from a write by what
--   it changes: the copies, and not the patient or the requester (only
--   request_list_names_copied() changes the copies, and they are true
--   after every statement, so no write of a clerk's looks like one); the
--   request's own write triggers whose work is a change of the request
--   skip it (WHEN): the checks and stamps of roi_requests_before_update(),
--   the released pages of roi_requests_packet_pages(), the audit row and
--   the notice.
--
--   Row-level security: the copies are read through roi_requests' facility
--   policy, so a login sees the names of the requests it sees; patients
--   and requesters have no row-level security (0004, 0056, 0080), and the
--   join showed every login the names of the requests it saw, no more.
--
--   The triggers fire also with session_replication_role = replica
--   (ENABLE ALWAYS), as 0126's do: the benches seed with the other
--   triggers off.  Their functions run as the owner (a clerk may make a
--   request for any patient; the rename must reach requests of every
--   facility), with search_path set, and nobody may call them.
--
--   The existing rows are filled in one rewrite of the table (ALTER
--   COLUMN ... TYPE ... USING, which rewrites the table once and builds
--   its indexes afresh), not by an UPDATE, which would write a second
--   version of every row and every index entry and leave the table twice
--   its size for the list to read.  200,000 requests (bench-window's
--   database: 66,667 patients, 200,000 requesters) took 6.6-7.8 s, of
--   which 4.7 s is rewriting the table and building its twelve indexes
--   (the same ALTER with a constant), the rest the five lookups a row;
--   the whole table is locked meanwhile, as for any rewrite.

ALTER TABLE roi_requests
  ADD COLUMN patient_mrn text,
  ADD COLUMN patient_family_name text,
  ADD COLUMN patient_given_name text,
  ADD COLUMN requester_name text,
  ADD COLUMN requester_kind requester_kind;

-- The existing rows, in one rewrite.  A transform expression may not hold
-- a subquery, so the lookups are functions, this session's only.
CREATE FUNCTION pg_temp.list_patient(id bigint) RETURNS patients
LANGUAGE sql STABLE AS $$ SELECT * FROM public.patients WHERE id = $1 $$;
CREATE FUNCTION pg_temp.list_requester(id bigint) RETURNS requesters
LANGUAGE sql STABLE AS $$ SELECT * FROM public.requesters WHERE id = $1 $$;
ALTER TABLE roi_requests
  ALTER COLUMN patient_mrn TYPE text USING (pg_temp.list_patient(patient_id)).mrn,
  ALTER COLUMN patient_family_name TYPE text USING (pg_temp.list_patient(patient_id)).family_name,
  ALTER COLUMN patient_given_name TYPE text USING (pg_temp.list_patient(patient_id)).given_name,
  ALTER COLUMN requester_name TYPE text USING (pg_temp.list_requester(requester_id)).name,
  ALTER COLUMN requester_kind TYPE requester_kind
    USING (pg_temp.list_requester(requester_id)).kind,
  ALTER COLUMN patient_mrn SET NOT NULL,
  ALTER COLUMN patient_family_name SET NOT NULL,
  ALTER COLUMN patient_given_name SET NOT NULL,
  ALTER COLUMN requester_name SET NOT NULL,
  ALTER COLUMN requester_kind SET NOT NULL;
DROP FUNCTION pg_temp.list_patient(bigint);
DROP FUNCTION pg_temp.list_requester(bigint);

-- The copies, from the patient and the requester the row names now: on
-- an update, only the side whose id or copies the statement changed, so
-- that a rename's copy locks only the renamed row (a patient's rename and
-- a requester's, sharing a request, must not wait for each other).
CREATE FUNCTION request_list_names_copied() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.patient_id <> OLD.patient_id
     OR (NEW.patient_mrn, NEW.patient_family_name, NEW.patient_given_name)
        IS DISTINCT FROM (OLD.patient_mrn, OLD.patient_family_name, OLD.patient_given_name) THEN
    SELECT p.mrn, p.family_name, p.given_name
      INTO NEW.patient_mrn, NEW.patient_family_name, NEW.patient_given_name
      FROM patients p WHERE p.id = NEW.patient_id FOR SHARE;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.requester_id <> OLD.requester_id
     OR (NEW.requester_name, NEW.requester_kind)
        IS DISTINCT FROM (OLD.requester_name, OLD.requester_kind) THEN
    SELECT q.name, q.kind INTO NEW.requester_name, NEW.requester_kind
      FROM requesters q WHERE q.id = NEW.requester_id FOR SHARE;
  END IF;
  RETURN NEW;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_list_names_copied() FROM PUBLIC;
-- Named to fire before the roi_requests_* triggers, whose WHEN clauses
-- read the copies.
CREATE TRIGGER request_list_names_copied BEFORE INSERT ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION request_list_names_copied();
ALTER TABLE roi_requests ENABLE ALWAYS TRIGGER request_list_names_copied;
CREATE TRIGGER request_list_names_recopied
  BEFORE UPDATE OF patient_id, requester_id, patient_mrn, patient_family_name,
                   patient_given_name, requester_name, requester_kind ON roi_requests
  FOR EACH ROW
  WHEN (OLD.patient_id <> NEW.patient_id OR OLD.requester_id <> NEW.requester_id
        OR (OLD.patient_mrn, OLD.patient_family_name, OLD.patient_given_name,
            OLD.requester_name, OLD.requester_kind)
           IS DISTINCT FROM (NEW.patient_mrn, NEW.patient_family_name, NEW.patient_given_name,
                             NEW.requester_name, NEW.requester_kind))
  EXECUTE FUNCTION request_list_names_copied();
ALTER TABLE roi_requests ENABLE ALWAYS TRIGGER request_list_names_recopied;

-- A rename, into every request naming the patient or the requester.  The
-- requests are found by roi_requests_patient_idx / _requester_idx.
CREATE FUNCTION request_list_names_patient_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  UPDATE roi_requests
     SET patient_mrn = NEW.mrn, patient_family_name = NEW.family_name,
         patient_given_name = NEW.given_name
   WHERE patient_id = NEW.id
     AND (patient_mrn, patient_family_name, patient_given_name)
         IS DISTINCT FROM (NEW.mrn, NEW.family_name, NEW.given_name);
  RETURN NULL;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_list_names_patient_changed() FROM PUBLIC;
CREATE TRIGGER request_list_names_patient_changed
  AFTER UPDATE OF mrn, family_name, given_name ON patients FOR EACH ROW
  WHEN (OLD.mrn <> NEW.mrn OR OLD.family_name <> NEW.family_name
        OR OLD.given_name <> NEW.given_name)
  EXECUTE FUNCTION request_list_names_patient_changed();
ALTER TABLE patients ENABLE ALWAYS TRIGGER request_list_names_patient_changed;

CREATE FUNCTION request_list_names_requester_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  UPDATE roi_requests
     SET requester_name = NEW.name, requester_kind = NEW.kind
   WHERE requester_id = NEW.id
     AND (requester_name, requester_kind) IS DISTINCT FROM (NEW.name, NEW.kind);
  RETURN NULL;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_list_names_requester_changed() FROM PUBLIC;
CREATE TRIGGER request_list_names_requester_changed
  AFTER UPDATE OF name, kind ON requesters FOR EACH ROW
  WHEN (OLD.name <> NEW.name OR OLD.kind <> NEW.kind)
  EXECUTE FUNCTION request_list_names_requester_changed();
ALTER TABLE requesters ENABLE ALWAYS TRIGGER request_list_names_requester_changed;

-- The request's own write triggers leave a rename's copy alone (see the
-- top): the same triggers, made again with a WHEN clause that holds for
-- every write but such a copy (the copies changed, the patient and the
-- requester did not); the audit row and the notice of an insert or a
-- delete as before.  Their names keep their order.  The condition is
-- written out, not a function of OLD and NEW: with a SQL function
-- there, 1,000 edits of a clerk's (one transaction) took 2.7-3.8 s of the
-- server's CPU, against 0.95-1.5 s written out and 1.1-1.3 s before 0133.
DO $$
DECLARE
  written constant text :=
    'OLD.patient_id <> NEW.patient_id OR OLD.requester_id <> NEW.requester_id'
    ' OR (OLD.patient_mrn, OLD.patient_family_name, OLD.patient_given_name,'
    '     OLD.requester_name, OLD.requester_kind)'
    '    IS NOT DISTINCT FROM (NEW.patient_mrn, NEW.patient_family_name,'
    '     NEW.patient_given_name, NEW.requester_name, NEW.requester_kind)';
BEGIN
  DROP TRIGGER roi_requests_before_update ON roi_requests;
  EXECUTE format('CREATE TRIGGER roi_requests_before_update BEFORE UPDATE ON roi_requests'
                 ' FOR EACH ROW WHEN (%s) EXECUTE FUNCTION roi_requests_before_update()', written);
  DROP TRIGGER roi_requests_packet_pages ON roi_requests;
  EXECUTE format('CREATE TRIGGER roi_requests_packet_pages BEFORE UPDATE ON roi_requests'
                 ' FOR EACH ROW WHEN (%s) EXECUTE FUNCTION roi_requests_packet_pages()', written);
  DROP TRIGGER roi_requests_audit ON roi_requests;
  CREATE TRIGGER roi_requests_audit AFTER INSERT OR DELETE ON roi_requests
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();
  EXECUTE format('CREATE TRIGGER roi_requests_audit_update AFTER UPDATE ON roi_requests'
                 ' FOR EACH ROW WHEN (%s) EXECUTE FUNCTION audit_row_change()', written);
  DROP TRIGGER roi_requests_notify ON roi_requests;
  CREATE TRIGGER roi_requests_notify AFTER INSERT OR DELETE ON roi_requests
    FOR EACH ROW EXECUTE FUNCTION roi_requests_notify();
  EXECUTE format('CREATE TRIGGER roi_requests_notify_update AFTER UPDATE ON roi_requests'
                 ' FOR EACH ROW WHEN (%s) EXECUTE FUNCTION roi_requests_notify()', written);
END $$;

ANALYZE roi_requests;
