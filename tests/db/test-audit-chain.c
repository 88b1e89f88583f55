/* test-audit-chain.c — the audit log's hash chain notices tampering,
 * stays whole under concurrent writers, and records application events
 *
 * Each tampering test gets its own database: the tamperer here is a
 * superuser who switches the append-only trigger off first, as a real
 * attacker with the database would.
 */
#include "config.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"

static CstTestDb *shared_db;

/* Checks @db's chain as an auditor does: an ordinary login of that role,
 * not the owner who set up (and tampered with) the rows. */
static CstAuditChainReport *
verify (CstTestDb  *db,
        gint64      anchor_seq,
        const char *anchor_hash)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (login, &error);
  CstAuditChainReport *report = NULL;

  g_assert_no_error (error);
  report = cst_audit_chain_verify (conn, anchor_seq, anchor_hash, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
exec_ok (PGconn     *conn,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_db_exec_script (conn, sql, &error));
  g_assert_no_error (error);
}

/* A database with a few requests and moves, made by a clerk: a dozen chain
 * rows.  *@conn_out is the owner's connection, for tampering. */
static CstTestDb *
populated_db (PGconn **conn_out)
{
  CstTestDb *db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (login, NULL);

  g_assert_nonnull (conn);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("CHAIN-%u", i);
      g_autoptr(CstRequest) request = cst_test_db_add_request (conn, mrn);
      g_autoptr(CstRequest) moved = cst_request_repo_move (conn, request,
                                                           CST_STATUS_AUTHORIZATION_VERIFIED,
                                                           NULL, NULL);
      g_assert_nonnull (moved);
    }
  *conn_out = cst_test_db_connect (db);
  return db;
}

static void
test_untouched_chain_verifies (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) report = verify (db, 0, NULL);
  g_autoptr(PGresult) head = cst_db_exec (conn,
    "SELECT seq, encode(hash, 'hex') FROM audit_chain_head", 0, NULL, NULL);

  g_assert_true (report->intact);
  g_assert_null (report->problem);
  g_assert_cmpint (report->broken_id, ==, 0);
  g_assert_cmpint (report->rows_checked, ==, cst_test_db_int (conn, "SELECT count(*) FROM audit_log", 0, NULL));
  g_assert_cmpint (report->rows_checked, >=, 12);
  g_assert_cmpint (report->head_seq, ==, cst_db_int64 (head, 0, 0));
  g_assert_cmpstr (report->head_hash, ==, cst_db_value (head, 0, 1));
  /* Positions are 1…n with no gaps, in id order for one writer. */
  g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM audit_log WHERE chain_seq IS NULL", 0, NULL), ==, 0);
  g_assert_cmpint (cst_test_db_int (conn, "SELECT max(chain_seq) - count(*) FROM audit_log", 0, NULL), ==, 0);

  /* Its own head is a valid anchor. */
  {
    g_autoptr(CstAuditChainReport) anchored = verify (db, report->head_seq, report->head_hash);
    g_assert_true (anchored->intact);
  }
}

static void
test_edited_row_is_found (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) report = NULL;
  gint64 victim = cst_test_db_int (conn, "SELECT id FROM audit_log WHERE chain_seq = 5", 0, NULL);

  exec_ok (conn,
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
    "UPDATE audit_log SET actor = 'someone_else' WHERE chain_seq = 5;"
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;");
  report = verify (db, 0, NULL);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, victim);
  g_assert_cmpint (report->broken_seq, ==, 5);
  g_assert_cmpint (report->rows_checked, ==, 4);
  g_assert_nonnull (report->problem);
}

/* The tamperer edits a jsonb value and recomputes that row's hash with the
 * schema's own function: the next row's link no longer matches. */
static void
test_rehashed_row_breaks_next_link (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) report = NULL;
  gint64 next = cst_test_db_int (conn, "SELECT id FROM audit_log WHERE chain_seq = 4", 0, NULL);

  exec_ok (conn,
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
    "UPDATE audit_log SET new_row = new_row || '{\"purpose\": \"nothing to see\"}' "
    " WHERE chain_seq = 3;"
    "UPDATE audit_log a SET row_hash = sha256(a.prev_hash || audit_chain_payload(3, a)) "
    " WHERE chain_seq = 3;"
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;");
  report = verify (db, 0, NULL);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, next);
  g_assert_cmpint (report->broken_seq, ==, 4);
  g_assert_nonnull (strstr (report->problem, "row"));
}

