/* test-keyring.c — a remembered server password, never in the settings
 *
 * Against the throwaway server's custodian_password_test role, the one
 * login it asks for a password (build-aux/test-server.sh):
 *  - without a session bus the password goes to libpq's password file
 *    (a real file, $PGPASSFILE, mode 0600, fields escaped) and libpq
 *    itself connects with it;
 *  - run by run-with-keyring.sh (CUSTODIAN_TEST_KEYRING=1, a private
 *    D-Bus session with an unlocked gnome-keyring) it goes to the keyring,
 *    the password file stays empty, and cst_db_connect finds it there.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cst-test-db.h"

#define PASSWORD "right-one"  /* the role's password; other tests rely on it */

static CstTestDb *db;
static char *tmpdir;
static char *pgpass;
static char *odd_dbname;     /* a database whose name needs escaping: ':' and '\' */
static gboolean with_keyring;

static char *
login_conninfo (void)
{
  g_autoptr(CstServerLogin) login = cst_server_login_new ();

  login->dbname = g_strdup (odd_dbname);
  login->user = g_strdup ("custodian_password_test");
  return cst_server_login_to_conninfo (login);
}

static gboolean
can_connect (const char *conninfo,
             GError    **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  return conn != NULL;
}

static char *
read_pgpass (void)
{
  char *contents = NULL;

  if (!g_file_get_contents (pgpass, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static void
test_escape (void)
{
  g_autofree char *escaped = cst_pgpass_escape ("a:b\\c");
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) comment = cst_pgpass_split_line ("# host:port:db:user:pw");
  g_auto(GStrv) short_line = cst_pgpass_split_line ("host:port:db");

  g_assert_cmpstr (escaped, ==, "a\\:b\\\\c");
  fields = cst_pgpass_split_line ("h\\:x:5432:d\\\\b:u:p\\:w:ignored");
  g_assert_nonnull (fields);
  g_assert_cmpuint (g_strv_length (fields), ==, 5);
  g_assert_cmpstr (fields[0], ==, "h:x");
  g_assert_cmpstr (fields[2], ==, "d\\b");
  g_assert_cmpstr (fields[4], ==, "p:w");
  g_assert_null (comment);
  g_assert_null (short_line);
}

/* The key is what libpq's password file is matched on, defaults applied. */
static void
test_login_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLoginKey) key = cst_login_key_new_for_conninfo ("dbname=x user=y port=6543", &error);
  g_autoptr(CstLoginKey) socket_key = cst_login_key_new_for_conninfo ("host=/var/run/postgresql", &error);
  g_autoptr(CstLoginKey) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (key->host, ==, g_getenv ("PGHOST"));
  g_assert_cmpstr (key->port, ==, "6543");
  g_assert_cmpstr (key->dbname, ==, "x");
  g_assert_cmpstr (key->user, ==, "y");
  g_assert_cmpstr (socket_key->host, ==, "localhost");
  g_assert_cmpstr (socket_key->user, ==, g_getenv ("PGUSER"));
  g_assert_cmpstr (socket_key->dbname, ==, g_getenv ("PGDATABASE"));
  bad = cst_login_key_new_for_conninfo ("dbname='unterminated", &error);
  g_assert_null (bad);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* Lines the user wrote stay, whatever this login's entry does. */
static const char user_lines[] = "# my own\n*:*:*:someone_else:their\\:secret\n";

static void
test_remember_and_forget (void)
{
  g_autofree char *conninfo = login_conninfo ();
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *contents = NULL;
  CstPasswordBackend used;

  g_assert_true (g_file_set_contents_full (pgpass, user_lines, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  g_assert_false (can_connect (conninfo, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
  g_clear_error (&error);

  g_assert_true (cst_keyring_save (conninfo, PASSWORD, &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, with_keyring ? CST_PASSWORD_BACKEND_KEYRING : CST_PASSWORD_BACKEND_PGPASS);
  contents = read_pgpass ();
  if (with_keyring)
    g_assert_cmpstr (contents, ==, user_lines);
  else
    {
      g_autofree char *db_escaped = cst_pgpass_escape (odd_dbname);
      g_autofree char *line = g_strdup_printf ("%s:5432:%s:custodian_password_test:" PASSWORD "\n",
                                               g_getenv ("PGHOST"), db_escaped);
      g_autofree char *expected = g_strconcat (user_lines, line, NULL);
      GStatBuf st;

      g_assert_cmpstr (contents, ==, expected);
      g_assert_cmpint (g_stat (pgpass, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }
  g_assert_false (strstr (conninfo, PASSWORD));
  g_assert_true (can_connect (conninfo, &error));
  g_assert_no_error (error);
  found = cst_keyring_lookup (conninfo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, PASSWORD);

  /* Saving again replaces; a wrong password is then what is tried. */
  g_assert_true (cst_keyring_save (conninfo, "wrong-one", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (can_connect (conninfo, &error));
  g_assert_nonnull (strstr (error->message, "password authentication failed"));
  g_clear_error (&error);

  g_assert_true (cst_keyring_forget (conninfo, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, g_free);
  found = cst_keyring_lookup (conninfo, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_clear_pointer (&contents, g_free);
  contents = read_pgpass ();
  g_assert_cmpstr (contents, ==, user_lines);
  g_assert_false (can_connect (conninfo, &error));
  g_clear_error (&error);
}

/* A wildcard line the user wrote is found, as libpq would find it. */
static void
test_wildcard_lookup (void)
{
  g_autofree char *conninfo = login_conninfo ();
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents_full (pgpass, "*:*:*:custodian_password_test:" PASSWORD "\n", -1,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  found = cst_keyring_lookup (conninfo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, PASSWORD);
  g_assert_true (can_connect (conninfo, &error));
  /* Forgetting this login leaves the user's wildcard alone. */
  g_assert_true (cst_keyring_forget (conninfo, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, g_free);
  found = read_pgpass ();
  g_assert_cmpstr (found, ==, "*:*:*:custodian_password_test:" PASSWORD "\n");
  g_assert_cmpint (g_unlink (pgpass), ==, 0);
}

/* Without a keyring, a password with a line break cannot be written to a
 * line-based file: refused, not mangled. */
static void
test_line_break_refused (void)
{
  g_autofree char *conninfo = login_conninfo ();
  g_autoptr(GError) error = NULL;

  if (with_keyring)
    {
      g_assert_true (cst_keyring_save (conninfo, "two\nlines", NULL, &error));
      g_assert_no_error (error);
      g_assert_true (cst_keyring_forget (conninfo, &error));
      g_assert_no_error (error);
      return;
    }
  g_assert_false (cst_keyring_save (conninfo, "two\nlines", NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (pgpass, G_FILE_TEST_EXISTS));
}

static void
setup_role_and_database (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  /* Roles are cluster-wide: another test program may have made it. */
  cst_db_exec_command (owner, "CREATE ROLE custodian_password_test LOGIN PASSWORD '" PASSWORD "'",
                       0, NULL, NULL);
  odd_dbname = g_strdup_printf ("%s:odd\\name", db->name);
  sql = g_strdup_printf ("CREATE DATABASE \"%s\"", odd_dbname);
  g_assert_true (cst_db_exec_command (owner, sql, 0, NULL, &error));
  g_assert_no_error (error);
}

static void
drop_odd_database (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *sql = g_strdup_printf ("DROP DATABASE \"%s\" WITH (FORCE)", odd_dbname);

  g_assert_true (cst_db_exec_command (owner, sql, 0, NULL, NULL));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  with_keyring = g_strcmp0 (g_getenv ("CUSTODIAN_TEST_KEYRING"), "1") == 0;
  tmpdir = g_dir_make_tmp ("custodian-pgpass-XXXXXX", NULL);
  pgpass = g_build_filename (tmpdir, "pgpass", NULL);
  g_setenv ("PGPASSFILE", pgpass, TRUE);
  if (!with_keyring)
    {
      /* No session bus: the password file is the only place. */
      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_setenv ("XDG_RUNTIME_DIR", tmpdir, TRUE);
    }
  g_assert_cmpint (cst_keyring_is_available (), ==, with_keyring);
  db = cst_test_db_new ();
  setup_role_and_database ();

  g_test_add_func ("/keyring/escape", test_escape);
  g_test_add_func ("/keyring/login-key", test_login_key);
  g_test_add_func ("/keyring/remember-and-forget", test_remember_and_forget);
  g_test_add_func ("/keyring/wildcard-lookup", test_wildcard_lookup);
  g_test_add_func ("/keyring/line-break", test_line_break_refused);
  status = g_test_run ();

  drop_odd_database ();
  cst_test_db_free (db);
  g_unlink (pgpass);
  g_rmdir (tmpdir);
  g_free (pgpass);
  g_free (tmpdir);
  g_free (odd_dbname);
  return status;
}
