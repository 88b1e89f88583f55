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
--   Rows are still inserted unlinked, and now also marked chain_pending by
--   a BEFORE INSERT trigger.  At COMMIT (the same deferred constraint
--   trigger, once per transaction) a writer tries the head with SKIP
--   LOCKED:
--     * it gets it: it links, in id order, every pending row it can see:
--       its own and those of every transaction that committed before, then
--       commits as before;
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
--   the database.  A row found unlinked WITHOUT the pending mark was
--   written with the triggers off (replica mode) and `audit verify` still
--   reports it as tampering.

ALTER TABLE audit_log ADD COLUMN chain_pending boolean NOT NULL DEFAULT false;

-- Every new row is pending and unlinked, whatever the insert said.
CREATE FUNCTION audit_log_mark_pending() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.chain_seq := NULL;
  NEW.prev_hash := NULL;
  NEW.row_hash := NULL;
  NEW.chain_pending := true;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_log_pending
  BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_mark_pending();

-- Pending rows in id order, for the linker; unlinked forged rows, for verify.
CREATE INDEX audit_log_unlinked_id_idx ON audit_log (id) WHERE chain_seq IS NULL;
DROP INDEX audit_log_unlinked_idx;

-- The append-only exception of 0003, now for pending rows only, and also
-- clearing the mark.  The function is shared with other append-only
-- tables (0046, 0047), which never take the linking branch.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log'
     AND current_setting('custodian.audit_linking', true) = 'on' THEN
    IF OLD.chain_seq IS NULL AND OLD.chain_pending AND NOT NEW.chain_pending
       AND (NEW.id, NEW.occurred_at, NEW.actor, NEW.table_name, NEW.row_id, NEW.action,
            NEW.old_row, NEW.new_row, NEW.txid)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor, OLD.table_name, OLD.row_id, OLD.action,
            OLD.old_row, OLD.new_row, OLD.txid) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only'
    USING ERRCODE = 'CS005';
END $$;

-- Links every pending row this transaction can see, in id order, after
-- the head.  With wait false it returns -1 at once when another linker
-- holds the head; otherwise it returns how many rows it linked.
CREATE FUNCTION audit_chain_link_visible(wait boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
SET custodian.audit_linking = 'on' AS $$
DECLARE
  r audit_log;
  head audit_chain_head;
  next_seq bigint;
  last_hash bytea;
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
  -- A statement of its own, so its snapshot is taken after the lock: it
  -- sees every row the previous holder linked as linked.
  FOR r IN SELECT * FROM audit_log WHERE chain_seq IS NULL AND chain_pending ORDER BY id LOOP
    next_seq := next_seq + 1;
    UPDATE audit_log SET chain_seq = next_seq, prev_hash = last_hash, chain_pending = false,
                         row_hash = sha256(last_hash || audit_chain_payload(next_seq, r))
     WHERE id = r.id AND chain_pending
    RETURNING row_hash INTO last_hash;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit row % was linked by someone else while the head was held', r.id;
    END IF;
  END LOOP;
  IF next_seq <> head.seq THEN
    UPDATE audit_chain_head SET seq = next_seq, hash = last_hash;
  END IF;
  RETURN next_seq - head.seq;
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link_visible(boolean) FROM PUBLIC;

-- The same for callers that do not know whether anything is pending: in
-- the usual case (a quiet server, or right after another linker) it costs
-- an index probe, no lock and no transaction id.
CREATE FUNCTION audit_chain_link_pending(wait boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_log WHERE chain_seq IS NULL AND chain_pending) THEN
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
    -- This transaction's own rows are pending: no need to look first.
    IF current_setting('transaction_isolation') = 'read committed' THEN
      PERFORM audit_chain_link_visible(false);
    END IF;
  END IF;
  RETURN NULL;
END $$;

DROP FUNCTION audit_chain_link(bigint);
DROP FUNCTION audit_chain_link_rows(bigint);
