/* test-audit-standby.c — "audit verify" on the report database, a real
 * streaming hot standby (pg_basebackup -R, cst_test_cluster_new_standby())
 *
 * A hot standby takes no writes: the verifier must not try to link the
 * pending rows there, and its years, read side by side, share a snapshot
 * exported on the standby.  The chain written on the primary checks out on
 * the standby with the same head; a row changed on the primary is found on
 * the standby once replayed; `custodian-cli audit verify --report-database`
 * walks the standby.  Every check as an ordinary auditor login.
 */
#include "config.h"

#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-cluster.h"
#include "cst-test-db.h"

static CstTestCluster *primary;
static CstTestCluster *standby;
static CstTestDb *db;
static PGconn *owner;             /* the superuser on the primary: tampering */
static PGconn *standby_owner;     /* the superuser on the standby: waiting for replay */
static char *auditor_primary;
static char *auditor_standby;

static char *
on_standby (const char *conninfo)
{
  return g_strdup_printf ("host=%s %s", standby->dir, conninfo);
}

/* Waits until the standby has replayed the primary's WAL as it is now. */
static void
wait_for_replay (void)
{
  g_autoptr(PGresult) lsn = cst_db_exec (owner, "SELECT pg_current_wal_lsn()::text", 0, NULL, NULL);
  const char *params[] = { cst_db_value (lsn, 0, 0) };

  for (int i = 0; i < 300; i++)
    {
      if (cst_test_db_int (standby_owner, "SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::int",
                           1, params) == 1)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the standby did not replay %s within 30 s", params[0]);
}

static CstAuditChainReport *
verify_on (const char *conninfo,
           guint       jobs)
{
  g_autoptr(GError) error = NULL;
  CstAuditChainReport *report = cst_audit_chain_verify_years (conninfo, jobs, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* Audit rows of several years, written on the primary as a clerk works
 * and as the years' partitions hold them. */
static void
write_history (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, "STANDBY-1");

  cst_test_db_exec_ok (owner, "SELECT history_ensure_year('audit_log', y) "
                       "FROM generate_series(2021, 2023) y", 0, NULL);
  cst_test_db_exec_ok (owner,
    "INSERT INTO audit_log (occurred_at, actor, table_name, row_id, action, new_row) "
    "SELECT make_timestamptz(2021, 1, 1, 0, 0, 0, 'UTC') + n * interval '9 days', 'clerk_1', "
    "       'event', NULL, 'EVENT', jsonb_build_object('kind', 'record.viewed', 'n', n) "
    "  FROM generate_series(1, 120) n", 0, NULL);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT audit_chain_link_pending(true)", 0, NULL), >=, 0);
  wait_for_replay ();
}

/* The standby walks the chain the primary wrote: the same rows, the same
 * head, its years side by side in a snapshot exported on the standby. */
static void
test_verify_on_standby (void)
{
  g_autoptr(CstAuditChainReport) on_primary = verify_on (auditor_primary, 2);
  g_autoptr(CstAuditChainReport) on_replica = NULL;

  wait_for_replay ();
  on_replica = verify_on (auditor_standby, 2);
  g_assert_true (on_replica->intact);
  g_assert_null (on_replica->problem);
  g_assert_cmpint (on_replica->rows_checked, ==,
                   cst_test_db_int (standby_owner, "SELECT count(*) FROM audit_log", 0, NULL));
  g_assert_cmpint (on_replica->rows_checked, >, 120);
  g_assert_cmpint (on_replica->head_seq, ==, on_primary->head_seq);
  g_assert_cmpstr (on_replica->head_hash, ==, on_primary->head_hash);
  g_assert_cmpint (on_replica->rows_pending, ==, 0);
}

/* Rows the primary committed but has not linked yet (another linker held
 * the head) reach the standby pending.  The walk cannot link them there, a
 * server in recovery takes no writes: it checks the chain up to them and
 * counts them as pending, as the primary's walk counts rows committed
 * during it. */
static void
test_pending_rows_on_standby (void)
{
  g_autoptr(PGconn) holder = cst_test_db_hold_audit_head (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, "STANDBY-PENDING");
  gint64 pending = cst_test_db_int (owner, "SELECT count(*) FROM audit_chain_pending", 0, NULL);
  g_autoptr(CstAuditChainReport) report = NULL;

  g_assert_cmpint (pending, >, 0);
  wait_for_replay ();
  report = verify_on (auditor_standby, 2);
  g_assert_true (report->intact);
  g_assert_cmpint (report->rows_pending, ==, pending);
  g_assert_cmpint (report->rows_checked + pending, ==,
                   cst_test_db_int (standby_owner, "SELECT count(*) FROM audit_log", 0, NULL));

  /* The head let go, the rows are linked on the primary and replayed. */
  g_clear_pointer (&holder, PQfinish);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT audit_chain_link_pending(true)", 0, NULL), ==, pending);
}

/* The command line with --report-database: says what it reads from, walks
 * the standby, prints the primary's head. */
static void
test_cli_report_database (void)
{
  g_autoptr(CstAuditChainReport) on_primary = verify_on (auditor_primary, 1);
  g_autofree char *head = g_strdup_printf ("Head: %lld:%s", (long long) on_primary->head_seq,
                                           on_primary->head_hash);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  wait_for_replay ();
  g_assert_cmpint (cst_test_cli_run (auditor_primary, &out, &err, "--report-database", auditor_standby,
                                     "audit", "verify", "--jobs", "2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "The audit chain is intact"));
  g_assert_nonnull (strstr (out, head));
  g_assert_nonnull (strstr (err, "As of "));
}

/* A row changed on the primary, replayed: the standby's walk names it. */
static void
test_tampering_seen_on_standby (void)
{
  gint64 id = cst_test_db_int (owner, "SELECT id FROM audit_log WHERE occurred_at < '2022-01-01' "
                               "ORDER BY chain_seq OFFSET 10 LIMIT 1", 0, NULL);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("BROKEN at audit row %s ", id_text);

  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", 0, NULL);
  cst_test_db_exec_ok (owner, "UPDATE audit_log SET actor = 'someone_else' WHERE id = $1::bigint",
                       1, params);
  cst_test_db_exec_ok (owner, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only", 0, NULL);
  wait_for_replay ();

  report = verify_on (auditor_standby, 2);
  g_assert_false (report->intact);
  g_assert_cmpint (report->broken_id, ==, id);
  g_assert_cmpint (report->broken_year, ==, 2021);
  g_assert_nonnull (strstr (report->problem, "does not match its hash"));
  g_assert_cmpint (cst_test_cli_run (auditor_primary, &out, NULL, "--report-database", auditor_standby,
                                     "audit", "verify", NULL), ==, 1);
  g_assert_nonnull (strstr (out, expected));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *standby_super = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  primary = cst_test_cluster_new ();
  db = cst_test_db_new ();
  owner = cst_test_db_connect (db);
  auditor_primary = cst_test_db_create_login (db, "custodian_auditor");
  standby = cst_test_cluster_new_standby (primary);
  auditor_standby = on_standby (auditor_primary);
  standby_super = on_standby (db->conninfo);
  standby_owner = cst_db_connect (standby_super, &error);
  g_assert_no_error (error);
  write_history ();

  g_test_add_func ("/audit-standby/verify", test_verify_on_standby);
  g_test_add_func ("/audit-standby/pending-rows", test_pending_rows_on_standby);
  g_test_add_func ("/audit-standby/cli-report-database", test_cli_report_database);
  g_test_add_func ("/audit-standby/tampering-seen", test_tampering_seen_on_standby);
  status = g_test_run ();

  g_clear_pointer (&owner, PQfinish);
  g_clear_pointer (&standby_owner, PQfinish);
  cst_test_cluster_free (standby);
  cst_test_db_free (db);
  cst_test_cluster_free (primary);
  g_free (auditor_primary);
  g_free (auditor_standby);
  return status;
}
