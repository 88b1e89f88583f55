/* test-report-replica-conflict.c — a fee report on a hot standby that
 * replay cancels (a recovery conflict), as a busy primary does to a
 * year's report at a health system's size (bench/system/README.md)
 *
 * The test starts a primary and a standby of its own, seeds two pages of
 * invoiced requests, and has the standby cancel at once what stands in
 * the way of replay (max_standby_streaming_delay = 0).  While the report
 * writes its first page on the standby, the primary updates a row and
 * vacuums it away; the standby's replay of that removal ends the report's
 * session.  The report fails with words saying what happened and what
 * helps (hot_standby_feedback), not the server's; with
 * hot_standby_feedback on, the same report under the same removal runs to
 * its end. */
#include "config.h"

#include <string.h>

#include "cst-test-cluster.h"
#include "cst-test-db.h"

/* Two pages of the report's 2,000 requests: the second page's queries are
 * at the server (or done, and the session idle in its transaction) when
 * the removal is replayed, and the commit comes after it. */
#define N_REQUESTS 2001

static CstTestCluster *primary;
static CstTestCluster *standby;
static CstTestDb *db;
static PGconn *owner;             /* on the primary */
static PGconn *standby_super;     /* the superuser on the standby */
static char *auditor_standby;     /* the auditor's login, on the standby */

static void
seed (void)
{
  g_autofree char *count = g_strdup_printf ("%d", N_REQUESTS);

  g_object_unref (cst_test_db_add_request (owner, "CONFLICT-1"));
  /* Same patient, same requester: each would be linked as a repeat of
   * every open one before it (0042), which the report does not look at. */
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_link_repeat", 0, NULL);
  cst_test_db_exec_ok (owner, "INSERT INTO requesters (kind, name) VALUES ('attorney', 'Counsel')", 0, NULL);
  cst_test_db_exec_ok (owner,
    "INSERT INTO roi_requests (patient_id, requester_id, received_date, jurisdiction, format,"
    "                          delivery, page_count)"
    " SELECT (SELECT min (id) FROM patients), (SELECT max (id) FROM requesters),"
    "        DATE '2025-01-01' + (g % 365), 'PA', 'paper', 'pickup', 100"
    "   FROM generate_series (1, $1::int) g",
    1, (const char *[]) { count });
  cst_test_db_exec_ok (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, schedule_version, received_date,"
    "                      quoted_cents, total_cents, lines, justification)"
    " SELECT id, 'state-schedule', 'PA', 'PA-2025@1', received_date, 0, 0, '[]', '{}'"
    "   FROM roi_requests WHERE received_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'",
    0, NULL);
  cst_test_db_exec_ok (owner, "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_link_repeat", 0, NULL);
  /* The row whose old version the primary removes while the report runs. */
  cst_test_db_exec_ok (owner, "CREATE TABLE churn (n int)", 0, NULL);
  cst_test_db_exec_ok (owner, "INSERT INTO churn VALUES (0)", 0, NULL);
}