/* The tamperer replaces the SQL hashing and rebuilds the whole chain with
 * it, so every stored link agrees with the database's own idea of the
 * chain: the C verifier does not use that idea, and finds row 1. */
static void
test_replaced_sql_function_does_not_help (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) report = NULL;

  exec_ok (conn,
    "CREATE OR REPLACE FUNCTION audit_chain_payload(seq bigint, r audit_log) RETURNS bytea "
    "LANGUAGE sql STABLE AS $$ SELECT convert_to(seq::text || r.action, 'UTF8') $$;"
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
    "UPDATE audit_log SET actor = 'someone_else' WHERE chain_seq = 2;"
    "DO $$ DECLARE r audit_log; prev bytea := decode(repeat('00', 32), 'hex'); BEGIN"
    "  FOR r IN SELECT * FROM audit_log ORDER BY chain_seq LOOP"
    "    UPDATE audit_log SET prev_hash = prev, row_hash = sha256(prev || audit_chain_payload(r.chain_seq, r))"
    "     WHERE id = r.id RETURNING row_hash INTO prev;"
    "  END LOOP;"
    "  UPDATE audit_chain_head SET hash = prev;"
    "END $$;"
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;");
  report = verify (db, 0, NULL);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_seq, ==, 1);
}

static void
test_deleted_row_is_found (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) report = NULL;
  gint64 after = cst_test_db_int (conn, "SELECT id FROM audit_log WHERE chain_seq = 7", 0, NULL);

  exec_ok (conn,
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
    "DELETE FROM audit_log WHERE chain_seq = 6;"
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;");
  report = verify (db, 0, NULL);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, after);
  g_assert_cmpint (report->rows_checked, ==, 5);
}

/* Cutting rows off the end is seen from the head; a tamperer who also
 * moves the head back is caught only by an anchor kept outside. */
static void
test_truncated_tail_is_found (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) before = verify (db, 0, NULL);
  g_autoptr(CstAuditChainReport) cut = NULL;
  g_autoptr(CstAuditChainReport) rewound = NULL;
  g_autoptr(CstAuditChainReport) anchored = NULL;

  exec_ok (conn,
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
    "DELETE FROM audit_log WHERE chain_seq = (SELECT max(chain_seq) FROM audit_log);"
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;");
  cut = verify (db, 0, NULL);
  g_assert_false (cut->intact);
  g_assert_cmpint (cut->broken_seq, ==, before->head_seq - 1);

  exec_ok (conn,
    "UPDATE audit_chain_head h SET seq = a.chain_seq, hash = a.row_hash FROM audit_log a "
    " WHERE a.chain_seq = (SELECT max(chain_seq) FROM audit_log)");
  rewound = verify (db, 0, NULL);
  g_assert_true (rewound->intact);
  anchored = verify (db, before->head_seq, before->head_hash);
  g_assert_false (anchored->intact);
}

/* Rows written with triggers off (replica mode) are never linked. */
static void
test_unlinked_row_is_found (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autoptr(CstAuditChainReport) report = NULL;
  gint64 forged;

  exec_ok (conn,
    "SET session_replication_role = replica;"
    "INSERT INTO audit_log (table_name, action) VALUES ('patients', 'DELETE');"
    "SET session_replication_role = origin;");
  forged = cst_test_db_int (conn, "SELECT max(id) FROM audit_log", 0, NULL);
  report = verify (db, 0, NULL);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, forged);
  g_assert_cmpint (report->broken_seq, ==, 0);
}

