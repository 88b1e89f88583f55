-- Searching older closed requests (cst_request_repo_search_closed) in one
-- statement whose text does not change with the words, over one search key
-- per request kept by the database (issues 24 and 22).
--
-- Before, each word added a UNION of three ILIKE subqueries (the
-- reference through request_ids_by_reference(), 0125; the patient's MRN
-- and names; the requester's name), so the statement's text changed with
-- the number of words and was planned afresh on every call, under the
-- facility policy: three quarters of the server's statement time with 50
-- clerks, a third of it planning (bench/load/README.md).
--
-- request_search_keys holds, for every request, the texts the search
-- looks in, lower-cased and joined by a newline (which no word holds:
-- the words are split on blanks, tabs, newlines and commas, so no word
-- matches across two texts), beside what the search filters on (the
-- facility, the received date, whether the request is closed), so that
-- one trigram index (0054's pg_trgm) serves every word of a search and no
-- other table is read until the ids are known.  Accents are compared as
-- typed and case is ignored, as ILIKE did: lower() is what ILIKE applies
-- to both sides.
--
-- Nobody but the owner reads the table: request_ids_matching() runs as
-- the owner, applies the facility rule itself (the caller's facilities,
-- through visible_facility_ids(), as 0125 does) and returns ids only;
-- whatever the caller then reads of those requests goes through the
-- facility policy.  The triggers that keep it fire also with
-- session_replication_role = replica (ENABLE ALWAYS): the benches seed
-- with the other triggers off.

CREATE FUNCTION request_search_key(reference text, mrn text, family_name text,
                                   given_name text, requester_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(reference || E'\n' || mrn || E'\n' || family_name || E'\n' || given_name
               || E'\n' || requester_name)
$$;

CREATE TABLE request_search_keys (
  request_id    bigint PRIMARY KEY REFERENCES roi_requests ON DELETE CASCADE,
  facility_id   bigint NOT NULL,
  received_date date NOT NULL,
  closed        boolean NOT NULL,
  key           text NOT NULL
);
REVOKE ALL ON request_search_keys FROM PUBLIC;

CREATE FUNCTION request_is_closed(status roi_status) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status IN ('released', 'denied', 'cancelled')
$$;

INSERT INTO request_search_keys (request_id, facility_id, received_date, closed, key)
SELECT r.id, r.facility_id, r.received_date, request_is_closed(r.status),
       request_search_key(r.reference, p.mrn, p.family_name, p.given_name, q.name)
  FROM roi_requests r JOIN patients p ON p.id = r.patient_id
  JOIN requesters q ON q.id = r.requester_id;

DO $$
BEGIN
  CREATE INDEX request_search_keys_trigram ON request_search_keys USING gin (key gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'no trigram index (%): older closed requests are searched by scanning', SQLERRM;
END $$;
-- A clerk of one facility of twenty: with the facility in the index the
-- rows of the other nineteen are never read (2,000,000 requests, one
-- family name of thirty: 825-1,550 ms without, 164 ms with;
-- bench/load/README.md).  btree_gin, a trusted extension shipped with
-- PostgreSQL, indexes the facility's number in a GIN index; without it the
-- index above serves alone.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS btree_gin;
  CREATE INDEX request_search_keys_facility_trigram ON request_search_keys
    USING gin (facility_id, key gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'no facility trigram index (%): the trigram index serves alone', SQLERRM;
END $$;
ANALYZE request_search_keys;

-- New requests, in one statement however many a statement inserts; read
-- as they are now, not as inserted (a row trigger may have changed them).
CREATE FUNCTION request_search_keys_added() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO request_search_keys (request_id, facility_id, received_date, closed, key)
  SELECT r.id, r.facility_id, r.received_date, request_is_closed(r.status),
         request_search_key(r.reference, p.mrn, p.family_name, p.given_name, q.name)
    FROM added a JOIN roi_requests r ON r.id = a.id
    JOIN patients p ON p.id = r.patient_id JOIN requesters q ON q.id = r.requester_id;
  RETURN NULL;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_search_keys_added() FROM PUBLIC;
CREATE TRIGGER request_search_keys_added AFTER INSERT ON roi_requests
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION request_search_keys_added();
ALTER TABLE roi_requests ENABLE ALWAYS TRIGGER request_search_keys_added;

-- The keys of the requests @ids, read again.  Called only by the owner-rights
-- trigger functions below, so it runs as the owner without being one itself.
CREATE FUNCTION request_search_keys_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE request_search_keys k
     SET facility_id = r.facility_id, received_date = r.received_date,
         closed = request_is_closed(r.status),
         key = request_search_key(r.reference, p.mrn, p.family_name, p.given_name, q.name)
    FROM roi_requests r JOIN patients p ON p.id = r.patient_id
    JOIN requesters q ON q.id = r.requester_id
   WHERE r.id = ANY (ids) AND k.request_id = r.id;
END $$;
REVOKE EXECUTE ON FUNCTION request_search_keys_refresh(bigint[]) FROM PUBLIC;

-- A request's searched texts, facility, date or closing changed: most
-- writes (an edit, a move between open steps) change none of them, and
-- the WHEN clause keeps the trigger from running at all.
CREATE FUNCTION request_search_keys_request_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM request_search_keys_refresh(ARRAY[NEW.id]);
  RETURN NULL;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_search_keys_request_changed() FROM PUBLIC;
CREATE TRIGGER request_search_keys_request_changed AFTER UPDATE ON roi_requests FOR EACH ROW
  WHEN (OLD.reference IS DISTINCT FROM NEW.reference OR OLD.patient_id <> NEW.patient_id
        OR OLD.requester_id <> NEW.requester_id OR OLD.facility_id <> NEW.facility_id
        OR OLD.received_date <> NEW.received_date
        OR request_is_closed(OLD.status) <> request_is_closed(NEW.status))
  EXECUTE FUNCTION request_search_keys_request_changed();
ALTER TABLE roi_requests ENABLE ALWAYS TRIGGER request_search_keys_request_changed;

CREATE FUNCTION request_search_keys_patient_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM request_search_keys_refresh(ARRAY(SELECT id FROM roi_requests
                                             WHERE patient_id = NEW.id));
  RETURN NULL;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_search_keys_patient_changed() FROM PUBLIC;
CREATE TRIGGER request_search_keys_patient_changed
  AFTER UPDATE OF mrn, family_name, given_name ON patients FOR EACH ROW
  WHEN (OLD.mrn <> NEW.mrn OR OLD.family_name <> NEW.family_name
        OR OLD.given_name <> NEW.given_name)
  EXECUTE FUNCTION request_search_keys_patient_changed();
ALTER TABLE patients ENABLE ALWAYS TRIGGER request_search_keys_patient_changed;

CREATE FUNCTION request_search_keys_requester_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM request_search_keys_refresh(ARRAY(SELECT id FROM roi_requests
                                             WHERE requester_id = NEW.id));
  RETURN NULL;
END $$;
-- Fired, never called: EXECUTE is checked only when a trigger is made.
REVOKE EXECUTE ON FUNCTION request_search_keys_requester_changed() FROM PUBLIC;
CREATE TRIGGER request_search_keys_requester_changed
  AFTER UPDATE OF name ON requesters FOR EACH ROW
  WHEN (OLD.name <> NEW.name)
  EXECUTE FUNCTION request_search_keys_requester_changed();
ALTER TABLE requesters ENABLE ALWAYS TRIGGER request_search_keys_requester_changed;

-- The closed requests received before @before, of the caller's
-- facilities, whose key holds every pattern (LIKE patterns, case aside),
-- newest first, at most @max_rows: their ids, in that order.  The words
-- are written into the statement as one condition each, so the trigram
-- index intersects them, and the statement is planned with the patterns
-- known (a generic plan cannot tell a rare name from a common one).
CREATE FUNCTION request_ids_matching(patterns text[], before date, max_rows integer)
RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  query text := 'SELECT array_agg(m.request_id ORDER BY m.received_date DESC, m.request_id DESC)'
                ' FROM (SELECT k.request_id, k.received_date'
                ' FROM request_search_keys k WHERE k.closed AND k.received_date < $2'
                ' AND k.facility_id = ANY ($3)';
  found bigint[];
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing',
                                'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian''s roles search the requests' USING ERRCODE = '42501';
  END IF;
  IF COALESCE(cardinality(patterns), 0) = 0 THEN
    RETURN '{}';
  END IF;
  FOR i IN 1 .. cardinality(patterns) LOOP
    query := query || format(' AND k.key LIKE lower($1[%s])', i);
  END LOOP;
  EXECUTE query || ' ORDER BY k.received_date DESC, k.request_id DESC LIMIT $4) m'
    INTO found USING patterns, before, visible_facility_ids(), max_rows;
  RETURN COALESCE(found, '{}');
END $$;
REVOKE EXECUTE ON FUNCTION request_ids_matching(text[], date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION request_ids_matching(text[], date, integer)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
