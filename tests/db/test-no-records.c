/* test-no-records.c — "no records found" needs the recorded search scope
 * and a second person's sign-off (migration 0043): two clerk logins. */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static const char *const systems[] = { "Epic", "Legacy archive (Meditech)", NULL };
static const char *const locations[] = { "Main campus HIM", "Off-site storage", NULL };

static void
search_scope (GDate *from,
              GDate *to)
{
  g_date_clear (from, 1);
  g_date_clear (to, 1);
  g_date_set_dmy (from, 1, 1, 2015);
  cst_input_today (to);
}

static void
test_needs_second_person (void)
{
  g_autofree char *info_a = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *info_b = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) a = cst_db_connect (info_a, NULL);
  g_autoptr(PGconn) b = cst_db_connect (info_b, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (a, "NOREC-1");
  g_autoptr(CstRequest) answered = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  GDate from, to;

  search_scope (&from, &to);
  /* No search recorded: refused by the model and by the database. */
  answered = cst_no_records_answer (a, request, "Not held here; ask Clinic X", &error);
  g_assert_null (answered);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (a,
    "UPDATE roi_requests SET no_records = true, status = 'denied', status_reason = 'x' WHERE id = $1",
    1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  /* The scope is required. */
  g_assert_false (cst_no_records_record_search (a, request, (const char *const[]) { NULL },
                                                &from, &to, locations, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (a,
    "INSERT INTO no_records_searches (request_id, systems_searched, searched_from, searched_to, locations) "
    "VALUES ($1, '{}', '2020-01-01', '2021-01-01', '{Basement}')", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (cst_no_records_record_search (a, request, systems, &from, &to, locations, &error));
  g_assert_no_error (error);

  /* Recorded but not signed off: still refused, and the searcher cannot
   * sign off their own search. */
  g_assert_null (cst_no_records_answer (a, request, "Not held here", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (a,
    "UPDATE roi_requests SET no_records = true, status = 'denied', status_reason = 'x' WHERE id = $1",
    1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (cst_no_records_sign_off (a, request, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* The second clerk signs off; the scope is fixed from then on. */
  g_assert_true (cst_no_records_sign_off (b, request, &error));
  g_assert_no_error (error);
  g_assert_false (cst_db_exec_command (b,
    "UPDATE no_records_searches SET locations = '{Nowhere}' WHERE request_id = $1",
    1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
  g_clear_error (&error);

  answered = cst_no_records_answer (a, request, "Not held here; ask Clinic X", &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (answered), ==, CST_STATUS_DENIED);
  res = cst_db_exec (a, "SELECT r.no_records, s.searched_by <> s.signed_off_by, "
                     "s.searched_by = (SELECT session_user), cardinality(s.systems_searched) "
                     "FROM roi_requests r JOIN no_records_searches s ON s.request_id = r.id "
                     "WHERE r.id = $1", 1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 3), ==, "2");
}

/* A reopened request shows the search as recorded: the scope, who searched
 * and, once signed off, who signed it off. */
static void
test_read_back (void)
{
  g_autofree char *info_a = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *info_b = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) a = cst_db_connect (info_a, NULL);
  g_autoptr(PGconn) b = cst_db_connect (info_b, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (a, "NOREC-2");
  g_autoptr(PGresult) who_a = cst_db_exec (a, "SELECT session_user", 0, NULL, NULL);
  g_autoptr(PGresult) who_b = cst_db_exec (b, "SELECT session_user", 0, NULL, NULL);
  g_autoptr(CstNoRecordsSearch) search = NULL;
  g_autoptr(GError) error = NULL;
  GDate from, to;

  search_scope (&from, &to);
  g_assert_null (cst_no_records_get (a, cst_request_get_id (request), &error));
  g_assert_no_error (error);
  g_assert_true (cst_no_records_record_search (a, request, systems, &from, &to, locations, &error));
  search = cst_no_records_get (b, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_nonnull (search);
  g_assert_true (g_strv_equal ((const char *const *) search->systems, systems));
  g_assert_true (g_strv_equal ((const char *const *) search->locations, locations));
  g_assert_cmpint (g_date_compare (search->from, &from), ==, 0);
  g_assert_cmpint (g_date_compare (search->to, &to), ==, 0);
  g_assert_cmpstr (search->searched_by, ==, PQgetvalue (who_a, 0, 0));
  g_assert_nonnull (search->searched_at);
  g_assert_null (search->signed_off_by);
  g_assert_null (search->signed_off_at);
  g_clear_pointer (&search, cst_no_records_search_free);

  g_assert_true (cst_no_records_sign_off (b, request, &error));
  search = cst_no_records_get (a, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (search->signed_off_by, ==, PQgetvalue (who_b, 0, 0));
  g_assert_nonnull (search->signed_off_at);
  g_assert_cmpint (g_date_time_compare (search->searched_at, search->signed_off_at), <=, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/no-records/needs-second-person", test_needs_second_person);
  g_test_add_func ("/no-records/read-back", test_read_back);
  return cst_test_db_run (&db);
}
