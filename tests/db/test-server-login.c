/* test-server-login.c — a server login as fields, and a test connection
 * whose failures come back in plain words
 *
 * Real connections to the throwaway server: the right password, a wrong
 * one (custodian_password_test, the role it asks a password of), a missing
 * database, an unknown user, a folder with no server, a closed port, and a
 * database Custodian was never set up in.  TLS failures are checked
 * against the TLS-only server in test-tls.c.
 */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

static void
test_fields_round_trip (void)
{
  g_autoptr(CstServerLogin) login = cst_server_login_new ();
  g_autoptr(CstServerLogin) back = NULL;
  g_autoptr(CstServerLogin) from_uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;

  login->host = g_strdup ("db.example.org");
  login->port = g_strdup (" 5433 ");
  login->dbname = g_strdup ("custodian");
  login->user = g_strdup ("o'brien");
  login->sslmode = g_strdup ("verify-full");
  login->sslrootcert = g_strdup ("/etc/ssl/My CA\\hospital.pem");
  conninfo = cst_server_login_to_conninfo (login);
  g_assert_cmpstr (conninfo, ==, "host=db.example.org port=5433 dbname=custodian user='o\\'brien' "
                                 "sslmode=verify-full sslrootcert='/etc/ssl/My CA\\\\hospital.pem'");
  back = cst_server_login_new_from_conninfo (conninfo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->user, ==, "o'brien");
  g_assert_cmpstr (back->port, ==, "5433");
  g_assert_cmpstr (back->sslrootcert, ==, "/etc/ssl/My CA\\hospital.pem");

  from_uri = cst_server_login_new_from_conninfo ("postgresql://jdoe@db.example.org:6000/roi?sslmode=require",
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_uri->host, ==, "db.example.org");
  g_assert_cmpstr (from_uri->port, ==, "6000");
  g_assert_cmpstr (from_uri->dbname, ==, "roi");
  g_assert_cmpstr (from_uri->user, ==, "jdoe");
  g_assert_cmpstr (from_uri->sslmode, ==, "require");
  g_assert_null (from_uri->sslrootcert);

  g_assert_null (cst_server_login_new_from_conninfo ("host='open", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* libpq's own words (PostgreSQL 15) for each kind of failure. */
static void
test_classify (void)
{
  static const struct { const char *message; CstConnectionProblem problem; } cases[] = {
    { "connection to server on socket \"/tmp/x/.s.PGSQL.5432\" failed: FATAL:  password authentication "
      "failed for user \"jdoe\"", CST_CONNECTION_PROBLEM_PASSWORD },
    { "fe_sendauth: no password supplied", CST_CONNECTION_PROBLEM_PASSWORD },
    { "could not translate host name \"db.exmaple.org\" to address: Name or service not known",
      CST_CONNECTION_PROBLEM_UNREACHABLE },
    { "connection to server at \"10.0.0.5\", port 5432 failed: Connection refused\n\tIs the server "
      "running on that host and accepting TCP/IP connections?", CST_CONNECTION_PROBLEM_UNREACHABLE },
    { "connection to server at \"10.0.0.5\", port 5432 failed: timeout expired",
      CST_CONNECTION_PROBLEM_UNREACHABLE },
    { "connection to server at \"localhost\" (127.0.0.1), port 5432 failed: SSL error: certificate "
      "verify failed", CST_CONNECTION_PROBLEM_TLS },
    { "server certificate for \"localhost\" does not match host name \"127.0.0.1\"",
      CST_CONNECTION_PROBLEM_TLS },
    { "root certificate file \"/nope/ca.pem\" does not exist\nEither provide the file or change "
      "sslmode to disable server certificate verification.", CST_CONNECTION_PROBLEM_TLS },
    { "FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"jdoe\", database \"roi\", no "
      "encryption", CST_CONNECTION_PROBLEM_TLS },
    { "FATAL:  no pg_hba.conf entry for host \"10.1.1.1\", user \"jdoe\", database \"roi\", SSL "
      "encryption", CST_CONNECTION_PROBLEM_NO_LOGIN },
    { "FATAL:  database \"custodain\" does not exist", CST_CONNECTION_PROBLEM_NO_DATABASE },
    { "FATAL:  role \"jdoe\" does not exist", CST_CONNECTION_PROBLEM_NO_LOGIN },
    { "FATAL:  sorry, too many clients already", CST_CONNECTION_PROBLEM_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].message);
      g_assert_cmpint (cst_connection_problem_classify (cases[i].message, FALSE), ==, cases[i].problem);
    }
  /* libpq knows a password was wanted even when its words are translated. */
  g_assert_cmpint (cst_connection_problem_classify ("fe_sendauth: no se proporcionó contraseña", TRUE), ==,
                   CST_CONNECTION_PROBLEM_PASSWORD);
  for (int p = CST_CONNECTION_PROBLEM_PASSWORD; p <= CST_CONNECTION_PROBLEM_OTHER; p++)
    g_assert_cmpuint (strlen (cst_connection_problem_explain (p)), >, 30);
}

static void
assert_problem (const char           *conninfo,
                const char           *password,
                CstConnectionProblem  expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLoginCheck) check = cst_server_login_check (conninfo, password, &error);

  g_test_message ("%s", conninfo);
  g_assert_null (check);
  g_assert_error (error, CST_CONNECTION_PROBLEM, (int) expected);
  g_assert_true (g_str_has_prefix (error->message, cst_connection_problem_explain (expected)));
}

static void
test_check_real_server (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *right = g_strdup_printf ("dbname=%s user=custodian_password_test", db->name);
  g_autofree char *missing_db = g_strdup_printf ("dbname=%s_gone user=postgres", db->name);
  g_autofree char *unknown_user = g_strdup_printf ("dbname=%s user=custodian_nobody_here", db->name);
  g_autofree char *empty_db = g_strdup_printf ("%s_empty", db->name);
  g_autofree char *empty_info = g_strdup_printf ("dbname=%s", empty_db);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", empty_db);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLoginCheck) check = NULL;

  /* Roles are cluster-wide: another test program may have made it. */
  cst_db_exec_command (owner, "CREATE ROLE custodian_password_test LOGIN PASSWORD 'right-one'",
                       0, NULL, NULL);
  g_assert_true (cst_db_exec_command (owner, "GRANT custodian_clerk TO custodian_password_test",
                                      0, NULL, NULL));
  check = cst_server_login_check (right, "right-one", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (check->role, ==, "custodian_clerk");
  g_assert_nonnull (strstr (check->description, db->name));

  assert_problem (right, "wrong-one", CST_CONNECTION_PROBLEM_PASSWORD);
  assert_problem (right, NULL, CST_CONNECTION_PROBLEM_PASSWORD);
  assert_problem (missing_db, NULL, CST_CONNECTION_PROBLEM_NO_DATABASE);
  assert_problem (unknown_user, NULL, CST_CONNECTION_PROBLEM_NO_LOGIN);
  assert_problem ("host=/nonexistent/custodian-socket dbname=x", NULL, CST_CONNECTION_PROBLEM_UNREACHABLE);
  assert_problem ("host=127.0.0.1 port=1 dbname=x", NULL, CST_CONNECTION_PROBLEM_UNREACHABLE);

  g_assert_true (cst_db_exec_command (owner, sql, 0, NULL, &error));
  assert_problem (empty_info, NULL, CST_CONNECTION_PROBLEM_NOT_SET_UP);
  g_free (sql);
  sql = g_strdup_printf ("DROP DATABASE %s", empty_db);
  g_assert_true (cst_db_exec_command (owner, sql, 0, NULL, &error));
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(CstLoginCheck) check = cst_server_login_check_finish (result, error);

  g_assert_true ((check == NULL) == (*error != NULL));
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "connected");
}

/* Off the main loop: the callback comes back on it. */
static void
test_check_async (void)
{
  g_autofree char *right = g_strdup_printf ("dbname=%s user=custodian_password_test", db->name);
  GError *error = NULL;

  cst_server_login_check_async (right, "wrong-one", TRUE, NULL, checked_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_PASSWORD);
  g_clear_error (&error);
  cst_server_login_check_async (right, "right-one", FALSE, NULL, checked_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* No remembered password may stand in for the ones the test gives. */
  g_setenv ("PGPASSFILE", "/nonexistent/pgpass", TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_RUNTIME_DIR", "/nonexistent", TRUE);
  g_test_add_func ("/server-login/fields", test_fields_round_trip);
  g_test_add_func ("/server-login/classify", test_classify);
  g_test_add_func ("/server-login/check", test_check_real_server);
  g_test_add_func ("/server-login/check-async", test_check_async);
  return cst_test_db_run (&db);
}