static void
test_anchor_parsing (void)
{
  const char *bad[] = { "", "12", ":abc", "0:" "0000000000000000000000000000000000000000000000000000000000000000",
                        "5:xyz", "5:00", "-1:0000000000000000000000000000000000000000000000000000000000000000",
                        "5:0000000000000000000000000000000000000000000000000000000000000000 " };
  gint64 seq = 0;
  g_autofree char *hash = NULL;

  g_assert_true (cst_audit_chain_parse_anchor (
    "42:ABCDEF0000000000000000000000000000000000000000000000000000000001", &seq, &hash, NULL));
  g_assert_cmpint (seq, ==, 42);
  g_assert_cmpstr (hash, ==, "abcdef0000000000000000000000000000000000000000000000000000000001");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *h = NULL;
      g_assert_false (cst_audit_chain_parse_anchor (bad[i], &seq, &h, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    }
}

typedef struct
{
  const char *conninfo;
  guint       index;
  guint       committed;
} Writer;

/* One clerk: new requests (three audited rows in one transaction) and a
 * status change each, as fast as it can. */
static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (writer->conninfo, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("CONC-%u-%u", writer->index, i);
      g_autoptr(CstRequest) request = cst_test_db_add_request (conn, mrn);
      g_autoptr(CstRequest) moved = cst_request_repo_move (conn, request, CST_STATUS_CANCELLED,
                                                           NULL, &error);
      g_assert_no_error (error);
      writer->committed++;
    }
  return NULL;
}

static void
test_concurrent_writers_keep_chain (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstAuditChainReport) report = NULL;
  Writer writers[8];
  GThread *threads[G_N_ELEMENTS (writers)];
  char *logins[G_N_ELEMENTS (writers)];
  /* Migrating logged the shipped reference data already. */
  gint64 before = cst_test_db_int (conn, "SELECT count(*) FROM audit_log", 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      logins[i] = cst_test_db_create_login (db, "custodian_clerk");
      writers[i] = (Writer) { logins[i], i, 0 };
    }
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (writers[i].committed, ==, 15);
      g_free (logins[i]);
    }

  report = verify (db, 0, NULL);
  g_assert_true (report->intact);
  /* patient + requester + request + update, for every request. */
  g_assert_cmpint (report->rows_checked, ==, before + 8 * 15 * 4);
  g_assert_cmpint (report->rows_checked, ==, cst_test_db_int (conn, "SELECT count(*) FROM audit_log", 0, NULL));
}

/* The chain's lock is taken at commit, not at the first audited change:
 * a clerk with an open transaction does not hold up everyone else, and
 * two crossing transactions cannot deadlock on it. */
static void
test_open_transaction_does_not_block_others (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) r1 = cst_test_db_add_request (owner, "LOCK-1");
  g_autoptr(CstRequest) r2 = cst_test_db_add_request (owner, "LOCK-2");
  g_autofree char *id1 = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (r1));
  g_autofree char *id2 = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (r2));
  const char *p1[] = { id1 }, *p2[] = { id2 };
  const char *update = "UPDATE roi_requests SET purpose = purpose || '.' WHERE id = $1";
  g_autofree char *clerk_a = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *clerk_b = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) a = cst_db_connect (clerk_a, NULL);
  g_autoptr(PGconn) b = cst_db_connect (clerk_b, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAuditChainReport) report = NULL;
  PGresult *res;

  /* Fail instead of hanging if B were made to wait for A. */
  exec_ok (b, "SET statement_timeout = '5s'");
  g_assert_true (cst_db_begin (a, &error) && cst_db_exec_command (a, update, 1, p1, &error));
  g_assert_true (cst_db_begin (b, &error) && cst_db_exec_command (b, update, 1, p2, &error));
  g_assert_no_error (error);

  /* A now waits for B's row; B must be able to commit its audit rows. */
  g_assert_true (PQsendQueryParams (a, update, 1, NULL, p2, NULL, NULL, 0));
  g_assert_true (cst_db_commit (b, &error));
  g_assert_no_error (error);
  while ((res = PQgetResult (a)) != NULL)
    {
      g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
      PQclear (res);
    }
  g_assert_true (cst_db_commit (a, &error));
  g_assert_no_error (error);

  report = verify (db, 0, NULL);
  g_assert_true (report->intact);
}

