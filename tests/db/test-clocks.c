/* test-clocks.c — the legal deadline and the service target side by side;
 * "at risk" is open and within 5 days of, or past, the legal deadline. */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static void
test_two_clocks (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) auditor = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) fresh = cst_test_db_add_request_received (owner, "CLK-1", 0);
  g_autoptr(CstRequest) near = cst_test_db_add_request_received (owner, "CLK-2", 26);
  g_autoptr(CstRequest) late = cst_test_db_add_request_received (owner, "CLK-3", 40);
  g_autoptr(CstRequest) old = cst_test_db_add_request_received (owner, "CLK-4", 40);
  g_autoptr(CstRequest) closed = NULL;
  g_autoptr(GError) error = NULL;
  guint service_days = cst_clocks_get_service_days (auditor, &error);
  CstClocks clocks;
  GDate today;

  g_assert_no_error (error);
  g_assert_cmpuint (service_days, ==, 10);
  closed = cst_request_repo_move (owner, old, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  cst_input_today (&today);

  cst_clocks_compute (fresh, service_days, &today, &clocks);
  g_assert_cmpint (clocks.legal_days_left, ==, 30);
  g_assert_cmpint (clocks.service_days_left, ==, 10);
  g_assert_false (clocks.at_risk);
  cst_clocks_compute (near, service_days, &today, &clocks);
  g_assert_cmpint (clocks.legal_days_left, ==, 4);
  g_assert_cmpint (clocks.service_days_left, ==, -16);
  g_assert_true (clocks.at_risk);
  cst_clocks_compute (late, service_days, &today, &clocks);
  g_assert_cmpint (clocks.legal_days_left, ==, -10);
  g_assert_true (clocks.at_risk);
  cst_clocks_compute (closed, service_days, &today, &clocks);
  g_assert_false (clocks.at_risk);

  /* The database counts the same two, for any role. */
  g_assert_cmpint (cst_clocks_count_at_risk (auditor, &error), ==, 2);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clocks/two-clocks", test_two_clocks);
  return cst_test_db_run (&db);
}
