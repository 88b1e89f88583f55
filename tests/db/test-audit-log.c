/* test-audit-log.c — every change is logged by the database, and the log
 * cannot be rewritten */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static void
test_changes_are_logged (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "AUDIT-1");
  g_autoptr(CstRequest) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = NULL;
  const char *login = strstr (clerk, "user=") + 5;

  moved = cst_request_repo_move (conn, request, CST_STATUS_AUTHORIZATION_VERIFIED, NULL, &error);
  g_assert_no_error (error);

  res = cst_db_exec (conn,
    "SELECT action, actor, old_row->>'status', new_row->>'status', new_row->>'version' "
    "FROM audit_log WHERE table_name = 'roi_requests' AND row_id = $1 ORDER BY id",
    1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 2);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "INSERT");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, login);
  g_assert_true (PQgetisnull (res, 0, 2));
  g_assert_cmpstr (PQgetvalue (res, 0, 3), ==, "received");
  g_assert_cmpstr (PQgetvalue (res, 1, 0), ==, "UPDATE");
  g_assert_cmpstr (PQgetvalue (res, 1, 2), ==, "received");
  g_assert_cmpstr (PQgetvalue (res, 1, 3), ==, "authorization_verified");
  g_assert_cmpstr (PQgetvalue (res, 1, 4), ==, "2");

  /* The patient and requester rows were logged too. */
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (conn,
    "SELECT count(*) FROM audit_log WHERE table_name IN ('patients', 'requesters') "
    "AND new_row->>'id' IN (SELECT patient_id::text FROM roi_requests WHERE id = $1 "
    "UNION SELECT requester_id::text FROM roi_requests WHERE id = $1)", 1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_db_int64 (res, 0, 0), >=, 2);
}

/* The role the app connects as may read the log and nothing more. */
static void
test_app_role_cannot_rewrite (void)
{
  const char *statements[] = {
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "INSERT INTO audit_log (table_name, action) VALUES ('x', 'EVENT')",
  };
  const char *roles[] = { "custodian_clerk", "custodian_billing", "custodian_auditor",
                          "custodian_admin" };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autofree char *login = cst_test_db_create_login (db, roles[r]);
      g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) readable = cst_db_exec (conn, "SELECT count(*) FROM audit_log",
                                                  0, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (readable);
      for (guint s = 0; s < G_N_ELEMENTS (statements); s++)
        {
          g_autoptr(GError) refused = NULL;
          g_assert_false (cst_db_exec_command (conn, statements[s], 0, NULL, &refused));
          g_assert_error (refused, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
        }
    }
}

/* Even the owner cannot rewrite the log without first dropping its
 * triggers, which is itself a schema change outside the app. */
static void
test_owner_cannot_rewrite (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  const char *statements[] = {
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
  };
  g_autoptr(PGresult) before = cst_db_exec (conn, "SELECT count(*) FROM audit_log", 0, NULL, NULL);

  g_assert_cmpint (cst_db_int64 (before, 0, 0), >, 0);
  for (guint s = 0; s < G_N_ELEMENTS (statements); s++)
    {
      g_autoptr(GError) refused = NULL;
      g_assert_false (cst_db_exec_command (conn, statements[s], 0, NULL, &refused));
      g_assert_error (refused, CST_ERROR, CST_ERROR_APPEND_ONLY);
    }
  {
    g_autoptr(PGresult) after = cst_db_exec (conn, "SELECT count(*) FROM audit_log", 0, NULL, NULL);
    g_assert_cmpint (cst_db_int64 (after, 0, 0), ==, cst_db_int64 (before, 0, 0));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit-log/changes-logged", test_changes_are_logged);
  g_test_add_func ("/audit-log/app-role-cannot-rewrite", test_app_role_cannot_rewrite);
  g_test_add_func ("/audit-log/owner-cannot-rewrite", test_owner_cannot_rewrite);
  return cst_test_db_run (&db);
}
