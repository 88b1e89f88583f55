/* cst-embedded-server.c — a private PostgreSQL cluster in the user's data folder
 *
 * With no server configured, Custodian runs its own cluster with the
 * PostgreSQL binaries already on the machine.  It listens only on a Unix
 * socket in a fresh 0700 directory, so no TCP port is opened and no other
 * account can connect.  PostgreSQL refuses to run as root; when the app is
 * started as root (a bare container) the server runs as the unprivileged
 * "postgres" account that Debian's package creates.
 *
 * A cluster is created in "pgdata.new" and renamed into place once initdb
 * has finished, so an interrupted first start never leaves a half-made
 * cluster behind that later starts would trip over.
 *
 * The Custodian process that starts the server writes its process id to
 * "custodian.pid" beside the cluster and stops the server when it quits.
 * A later start that finds the server running joins it while that process
 * lives (a second window), and takes it over when it does not (the app was
 * killed): it will stop it in turn.  A running server whose socket folder
 * has gone (a cleaned /tmp) cannot be reached, and is restarted.
 */
#define G_LOG_DOMAIN "cst-embedded"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custodian/cst-db.h"
#include "custodian/cst-embedded-server.h"
#include "custodian/cst-error.h"
#include "custodian/cst-migrations.h"

#define OWNER_ROLE "custodian_owner"
#define DATABASE_NAME "custodian"
#define SERVICE_ACCOUNT "postgres"
#define OWNER_FILE "custodian.pid"

struct _CstEmbeddedServer
{
  GObject   parent_instance;

  char     *data_dir;
  char     *pgdata;
  char     *bindir;
  char     *socket_dir;
  gboolean  started_by_us;
};

G_DEFINE_FINAL_TYPE (CstEmbeddedServer, cst_embedded_server, G_TYPE_OBJECT)

static gboolean
running_as_root (void)
{
  return geteuid () == 0;
}

static char *
find_bindir (GError **error)
{
  g_autofree char *out = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *best = NULL;
  const char *name;
  gint64 best_version = 0;
  const char *override = g_getenv ("CUSTODIAN_PG_BINDIR");

  if (override != NULL)
    return g_strdup (override);

  if (g_spawn_command_line_sync ("pg_config --bindir", &out, NULL, NULL, NULL) && out)
    {
      g_autofree char *initdb = g_build_filename (g_strstrip (out), "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (out);
    }

  /* Debian keeps server binaries outside PATH, one folder per major version. */
  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *candidate = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      g_autofree char *initdb = g_build_filename (candidate, "initdb", NULL);
      gint64 version = g_ascii_strtoll (name, NULL, 10);

      if (version > best_version && g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        {
          best_version = version;
          g_free (best);
          best = g_steal_pointer (&candidate);
        }
    }
  if (best != NULL)
    return g_steal_pointer (&best);

  g_set_error_literal (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                       _("The PostgreSQL server programs are not installed. "
                         "Install the “postgresql” package, or configure a database server."));
  return NULL;
}

/**
 * cst_postgresql_bindir:
 *
 * Where PostgreSQL's programs are (initdb, pg_ctl, pg_dump…): the newest
 * installed, or `$CUSTODIAN_PG_BINDIR`.
 */
char *
cst_postgresql_bindir (GError **error)
{
  return find_bindir (error);
}

/* Runs a server program, as the service account when we are root. */
static gboolean
run_program (CstEmbeddedServer  *self,
             const char         *program,
             const char *const  *args,
             char              **output,
             GError            **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) spawn_error = NULL;
  int status = 0;

  if (running_as_root ())
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup (SERVICE_ACCOUNT));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (self->bindir, program, NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL,
                     NULL, NULL, &out, &err, &status, &spawn_error) ||
      !g_spawn_check_wait_status (status, &spawn_error))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("%s failed: %s\n%s"), program, spawn_error->message,
                   err ? g_strstrip (err) : "");
      return FALSE;
    }
  if (output)
    *output = g_steal_pointer (&out);
  return TRUE;
}

