/* test-withholding.c — a partial release records what was withheld, by
 * category, stamped by the server; fixed once the request is closed. */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static void
test_withheld_by_category (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "WH-1");
  g_autoptr(CstRequest) cancelled = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) me = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };

  g_assert_false (cst_withholding_record (conn, request, CST_WITHHELD_PART2, " ", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cst_withholding_record (conn, request, CST_WITHHELD_PART2,
                                         "Substance use program notes 2019", &error));
  g_assert_true (cst_withholding_record (conn, request, CST_WITHHELD_OUTSIDE_DATE_RANGE,
                                         "Visits before 2015", &error));
  g_assert_no_error (error);
  list = cst_withholding_list (conn, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((CstWithholding *) list->pdata[0])->reason, ==, CST_WITHHELD_PART2);
  g_assert_cmpint (((CstWithholding *) list->pdata[1])->reason, ==, CST_WITHHELD_OUTSIDE_DATE_RANGE);
  g_assert_cmpstr (((CstWithholding *) list->pdata[0])->recorded_by, ==, PQgetvalue (me, 0, 0));
  g_assert_cmpstr (cst_withheld_reason_get_label (CST_WITHHELD_PSYCHOTHERAPY_NOTES), ==,
                   "Psychotherapy notes");

  /* Append-only, and fixed once the request is closed. */
  g_assert_false (cst_db_exec_command (conn, "DELETE FROM release_withholdings WHERE request_id = $1",
                                       1, params, &error));
  g_clear_error (&error);
  cancelled = cst_request_repo_move (conn, request, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  g_assert_false (cst_withholding_record (conn, cancelled, CST_WITHHELD_NOT_HELD, "Late", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/withholding/by-category", test_withheld_by_category);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