static void
test_events_are_logged (void)
{
  const char *roles[] = { "custodian_clerk", "custodian_billing", "custodian_auditor",
                          "custodian_admin" };
  const char *const details[] = { "format", "csv", "rows", "12", NULL };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autofree char *login = cst_test_db_create_login (shared_db, roles[r]);
      g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
      g_autoptr(GError) error = NULL;
      gint64 id = cst_audit_log_event (conn, "report.exported", details, &error);
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      const char *params[] = { id_text };
      g_autoptr(PGresult) row = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
      row = cst_db_exec (conn,
        "SELECT actor, action, new_row->>'kind', new_row->'details'->>'rows', chain_seq IS NOT NULL "
        "FROM audit_log WHERE id = $1", 1, params, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (cst_db_value (row, 0, 0), ==, strstr (login, "user=") + 5);
      g_assert_cmpstr (cst_db_value (row, 0, 1), ==, "EVENT");
      g_assert_cmpstr (cst_db_value (row, 0, 2), ==, "report.exported");
      g_assert_cmpstr (cst_db_value (row, 0, 3), ==, "12");
      g_assert_true (cst_db_bool (row, 0, 4));

      /* Events still cannot be rewritten by the role that wrote them. */
      g_assert_false (cst_db_exec_command (conn, "DELETE FROM audit_log WHERE id = $1",
                                           1, params, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    }
  {
    g_autoptr(CstAuditChainReport) report = verify (shared_db, 0, NULL);
    g_assert_true (report->intact);
  }
}

static void
test_bad_events_are_refused (void)
{
  g_autofree char *login = cst_test_db_create_login (shared_db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
  const char *bad_kinds[] = { "", "Report Exported", "report..exported", "report; DROP TABLE x",
                              "x.123456789012345678901234567890123456789012345678901234567890" };
  const char *const odd[] = { "key", NULL };
  const char *const separator[] = { "key", "a\x1f" "b", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bad_kinds); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_cmpint (cst_audit_log_event (conn, bad_kinds[i], NULL, &error), ==, 0);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint (cst_audit_log_event (conn, "document.printed", odd, &error), ==, 0);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint (cst_audit_log_event (conn, "document.printed", separator, &error), ==, 0);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  }
  {
    /* A login outside the Custodian roles may not log events. */
    g_autoptr(PGconn) owner = cst_test_db_connect (shared_db);
    g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s_evt_outsider LOGIN", shared_db->name);
    g_autofree char *outsider = g_strdup_printf ("dbname=%s user=%s_evt_outsider",
                                                 shared_db->name, shared_db->name);
    g_autoptr(PGconn) stranger = NULL;
    g_autoptr(GError) error = NULL;

    exec_ok (owner, sql);
    stranger = cst_db_connect (outsider, NULL);
    g_assert_cmpint (cst_audit_log_event (stranger, "document.printed", NULL, &error), ==, 0);
    g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  }
}

/* custodian-cli audit verify: exit 0 on an intact chain, 1 on a broken one,
 * naming the row. */
static void
test_cli_verify (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstTestDb) db = populated_db (&conn);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *expected = NULL;
  gint64 victim = cst_test_db_int (conn, "SELECT id FROM audit_log WHERE chain_seq = 2", 0, NULL);

  g_assert_cmpint (cst_test_cli_run (auditor, &out, NULL, "audit", "verify", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "intact"));

  exec_ok (conn,
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
    "UPDATE audit_log SET occurred_at = occurred_at - interval '1 day' WHERE chain_seq = 2;"
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;");
  g_assert_cmpint (cst_test_cli_run (auditor, &out2, NULL, "audit", "verify", NULL), ==, 1);
  expected = g_strdup_printf ("audit row %" G_GINT64_FORMAT " ", victim);
  g_assert_nonnull (strstr (out2, expected));
}

/* A clerk's connection, its statements failing instead of waiting more
 * than two seconds. */
static PGconn *
connect_clerk (CstTestDb *db)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  PGconn *clerk = cst_db_connect (login, &error);

  g_assert_no_error (error);
  exec_ok (clerk, "SET statement_timeout = '2s'");
  return clerk;
}

/* One audited change by a clerk (connect_clerk()); returns the
 * request's id. */
static gint64
clerk_change (CstTestDb  *db,
              const char *mrn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) clerk = connect_clerk (db);
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRequest) moved = NULL;

  request = cst_test_db_add_request (clerk, mrn);
  moved = cst_request_repo_move (clerk, request, CST_STATUS_CANCELLED, NULL, &error);
  g_assert_no_error (error);
  return cst_request_get_id (moved);
}

