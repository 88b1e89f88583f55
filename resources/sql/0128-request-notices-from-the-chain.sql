-- 0128: a request's change is announced by the audit chain's linker, not
-- by each writer at its commit (issue 22, 100 clerks).
--
-- WHY
--   A transaction that has called NOTIFY takes, at COMMIT, one lock that is
--   the same for the whole server (PostgreSQL's notification queue lock,
--   "AccessExclusiveLock on object 0 of class 1262 of database 0") and
--   keeps it until its commit is complete.  roi_requests_notify() (0001)
--   made every write of a request such a transaction, so every clerk's
--   save queued behind every other clerk's commit: the convoy 0051 removed
--   from the audit chain's head, back on another lock.  With
--   log_lock_waits and deadlock_timeout = 10 ms, `bench-load --clerks 100
--   --seconds 40` (2026-12-07 17:04 UTC, load 8-16) logged 414 waits of
--   more than 10 ms for that lock (21.4 s in all, the longest 268 ms)
--   against a dozen for every row lock together, for about 2,500 writes.
--   With synchronous_commit on (not the test server's setting), the lock
--   is also held while the commit record is flushed, so writes could not
--   share a flush either.
--
-- HOW
--   Every change of a request already writes an audit row (audit_row_change,
--   0003) whose action, row id and new (or, deleted, old) row say what the
--   notification said: "op:id:version".  The linker (0051: one transaction
--   at a time, holding the chain's head) now sends, for each audit row of
--   roi_requests it links, the same notification on the same channel;
--   the writers send none.  Only the linker of the moment takes the
--   notification lock, and no one else wants it.
--
--   When is a change announced?  A writer that finds the head free (a
--   quiet server, a single desk) links its own rows at its commit, so its
--   notification leaves with its commit, as before.  A writer that finds
--   the head busy commits at once and its rows are linked (and announced)
--   by the next writer's commit or by its own connection's link two
--   seconds later (CstConnection), as a REPEATABLE READ writer's always
--   were linked.  Never before the change is committed: the linker only
--   sees committed rows, and its notifications leave with its own commit.
--   A request's versions are announced in order: the linker walks audit
--   rows in id order, and version n+1 of a request was written after
--   version n committed.  A rolled-back change has no audit row: never
--   announced, as before.
--
-- WHAT IT COSTS
--   One pg_notify() per request row linked, in the transaction that links
--   it (the writer's own, in the usual case).  bench-load --no-chain (writers
--   never link, for comparison) now also sends no notifications.

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
    -- What roi_requests_notify() (0001) sent at the writer's commit.
    IF r.table_name = 'roi_requests' THEN
      PERFORM pg_notify('custodian_requests',
                        format('%s:%s:%s', lower(r.action), r.row_id,
                               COALESCE(r.new_row, r.old_row)->>'version'));
    END IF;
  END LOOP;
  IF next_seq <> head.seq THEN
    UPDATE audit_chain_head SET seq = next_seq, hash = last_hash;
  END IF;
  RETURN next_seq - head.seq;
END $$;

DROP TRIGGER roi_requests_notify ON roi_requests;
DROP FUNCTION roi_requests_notify();
