/* test-tls.c — connections to a TLS-only server: verify-full with the
 * hospital's CA works, anything less trustworthy is refused
 *
 * build-aux/tls-test-server.sh starts a private server for this program
 * alone, on a free TCP port of 127.0.0.1, with a certificate for the name
 * "localhost" signed by a throwaway CA, and no non-TLS access at all.
 */
#include "config.h"

#include <gio/gio.h>

#include "cst-test-db.h"

static char *dir;
static guint16 port;
static gboolean server_up;

static guint16
pick_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  /* Closed again before the server binds it: a tiny race, but the kernel
   * does not hand out a just-released ephemeral port straight away. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
run_script (const char *action)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "build-aux",
                                                   "tls-test-server.sh", NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  char *argv[] = { script, (char *) action, dir, port_text, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (g_str_equal (action, "stop"))
    argv[3] = NULL;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                     &wait_status, &error) ||
      !g_spawn_check_wait_status (wait_status, &error))
    {
      g_printerr ("tls-test-server.sh %s: %s\n%s", action, error->message, err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static char *
conninfo (const char *extra)
{
  return g_strdup_printf ("host=localhost hostaddr=127.0.0.1 port=%u dbname=postgres "
                          "user=postgres sslmode=verify-full sslrootcert=%s/ca.crt "
                          "sslcert=%s/none.crt %s", port, dir, dir, extra);
}

static void
assert_refused (const char *conninfo_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (conninfo_text, &error);

  g_assert_null (conn);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
}

static gboolean
need_server (void)
{
  /* A failure, not a skip: CI installs openssl and must run this. */
  if (!server_up)
    g_test_fail_printf ("the TLS test server did not start (is openssl installed?)");
  return server_up;
}

static void
test_verify_full_connects (void)
{
  g_autofree char *info = conninfo ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;

  if (!need_server ())
    return;
  conn = cst_db_connect (info, &error);
  g_assert_no_error (error);
  g_assert_true (PQsslInUse (conn));
  res = cst_db_exec (conn, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                     0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_db_bool (res, 0, 0));
  g_assert_true (g_str_has_prefix (cst_db_value (res, 0, 1), "TLSv1."));
}

static void
test_wrong_ca_is_refused (void)
{
  g_autofree char *info = NULL;

  if (!need_server ())
    return;
  info = g_strdup_printf ("host=localhost hostaddr=127.0.0.1 port=%u dbname=postgres "
                          "user=postgres sslmode=verify-full sslrootcert=%s/wrong-ca.crt",
                          port, dir);
  assert_refused (info);
}

/* The certificate names "localhost" only: reaching the same server under
 * another name must fail verify-full even though the CA is right. */
static void
test_wrong_name_is_refused (void)
{
  g_autofree char *info = NULL;

  if (!need_server ())
    return;
  info = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres user=postgres "
                          "sslmode=verify-full sslrootcert=%s/ca.crt", port, dir);
  assert_refused (info);
}

/* The server refuses clear-text connections outright. */
static void
test_plain_connection_is_refused (void)
{
  g_autofree char *info = NULL;

  if (!need_server ())
    return;
  info = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres user=postgres sslmode=disable",
                          port);
  assert_refused (info);
}

/* What the set-up screens tell a clerk: a wrong CA, a wrong name and a
 * clear-text attempt are all a TLS problem, in plain words. */
static void
test_plain_words (void)
{
  g_autofree char *wrong_ca = NULL;
  g_autofree char *wrong_name = NULL;
  g_autofree char *plain = NULL;

  if (!need_server ())
    return;
  wrong_ca = g_strdup_printf ("host=localhost hostaddr=127.0.0.1 port=%u dbname=postgres user=postgres "
                              "sslmode=verify-full sslrootcert=%s/wrong-ca.crt", port, dir);
  wrong_name = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres user=postgres "
                                "sslmode=verify-full sslrootcert=%s/ca.crt", port, dir);
  plain = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres user=postgres sslmode=disable", port);
  for (guint i = 0; i < 3; i++)
    {
      const char *const infos[] = { wrong_ca, wrong_name, plain };
      g_autoptr(GError) error = NULL;
      g_autoptr(CstLoginCheck) check = cst_server_login_check (infos[i], NULL, &error);

      g_assert_null (check);
      g_assert_error (error, CST_CONNECTION_PROBLEM, CST_CONNECTION_PROBLEM_TLS);
      g_assert_cmpstr (error->message, ==, cst_connection_problem_explain (CST_CONNECTION_PROBLEM_TLS));
    }
}

/* A login authenticated by its client certificate: with it, in; without
 * it, out. */
static void
test_client_certificate (void)
{
  g_autofree char *owner_info = conninfo ("");
  g_autofree char *with_cert = NULL;
  g_autofree char *without_cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) owner = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;

  if (!need_server ())
    return;
  owner = cst_db_connect (owner_info, &error);
  g_assert_no_error (error);
  g_assert_true (cst_db_exec_command (owner, "CREATE ROLE custodian_tls_client LOGIN",
                                      0, NULL, &error));
  g_assert_no_error (error);

  with_cert = g_strdup_printf ("host=localhost hostaddr=127.0.0.1 port=%u dbname=postgres "
                               "user=custodian_tls_client sslmode=verify-full "
                               "sslrootcert=%s/ca.crt sslcert=%s/client.crt sslkey=%s/client.key",
                               port, dir, dir, dir);
  conn = cst_db_connect (with_cert, &error);
  g_assert_no_error (error);
  res = cst_db_exec (conn, "SELECT current_user", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_db_value (res, 0, 0), ==, "custodian_tls_client");

  without_cert = g_strdup_printf ("host=localhost hostaddr=127.0.0.1 port=%u dbname=postgres "
                                  "user=custodian_tls_client sslmode=verify-full "
                                  "sslrootcert=%s/ca.crt sslcert=%s/none.crt sslkey=%s/none.key",
                                  port, dir, dir, dir);
  assert_refused (without_cert);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tls/verify-full", test_verify_full_connects);
  g_test_add_func ("/tls/wrong-ca", test_wrong_ca_is_refused);
  g_test_add_func ("/tls/wrong-name", test_wrong_name_is_refused);
  g_test_add_func ("/tls/plain-refused", test_plain_connection_is_refused);
  g_test_add_func ("/tls/client-certificate", test_client_certificate);
  g_test_add_func ("/tls/plain-words", test_plain_words);

  dir = g_dir_make_tmp ("custodian-tls-XXXXXX", &error);
  g_assert_no_error (error);
  port = pick_free_port ();
  /* Nothing from the throwaway Unix-socket server's environment may leak
   * into these connections. */
  g_unsetenv ("PGHOST");
  g_unsetenv ("PGPORT");
  g_unsetenv ("PGSSLMODE");
  g_unsetenv ("PGSSLROOTCERT");
  server_up = run_script ("start");
  status = g_test_run ();
  run_script ("stop");
  g_free (dir);
  return status;
}