static gint64
count_unlinked_rows_of (PGconn *conn,
                        gint64  request_id)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM audit_log a JOIN audit_chain_pending p ON p.audit_id = a.id"
    " WHERE a.chain_seq IS NULL"
    " AND table_name = 'roi_requests' AND row_id = %" G_GINT64_FORMAT, request_id);

  return cst_test_db_int (conn, sql, 0, NULL);
}

/* A clerk whose commit finds the head taken does not queue behind it
 * (0051): the save returns, its rows wait marked pending, and the next
 * writer's commit links them before its own. */
static void
test_busy_head_does_not_wait (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) holder = cst_test_db_hold_audit_head (db);
  g_autoptr(CstAuditChainReport) report = NULL;
  gint64 first, second, first_seq, second_seq;
  g_autofree char *order_sql = NULL;

  first = clerk_change (db, "BUSY-1");
  g_assert_cmpint (count_unlinked_rows_of (owner, first), ==, 2);
  exec_ok (holder, "ROLLBACK");

  second = clerk_change (db, "BUSY-2");
  g_assert_cmpint (count_unlinked_rows_of (owner, first), ==, 0);
  g_assert_cmpint (count_unlinked_rows_of (owner, second), ==, 0);
  order_sql = g_strdup_printf ("SELECT max(chain_seq) FROM audit_log WHERE table_name = "
                               "'roi_requests' AND row_id = %" G_GINT64_FORMAT, first);
  first_seq = cst_test_db_int (owner, order_sql, 0, NULL);
  g_free (order_sql);
  order_sql = g_strdup_printf ("SELECT min(chain_seq) FROM audit_log WHERE table_name = "
                               "'roi_requests' AND row_id = %" G_GINT64_FORMAT, second);
  second_seq = cst_test_db_int (owner, order_sql, 0, NULL);
  g_assert_cmpint (first_seq, <, second_seq);

  report = verify (db, 0, NULL);
  g_assert_true (report->intact);
  g_assert_cmpint (report->rows_pending, ==, 0);
  g_assert_cmpint (report->rows_checked, ==, cst_test_db_int (owner, "SELECT count(*) FROM audit_log", 0, NULL));
}

/* When nobody writes after them, pending rows are linked by whoever asks:
 * the verifier does before it walks, and says nothing was left over. */
static void
test_verify_links_pending_rows (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) holder = cst_test_db_hold_audit_head (db);
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = clerk_change (db, "PENDING-1");

  /* Asking without waiting gives way to the holder. */
  g_assert_cmpint (cst_audit_chain_link_pending (owner, FALSE, &error), ==, -1);
  g_assert_no_error (error);
  g_assert_cmpint (count_unlinked_rows_of (owner, id), ==, 2);
  exec_ok (holder, "ROLLBACK");

  report = verify (db, 0, NULL);
  g_assert_true (report->intact);
  g_assert_cmpint (count_unlinked_rows_of (owner, id), ==, 0);
  g_assert_cmpint (report->rows_checked, ==, cst_test_db_int (owner, "SELECT count(*) FROM audit_log", 0, NULL));
  /* Nothing is left to link now. */
  g_assert_cmpint (cst_audit_chain_link_pending (owner, FALSE, &error), ==, 0);
  g_assert_no_error (error);
}

/* A REPEATABLE READ writer whose snapshot predates another linker's
 * commit used to fail with a serialization error at COMMIT (0003); it
 * now commits and leaves its rows for the next linker. */
