/* test-app-lifecycle.c — the real custodian program on a private database
 * of its own (CUSTODIAN_EMBEDDED_DIR): ended by a signal as at logout, it
 * stops the private server; killed outright, the next start takes over the
 * server left running, works, and stops it when it quits
 *
 * The program to run is the first argument (tests/gui/meson.build).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "cst-test-db.h"

static const char *app_path;

typedef struct
{
  char *root;
  char *data_dir;
} Folder;

static void
folder_setup (Folder *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->root = g_dir_make_tmp ("custodian-app-lifecycle-XXXXXX", &error);
  g_assert_no_error (error);
  /* As root, the server runs as "postgres", which must reach the folder. */
  g_assert_cmpint (g_chmod (f->root, 0711), ==, 0);
  f->data_dir = g_build_filename (f->root, "db", NULL);
}

static void
folder_teardown (Folder *f, gconstpointer data)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", f->root);

  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  g_free (f->data_dir);
  g_free (f->root);
}

static void
ended_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *ended = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *ended = TRUE;
}

/* Whether @app has ended; it may be asked only once it has. */
static gboolean
app_ended (GSubprocess *app)
{
  gboolean *ended = g_object_get_data (G_OBJECT (app), "ended");

  while (g_main_context_iteration (NULL, FALSE));
  return *ended;
}

/* A failed test must not leave the app (and its server) running. */
static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_app (Folder *f)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  const char *server_variables[] = { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE",
                                     "PGPASSWORD" };
  g_autoptr(GError) error = NULL;
  GSubprocess *app;

  /* The private database: no server named anywhere, no first-run
   * questions. */
  for (guint i = 0; i < G_N_ELEMENTS (server_variables); i++)
    g_subprocess_launcher_unsetenv (launcher, server_variables[i]);
  g_subprocess_launcher_setenv (launcher, "CUSTODIAN_EMBEDDED_DIR", f->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "CUSTODIAN_NO_FIRST_RUN", "1", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  app = g_subprocess_launcher_spawn (launcher, &error, app_path, NULL);
  g_assert_no_error (error);
  g_object_set_data_full (G_OBJECT (app), "ended", g_new0 (gboolean, 1), g_free);
  g_subprocess_wait_async (app, NULL, ended_cb, g_object_get_data (G_OBJECT (app), "ended"));
  return app;
}

/* The running server's postmaster.pid: its process id, port and socket
 * folder; NULL when none is recorded. */
static GStrv
server_lines (Folder *f)
{
  g_autofree char *path = g_build_filename (f->data_dir, "pgdata", "postmaster.pid", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", 0);
  if (g_strv_length (lines) < 5 || lines[4][0] == '\0')
    return NULL;
  return g_steal_pointer (&lines);
}

static GPid
server_pid (Folder *f)
{
  g_auto(GStrv) lines = server_lines (f);

  return lines ? (GPid) g_ascii_strtoll (lines[0], NULL, 10) : 0;
}

/* A process that has ended may stay a zombie until whoever adopted it
 * (not the test) reaps it: that counts as gone. */
static gboolean
process_alive (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

/* Whether the app has the requests open: it holds a session on its
 * private server as the user's own login. */
static gboolean
app_is_reading (Folder *f)
{
  g_auto(GStrv) lines = server_lines (f);
  g_autofree char *conninfo = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;

  if (lines == NULL)
    return FALSE;
  /* The app's own login is the user's name (not the test server's PGUSER). */
  conninfo = g_strdup_printf ("host='%s' port=%s dbname=custodian user='%s'", lines[4],
                              g_strstrip (lines[3]), g_get_user_name ());
  conn = cst_db_connect (conninfo, NULL);
  if (conn == NULL)
    return FALSE;
  res = cst_db_exec (conn, "SELECT count(*) FROM pg_stat_activity"
                           " WHERE usename = current_user AND pid <> pg_backend_pid()"
                           " AND datname = 'custodian'", 0, NULL, NULL);
  return res != NULL && cst_db_int64 (res, 0, 0) > 0;
}

static void
wait_until_reading (Folder      *f,
                    GSubprocess *app)
{
  /* A first start creates the cluster: allow it a minute. */
  for (int tries = 0; tries < 1200; tries++)
    {
      if (app_is_reading (f))
        return;
      g_assert_false (app_ended (app));
      g_usleep (50 * 1000);
    }
  g_error ("the app never opened its private database");
}

static void
wait_until_ended (GSubprocess *app)
{
  for (int tries = 0; tries < 1200 && !app_ended (app); tries++)
    g_usleep (50 * 1000);
  g_assert_true (app_ended (app));
}

/* The window is ended as at logout: the app quits as from its menu, and
 * the private server is stopped with it. */
static void
ended_and_stopped (Folder      *f,
                   GSubprocess *app,
                   int          signal_number)
{
  GPid server = server_pid (f);

  g_assert_true (process_alive (server));
  g_subprocess_send_signal (app, signal_number);
  wait_until_ended (app);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
  g_assert_false (process_alive (server));
  g_assert_null (server_lines (f));
}

static void
test_signal_stops_server (Folder *f, gconstpointer data)
{
  const int signals[] = { SIGTERM, SIGINT, SIGHUP };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autoptr(GSubprocess) app = start_app (f);

      g_test_message ("signal %d", signals[i]);
      wait_until_reading (f, app);
      ended_and_stopped (f, app, signals[i]);
    }
}

/* Ended while it is still opening the database (the server just started,
 * the schema not yet there): the opening finishes and the server stops. */
static void
test_signal_while_opening (Folder *f, gconstpointer data)
{
  g_autoptr(GSubprocess) app = start_app (f);
  GPid server = 0;

  for (int tries = 0; tries < 1200 && server == 0; tries++)
    {
      g_assert_false (app_ended (app));
      g_usleep (10 * 1000);
      server = server_pid (f);
    }
  g_assert_cmpint (server, >, 0);
  g_subprocess_send_signal (app, SIGTERM);
  wait_until_ended (app);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_false (process_alive (server));
  g_assert_null (server_lines (f));
}

/* SIGKILL leaves the server running; the next start takes it over
 * without asking, reads from it, and stops it when it quits. */
static void
test_start_after_kill (Folder *f, gconstpointer data)
{
  g_autoptr(GSubprocess) killed = start_app (f);
  g_autoptr(GSubprocess) next = NULL;
  GPid left_running;

  wait_until_reading (f, killed);
  left_running = server_pid (f);
  g_subprocess_force_exit (killed);
  wait_until_ended (killed);
  g_assert_true (process_alive (left_running));

  next = start_app (f);
  wait_until_reading (f, next);
  ended_and_stopped (f, next, SIGTERM);
  g_assert_false (process_alive (left_running));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: %s PATH-TO-CUSTODIAN", argv[0]);
  app_path = argv[1];
  g_test_add ("/app-lifecycle/signal-stops-server", Folder, NULL, folder_setup,
              test_signal_stops_server, folder_teardown);
  g_test_add ("/app-lifecycle/signal-while-opening", Folder, NULL, folder_setup,
              test_signal_while_opening, folder_teardown);
  g_test_add ("/app-lifecycle/start-after-kill", Folder, NULL, folder_setup,
              test_start_after_kill, folder_teardown);
  return g_test_run ();
}
