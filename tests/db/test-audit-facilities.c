/* test-audit-facilities.c — audit rows by facility (issue 22, 0087): a
 * clerk of two facilities reads the audit rows of their facilities'
 * requests (their own rows and the events that name them) but not a third
 * facility's, nor its clerk theirs; rows of no facility stay readable by
 * all; the auditor and the administrator read every row, and the chain
 * still verifies as the auditor. */
#include "config.h"

#include <string.h>

#include "cst-test-facilities.h"

static CstTestDb *db;
static char *two_clerk;      /* NORTH and SOUTH */
static char *east_clerk;     /* EAST */
static char *north_id;
static char *east_id;

static void
test_setup (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) two = NULL;
  g_autoptr(PGconn) east = NULL;
  g_autoptr(CstRequest) north = NULL, east_request = NULL;

  cst_test_facility_add (admin, "NORTH", "North Clinic", "CA");
  cst_test_facility_add (admin, "SOUTH", "South Hospital", "TX");
  cst_test_facility_add (admin, "EAST", "East Center", "NY");
  two_clerk = cst_test_facility_clerk (db, admin, "NORTH,SOUTH");
  east_clerk = cst_test_facility_clerk (db, admin, "EAST");
  two = cst_test_connect (two_clerk);
  east = cst_test_connect (east_clerk);
  north = cst_test_facility_request (two, "NORTH", "N-1", "Avery");
  east_request = cst_test_facility_request (east, "EAST", "E-1", "Dunn");
  north_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (north));
  east_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (east_request));
  /* Events naming each request, as record.viewed does (set-up only). */
  cst_test_db_exec_ok (owner, "SELECT audit_event('record.viewed', jsonb_build_object('request_id', $1::bigint))",
                       1, (const char *[]) { north_id });
  cst_test_db_exec_ok (owner, "SELECT audit_event('record.viewed', jsonb_build_object('request_id', $1::bigint))",
                       1, (const char *[]) { east_id });
  /* A row of no facility: a setting. */
  cst_test_db_exec_ok (owner, "SELECT audit_event('report.exported', '{\"report\": \"fees\"}'::jsonb)", 0, NULL);
}

/* Audit rows of request @id, its own and the events naming it. */
static gint64
rows_of (PGconn     *conn,
         const char *id)
{
  return cst_test_db_int (conn,
    "SELECT count(*) FROM audit_log"
    " WHERE (table_name = 'roi_requests' AND row_id = $1::bigint)"
    "    OR new_row->'details'->>'request_id' = $1::text", 1, (const char *[]) { id });
}

static gint64
events_of_no_facility (PGconn *conn)
{
  return cst_test_db_int (conn, "SELECT count(*) FROM audit_log WHERE new_row->'details'->>'report' = 'fees'",
                          0, NULL);
}

static void
test_clerks (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(PGconn) east = cst_test_connect (east_clerk);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  gint64 north_rows = rows_of (owner, north_id);
  gint64 east_rows = rows_of (owner, east_id);

  /* The request's INSERT and the event, at least. */
  g_assert_cmpint (north_rows, >=, 2);
  g_assert_cmpint (east_rows, >=, 2);
  g_assert_cmpint (rows_of (two, north_id), ==, north_rows);
  g_assert_cmpint (rows_of (two, east_id), ==, 0);
  g_assert_cmpint (rows_of (east, east_id), ==, east_rows);
  g_assert_cmpint (rows_of (east, north_id), ==, 0);
  g_assert_cmpint (events_of_no_facility (two), ==, 1);
  g_assert_cmpint (events_of_no_facility (east), ==, 1);
}

static void
test_system_wide_roles (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  gint64 all = cst_test_db_int (owner, "SELECT count(*) FROM audit_log", 0, NULL);
  g_autoptr(CstAuditChainReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cst_test_db_int (auditor, "SELECT count(*) FROM audit_log", 0, NULL), ==, all);
  g_assert_cmpint (cst_test_db_int (admin, "SELECT count(*) FROM audit_log", 0, NULL), ==, all);
  g_assert_cmpint (rows_of (auditor, east_id), ==, rows_of (owner, east_id));
  cst_audit_chain_link_pending (owner, TRUE, &error);
  g_assert_no_error (error);
  report = cst_audit_chain_verify (auditor, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (report->intact);
  g_assert_cmpint (report->rows_checked, ==, cst_test_db_int (owner, "SELECT count(*) FROM audit_log", 0, NULL));
}

/* The plan of a read of the log, as @conn. */
static char *
plan_of_read (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, "EXPLAIN (COSTS OFF) SELECT * FROM audit_log "
                                         "WHERE chain_seq IS NOT NULL ORDER BY chain_seq", 0, NULL, &error);
  GString *plan = g_string_new (NULL);

  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (res); row++)
    g_string_append_printf (plan, "%s\n", cst_db_value (res, row, 0));
  return g_string_free (plan, FALSE);
}

/* 0097: the roles that read every row are read without the facility
 * test on each row (it was most of the server's work in `audit verify`
 * at scale); a clerk's read still makes it. */
static void
test_no_row_test_for_system_wide_roles (void)
{
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) clerk = cst_test_connect (two_clerk);
  g_autofree char *auditor_plan = plan_of_read (auditor);
  g_autofree char *admin_plan = plan_of_read (admin);
  g_autofree char *clerk_plan = plan_of_read (clerk);

  /* 0087's policy shows as an InitPlan (facility_sees_all) and SubPlans
   * (the requests) in the filter. */
  g_assert_nonnull (strstr (clerk_plan, "InitPlan"));
  g_assert_nonnull (strstr (clerk_plan, "SubPlan"));
  g_assert_null (strstr (auditor_plan, "InitPlan"));
  g_assert_null (strstr (auditor_plan, "SubPlan"));
  g_assert_null (strstr (admin_plan, "InitPlan"));
  g_assert_null (strstr (admin_plan, "SubPlan"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit-facilities/setup", test_setup);
  g_test_add_func ("/audit-facilities/clerks", test_clerks);
  g_test_add_func ("/audit-facilities/system-wide-roles", test_system_wide_roles);
  g_test_add_func ("/audit-facilities/no-row-test", test_no_row_test_for_system_wide_roles);
  status = cst_test_db_run (&db);
  g_free (two_clerk);
  g_free (east_clerk);
  g_free (north_id);
  g_free (east_id);
  return status;
}
