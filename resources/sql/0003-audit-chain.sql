-- A tamper-evident audit log: every audit_log row is linked into a SHA-256
-- hash chain, and applications may add events ("report exported") to it.
--
-- THE CHAIN
--   Each row gets a position chain_seq (1, 2, 3, … without gaps), the hash
--   of the row before it (prev_hash; 32 zero bytes before row 1) and its own
--   hash:
--
--     row_hash = SHA-256(prev_hash || payload)
--
--   payload is the row's canonical serialization, the UTF-8 bytes of
--
--     "custodian-audit-v1\n" F(chain_seq) F(id) F(occurred_at) F(actor)
--     F(table_name) F(row_id) F(action) F(old_row) F(new_row) F(txid)
--
--   where F(v) is "-\n" when v is NULL and otherwise
--   "<number of bytes of t in decimal>:<t>\n" with t the text of v:
--     bigints     in decimal, no sign for positive values, no padding;
--     occurred_at as to_char(occurred_at AT TIME ZONE 'UTC',
--                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.g. 2026-11-23T10:03:04.000120Z;
--     jsonb       as PostgreSQL's own jsonb text output (old_row::text), which
--                 is canonical: keys sorted, fixed spacing, no duplicates;
--     text        as stored.
--   The length prefixes make the encoding unambiguous: no choice of values
--   can make two different rows serialize to the same bytes.
--
--   custodian-cli audit verify recomputes all of this in C (GChecksum) from
--   the stored columns, so replacing the SQL functions below does not help a
--   tamperer; see app/core/db/cst-audit-chain.c.  audit_chain_head holds the
--   last position and hash, so removing rows from the end is noticed too.
--
-- CONCURRENCY
--   The chain must be extended in commit order.  Rows are inserted unlinked
--   (chain_seq NULL) and linked by a DEFERRED constraint trigger, that is at
--   COMMIT, after the transaction's own work: the first call links all of
--   the transaction's rows in one pass (audit_chain_link_rows), holding the
--   single row of audit_chain_head FOR UPDATE until the commit completes.
--   That row serialises committing writers, not their transactions: the
--   lock is taken after every lock of the transaction's own work (only
--   PostgreSQL's NOTIFY queue lock comes later, for everyone in the same
--   order), so it cannot close a deadlock cycle, and an open transaction
--   does not hold up other clerks (tests/db/test-audit-chain.c checks both).
--   The price: audited commits pass one at a time, through the WAL flush
--   when synchronous_commit is on (bench/load/README.md has figures).  A
--   rolled back transaction never took a position, so the chain has no
--   gaps.
--   Writers should use READ COMMITTED (the default); a REPEATABLE READ or
--   SERIALIZABLE writer that commits while another linked rows after its
--   snapshot gets a serialization failure (40001) and must retry.

ALTER TABLE audit_log
  ADD COLUMN chain_seq bigint UNIQUE,
  ADD COLUMN prev_hash bytea CHECK (octet_length(prev_hash) = 32),
  ADD COLUMN row_hash  bytea CHECK (octet_length(row_hash) = 32);

