/* test-dashboard-facilities.c — the dashboard of a health system (issue
 * 22): one facility's figures, or every facility the login sees with each
 * one's totals beside them; a clerk of two facilities sees theirs (not a
 * third's, whose code is refused), the auditor the whole system; the same
 * off the main loop through a CstConnection; each facility's totals are
 * the same as the statement before 0131 gave, for a clerk, an
 * administrator and the auditor. */
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

/* Each facility's totals as cst_dashboard_load_for() read them before
 * 0131 (every request of the facility, the open ones picked out by FILTER);
 * now only the open requests are read, and a facility with none has no
 * row in req.  The same parameters: as-of, days of "this week", first
 * month, and the facility by its code (there by its id) or NULL. */
static const char *by_facility_before_0131 =
  "WITH req AS ("
  "  SELECT r.facility_id,"
  "         count(*) FILTER (WHERE r.status NOT IN ('released', 'denied', 'cancelled')) AS n_open,"
  "         count(*) FILTER (WHERE r.status NOT IN ('released', 'denied', 'cancelled')"
  "                            AND r.due_date < $1::date) AS overdue,"
  "         count(*) FILTER (WHERE r.status NOT IN ('released', 'denied', 'cancelled')"
  "                            AND r.due_date >= $1::date"
  "                            AND r.due_date < $1::date + $2::int) AS due_this_week"
  "    FROM roi_requests r GROUP BY 1),"
  " inv AS ("
  "  SELECT i.facility_id,"
  "         sum (i.total_cents) FILTER (WHERE i.issued_at >= $3::date) AS fees,"
  "         sum (i.total_cents) AS invoiced"
  "    FROM invoices i WHERE i.issued_at < $1::date + 1 GROUP BY 1),"
  " pay AS ("
  "  SELECT r.facility_id,"
  "         sum (p.amount_cents) FILTER (WHERE p.paid_on >= $3::date) AS collected,"
  "         sum (p.amount_cents) AS paid"
  "    FROM payments p JOIN roi_requests r ON r.id = p.request_id"
  "   WHERE p.paid_on <= $1::date GROUP BY 1)"
  "SELECT f.code, f.name, COALESCE (req.n_open, 0), COALESCE (req.overdue, 0),"
  "       COALESCE (req.due_this_week, 0), COALESCE (inv.fees, 0)::bigint,"
  "       COALESCE (pay.collected, 0)::bigint,"
  "       (COALESCE (inv.invoiced, 0) - COALESCE (pay.paid, 0))::bigint"
  "  FROM facilities f"
  "  LEFT JOIN req ON req.facility_id = f.id"
  "  LEFT JOIN inv ON inv.facility_id = f.id"
  "  LEFT JOIN pay ON pay.facility_id = f.id"
  " WHERE f.id = ANY ((SELECT visible_facility_ids())::bigint[])"
  "   AND ($4::text IS NULL OR f.code = $4::text)"
  " ORDER BY f.is_default DESC, f.code";

static void
assert_same_as_before (PGconn     *conn,
                       const char *code)
{
  g_autoptr(CstDashboard) dashboard = load (conn, code);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  char as_of[16], first[16], days[8];
  const char *params[] = { as_of, days, first, code };

  g_date_strftime (as_of, sizeof as_of, "%Y-%m-%d", &dashboard->as_of);
  g_date_strftime (first, sizeof first, "%Y-%m-%d", &dashboard->first_month);
  g_snprintf (days, sizeof days, "%d", CST_DASHBOARD_DUE_THIS_WEEK_DAYS);
  res = cst_db_exec (conn, by_facility_before_0131, G_N_ELEMENTS (params), params, &error);
  g_assert_no_error (error);
  g_test_message ("%s, %s: %d facilities", PQuser (conn), code ? code : "all", PQntuples (res));
  g_assert_cmpuint (dashboard->facilities->len, ==, PQntuples (res));
  for (int i = 0; i < PQntuples (res); i++)
    {
      const CstDashboardFacility *row = g_ptr_array_index (dashboard->facilities, i);

      g_assert_cmpstr (row->code, ==, cst_db_value (res, i, 0));
      g_assert_cmpstr (row->name, ==, cst_db_value (res, i, 1));
      g_assert_cmpint (row->n_open, ==, cst_db_int64 (res, i, 2));
      g_assert_cmpint (row->overdue, ==, cst_db_int64 (res, i, 3));
      g_assert_cmpint (row->due_this_week, ==, cst_db_int64 (res, i, 4));
      g_assert_cmpint (row->fees_cents, ==, cst_db_int64 (res, i, 5));
      g_assert_cmpint (row->collected_cents, ==, cst_db_int64 (res, i, 6));
      g_assert_cmpint (row->outstanding_cents, ==, cst_db_int64 (res, i, 7));
    }
}

/* Issue 22 (0131): the same totals as before for each login, with a
 * facility whose only requests are closed (EAST: none left in req), one
 * overdue and one due this week (NORTH, its first and second), a released
 * one (SOUTH's second). */
static void
test_same_as_before (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstRequest) s2 = cst_test_facility_request (two, "SOUTH", "S-2", "Ellis");
  g_autoptr(CstDashboard) before = load (auditor, NULL);
  g_autoptr(GError) error = NULL;
  const char *codes[] = { NULL, "NORTH", "SOUTH", "EAST" };

  /* Set as they are, past the triggers that would compute them. */
  cst_db_exec_command (owner, "SET session_replication_role = replica", 0, NULL, &error);
  g_assert_no_error (error);
  cst_db_exec_command (owner,
    "WITH x AS (SELECT r.id, f.code, row_number () OVER (PARTITION BY f.code ORDER BY r.id) AS n"
    "             FROM roi_requests r JOIN facilities f ON f.id = r.facility_id)"
    "UPDATE roi_requests r"
    "   SET due_date = CASE WHEN x.code = 'NORTH' AND x.n = 1 THEN current_date - 3"
    "                       ELSE current_date + 2 END,"
    "       status = CASE x.code WHEN 'EAST' THEN 'cancelled'::roi_status"
    "                            WHEN 'SOUTH' THEN 'released'::roi_status ELSE r.status END"
    "  FROM x WHERE x.id = r.id AND (x.code IN ('NORTH', 'EAST') OR (x.code = 'SOUTH' AND x.n = 2))", 0, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(CstDashboard) after = load (auditor, NULL);

    /* The changes above are what the comparison covers. */
    g_assert_cmpint (after->overdue, ==, before->overdue + 1);
    g_assert_cmpint (after->due_this_week, ==, before->due_this_week + 1);
    g_assert_cmpint (after->n_open, ==, before->n_open - 2);
  }
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      if (i < 3)
        assert_same_as_before (two, codes[i]);
      assert_same_as_before (auditor, codes[i]);
      assert_same_as_before (admin, codes[i]);
    }
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
  g_test_add_func ("/dashboard-facilities/same-as-before", test_same_as_before);
  status = cst_test_db_run (&db);
  g_free (two_clerk);
  return status;
}