/* Waits until the standby has replayed the primary's WAL as it is now. */
static void
wait_for_replay (void)
{
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  const char *params[1];

  res = cst_db_exec (owner, "SELECT pg_current_wal_lsn()::text", 0, NULL, &error);
  g_assert_no_error (error);
  params[0] = cst_db_value (res, 0, 0);
  for (int i = 0; i < 600; i++)
    {
      if (cst_test_db_int (standby_super, "SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::int",
                           1, params) == 1)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the standby did not replay %s within 60 s", params[0]);
}

/* A setting of the standby's, reloaded; waited for until a session of the
 * standby sees it (its startup process, which replays, reloads as soon). */
static void
set_standby (const char *name,
             const char *value)
{
  g_autofree char *sql = g_strdup_printf ("ALTER SYSTEM SET %s = '%s'", name, value);
  g_autofree char *show = g_strdup_printf ("SELECT (current_setting ('%s') = '%s')::int", name, value);

  cst_test_db_exec_ok (standby_super, sql, 0, NULL);
  cst_test_db_exec_ok (standby_super, "SELECT pg_reload_conf ()", 0, NULL);
  for (int i = 0; i < 100; i++)
    {
      if (cst_test_db_int (standby_super, show, 0, NULL) == 1)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the standby did not take %s = %s", name, value);
}

/* With hot_standby_feedback on, the standby's walreceiver tells the
 * primary the oldest transaction its queries may still need (at once on
 * reload, then every few seconds); vacuum on the primary keeps what is
 * newer. */
static void
wait_for_feedback (void)
{
  for (int i = 0; i < 300; i++)
    {
      if (cst_test_db_int (owner, "SELECT count (*) FROM pg_stat_replication WHERE backend_xmin IS NOT NULL",
                           0, NULL) == 1)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the primary heard no hot standby feedback within 30 s");
}

typedef struct
{
  guint n_rows;
  int   report_pid;    /* the report's backend on the standby */
  guint attempts;      /* removals to try before giving up */
} Removal;

/* Whether the standby has ended the report's session, or cancelled its
 * query (its transaction is then aborted). */
static gboolean
report_stopped (int pid)
{
  g_autofree char *text = g_strdup_printf ("%d", pid);
  const char *params[] = { text };

  return cst_test_db_int (standby_super,
    "SELECT count (*) FROM pg_stat_activity"
    " WHERE pid = $1::int AND state IS DISTINCT FROM 'idle in transaction (aborted)'",
    1, params) == 0;
}

/* At the report's first row, while its first page is written: a new
 * version of the churn row, the old one vacuumed away on the primary, and
 * that removal replayed on the standby; again while vacuum could not yet
 * remove it (an autovacuum worker's snapshot holds it back), until the
 * standby stops the report or the attempts run out. */
static gboolean
remove_a_row_version (const CstFeeReportRow *row,
                      gpointer               user_data,
                      GError               **error)
{
  Removal *removal = user_data;

  if (removal->n_rows++ == 0)
    for (guint i = 0; i < removal->attempts && !report_stopped (removal->report_pid); i++)
      {
        cst_test_db_exec_ok (owner, "UPDATE churn SET n = n + 1", 0, NULL);
        cst_test_db_exec_ok (owner, "VACUUM churn", 0, NULL);
        wait_for_replay ();
      }
  return TRUE;
}

static gboolean
report_on_standby (Removal  *removal,
                   GError  **error)
{
  g_autoptr(PGconn) conn = cst_report_database_connect (auditor_standby, error);
  CstFeeReportFilter filter = { 0 };

  if (conn == NULL)
    return FALSE;
  removal->report_pid = PQbackendPID (conn);
  g_date_set_dmy (&filter.from, 1, G_DATE_JANUARY, 2025);
  g_date_set_dmy (&filter.to, 31, G_DATE_DECEMBER, 2025);
  return cst_fee_report_run (conn, &filter, remove_a_row_version, removal, NULL, error);
}

/* The standby's count of queries it cancelled for a removed row version,
 * once the cancelled session has ended and reported it (it does so as it
 * exits, after the client has gone). */
static gint64
snapshot_conflicts (void)
{
  gint64 n = 0;

  for (int i = 0; i < 100 && n == 0; i++)
    {
      n = cst_test_db_int (standby_super,
        "SELECT confl_snapshot FROM pg_stat_database_conflicts WHERE datname = current_database ()",
        0, NULL);
      if (n == 0)
        g_usleep (100 * 1000);
    }
  return n;
}

static void
test_cancelled_by_replay (void)
{
  g_autoptr(GError) error = NULL;
  Removal removal = { .attempts = 100 };

  set_standby ("hot_standby_feedback", "off");
  g_assert_false (report_on_standby (&removal, &error));
  /* Cancelled in a query (the server's reason is read), or ended while
   * idle between pages (often only a closed socket is): both said so. */
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, CST_ERROR, CST_ERROR_DATABASE) ||
                 g_error_matches (error, CST_ERROR, CST_ERROR_CONNECTION));
  g_assert_nonnull (strstr (error->message, "recovery conflict"));
  g_assert_nonnull (strstr (error->message, "hot_standby_feedback"));
  /* It was the removal, once the report had begun (its second page's
   * queries, or its commit, then fail): not a report that failed before. */
  g_assert_cmpuint (removal.n_rows, >=, 1);
  g_assert_cmpint (snapshot_conflicts (), >=, 1);
}

/* hot_standby_feedback: the primary keeps the row versions the standby's
 * snapshot may need, and vacuum leaves them; the report runs to its end. */
static void
test_kept_with_feedback (void)
{
  g_autoptr(GError) error = NULL;
  Removal removal = { .attempts = 5 };

  set_standby ("hot_standby_feedback", "on");
  wait_for_feedback ();
  g_assert_true (report_on_standby (&removal, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removal.n_rows, ==, N_REQUESTS);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *auditor = NULL;
  g_autofree char *standby_owner = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  primary = cst_test_cluster_new ();
  db = cst_test_db_new ();
  owner = cst_test_db_connect (db);
  auditor = cst_test_db_create_login (db, "custodian_auditor");
  seed ();
  standby = cst_test_cluster_new_standby (primary);
  auditor_standby = g_strdup_printf ("host=%s %s", standby->dir, auditor);
  standby_owner = g_strdup_printf ("host=%s %s", standby->dir, db->conninfo);
  standby_super = cst_db_connect (standby_owner, &error);
  g_assert_no_error (error);
  set_standby ("max_standby_streaming_delay", "0");

  g_test_add_func ("/report-replica-conflict/cancelled-by-replay", test_cancelled_by_replay);
  g_test_add_func ("/report-replica-conflict/kept-with-feedback", test_kept_with_feedback);
  status = g_test_run ();

  g_clear_pointer (&owner, PQfinish);
  g_clear_pointer (&standby_super, PQfinish);
  cst_test_cluster_free (standby);
  cst_test_db_free (db);
  cst_test_cluster_free (primary);
  g_free (auditor_standby);
  return status;
}
