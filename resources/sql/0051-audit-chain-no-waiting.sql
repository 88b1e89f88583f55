-- The audit chain without a queue at COMMIT.
--
-- WHY
--   In 0003 every audited transaction linked its rows at COMMIT while
--   holding the chain head's single row FOR UPDATE until the commit had
--   completed.  Under 50 clerks that row became a convoy: a holder that the
--   scheduler descheduled made every committing writer behind it wait, and
--   the p99 of a one-row edit went from milliseconds to seconds
--   (bench/load/README.md).  Nothing about a clerk's save needs to wait for
--   another clerk's save to be hashed.
--
-- HOW
--   Rows are still inserted unlinked, and each new row's id is also put
--   in the small queue audit_chain_pending.  At COMMIT (the same deferred constraint
--   trigger, once per transaction) a writer tries the head with SKIP
--   LOCKED:
--     * it gets it: it takes every entry it can see from the queue (its own
--       and those of every transaction that committed before) and links
--       those rows in id order, then commits as before;
--     * another writer holds it: it commits at once, its rows pending.  The
--       next writer that gets the head links them, and so does
--       audit_chain_link_pending(), which the app calls a few seconds after
--       its own changes and `custodian-cli audit verify` calls before it
--       walks the chain.
--   So no writer ever waits for the head.  The chain order is the order of
--   linking, not of commit, which is all the chain needs: each position
--   still follows exactly one row and the head still names the last.  The
--   canonical serialization of 0003 is unchanged, so rows linked before
--   this migration verify as they are.
--
--   Writers that are not READ COMMITTED leave their rows pending: a
--   REPEATABLE READ transaction may not lock a head that changed after its
--   snapshot, and 0003 made such writers fail with 40001 instead.
--
-- WHAT IT COSTS
--   A pending row is covered by the append-only triggers and the grants
--   like any other, but until it is linked a superuser who edits it leaves
--   no broken link: the window is the few seconds until the next link, the
--   same exposure as any row written after the last anchor recorded outside
--   the database.  A row found unlinked and NOT queued was written with the
--   triggers off (replica mode), and `audit verify` still reports it as
--   tampering.
--
--   Why a queue and not a flag on audit_log with a partial index: linking
--   updates the row, and every update left a dead entry in such an index
--   until the next vacuum of the whole log, which for a large log comes
--   rarely.  Each look for pending rows then stepped over all of them (15
--   ms after 70,000 rows, growing).  The queue stays a few pages long: its
--   rows are deleted as they are linked, and pages are pruned as they are
--   read.

CREATE TABLE audit_chain_pending (
  audit_id bigint NOT NULL
);
-- No index: the linker reads the whole queue, which pruning keeps to a few
-- pages; vacuum it often all the same.
ALTER TABLE audit_chain_pending SET (autovacuum_vacuum_threshold = 200,
                                     autovacuum_vacuum_scale_factor = 0);
GRANT SELECT ON audit_chain_pending
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Every new row is unlinked, whatever the insert said, and queued.
CREATE FUNCTION audit_log_queue_for_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  NEW.chain_seq := NULL;
  NEW.prev_hash := NULL;
  NEW.row_hash := NULL;
  INSERT INTO audit_chain_pending (audit_id) VALUES (NEW.id);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION audit_log_queue_for_chain() FROM PUBLIC;

CREATE TRIGGER audit_log_queue_for_chain
  BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_queue_for_chain();

-- 0003 found one transaction's rows through this index; nothing does now.
DROP INDEX audit_log_unlinked_idx;

-- Links every queued row this transaction can see, in id order, after the
-- head.  With wait false it returns -1 at once when another linker holds
-- the head; otherwise it returns how many rows it linked.
CREATE FUNCTION audit_chain_link_visible(wait boolean) RETURNS bigint
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
  -- Statements of their own, so their snapshot is taken after the lock:
  -- entries the previous holder took are gone.
  WITH taken AS (DELETE FROM audit_chain_pending RETURNING audit_id)
  SELECT array_agg(audit_id) INTO queued FROM taken;
  IF queued IS NULL THEN
    RETURN 0;
  END IF;
  -- A join, not "id = ANY (queued)": with a bulk import's tens of
  -- thousands of ids the planner may otherwise walk the whole primary key
  -- testing every row against the array.
  FOR r IN SELECT a.* FROM unnest(queued) AS q(id) JOIN audit_log a ON a.id = q.id
            ORDER BY a.id LOOP
    IF r.chain_seq IS NOT NULL THEN
      RAISE EXCEPTION 'audit row % was queued but is linked already', r.id;
    END IF;
    next_seq := next_seq + 1;
    -- By primary key alone: with "AND chain_seq IS NULL" here, statistics
    -- taken before a bulk import let the planner pick the chain_seq index,
    -- whose NULL entries are every unlinked row, for each of them.
    UPDATE audit_log SET chain_seq = next_seq, prev_hash = last_hash,
                         row_hash = sha256(last_hash || audit_chain_payload(next_seq, r))
     WHERE id = r.id
    RETURNING row_hash INTO last_hash;
  END LOOP;
  IF next_seq <> head.seq THEN
    UPDATE audit_chain_head SET seq = next_seq, hash = last_hash;
  END IF;
  RETURN next_seq - head.seq;
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link_visible(boolean) FROM PUBLIC;

-- The same for callers that do not know whether anything is pending: in
-- the usual case (a quiet server, or right after another linker) it reads
-- a page or two, takes no lock and no transaction id.
CREATE FUNCTION audit_chain_link_pending(wait boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_chain_pending) THEN
    RETURN 0;
  END IF;
  RETURN audit_chain_link_visible(wait);
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link_pending(boolean) FROM PUBLIC;
-- Linking changes no content and only ever extends the chain: every
-- role may ask for it (the app does after its own changes, an auditor's
-- verify does before walking).
GRANT EXECUTE ON FUNCTION audit_chain_link_pending(boolean)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- At COMMIT, once per transaction: try the head, never wait for it.
CREATE OR REPLACE FUNCTION audit_chain_link_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF current_setting('custodian.audit_link_tried', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('custodian.audit_link_tried', 'on', true);
    -- This transaction's own rows are queued: no need to look first.
    IF current_setting('transaction_isolation') = 'read committed' THEN
      PERFORM audit_chain_link_visible(false);
    END IF;
  END IF;
  RETURN NULL;
END $$;

DROP FUNCTION audit_chain_link(bigint);
DROP FUNCTION audit_chain_link_rows(bigint);
