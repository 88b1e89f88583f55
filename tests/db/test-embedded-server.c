/* test-embedded-server.c — the private default: create, start, connect
 * as the user's own login, stop, start again; a damaged folder is refused
 * with a clear message; a server whose socket is gone is restarted */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-test-db.h"

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("custodian-embedded-test-XXXXXX", &error);

  g_assert_no_error (error);
  /* As root, the server runs as "postgres", which must reach the folder. */
  g_assert_cmpint (g_chmod (dir, 0711), ==, 0);
  return dir;
}

static void
test_lifecycle (void)
{
  g_autofree char *root = make_temp_dir ();
  g_autofree char *data_dir = g_build_filename (root, "db", NULL);
  g_autoptr(CstEmbeddedServer) server = cst_embedded_server_new (data_dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;

  g_assert_true (cst_embedded_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_true (cst_embedded_server_is_running (server));
  g_assert_true (cst_embedded_server_prepare (server, &error));
  g_assert_no_error (error);

  conninfo = cst_embedded_server_get_conninfo (server);
  g_assert_null (strstr (conninfo, "port"));
  conn = cst_db_connect (conninfo, &error);
  g_assert_no_error (error);
  /* No TCP: the server listens on its private socket only. */
  res = cst_db_exec (conn, "SELECT current_setting('listen_addresses'), "
                     "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
                     "pg_has_role('custodian_clerk', 'MEMBER')", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "f");
  g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, "t");
  g_clear_pointer (&conn, PQfinish);

  g_assert_true (cst_embedded_server_stop (server, &error));
  g_assert_no_error (error);
  g_assert_false (cst_embedded_server_is_running (server));
  conn = cst_db_connect (conninfo, &error);
  g_assert_null (conn);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
  g_clear_error (&error);

  /* A second start reuses the cluster and its data. */
  g_assert_true (cst_embedded_server_start (server, &error));
  g_assert_true (cst_embedded_server_prepare (server, &error));
  g_assert_no_error (error);
  g_free (conninfo);
  conninfo = cst_embedded_server_get_conninfo (server);
  conn = cst_db_connect (conninfo, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_repo_count (conn, &error), ==, 0);
  g_clear_pointer (&conn, PQfinish);
  g_assert_true (cst_embedded_server_stop (server, &error));
}

static void
test_damaged_folder (void)
{
  g_autofree char *root = make_temp_dir ();
  g_autofree char *pgdata = g_build_filename (root, "pgdata", NULL);
  g_autoptr(CstEmbeddedServer) server = cst_embedded_server_new (root);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (g_mkdir (pgdata, 0700), ==, 0);
  g_assert_false (cst_embedded_server_start (server, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_nonnull (strstr (error->message, pgdata));
  /* A clear message, not a hang. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_rmdir (pgdata);
}

static void
remove_dir_and_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The server runs but its socket folder is gone (a cleaned /tmp): the
 * next start cannot join it, so it restarts it instead of failing. */
static void
test_restarts_without_socket (void)
{
  g_autofree char *root = make_temp_dir ();
  g_autofree char *data_dir = g_build_filename (root, "db", NULL);
  g_autoptr(CstEmbeddedServer) first = cst_embedded_server_new (data_dir);
  g_autoptr(CstEmbeddedServer) second = cst_embedded_server_new (data_dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *first_conninfo = NULL;
  g_autofree char *conninfo = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGconn) stale = NULL;

  g_assert_true (cst_embedded_server_start (first, &error));
  g_assert_true (cst_embedded_server_prepare (first, &error));
  g_assert_no_error (error);
  first_conninfo = cst_embedded_server_get_conninfo (first);
  {
    /* host='…' is the socket folder. */
    g_autofree char *dir = g_strndup (first_conninfo + strlen ("host='"),
                                      strcspn (first_conninfo + strlen ("host='"), "'"));
    remove_dir_and_files (dir);
  }
  stale = cst_db_connect (first_conninfo, NULL);
  g_assert_null (stale);

  g_assert_true (cst_embedded_server_start (second, &error));
  g_assert_no_error (error);
  conninfo = cst_embedded_server_get_conninfo (second);
  conn = cst_db_connect (conninfo, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_repo_count (conn, &error), ==, 0);
  g_clear_pointer (&conn, PQfinish);
  g_assert_true (cst_embedded_server_stop (second, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/embedded/lifecycle", test_lifecycle);
  g_test_add_func ("/embedded/damaged-folder", test_damaged_folder);
  g_test_add_func ("/embedded/restarts-without-socket", test_restarts_without_socket);
  return g_test_run ();
}
