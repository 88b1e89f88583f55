/* test-dashboard-facilities.c — the dashboard of a health system (issue
 * 22): one facility's figures, or every facility the login sees with each
 * one's totals beside them; a clerk of two facilities sees theirs (not a
 * third's, whose code is refused), the auditor the whole system; the same
 * off the main loop through a CstConnection. */
#include "config.h"

#include "cst-test-async.h"
#include "cst-test-facilities.h"

static CstTestDb *db;
static char *two_clerk;      /* NORTH and SOUTH */
static gint64 north_fees;    /* the NORTH invoice's total */

/* NORTH: two open requests, one invoiced; SOUTH: one; EAST (another
 * clerk's): one. */
static void
test_setup (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) two = NULL;
  g_autoptr(PGconn) east = NULL;
  g_autofree char *east_clerk = NULL;
  g_autoptr(CstRequest) n1 = NULL, n2 = NULL, s1 = NULL, e1 = NULL;

  cst_test_facility_add (admin, "NORTH", "North Clinic", "CA");
  cst_test_facility_add (admin, "SOUTH", "South Hospital", "TX");
  cst_test_facility_add (admin, "EAST", "East Center", "NY");
  two_clerk = cst_test_facility_clerk (db, admin, "NORTH,SOUTH");
  east_clerk = cst_test_facility_clerk (db, admin, "EAST");
  two = cst_test_connect (two_clerk);
  east = cst_test_connect (east_clerk);
  n1 = cst_test_facility_request (two, "NORTH", "N-1", "Avery");
  n2 = cst_test_facility_request (two, "NORTH", "N-2", "Baker");
  s1 = cst_test_facility_request (two, "SOUTH", "S-1", "Carter");
  e1 = cst_test_facility_request (east, "EAST", "E-1", "Dunn");
  g_object_set (n1, "page-count", 12, NULL);
  north_fees = cst_test_db_issue_invoice (two, n1, CST_FEE_METHOD_HIPAA_FLAT);
  g_assert_cmpint (north_fees, >, 0);
}

static CstDashboard *
load (PGconn     *conn,
      const char *code)
{
  g_autoptr(GError) error = NULL;
  GDate today;
  CstDashboard *dashboard;

  cst_input_today (&today);
  dashboard = cst_dashboard_load_for (conn, &today, code, &error);
  g_assert_no_error (error);
  return dashboard;
}

static const CstDashboardFacility *
facility_row (const CstDashboard *dashboard,
              guint               index,
              const char         *code)
{
  const CstDashboardFacility *row;

  g_assert_cmpuint (index, <, dashboard->facilities->len);
  row = g_ptr_array_index (dashboard->facilities, index);
  g_assert_cmpstr (row->code, ==, code);
  return row;
}

static gint64
fees_in_window (const CstDashboard *dashboard)
{
  gint64 sum = 0;

  for (guint i = 0; i < CST_DASHBOARD_N_MONTHS; i++)
    sum += dashboard->fees_cents[i];
  return sum;
}

/* The clerk's whole system is their two facilities, each with its own
 * totals, which add up to the figures. */
static void
test_clerk_all (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(CstDashboard) dashboard = load (two, NULL);
  const CstDashboardFacility *north, *south;

  g_assert_null (dashboard->facility_code);
  g_assert_cmpint (dashboard->n_open, ==, 3);
  g_assert_cmpint (fees_in_window (dashboard), ==, north_fees);
  g_assert_cmpint (dashboard->outstanding_cents, ==, north_fees);
  g_assert_cmpuint (dashboard->facilities->len, ==, 2);
  north = facility_row (dashboard, 0, "NORTH");
  south = facility_row (dashboard, 1, "SOUTH");
  g_assert_cmpstr (north->name, ==, "North Clinic");
  g_assert_cmpint (north->n_open, ==, 2);
  g_assert_cmpint (north->fees_cents, ==, north_fees);
  g_assert_cmpint (north->outstanding_cents, ==, north_fees);
  g_assert_cmpint (south->n_open, ==, 1);
  g_assert_cmpint (south->fees_cents, ==, 0);
  g_assert_cmpint (north->n_open + south->n_open, ==, dashboard->n_open);
}

/* One facility's figures are that facility's alone. */
static void
test_clerk_one_facility (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(CstDashboard) south = load (two, "SOUTH");
  g_autoptr(CstDashboard) north = load (two, "NORTH");

  g_assert_cmpstr (south->facility_code, ==, "SOUTH");
  g_assert_cmpint (south->n_open, ==, 1);
  g_assert_cmpint (south->n_requests, ==, 1);
  g_assert_cmpint (fees_in_window (south), ==, 0);
  g_assert_cmpint (south->outstanding_cents, ==, 0);
  g_assert_cmpuint (south->facilities->len, ==, 1);
  facility_row (south, 0, "SOUTH");

  g_assert_cmpint (north->n_open, ==, 2);
  g_assert_cmpint (fees_in_window (north), ==, north_fees);
  g_assert_cmpint (north->outstanding_cents, ==, north_fees);
}

/* Another facility's code is refused, not answered with zeros. */
static void
test_clerk_other_facility (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDashboard) east = NULL;
  GDate today;

  cst_input_today (&today);
  east = cst_dashboard_load_for (two, &today, "EAST", &error);
  g_assert_null (east);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

/* The auditor sees the whole system: every facility, the default one
 * with nothing in it included. */
static void
test_auditor_whole_system (void)
{
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstDashboard) dashboard = load (auditor, NULL);
  g_autoptr(CstDashboard) east = load (auditor, "EAST");

  g_assert_cmpint (dashboard->n_open, ==, 4);
  g_assert_cmpuint (dashboard->facilities->len, ==, 4);
  g_assert_cmpint (facility_row (dashboard, 0, "MAIN")->n_open, ==, 0);
  g_assert_cmpint (facility_row (dashboard, 1, "EAST")->n_open, ==, 1);
  g_assert_cmpint (facility_row (dashboard, 2, "NORTH")->n_open, ==, 2);
  g_assert_cmpint (facility_row (dashboard, 3, "SOUTH")->n_open, ==, 1);
  g_assert_cmpint (east->n_open, ==, 1);
}

static void
test_async (void)
{
  g_autoptr(CstConnection) connection = cst_connection_new (two_clerk);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CstDashboard) dashboard = NULL;
  g_autoptr(GError) error = NULL;

  cst_dashboard_fetch_for_async (connection, NULL, "NORTH", NULL, cst_test_result_cb, &result);
  dashboard = cst_dashboard_fetch_finish (connection, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dashboard->facility_code, ==, "NORTH");
  g_assert_cmpint (dashboard->n_open, ==, 2);
  g_assert_cmpuint (dashboard->facilities->len, ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dashboard-facilities/setup", test_setup);
  g_test_add_func ("/dashboard-facilities/clerk-all", test_clerk_all);
  g_test_add_func ("/dashboard-facilities/clerk-one-facility", test_clerk_one_facility);
  g_test_add_func ("/dashboard-facilities/clerk-other-facility", test_clerk_other_facility);
  g_test_add_func ("/dashboard-facilities/auditor-whole-system", test_auditor_whole_system);
  g_test_add_func ("/dashboard-facilities/async", test_async);
  status = cst_test_db_run (&db);
  g_free (two_clerk);
  return status;
}
