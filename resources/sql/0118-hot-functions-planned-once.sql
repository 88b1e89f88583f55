-- 0118: less server CPU per clerk operation (issue 24, 50 clerks).
--
-- WHY
--   With 50 clerks on two cores the server does about 95 % of the CPU of
--   an operation (bench-load: ~5 ms of backend CPU per operation against
--   0.25 ms in the clients), and every p99 is queueing for that CPU.  A
--   good part of it was planning the same small queries again and again:
--   a LANGUAGE sql function that cannot be inlined (it has SET search_path,
--   or a FROM clause in a scalar function) is planned afresh each time the
--   statement calling it runs.  PL/pgSQL keeps its plans for the session.
--   Measured as the clerk login, backend CPU per statement on an idle
--   server (cpu time from /proc, 3,000 statements):
--     SELECT visible_facility_ids()   0.24 ms -> 0.06 ms (SELECT 1: 0.02)
--   and visible_facility_ids() runs once for every statement that reads a
--   table under the facility policy (0080): twice per operation on
--   average, 22,000 times in one 60 s run.
--
-- WHAT
--   The same bodies, the same results, in PL/pgSQL:
--   * facility_sees_all, visible_facility_ids, login_facility_id (0080),
--     read by every facility policy and every new row's default facility;
--   * caller_is_one_of (0057), checked by every link of the audit chain;
--   * audit_chain_payload (0003), once per audit row linked: the same
--     expression, so the same bytes hashed: the chain's format and
--     `audit verify` are unchanged;
--   * roi_deadline_extended and roi_deadline_rule_due (0059): opening a
--     request and timing a new one;
--   * release_inputs (0102), three times per release.
--   And:
--   * the chain's link updates each row through its partition: the row's
--     occurred_at (the partition key, 0079) beside its id lets the update
--     go to one year's table instead of looking the id up in every year;
--   * the request list's index (0096, same name and keys) carries the
--     columns the list's search reads, so a search reads the index
--     instead of every request's row (about a twentieth of the pages).

CREATE OR REPLACE FUNCTION facility_sees_all() RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN pg_has_role(session_user, 'custodian_admin', 'MEMBER')
      OR pg_has_role(session_user, 'custodian_auditor', 'MEMBER')
      OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                      WHERE oid = 'public.roi_requests'::regclass), 'MEMBER');
END $$;

CREATE OR REPLACE FUNCTION visible_facility_ids() RETURNS bigint[]
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN CASE
    WHEN facility_sees_all() THEN (SELECT array_agg(id ORDER BY id) FROM facilities)
    WHEN EXISTS (SELECT 1 FROM facility_members WHERE login = session_user)
      THEN (SELECT array_agg(facility_id ORDER BY facility_id) FROM facility_members
             WHERE login = session_user)
    ELSE (SELECT array_agg(id) FROM facilities WHERE is_default)
  END;
END $$;

CREATE OR REPLACE FUNCTION login_facility_id() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN COALESCE((SELECT min(facility_id) FROM facility_members WHERE login = session_user),
                  (SELECT id FROM facilities WHERE is_default));
END $$;

CREATE OR REPLACE FUNCTION caller_is_one_of(roles text[]) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN pg_has_role(session_user, current_user, 'MEMBER')
      OR EXISTS (SELECT 1 FROM unnest(roles) AS r(name)
                  WHERE pg_has_role(session_user, r.name, 'MEMBER'));
END $$;

