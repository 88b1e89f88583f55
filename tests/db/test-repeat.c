/* test-repeat.c — repeat requests link and escalate, never merge
 * (migration 0042): the patient's own access again, the same requester
 * again, a different requester, a closed earlier request, and no client
 * undoing the link. */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static CstRequest *
request_from (PGconn           *conn,
              const char       *mrn,
              const char       *requester,
              CstRequesterKind  kind)
{
  return cst_test_db_add_request_for (conn, mrn, requester, kind, "NY");
}

static void
assert_repeat (PGconn     *conn,
               CstRequest *request,
               CstRequest *of,
               guint       priority)
{
  g_autoptr(GError) error = NULL;
  CstRepeat repeat;

  g_assert_true (cst_repeat_load (conn, request, &repeat, &error));
  g_assert_no_error (error);
  g_assert_cmpint (repeat.repeat_of, ==, of != NULL ? cst_request_get_id (of) : 0);
  g_assert_cmpstr (repeat.repeat_of_reference, ==, of != NULL ? cst_request_get_reference (of) : NULL);
  g_assert_cmpuint (repeat.priority, ==, priority);
  g_assert_cmpint (repeat.supervisor_flag, ==, of != NULL);
  cst_repeat_clear (&repeat);
}

/* The patient asks again, and again: each repeat links to the first open
 * request, priority climbs, the supervisor is flagged; all rows stay. */
static void
test_patient_access_repeats (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) first = request_from (conn, "REP-1", "José Núñez", CST_REQUESTER_PATIENT);
  g_autoptr(CstRequest) second = request_from (conn, "REP-1", "J. Nunez", CST_REQUESTER_PATIENT);
  g_autoptr(CstRequest) third = request_from (conn, "REP-1", "José Núñez", CST_REQUESTER_PATIENT);
  g_autoptr(GArray) repeats = NULL;
  g_autoptr(GError) error = NULL;

  assert_repeat (conn, first, NULL, 0);
  assert_repeat (conn, second, first, 1);
  assert_repeat (conn, third, first, 2);
  repeats = cst_repeat_list_repeats (conn, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (repeats->len, ==, 2);
  g_assert_cmpint (g_array_index (repeats, gint64, 0), ==, cst_request_get_id (second));
  g_assert_cmpint (g_array_index (repeats, gint64, 1), ==, cst_request_get_id (third));
  g_assert_cmpint (cst_request_get_status (second), ==, CST_STATUS_RECEIVED);
}

/* The same attorney (name spelled with other case and spacing) repeats;
 * another attorney for the same patient does not. */
static void
test_same_requester_repeats (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) first = request_from (conn, "REP-2", "Demo Law Group", CST_REQUESTER_ATTORNEY);
  g_autoptr(CstRequest) again = request_from (conn, "REP-2", "  demo law  group ", CST_REQUESTER_ATTORNEY);
  g_autoptr(CstRequest) other = request_from (conn, "REP-2", "Sample Insurance", CST_REQUESTER_INSURER);

  assert_repeat (conn, first, NULL, 0);
  assert_repeat (conn, again, first, 1);
  assert_repeat (conn, other, NULL, 0);
}

/* A closed earlier request is not repeated: the new one starts fresh. */
static void
test_closed_is_not_repeated (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) first = request_from (conn, "REP-3", "José Núñez", CST_REQUESTER_PATIENT);
  g_autoptr(CstRequest) cancelled = NULL;
  g_autoptr(CstRequest) later = NULL;
  g_autoptr(GError) error = NULL;

  cancelled = cst_request_repo_move (conn, first, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  later = request_from (conn, "REP-3", "José Núñez", CST_REQUESTER_PATIENT);
  assert_repeat (conn, later, NULL, 0);
}

/* No client undoes the link or lowers the priority; only a supervisor
 * (admin) clears the flag. */
static void
test_link_cannot_be_undone (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(PGconn) supervisor = cst_db_connect (admin, NULL);
  g_autoptr(CstRequest) first = request_from (conn, "REP-4", "José Núñez", CST_REQUESTER_PATIENT);
  g_autoptr(CstRequest) second = request_from (conn, "REP-4", "José Núñez", CST_REQUESTER_PATIENT);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (second));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;

  g_assert_false (cst_db_exec_command (conn, "UPDATE roi_requests SET repeat_of = NULL WHERE id = $1",
                                       1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (conn, "UPDATE roi_requests SET priority = 0 WHERE id = $1",
                                       1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (conn, "UPDATE roi_requests SET supervisor_flag = false WHERE id = $1",
                                       1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (cst_db_exec_command (supervisor,
                                      "UPDATE roi_requests SET supervisor_flag = false WHERE id = $1",
                                      1, params, &error));
  g_assert_no_error (error);
  assert_repeat (conn, first, NULL, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/repeat/patient-access", test_patient_access_repeats);
  g_test_add_func ("/repeat/same-requester", test_same_requester_repeats);
  g_test_add_func ("/repeat/closed-is-not-repeated", test_closed_is_not_repeated);
  g_test_add_func ("/repeat/link-cannot-be-undone", test_link_cannot_be_undone);
  return cst_test_db_run (&db);
}