static void
test_repeatable_read_writer_commits (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) rr = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "RR-1");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(GError) error = NULL;

  exec_ok (rr, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM audit_chain_head;");
  /* Another clerk links after rr's snapshot. */
  clerk_change (db, "RR-2");
  g_assert_true (cst_db_exec_command (rr, "UPDATE roi_requests SET purpose = 'rr' WHERE id = $1",
                                      1, params, &error));
  g_assert_true (cst_db_commit (rr, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_unlinked_rows_of (owner, cst_request_get_id (request)), ==, 1);

  report = verify (db, 0, NULL);
  g_assert_true (report->intact);
  g_assert_cmpint (count_unlinked_rows_of (owner, cst_request_get_id (request)), ==, 0);
}

static gpointer
cancel_request_func (PGconn   *conn,
                     gpointer  data,
                     GError  **error)
{
  g_autoptr(CstRequest) request = cst_request_repo_get (conn, *(gint64 *) data, error);

  return request ? cst_request_repo_move (conn, request, CST_STATUS_CANCELLED, NULL, error) : NULL;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GObject **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cst_connection_run_finish (CST_CONNECTION (object), result, &error);
  g_assert_no_error (error);
}

/* The app's connection links what its own writes left pending a moment
 * later, even when nobody writes after it. */
static void
test_connection_links_its_pending_rows (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "TAIL-1");
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(PGconn) holder = cst_test_db_hold_audit_head (db);
  g_autoptr(GObject) moved = NULL;
  gint64 id = cst_request_get_id (request);
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  cst_connection_run_async (connection, cancel_request_func, &id, NULL, g_object_unref, NULL,
                            store_result_cb, &moved);
  while (moved == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (count_unlinked_rows_of (owner, id), ==, 1);
  exec_ok (holder, "ROLLBACK");

  while (count_unlinked_rows_of (owner, id) > 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (count_unlinked_rows_of (owner, id), ==, 0);
}

/* The payloads of the notifications @listener has received, each followed
 * by ";".  A round trip first: the listening backend hands over what was
 * sent to it before it reads the next command. */
static char *
take_notices (PGconn *listener)
{
  g_autoptr(GString) payloads = g_string_new (NULL);
  g_autoptr(PGresult) res = PQexec (listener, "SELECT 1");
  PGnotify *notify;

  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQconsumeInput (listener), ==, 1);
  while ((notify = PQnotifies (listener)) != NULL)
    {
      g_string_append_printf (payloads, "%s;", notify->extra);
      PQfreemem (notify);
    }
  return g_string_free (g_steal_pointer (&payloads), FALSE);
}

static PGconn *
listen_for_requests (CstTestDb *db)
{
  PGconn *listener = cst_test_db_connect (db);

  exec_ok (listener, "LISTEN custodian_requests");
  return listener;
}

/* Every change of a request is announced ("op:id:version", 0001's
 * trigger) at its writer's commit, each version once and in order. */
static void
test_change_announced_at_commit (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) listener = listen_for_requests (db);
  gint64 id = clerk_change (db, "NOTICE-1");
  g_autofree char *expected = g_strdup_printf ("insert:%" G_GINT64_FORMAT ":1;update:%"
                                               G_GINT64_FORMAT ":2;", id, id);
  g_autofree char *notices = take_notices (listener);

  g_assert_cmpstr (notices, ==, expected);
}

/* Issue 22 (0134): a transaction that asks for it NOTIFYs nothing inside
 * its commit (so its commit takes no notification lock); its notices are
 * sent by send_request_notices() after it, and a rolled-back one's never.
 * Fails before 0134: the commit announced the change itself. */
static void
test_notices_after_commit (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) listener = listen_for_requests (db);
  g_autoptr(PGconn) clerk = connect_clerk (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, "AFTER-1");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *expected = g_strdup_printf ("update:%s:2;update:%s:3;", id, id);
  g_autofree char *created = take_notices (listener);
  g_autofree char *created_expected = g_strdup_printf ("insert:%s:1;", id);
  g_autofree char *at_commit = NULL;
  g_autofree char *after_commit = NULL;
  g_autofree char *rolled_back = NULL;
  const char *params[] = { id };
  const char *update =
    "UPDATE roi_requests SET purpose = purpose || '.' WHERE id = $1";

  exec_ok (clerk, "BEGIN; SET LOCAL custodian.notices_after_commit = on");
  g_assert_true (cst_db_exec_command (clerk, update, 1, params, NULL));
  g_assert_true (cst_db_exec_command (clerk, update, 1, params, NULL));
  exec_ok (clerk, "COMMIT");
  at_commit = take_notices (listener);
  g_assert_cmpstr (at_commit, ==, "");

  g_assert_cmpint (cst_test_db_int (clerk, "SELECT send_request_notices()", 0, NULL), ==, 2);
  after_commit = take_notices (listener);
  g_assert_cmpstr (after_commit, ==, expected);
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT send_request_notices()", 0, NULL), ==, 0);

  exec_ok (clerk, "BEGIN; SET LOCAL custodian.notices_after_commit = on");
  g_assert_true (cst_db_exec_command (clerk, update, 1, params, NULL));
  exec_ok (clerk, "ROLLBACK");
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT send_request_notices()", 0, NULL), ==, 0);
  rolled_back = take_notices (listener);
  g_assert_cmpstr (rolled_back, ==, "");
  g_assert_cmpstr (created, ==, created_expected);
}