CREATE TABLE audit_chain_head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq      bigint NOT NULL,
  hash     bytea NOT NULL CHECK (octet_length(hash) = 32)
);
INSERT INTO audit_chain_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_chain_field(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END || E'\n'
$$;

CREATE FUNCTION audit_chain_payload(seq bigint, r audit_log) RETURNS bytea
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT convert_to(
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
    'UTF8')
$$;

-- The append-only rule gains one exception: linking a row that is not yet
-- linked, changing nothing but its chain columns, from inside
-- audit_chain_link (which sets custodian.audit_linking for its duration).
-- Application roles have no UPDATE privilege on audit_log at all.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('custodian.audit_linking', true) = 'on' THEN
    IF OLD.chain_seq IS NULL
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

-- Finds one transaction's unlinked rows at commit without scanning the log.
CREATE INDEX audit_log_unlinked_idx ON audit_log (txid) WHERE chain_seq IS NULL;

-- Links unlinked rows, in id order, after the current chain head: the rows
-- of one transaction (only_txid) or, with NULL, every unlinked row.  The
-- head is read and written once per call, so a transaction that wrote a
-- million audit rows (a bulk import) links them in one pass instead of
-- updating the head row a million times.
CREATE FUNCTION audit_chain_link_rows(only_txid bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
SET custodian.audit_linking = 'on' AS $$
DECLARE
  r audit_log;
  head audit_chain_head;
  next_seq bigint;
  last_hash bytea;
  pending refcursor;
BEGIN
  -- The lock that serialises every linker in the database.
  SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  next_seq := head.seq;
  last_hash := head.hash;
  -- Two queries, not one with an OR, so the commit-time call uses the
  -- partial index on unlinked rows instead of scanning the whole log.
  IF only_txid IS NULL THEN
    OPEN pending FOR SELECT * FROM audit_log WHERE chain_seq IS NULL ORDER BY id;
  ELSE
    OPEN pending FOR SELECT * FROM audit_log
                      WHERE chain_seq IS NULL AND txid = only_txid ORDER BY id;
  END IF;
  LOOP
    FETCH pending INTO r;
    EXIT WHEN NOT FOUND;
    next_seq := next_seq + 1;
    UPDATE audit_log SET chain_seq = next_seq, prev_hash = last_hash,
                         row_hash = sha256(last_hash || audit_chain_payload(next_seq, r))
     WHERE id = r.id
    RETURNING row_hash INTO last_hash;
  END LOOP;
  CLOSE pending;
  IF next_seq <> head.seq THEN
    UPDATE audit_chain_head SET seq = next_seq, hash = last_hash;
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link_rows(bigint) FROM PUBLIC;

-- Called at commit for each new row: the first call links the whole
-- transaction's rows; the others find their row linked and return.
CREATE FUNCTION audit_chain_link(audit_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  r record;
BEGIN
  -- By primary key alone.  With "AND chain_seq IS NULL" in the query the
  -- planner takes the partial index, whose entries for the rows this
  -- transaction already linked stay until vacuum: every call scanned them
  -- all, and linking 23,000 rows took two minutes instead of seconds.
  SELECT txid, chain_seq INTO r FROM audit_log WHERE id = audit_id;
  IF FOUND AND r.chain_seq IS NULL THEN
    PERFORM audit_chain_link_rows(r.txid);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link(bigint) FROM PUBLIC;

CREATE FUNCTION audit_chain_link_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM audit_chain_link(NEW.id);
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link_trigger() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER audit_log_link
  AFTER INSERT ON audit_log
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION audit_chain_link_trigger();

-- Events the application records itself: "report.exported",
-- "document.printed" and so on.  Runs as the owner because application
-- roles cannot insert into the log directly; the actor is still the
-- person's own login (session_user).  Returns the new row's id.
CREATE FUNCTION audit_event(kind text, details jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF kind IS NULL OR length(kind) > 64
     OR kind !~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' THEN
    RAISE EXCEPTION 'an audit event kind is a short dotted code such as report.exported'
      USING ERRCODE = 'CS004';
  END IF;
  IF details IS NOT NULL AND jsonb_typeof(details) <> 'object' THEN
    RAISE EXCEPTION 'audit event details must be a JSON object' USING ERRCODE = 'CS004';
  END IF;
  -- The log is for events, not documents: keep one row small.
  IF octet_length(details::text) > 65536 THEN
    RAISE EXCEPTION 'audit event details are larger than 64 KiB' USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO audit_log (actor, table_name, action, new_row)
  VALUES (session_user, 'event', 'EVENT',
          jsonb_build_object('kind', kind, 'details', COALESCE(details, '{}'::jsonb)))
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION audit_event(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_event(text, jsonb)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

GRANT SELECT ON audit_chain_head
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Link the rows written before this migration, oldest first.
-- Rows written before this migration.
SELECT audit_chain_link_rows(NULL);
