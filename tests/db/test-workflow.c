/* test-workflow.c — every status transition, allowed and refused, in the
 * model and in the database */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

/* The model's table and the database's must be the same relation. */
static void
test_tables_agree (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT from_status, to_status FROM roi_status_transitions", 0, NULL, &error);
  guint model_count = 0;

  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (res); row++)
    {
      int from, to;
      g_assert_true (cst_enum_from_nick (CST_TYPE_REQUEST_STATUS, PQgetvalue (res, row, 0), &from));
      g_assert_true (cst_enum_from_nick (CST_TYPE_REQUEST_STATUS, PQgetvalue (res, row, 1), &to));
      g_assert_true (cst_request_status_can_move (from, to));
    }
  for (int from = 0; from < CST_N_STATUSES; from++)
    for (int to = 0; to < CST_N_STATUSES; to++)
      model_count += cst_request_status_can_move (from, to);
  g_assert_cmpuint (model_count, ==, PQntuples (res));
}

static void
test_closed_statuses_are_terminal (void)
{
  CstRequestStatus targets[CST_N_STATUSES];

  g_assert_cmpuint (cst_request_status_list_targets (CST_STATUS_RELEASED, targets), ==, 0);
  g_assert_cmpuint (cst_request_status_list_targets (CST_STATUS_DENIED, targets), ==, 0);
  g_assert_cmpuint (cst_request_status_list_targets (CST_STATUS_CANCELLED, targets), ==, 0);
  g_assert_cmpuint (cst_request_status_list_targets (CST_STATUS_RECEIVED, targets), ==, 3);
}

/* Brings a fresh request to @status through allowed steps. */
static CstRequest *
request_in_status (PGconn           *conn,
                   CstRequestStatus  status)
{
  static guint counter;
  g_autofree char *mrn = g_strdup_printf ("WF-%u", counter++);
  CstRequest *request = cst_test_db_add_request (conn, mrn);

  if (status == CST_STATUS_DENIED || status == CST_STATUS_CANCELLED)
    {
      CstRequest *moved = cst_request_repo_move (conn, request, status, "Test reason", NULL);
      g_object_unref (request);
      return moved;
    }
  return cst_test_db_move_along (conn, request, status);
}

/* Every (from, to) pair: the model allows or refuses it, and the database,
 * asked directly so the model cannot stop it first, does the same. */
static void
test_every_transition (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);

  for (int from = 0; from < CST_N_STATUSES; from++)
    for (int to = 0; to < CST_N_STATUSES; to++)
      {
        g_autoptr(CstRequest) request = NULL;
        g_autoptr(GError) model_error = NULL;
        g_autoptr(GError) db_error = NULL;
        g_autofree char *id = NULL;
        const char *params[3];
        gboolean allowed = cst_request_status_can_move (from, to);
        gboolean db_ok;

        if (from == to)
          continue;
        request = request_in_status (conn, from);
        g_assert_cmpint (cst_request_status_check_move (from, to, "Reason", &model_error), ==, allowed);

        id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
        params[0] = id;
        params[1] = cst_enum_to_nick (CST_TYPE_REQUEST_STATUS, to);
        params[2] = "Reason";
        db_ok = cst_db_exec_command (conn,
          "UPDATE roi_requests SET status = $2::roi_status, status_reason = $3 WHERE id = $1",
          3, params, &db_error);
        if (allowed)
          g_assert_no_error (db_error);
        else if (cst_request_status_is_closed (from))
          {
            g_assert_error (model_error, CST_ERROR, CST_ERROR_CLOSED);
            g_assert_error (db_error, CST_ERROR, CST_ERROR_CLOSED);
          }
        else
          {
            g_assert_error (model_error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
            g_assert_error (db_error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
          }
        g_assert_cmpint (db_ok, ==, allowed);
      }
}

/* The same pairs as a clerk, asking the database directly: the allowed
 * moves go through, except to released (only release_request() does
 * that); a closed request is not even a row the clerk may update
 * (row-level security), so nothing changes; the trigger refuses the
 * rest, before the policy is asked.
 * The requests are brought to each status by the owner, who alone can
 * release one without documents. */
static void
test_every_transition_as_clerk (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");

  for (int from = 0; from < CST_N_STATUSES; from++)
    for (int to = 0; to < CST_N_STATUSES; to++)
      {
        g_autoptr(CstRequest) request = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(PGresult) res = NULL;
        g_autofree char *id = NULL;
        const char *params[3];
        gboolean moved = !cst_request_status_is_closed (from) && to != CST_STATUS_RELEASED &&
                         cst_request_status_can_move (from, to);

        if (from == to)
          continue;
        request = request_in_status (owner, from);
        id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
        params[0] = id;
        params[1] = cst_enum_to_nick (CST_TYPE_REQUEST_STATUS, to);
        params[2] = "Reason";
        res = cst_db_exec (clerk,
          "UPDATE roi_requests SET status = $2::roi_status, status_reason = $3 WHERE id = $1 RETURNING id",
          3, params, &error);
        if (cst_request_status_is_closed (from))
          {
            g_assert_no_error (error);
            g_assert_cmpint (PQntuples (res), ==, 0);
          }
        else if (!cst_request_status_can_move (from, to))
          g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
        else if (to == CST_STATUS_RELEASED)
          g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
        else
          {
            g_assert_no_error (error);
            g_assert_cmpint (PQntuples (res), ==, 1);
          }
        g_clear_pointer (&res, PQclear);
        res = cst_db_exec (owner, "SELECT status FROM roi_requests WHERE id = $1", 1, params, NULL);
        g_assert_cmpstr (cst_db_value (res, 0, 0), ==,
                         cst_enum_to_nick (CST_TYPE_REQUEST_STATUS, moved ? to : from));
      }
}

static void
test_denial_needs_reason (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "DENY-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) db_error = NULL;
  g_autoptr(CstRequest) moved = cst_request_repo_move (conn, request, CST_STATUS_DENIED, "  ", &error);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };

  g_assert_null (moved);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET status = 'denied' WHERE id = $1", 1, params, &db_error));
  g_assert_error (db_error, CST_ERROR, CST_ERROR_INVALID_INPUT);

  g_clear_error (&error);
  moved = cst_request_repo_move (conn, request, CST_STATUS_DENIED, "Authorization expired", &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (moved), ==, CST_STATUS_DENIED);
  g_assert_cmpstr (cst_request_get_status_reason (moved), ==, "Authorization expired");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/workflow/tables-agree", test_tables_agree);
  g_test_add_func ("/workflow/terminal", test_closed_statuses_are_terminal);
  g_test_add_func ("/workflow/every-transition", test_every_transition);
  g_test_add_func ("/workflow/every-transition-as-clerk", test_every_transition_as_clerk);
  g_test_add_func ("/workflow/denial-reason", test_denial_needs_reason);
  return cst_test_db_run (&db);
}