-- The bytes hashed for one row: exactly 0003's expression.
CREATE OR REPLACE FUNCTION audit_chain_payload(seq bigint, r audit_log) RETURNS bytea
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN convert_to(
    E'custodian-audit-v1\n'
    || audit_chain_field(seq::text)
    || audit_chain_field(r.id::text)
    || audit_chain_field(to_char(r.occurred_at AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    || audit_chain_field(r.actor)
    || audit_chain_field(r.table_name)
    || audit_chain_field(r.row_id::text)
    || audit_chain_field(r.action)
    || audit_chain_field(r.old_row::text)
    || audit_chain_field(r.new_row::text)
    || audit_chain_field(r.txid::text),
    'UTF8');
END $$;

CREATE OR REPLACE FUNCTION roi_deadline_extended(p_rule_id bigint, p_original date) RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT roi_deadline_add_days(p_original, r.extension_days, r.count = 'business', r.holidays)
            FROM deadline_rules r WHERE r.id = p_rule_id AND r.extension_days > 0);
END $$;

CREATE OR REPLACE FUNCTION roi_deadline_rule_due(rule_id bigint, received date) RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT roi_deadline_add_days(roi_deadline_rule_due.received, r.days, r.count = 'business', r.holidays)
            FROM deadline_rules r WHERE r.id = roi_deadline_rule_due.rule_id);
END $$;

CREATE OR REPLACE FUNCTION release_inputs(p_request_id bigint, p_language text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
  RETURN encode(sha256(convert_to(json_build_array(
    (SELECT json_agg(t.id ORDER BY t.kind)
       FROM (SELECT DISTINCT ON (kind) id, kind FROM document_templates
              WHERE language = p_language AND kind IN ('cover-letter', 'invoice')
              ORDER BY kind, version DESC) t),
    (SELECT json_agg(json_build_array(w.id, w.reason, w.description, w.recorded_by) ORDER BY w.id)
       FROM release_withholdings w WHERE w.request_id = p_request_id),
    (SELECT json_build_array(f.name, f.address, f.phone, f.pay_text, f.pay_link)
       FROM facilities f
      WHERE f.id = (SELECT facility_id FROM roi_requests WHERE id = p_request_id)),
    (SELECT json_build_array(count(*), max(id)) FROM invoices WHERE request_id = p_request_id)
  )::text, 'UTF8')), 'hex');
END $$;

-- 0057's body; the update names the row's partition key beside its id.
CREATE OR REPLACE FUNCTION audit_chain_link_visible(wait boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
SET custodian.audit_linking = 'on' AS $$
DECLARE
  r audit_log;
  head audit_chain_head;
  next_seq bigint;
  last_hash bytea;
  queued bigint[];
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing',
                                'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian''s roles link the audit chain' USING ERRCODE = '42501';
  END IF;
  IF wait THEN
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  ELSE
    SELECT * INTO head FROM audit_chain_head FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      RETURN -1;
    END IF;
  END IF;
  next_seq := head.seq;
  last_hash := head.hash;
  WITH taken AS (DELETE FROM audit_chain_pending RETURNING audit_id)
  SELECT array_agg(audit_id) INTO queued FROM taken;
  IF queued IS NULL THEN
    RETURN 0;
  END IF;
  FOR r IN SELECT a.* FROM unnest(queued) AS q(id) JOIN audit_log a ON a.id = q.id
            ORDER BY a.id LOOP
    IF r.chain_seq IS NOT NULL THEN
      RAISE EXCEPTION 'audit row % was queued but is linked already', r.id;
    END IF;
    next_seq := next_seq + 1;
    -- occurred_at picks the year's partition when the update starts
    -- (run-time pruning); by id alone every year's index was searched.
    UPDATE audit_log SET chain_seq = next_seq, prev_hash = last_hash,
                         row_hash = sha256(last_hash || audit_chain_payload(next_seq, r))
     WHERE id = r.id AND occurred_at = r.occurred_at
    RETURNING row_hash INTO last_hash;
  END LOOP;
  IF next_seq <> head.seq THEN
    UPDATE audit_chain_head SET seq = next_seq, hash = last_hash;
  END IF;
  RETURN next_seq - head.seq;
END $$;

-- The search reads reference, status, the patient and the facility (the
-- policy) of requests newest first: all from the index.
DROP INDEX roi_requests_listed_idx;
CREATE INDEX roi_requests_listed_idx ON roi_requests (received_date DESC, id DESC)
  INCLUDE (reference, status, patient_id, facility_id);
