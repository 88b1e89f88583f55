/* test-settings-backend.c — settings survive a restart where dconf cannot
 * keep them (root in a bare container: no session bus), instead of being
 * lost silently; a store chosen with GSETTINGS_BACKEND is still obeyed.
 *
 * Each step runs in a child process, so "a restart" is a new process
 * with a new settings object, as when Custodian is started again. */
#include "config.h"

#include <glib/gstdio.h>

#include <custodian/custodian.h>

static char *home;

/* The situation of issue 15: no session bus, no backend chosen. */
static void
no_session_bus (void)
{
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *runtime = g_build_filename (home, "run", NULL);

  g_mkdir_with_parents (runtime, 0700);
  g_unsetenv ("GSETTINGS_BACKEND");
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
}

/* The GLib pattern: the test runs itself again in a child process, the
 * only place its body runs, and checks the child passed. */
static gboolean
in_child (void)
{
  if (g_test_subprocess ())
    return TRUE;
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return FALSE;
}

static void
test_write (void)
{
  g_autoptr(GSettings) settings = NULL;

  if (!in_child ())
    {
      g_autofree char *file = g_build_filename (home, "config", "custodian", "settings.ini", NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
      g_assert_nonnull (strstr (contents, "2026-12-06"));
      return;
    }
  no_session_bus ();
  settings = cst_settings_new_if_installed ();
  g_assert_nonnull (settings);
  g_assert_true (g_settings_set_string (settings, "morning-summary-date", "2026-12-06"));
  g_assert_true (g_settings_set_int (settings, "lock-after-minutes", 7));
  g_settings_sync ();
}

/* A new process: what the last one saved is there. */
static void
test_read_after_restart (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *date = NULL;

  if (!in_child ())
    return;
  no_session_bus ();
  settings = cst_settings_new_if_installed ();
  date = g_settings_get_string (settings, "morning-summary-date");
  g_assert_cmpstr (date, ==, "2026-12-06");
  g_assert_cmpint (g_settings_get_int (settings, "lock-after-minutes"), ==, 7);
}

/* With GSETTINGS_BACKEND=memory (what the tests choose) the key file is
 * not read: the choice is obeyed. */
static void
test_chosen_backend_obeyed (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *date = NULL;

  if (!in_child ())
    return;
  no_session_bus ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  settings = cst_settings_new_if_installed ();
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (cst_settings_get_backend ()), ==, "GMemorySettingsBackend");
  date = g_settings_get_string (settings, "morning-summary-date");
  g_assert_cmpstr (date, ==, "");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The children find the folder through the environment they inherit. */
  if (g_getenv ("CST_TEST_SETTINGS_HOME") == NULL)
    {
      home = g_dir_make_tmp ("cst-settings-XXXXXX", NULL);
      g_setenv ("CST_TEST_SETTINGS_HOME", home, TRUE);
    }
  else
    home = g_strdup (g_getenv ("CST_TEST_SETTINGS_HOME"));
  g_test_add_func ("/settings-backend/write", test_write);
  g_test_add_func ("/settings-backend/read-after-restart", test_read_after_restart);
  g_test_add_func ("/settings-backend/chosen-backend-obeyed", test_chosen_backend_obeyed);
  status = g_test_run ();
  if (!g_test_subprocess ())
    {
      g_autofree char *file = g_build_filename (home, "config", "custodian", "settings.ini", NULL);
      g_autofree char *dir = g_path_get_dirname (file);
      g_autofree char *config = g_path_get_dirname (dir);
      g_autofree char *runtime = g_build_filename (home, "run", NULL);

      g_unlink (file);
      g_rmdir (dir);
      g_rmdir (config);
      g_rmdir (runtime);
      g_rmdir (home);
    }
  g_free (home);
  return status;
}