static gboolean
hand_to_service_account (const char  *path,
                         GError     **error)
{
  struct passwd *pw;

  if (!running_as_root ())
    return TRUE;
  pw = getpwnam (SERVICE_ACCOUNT);
  if (pw == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("Custodian runs as root, and PostgreSQL refuses to. "
                     "The unprivileged account “%s” it would use instead does not exist; "
                     "install the “postgresql” package."), SERVICE_ACCOUNT);
      return FALSE;
    }
  if (chown (path, pw->pw_uid, pw->pw_gid) != 0)
    {
      int saved = errno;
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("Could not give %s to the account “%s”: %s"),
                   path, SERVICE_ACCOUNT, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* As root, the server account must be able to walk down to its folder:
 * folders we create on the way get 0711 (enter, not list), and an existing
 * one it cannot enter is reported rather than silently opened up. */
static gboolean
ensure_reachable_parents (const char  *path,
                          GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  struct passwd *pw = getpwnam (SERVICE_ACCOUNT);
  GStatBuf st;

  if (!running_as_root () || pw == NULL || g_str_equal (parent, path))
    return TRUE;
  if (g_stat (parent, &st) != 0)
    {
      if (!ensure_reachable_parents (parent, error))
        return FALSE;
      if (g_mkdir (parent, 0711) != 0 && errno != EEXIST)
        {
          int saved = errno;
          g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                       _("Could not create the folder %s: %s"), parent, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  if ((st.st_mode & S_IXOTH) == 0 && st.st_uid != pw->pw_uid)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("The account “%s” that runs the private database cannot enter %s. "
                     "Choose another folder with CUSTODIAN_EMBEDDED_DIR."),
                   SERVICE_ACCOUNT, parent);
      return FALSE;
    }
  return ensure_reachable_parents (parent, error);
}

static gboolean
make_private_dir (const char  *path,
                  GError     **error)
{
  if (!ensure_reachable_parents (path, error))
    return FALSE;
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("Could not create the folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return hand_to_service_account (path, error);
}

static gboolean
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autoptr(GFileInfo) owned = info;
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (owned));
      g_autofree char *child_path = g_file_get_path (child);

      if (g_file_info_get_file_type (owned) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child_path);
      else
        g_unlink (child_path);
    }
  return g_rmdir (path) == 0;
}

