/* test-crash-release.c — the server dies in the middle of a release: after
 * crash recovery the release either exists whole or not at all
 *
 * The test runs its own PostgreSQL cluster (cst-test-cluster.h), because
 * it kills it.  To stop a release at a known point inside its transaction
 * without a test-only hook in the product, a second session holds a row
 * lock the release needs next:
 *   - inside release_request(), after the documents were recorded and the
 *     status changed, the disclosure row checks its patient's row (the
 *     foreign key takes FOR KEY SHARE); a session holding the patients'
 *     rows FOR UPDATE stops it there;
 *   - at commit (the Sync that ends the release's pipeline, which holds
 *     its one call and the request's read-back: one implicit transaction,
 *     cst-release.c), after all of the release's own work, the release links
 *     its audit rows and any other committed row still pending
 *     (0051-audit-chain-no-waiting.sql); with one such row left queued
 *     and its queue entry locked by a session, linking stops there, the
 *     last moment before the commit record.
 * Then every server process gets SIGKILL, the cluster is started again,
 * and each request must be either released with its disclosure, its letter
 * and invoice records and its audit event, or ready with none of them.  A
 * release acknowledged before the crash must have survived it whole.
 */
#include "config.h"

#include "cst-request-private.h"
#include "cst-test-cluster.h"
#include "cst-test-db.h"

static CstTestCluster *cluster;
static CstTestDb *db;
static char *clerk;

/* Ready for release, with an invoice, as the clerk has it on screen. */
static CstRequest *
invoiced_ready_request (PGconn     *conn,
                        const char *mrn)
{
  g_autoptr(CstRequest) ready = cst_test_db_move_along (conn, cst_test_db_add_request (conn, mrn),
                                                        CST_STATUS_READY);

  /* The test patient asks for her own records: the HIPAA flat fee. */
  g_object_set (ready, "page-count", 12, NULL);
  cst_test_db_issue_invoice (conn, ready, CST_FEE_METHOD_HIPAA_FLAT);
  return cst_request_repo_get (conn, cst_request_get_id (ready), NULL);
}

static CstRelease *
release (PGconn      *conn,
         CstRequest  *request,
         GError     **error)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  return cst_release_run (conn, request, "en", &options, error);
}

typedef struct
{
  CstRequest *request;
  GError     *error;
  gboolean    released;
} Attempt;

static gpointer
release_thread (gpointer data)
{
  Attempt *attempt = data;
  g_autoptr(PGconn) conn = cst_db_connect (clerk, &attempt->error);
  g_autoptr(CstRelease) done = NULL;

  if (conn != NULL)
    done = release (conn, attempt->request, &attempt->error);
  attempt->released = done != NULL;
  return NULL;
}

/* Waits until the release's session waits for a lock at @step (inside
 * release_request(), within the release's one call; or at commit, its
 * last statement the request's read-back, which pg_stat_activity shows cut
 * short at track_activity_query_size), and checks it has written
 * the disclosure row by then: it holds its lock on the table. */
static void
wait_until_blocked (PGconn     *owner,
                    const char *query_prefix)
{
  const char *params[] = { query_prefix };

  for (int tries = 0; tries < 600; tries++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) res = cst_db_exec (owner,
        "SELECT count(*) FROM pg_stat_activity a"
        " WHERE a.wait_event_type = 'Lock' AND starts_with(a.query, left($1, 200))"
        " AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
        "             AND l.relation = 'disclosures'::regclass AND l.mode = 'RowExclusiveLock')",
        1, params, &error);

      g_assert_no_error (error);
      if (cst_db_int64 (res, 0, 0) == 1)
        return;
      g_usleep (50 * G_USEC_PER_SEC / 1000);
    }
  g_error ("the release never blocked at “%s”", query_prefix);
}

/* Everything a release makes, for one request: 0 or 1 each. */
static void
assert_whole (PGconn  *conn,
              gint64   request_id,
              gboolean released)
{
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM roi_requests WHERE id = $1 AND status = 'released'",
                                           request_id), ==, released);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                                           request_id), ==, released);
  /* The cover letter and the invoice. */
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                                           request_id), ==, released ? 2 : 0);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM audit_log WHERE action = 'EVENT'"
                                                 " AND new_row->>'kind' = 'request.released'"
                                                 " AND new_row->'details'->>'request' = $1::bigint::text",
                                           request_id), ==, released);
}