/* Issue 22 (0134): the model's writes send their notices after their
 * commit but before they return — a window hears of its own change and
 * everyone's at once, not the seconds later the withdrawn 0128 allowed.
 * The saves after the second are the one-round-trip pipeline, the first
 * ones and the creation a transaction of their own (cst_db_join()).
 * Fails with the pipeline's or the commit's send_request_notices() left
 * out (the change is then announced at the next write, or never). */
static void
test_model_writes_announced_before_return (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) listener = listen_for_requests (db);
  g_autoptr(PGconn) clerk = connect_clerk (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, "AFTER-2");
  gint64 id = cst_request_get_id (request);
  g_autofree char *created = take_notices (listener);
  g_autofree char *expected = g_strdup_printf ("insert:%" G_GINT64_FORMAT ":1;", id);

  g_assert_cmpstr (created, ==, expected);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CstRequest) edited = cst_request_copy (request);
      g_autoptr(CstRequest) saved = NULL;
      g_autofree char *purpose = g_strdup_printf ("announced %u", i);
      g_autofree char *notices = NULL;
      g_autofree char *one = NULL;

      g_object_set (edited, "purpose", purpose, NULL);
      saved = cst_request_repo_save (clerk, edited, &error);
      g_assert_no_error (error);
      notices = take_notices (listener);
      one = g_strdup_printf ("update:%" G_GINT64_FORMAT ":%d;", id, cst_request_get_version (saved));
      g_assert_cmpstr (notices, ==, one);
      g_assert_cmpint (cst_test_db_int (clerk, "SELECT send_request_notices()", 0, NULL), ==, 0);
      g_set_object (&request, saved);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit-chain/untouched-verifies", test_untouched_chain_verifies);
  g_test_add_func ("/audit-chain/edited-row", test_edited_row_is_found);
  g_test_add_func ("/audit-chain/rehashed-row", test_rehashed_row_breaks_next_link);
  g_test_add_func ("/audit-chain/replaced-sql-function", test_replaced_sql_function_does_not_help);
  g_test_add_func ("/audit-chain/deleted-row", test_deleted_row_is_found);
  g_test_add_func ("/audit-chain/truncated-tail", test_truncated_tail_is_found);
  g_test_add_func ("/audit-chain/unlinked-row", test_unlinked_row_is_found);
  g_test_add_func ("/audit-chain/anchor-parsing", test_anchor_parsing);
  g_test_add_func ("/audit-chain/concurrent-writers", test_concurrent_writers_keep_chain);
  g_test_add_func ("/audit-chain/open-transaction", test_open_transaction_does_not_block_others);
  g_test_add_func ("/audit-chain/busy-head-does-not-wait", test_busy_head_does_not_wait);
  g_test_add_func ("/audit-chain/verify-links-pending", test_verify_links_pending_rows);
  g_test_add_func ("/audit-chain/repeatable-read-writer", test_repeatable_read_writer_commits);
  g_test_add_func ("/audit-chain/connection-links-pending", test_connection_links_its_pending_rows);
  g_test_add_func ("/audit-chain/change-announced-at-commit", test_change_announced_at_commit);
  g_test_add_func ("/audit-chain/notices-after-commit", test_notices_after_commit);
  g_test_add_func ("/audit-chain/model-writes-announced-before-return",
                   test_model_writes_announced_before_return);
  g_test_add_func ("/audit-chain/events", test_events_are_logged);
  g_test_add_func ("/audit-chain/bad-events", test_bad_events_are_refused);
  g_test_add_func ("/audit-chain/cli-verify", test_cli_verify);
  return cst_test_db_run (&shared_db);
}