static gboolean
create_cluster (CstEmbeddedServer  *self,
                GError            **error)
{
  g_autofree char *staging = g_strconcat (self->pgdata, ".new", NULL);
  const char *args[] = { "-D", staging, "-U", OWNER_ROLE, "-E", "UTF8",
                         "--locale=C.UTF-8", "-A", "trust", NULL };

  /* A staging folder is what an interrupted initdb leaves behind. */
  if (g_file_test (staging, G_FILE_TEST_EXISTS))
    remove_tree (staging);
  if (!make_private_dir (staging, error))
    return FALSE;
  if (!run_program (self, "initdb", args, NULL, error))
    {
      g_prefix_error (error, _("Could not create the private database in %s: "), self->data_dir);
      remove_tree (staging);
      return FALSE;
    }
  if (g_rename (staging, self->pgdata) != 0)
    {
      int saved = errno;
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("Could not move the new database into place at %s: %s"),
                   self->pgdata, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_cluster (CstEmbeddedServer  *self,
               GError            **error)
{
  g_autofree char *version_file = g_build_filename (self->pgdata, "PG_VERSION", NULL);

  if (!g_file_test (self->pgdata, G_FILE_TEST_EXISTS))
    return create_cluster (self, error);
  if (!g_file_test (version_file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("The private database folder %s is damaged (it has no PG_VERSION file). "
                     "Move it aside to start with a new, empty database, "
                     "or restore it from a backup."), self->pgdata);
      return FALSE;
    }
  return TRUE;
}

/* The postmaster.pid of a running server names its port (line 4) and
 * socket folder (line 5); *socket_path is the socket itself. */
static char *
running_server_socket_dir (CstEmbeddedServer  *self,
                           char              **socket_path)
{
  g_autofree char *pidfile = g_build_filename (self->pgdata, "postmaster.pid", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *socket_name = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "status", "-D", self->pgdata, NULL };

  if (!g_file_get_contents (pidfile, &contents, NULL, NULL))
    return NULL;
  if (!run_program (self, "pg_ctl", args, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", 0);
  if (g_strv_length (lines) < 5 || lines[4][0] == '\0')
    return NULL;
  socket_name = g_strdup_printf (".s.PGSQL.%s", g_strstrip (lines[3]));
  *socket_path = g_build_filename (lines[4], socket_name, NULL);
  return g_strdup (lines[4]);
}

static char *
owner_file (CstEmbeddedServer *self)
{
  return g_build_filename (self->data_dir, OWNER_FILE, NULL);
}

/* This process will stop the server when it quits. */
static void
record_owner (CstEmbeddedServer *self)
{
  g_autofree char *path = owner_file (self);
  g_autofree char *pid = g_strdup_printf ("%d\n", (int) getpid ());
  g_autoptr(GError) error = NULL;

  self->started_by_us = TRUE;
  if (!g_file_set_contents (path, pid, -1, &error))
    g_warning ("Could not record which process runs the private server: %s", error->message);
}

static void
forget_owner (CstEmbeddedServer *self)
{
  g_autofree char *path = owner_file (self);

  g_unlink (path);
}

/* Whether the Custodian process that started the running server is still
 * there (another window of the same user) to stop it. */
static gboolean
owner_is_alive (CstEmbeddedServer *self)
{
  g_autofree char *path = owner_file (self);
  g_autofree char *contents = NULL;
  gint64 pid;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  pid = g_ascii_strtoll (contents, NULL, 10);
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  /* This process: another server object here owns it already. */
  if (pid == getpid ())
    return TRUE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

static gboolean
launch (CstEmbeddedServer  *self,
        GError            **error)
{
  g_autofree char *log_file = g_build_filename (self->data_dir, "server.log", NULL);
  g_autofree char *options = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *args[] = { "start", "-D", self->pgdata, "-l", log_file, "-w", "-t", "60",
                         "-o", NULL, NULL };

  self->socket_dir = g_dir_make_tmp ("custodian-pg-XXXXXX", error);
  if (self->socket_dir == NULL || !hand_to_service_account (self->socket_dir, error))
    return FALSE;
  options = g_strdup_printf ("-c listen_addresses='' -k '%s'", self->socket_dir);
  args[9] = options;

  if (running_as_root ())
    {
      /* The log file must be writable by the server account. */
      g_autoptr(GError) ignored = NULL;
      if (!g_file_test (log_file, G_FILE_TEST_EXISTS))
        g_file_set_contents (log_file, "", 0, &ignored);
      hand_to_service_account (log_file, NULL);
    }
  if (!run_program (self, "pg_ctl", args, NULL, &local_error))
    {
      g_autofree char *log = NULL;
      g_file_get_contents (log_file, &log, NULL, NULL);
      g_set_error (error, CST_ERROR, CST_ERROR_SERVER_SETUP,
                   _("The private database server did not start. %s\nServer log (%s):\n%s"),
                   local_error->message, log_file, log ? log : "");
      g_rmdir (self->socket_dir);
      g_clear_pointer (&self->socket_dir, g_free);
      return FALSE;
    }
  record_owner (self);
  return TRUE;
}

static gboolean
stop_server (CstEmbeddedServer  *self,
             GError            **error)
{
  const char *args[] = { "stop", "-D", self->pgdata, "-m", "fast", "-w", "-t", "60", NULL };

  return run_program (self, "pg_ctl", args, NULL, error);
}

/* A server already running: joined, or taken over, or stopped when its
 * socket cannot be reached (*running stays FALSE: start one). */
static gboolean
use_running_server (CstEmbeddedServer  *self,
                    gboolean           *running,
                    GError            **error)
{
  g_autofree char *socket_path = NULL;
  g_autofree char *socket_dir = running_server_socket_dir (self, &socket_path);

  *running = FALSE;
  if (socket_dir == NULL)
    return TRUE;
  if (!g_file_test (socket_path, G_FILE_TEST_EXISTS))
    {
      g_debug ("The private server runs without its socket; restarting it");
      if (!stop_server (self, error))
        return FALSE;
      g_rmdir (socket_dir);
      return TRUE;
    }
  *running = TRUE;
  self->socket_dir = g_steal_pointer (&socket_dir);
  if (owner_is_alive (self))
    {
      g_debug ("Joining the private server already running in %s", self->data_dir);
      return TRUE;
    }
  /* Left running by a Custodian that was killed or crashed: nothing to
   * ask, it is ours now and stops when we quit. */
  g_debug ("Taking over the private server a previous run left in %s", self->data_dir);
  record_owner (self);
  return TRUE;
}

static void
cst_embedded_server_finalize (GObject *object)
{
  CstEmbeddedServer *self = CST_EMBEDDED_SERVER (object);

  if (self->started_by_us)
    cst_embedded_server_stop (self, NULL);
  g_free (self->data_dir);
  g_free (self->pgdata);
  g_free (self->bindir);
  g_free (self->socket_dir);
  G_OBJECT_CLASS (cst_embedded_server_parent_class)->finalize (object);
}

static void
cst_embedded_server_class_init (CstEmbeddedServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cst_embedded_server_finalize;
}

static void
cst_embedded_server_init (CstEmbeddedServer *self)
{
}

/**
 * cst_embedded_server_default_dir:
 *
 * Returns: `$XDG_DATA_HOME/custodian/db`; for root, whose home the service
 *   account cannot enter, `/var/lib/custodian/db`.
 */
char *
cst_embedded_server_default_dir (void)
{
  if (running_as_root ())
    return g_strdup ("/var/lib/custodian/db");
  return g_build_filename (g_get_user_data_dir (), "custodian", "db", NULL);
}

CstEmbeddedServer *
cst_embedded_server_new (const char *data_dir)
{
  CstEmbeddedServer *self = g_object_new (CST_TYPE_EMBEDDED_SERVER, NULL);

  self->data_dir = data_dir ? g_strdup (data_dir) : cst_embedded_server_default_dir ();
  self->pgdata = g_build_filename (self->data_dir, "pgdata", NULL);
  return self;
}

const char *
cst_embedded_server_get_data_dir (CstEmbeddedServer *self)
{
  g_return_val_if_fail (CST_IS_EMBEDDED_SERVER (self), NULL);
  return self->data_dir;
}

gboolean
cst_embedded_server_is_running (CstEmbeddedServer *self)
{
  g_return_val_if_fail (CST_IS_EMBEDDED_SERVER (self), FALSE);
  return self->socket_dir != NULL;
}

/**
 * cst_embedded_server_start:
 *
 * Creates the cluster on first use and starts it.  When another Custodian
 * window already runs the same cluster, joins it instead (and leaves it
 * running on stop); a server left running by a Custodian that is gone
 * (killed, crashed) is taken over and stopped on stop.
 */
gboolean
cst_embedded_server_start (CstEmbeddedServer  *self,
                           GError            **error)
{
  gboolean running;

  g_return_val_if_fail (CST_IS_EMBEDDED_SERVER (self), FALSE);

  if (self->socket_dir != NULL)
    return TRUE;
  if (self->bindir == NULL && !(self->bindir = find_bindir (error)))
    return FALSE;
  if (!make_private_dir (self->data_dir, error))
    return FALSE;
  if (!check_cluster (self, error))
    return FALSE;

  if (!use_running_server (self, &running, error))
    return FALSE;
  return running || launch (self, error);
}

gboolean
cst_embedded_server_stop (CstEmbeddedServer  *self,
                          GError            **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (CST_IS_EMBEDDED_SERVER (self), FALSE);

  if (self->started_by_us)
    {
      ok = stop_server (self, error);
      if (ok)
        {
          g_rmdir (self->socket_dir);
          forget_owner (self);
        }
      self->started_by_us = FALSE;
    }
  g_clear_pointer (&self->socket_dir, g_free);
  return ok;
}

static char *
conninfo_for (CstEmbeddedServer *self,
              const char        *user)
{
  g_autoptr(GString) s = g_string_new ("host='");

  /* Quote per libpq's rules: backslash-escape quotes and backslashes. */
  for (const char *p = self->socket_dir; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_printf (s, "' dbname=%s user='%s'", DATABASE_NAME, user);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
cst_embedded_server_get_owner_conninfo (CstEmbeddedServer *self)
{
  g_return_val_if_fail (cst_embedded_server_is_running (self), NULL);
  return conninfo_for (self, OWNER_ROLE);
}

/* The role the app connects as: the user's own login, never the owner. */
static const char *
app_role_name (void)
{
  return g_get_user_name ();
}

char *
cst_embedded_server_get_conninfo (CstEmbeddedServer *self)
{
  g_return_val_if_fail (cst_embedded_server_is_running (self), NULL);
  return conninfo_for (self, app_role_name ());
}

static gboolean
ensure_database (CstEmbeddedServer  *self,
                 GError            **error)
{
  g_autoptr(GString) conninfo = g_string_new (NULL);
  g_autofree char *owner = conninfo_for (self, OWNER_ROLE);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[] = { DATABASE_NAME };

  /* Connect to the maintenance database to create ours. */
  g_string_append (conninfo, owner);
  g_string_replace (conninfo, "dbname=" DATABASE_NAME, "dbname=postgres", 1);
  conn = cst_db_connect (conninfo->str, error);
  if (conn == NULL)
    return FALSE;
  res = cst_db_exec (conn, "SELECT 1 FROM pg_database WHERE datname = $1", 1, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 1)
    return TRUE;
  return cst_db_exec_command (conn, "CREATE DATABASE " DATABASE_NAME, 0, NULL, error);
}

static gboolean
ensure_app_role (PGconn      *conn,
                 GError     **error)
{
  const char *params[] = { app_role_name () };

  /* A DO block takes no parameters: pass the login name through a session
   * setting, and let format(%I) quote it as an identifier. */
  return cst_db_exec_command (conn, "SELECT set_config('custodian.app_role', $1, false)",
                              1, params, error) &&
         cst_db_exec_command (conn,
           "DO $$ DECLARE r text := current_setting('custodian.app_role'); BEGIN "
           "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN "
           "    EXECUTE format('CREATE ROLE %I LOGIN', r); "
           "  END IF; "
           "  EXECUTE format('GRANT custodian_clerk, custodian_billing, custodian_auditor, "
           "                  custodian_admin TO %I', r); "
           "END $$", 0, NULL, error);
}

/**
 * cst_embedded_server_prepare:
 *
 * Creates the database, applies the migrations as the owner, and gives the
 * user's own login every Custodian role: on a private database the one user
 * is clerk, billing, auditor and administrator alike.
 */
gboolean
cst_embedded_server_prepare (CstEmbeddedServer  *self,
                             GError            **error)
{
  g_autofree char *owner = NULL;
  g_autoptr(PGconn) conn = NULL;

  g_return_val_if_fail (cst_embedded_server_is_running (self), FALSE);

  if (!ensure_database (self, error))
    return FALSE;
  owner = conninfo_for (self, OWNER_ROLE);
  conn = cst_db_connect (owner, error);
  if (conn == NULL)
    return FALSE;
  if (!cst_migrations_apply (conn, NULL, error))
    return FALSE;
  return ensure_app_role (conn, error);
}
