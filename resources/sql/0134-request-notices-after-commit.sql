-- 0134: a write may send its request notices after its commit instead of
-- inside it (issue 22, 100 clerks).
--
-- WHY
--   Every change of a request NOTIFYs (roi_requests_notify(), 0001).  A
--   transaction that notified takes PostgreSQL's notification lock — one
--   for the whole server — when it commits, and holds it until its commit
--   has ended: WAL record, flush to disk where synchronous_commit asks for
--   one, the end of the transaction in the process array.  With 100 clerks
--   writing on two processors, every writer's commit queued behind the
--   one before it: 414-740 waits of over 10 ms a 40-s run, up to 268 ms
--   each (log_lock_waits; bench/load/README.md, 2026-12-07 17:04).  On a
--   server that flushes its commits (every hospital's), the same lock
--   would also stop writers from sharing a flush.
--
--   0128 (withdrawn before it landed) had the audit chain's linker send
--   the notices: a window's own change could then be announced seconds
--   late, whenever another of its connections held the chain's head.
--
-- WHAT
--   A transaction that sets custodian.notices_after_commit to 'on' (SET
--   LOCAL, or set_config(..., true)) NOTIFYs nothing: its notices, the
--   same "op:id:version" texts, are kept in the session's
--   custodian.pending_notices (a session setting, so it outlives the
--   commit and, like every setting, is undone with a rollback), and
--   send_request_notices() sends them, in order, from a transaction of
--   their own right after the commit.  That transaction writes nothing
--   (no transaction id, no WAL, no flush), so it holds the lock for the
--   time it takes to queue the notices.  The model library's hot writes
--   (a request saved, moved, extended, created or released) send the
--   write, its COMMIT and send_request_notices() together, in one round
--   trip (cst_db_write_and_read(), cst_db_join() with
--   CST_DB_WRITE_NOTICES_AFTER): a window still hears of a change as soon
--   as it is committed.  Every other writer (custodian-cli, psql, any
--   path that does not ask) notifies inside its commit, as before.

CREATE OR REPLACE FUNCTION roi_requests_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed roi_requests := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  notice text := format('%s:%s:%s', lower(TG_OP), changed.id, changed.version);
BEGIN
  IF current_setting('custodian.notices_after_commit', true) = 'on' THEN
    -- Space-separated: no notice holds a space.
    PERFORM set_config('custodian.pending_notices',
                       concat_ws(' ', NULLIF(current_setting('custodian.pending_notices', true), ''),
                                 notice),
                       false);
  ELSE
    PERFORM pg_notify('custodian_requests', notice);
  END IF;
  RETURN NULL;
END $$;

-- Sends the notices this session's committed writes kept back, and
-- forgets them; returns how many.  Called outside the writer's
-- transaction (inside one, they would wait for its commit, as before).
CREATE FUNCTION send_request_notices() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  pending text := current_setting('custodian.pending_notices', true);
  notice text;
  sent integer := 0;
BEGIN
  IF COALESCE(pending, '') = '' THEN
    RETURN 0;
  END IF;
  PERFORM set_config('custodian.pending_notices', '', false);
  FOREACH notice IN ARRAY string_to_array(pending, ' ') LOOP
    PERFORM pg_notify('custodian_requests', notice);
    sent := sent + 1;
  END LOOP;
  RETURN sent;
END $$;
REVOKE EXECUTE ON FUNCTION send_request_notices() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION send_request_notices()
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