/* No request anywhere in the database is half released, either way. */
static void
assert_no_half_release (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT count(*) FROM roi_requests r"
    " WHERE (r.status = 'released') <> EXISTS (SELECT 1 FROM disclosures d WHERE d.request_id = r.id)"
    "    OR (r.status = 'released') <> EXISTS (SELECT 1 FROM rendered_documents g"
    "                                          WHERE g.request_id = r.id)",
    0, NULL, &error);
  g_autoptr(CstAuditChainReport) report = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (cst_db_int64 (res, 0, 0), ==, 0);
  report = cst_audit_chain_verify (conn, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (report->intact);
}

/* A committed audit row left pending, as when another clerk held the
 * chain's head at its commit: the next COMMIT that gets the head links it. */
static void
leave_pending_row (void)
{
  g_autoptr(PGconn) holder = cst_test_db_hold_audit_head (db);
  g_autoptr(PGconn) writer = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_db_exec_script (writer, "SELECT audit_event('test.pending', NULL);", &error));
  g_assert_true (cst_db_exec_script (holder, "ROLLBACK;", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_test_db_int_for_id (holder, "SELECT count(*) FROM audit_chain_pending WHERE audit_id > $1",
                                           0), ==, 1);
}

/* Starts releasing @request in a thread, waits until it blocks on the lock
 * @blocker_sql takes, and kills the server under it. */
typedef struct
{
  const char *name;
  void      (*prepare) (void);   /* may be NULL */
  const char *blocker_sql;
  const char *blocked_query;
} Step;

static void
crash_during_release (CstRequest *request,
                      const Step *step)
{
  g_autoptr(PGconn) blocker = cst_test_db_connect (db);
  g_autoptr(PGconn) watcher = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  Attempt attempt = { request, NULL, FALSE };
  GThread *thread;

  if (step->prepare != NULL)
    step->prepare ();
  g_assert_true (cst_db_begin (blocker, &error));
  g_assert_true (cst_db_exec_command (blocker, step->blocker_sql, 0, NULL, &error));
  g_assert_no_error (error);
  thread = g_thread_new ("release", release_thread, &attempt);
  wait_until_blocked (watcher, step->blocked_query);
  cst_test_cluster_crash (cluster);
  g_thread_join (thread);
  /* The clerk was told the release did not happen. */
  g_assert_false (attempt.released);
  g_assert_error (attempt.error, CST_ERROR, CST_ERROR_CONNECTION);
  g_clear_error (&attempt.error);
  cst_test_cluster_start (cluster);
}

static void
test_crash (gconstpointer data)
{
  const Step *step = data;
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autofree char *mrn_done = g_strdup_printf ("CRASH-DONE-%s", step->name);
  g_autofree char *mrn_cut = g_strdup_printf ("CRASH-CUT-%s", step->name);
  g_autoptr(CstRequest) done = invoiced_ready_request (conn, mrn_done);
  g_autoptr(CstRequest) cut = invoiced_ready_request (conn, mrn_cut);
  g_autoptr(CstRelease) before = NULL;
  g_autoptr(CstRelease) after = NULL;
  g_autoptr(GError) error = NULL;

  /* Acknowledged before the crash: must survive it. */
  before = release (conn, done, &error);
  g_assert_no_error (error);
  g_clear_pointer (&conn, PQfinish);

  crash_during_release (cut, step);

  conn = cst_db_connect (clerk, &error);
  g_assert_no_error (error);
  assert_whole (conn, cst_request_get_id (done), TRUE);
  assert_whole (conn, cst_request_get_id (cut), FALSE);
  assert_no_half_release (conn);

  /* Nothing is stuck: the clerk simply releases again. */
  after = release (conn, cut, &error);
  g_assert_no_error (error);
  assert_whole (conn, cst_request_get_id (cut), TRUE);
  assert_no_half_release (conn);
}

static const Step inside = {
  "inside", NULL,
  "SELECT id FROM patients FOR UPDATE",
  "SELECT outcome, disclosure FROM release_with_documents(",
};
static const Step at_commit = {
  "commit", leave_pending_row,
  "SELECT audit_id FROM audit_chain_pending FOR UPDATE",
  _cst_request_repo_get_sql,
};

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cluster = cst_test_cluster_new ();
  db = cst_test_db_new ();
  clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add_data_func ("/crash-release/inside-the-function", &inside, test_crash);
  g_test_add_data_func ("/crash-release/at-commit", &at_commit, test_crash);
  status = g_test_run ();
  g_free (clerk);
  cst_test_db_free (db);
  cst_test_cluster_free (cluster);
  return status;
}
