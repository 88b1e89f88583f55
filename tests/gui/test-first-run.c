/* test-first-run.c — the first-run assistant under the headless X server:
 * the private database path stores the answers only on Finish; closing it
 * stores nothing; the hospital server path will not go on until a test
 * connection against the throwaway server succeeds, explains a wrong
 * password in plain words, and picks the login's real role.  Also when the
 * assistant is shown at all (cst_settings_needs_first_run). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cst-facility-form.h"
#include "cst-first-run-assistant.h"
#include "cst-server-form.h"
#include "cst-test-gui.h"

static CstTestDb *db;
static char *tmpdir;

static gboolean
window_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
test_finished (gpointer data)
{
  return !cst_server_form_get_testing (data);
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (APP_ID);
  const char *const keys[] = { "database", "facility-name", "user-role", "first-run-done",
                               "default-jurisdiction", NULL };

  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

typedef struct
{
  gboolean     finished;
  gboolean     applied;
  CstFacility *facility;   /* as the application takes it on "finished" */
} Outcome;

static void
finished_cb (CstFirstRunAssistant *assistant,
             gboolean              applied,
             Outcome              *outcome)
{
  outcome->finished = TRUE;
  outcome->applied = applied;
  outcome->facility = cst_first_run_assistant_get_facility (assistant);
}

static CstFirstRunAssistant *
open_assistant (GSettings *settings,
                Outcome   *outcome)
{
  CstFirstRunAssistant *assistant = cst_first_run_assistant_new (NULL, settings);

  g_signal_connect (assistant, "finished", G_CALLBACK (finished_cb), outcome);
  gtk_window_present (GTK_WINDOW (assistant));
  g_assert_true (cst_test_gui_wait_until (window_shown, assistant));
  g_assert_cmpstr (cst_first_run_assistant_get_page (assistant), ==, "where");
  return assistant;
}

static void
next (CstFirstRunAssistant *assistant)
{
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
}

static GtkWidget *
facility_child (CstFirstRunAssistant *assistant,
                const char           *id)
{
  GObject *form = gtk_widget_get_template_child (GTK_WIDGET (assistant), CST_TYPE_FIRST_RUN_ASSISTANT,
                                                 "facility_form");

  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (form), CST_TYPE_FACILITY_FORM, id));
}

static void
test_private_database (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  Outcome outcome = { FALSE, FALSE, NULL };
  CstFirstRunAssistant *assistant = open_assistant (settings, &outcome);
  g_autofree char *value = NULL;
  g_autoptr(CstFacility) facility = NULL;

  g_settings_set_string (settings, "database", "host=stale.example.org");
  next (assistant);
  /* The private database needs no server page. */
  g_assert_cmpstr (cst_first_run_assistant_get_page (assistant), ==, "facility");
  gtk_editable_set_text (GTK_EDITABLE (facility_child (assistant, "name_row")), "St. Testwell Clinic");
  gtk_editable_set_text (GTK_EDITABLE (facility_child (assistant, "phone_row")), "(555) 010-0700");
  adw_combo_row_set_selected (ADW_COMBO_ROW (facility_child (assistant, "state_row")), 0);   /* AL */
  /* Nothing is handed on before Finish. */
  g_assert_null (cst_first_run_assistant_get_facility (assistant));
  next (assistant);
  g_assert_cmpstr (cst_first_run_assistant_get_page (assistant), ==, "role");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gtk_widget_get_template_child (
    GTK_WIDGET (assistant), CST_TYPE_FIRST_RUN_ASSISTANT, "billing_check")), TRUE);
  next (assistant);

  g_assert_true (outcome.finished);
  g_assert_true (outcome.applied);
  g_assert_true (g_settings_get_boolean (settings, "first-run-done"));
  /* The facility's details are the database's, not this user's settings:
   * the application stores them once the database is open. */
  facility = g_steal_pointer (&outcome.facility);
  g_assert_nonnull (facility);
  g_assert_cmpstr (facility->name, ==, "St. Testwell Clinic");
  g_assert_cmpstr (facility->phone, ==, "(555) 010-0700");
  g_assert_cmpstr (facility->default_state, ==, "AL");
  value = g_settings_get_string (settings, "facility-name");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);
  value = g_settings_get_string (settings, "user-role");
  g_assert_cmpstr (value, ==, "billing");
  g_clear_pointer (&value, g_free);
  value = g_settings_get_string (settings, "database");
  g_assert_cmpstr (value, ==, "");
}

static void
test_close_stores_nothing (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  Outcome outcome = { FALSE, TRUE, NULL };
  CstFirstRunAssistant *assistant = open_assistant (settings, &outcome);
  g_autofree char *value = NULL;

  next (assistant);
  gtk_editable_set_text (GTK_EDITABLE (facility_child (assistant, "name_row")), "Not Kept");
  gtk_window_close (GTK_WINDOW (assistant));
  g_assert_true (outcome.finished);
  g_assert_false (outcome.applied);
  g_assert_false (g_settings_get_boolean (settings, "first-run-done"));
  g_assert_null (outcome.facility);
  value = g_settings_get_string (settings, "facility-name");
  g_assert_cmpstr (value, ==, "");
}

static void
test_hospital_server (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  Outcome outcome = { FALSE, FALSE, NULL };
  CstFirstRunAssistant *assistant = open_assistant (settings, &outcome);
  CstServerForm *form = CST_SERVER_FORM (cst_first_run_assistant_get_server_form (assistant));
  GtkWidget *next_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (assistant),
                                                                      CST_TYPE_FIRST_RUN_ASSISTANT,
                                                                      "next_button"));
  g_autofree char *conninfo = g_strdup_printf ("host=%s dbname=%s user=custodian_password_test",
                                               g_getenv ("PGHOST"), db->name);
  g_autofree char *value = NULL;

  cst_first_run_assistant_use_server (assistant, TRUE);
  next (assistant);
  g_assert_cmpstr (cst_first_run_assistant_get_page (assistant), ==, "server");
  g_assert_false (gtk_widget_get_sensitive (next_button));

  cst_server_form_set_conninfo (form, conninfo);
  cst_server_form_set_password (form, "wrong-one");
  cst_server_form_test (form);
  g_assert_true (cst_test_gui_wait_until (test_finished, form));
  g_assert_cmpstr (cst_server_form_get_status (form), ==,
                   cst_connection_problem_explain (CST_CONNECTION_PROBLEM_PASSWORD));
  g_assert_false (gtk_widget_get_sensitive (next_button));
  next (assistant);
  g_assert_cmpstr (cst_first_run_assistant_get_page (assistant), ==, "server");

  cst_server_form_set_password (form, "right-one");
  cst_server_form_test (form);
  g_assert_true (cst_test_gui_wait_until (test_finished, form));
  g_assert_true (cst_server_form_get_verified (form));
  g_assert_true (g_str_has_prefix (cst_server_form_get_status (form), "Connected to database"));
  g_assert_true (gtk_widget_get_sensitive (next_button));
  next (assistant);
  g_assert_cmpstr (cst_first_run_assistant_get_page (assistant), ==, "facility");
  next (assistant);
  /* The login is a clerk on the server: that answer is chosen. */
  g_assert_cmpstr (cst_first_run_assistant_get_role (assistant), ==, "clerk");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
    GTK_WIDGET (assistant), CST_TYPE_FIRST_RUN_ASSISTANT, "role_note"))));
  next (assistant);

  g_assert_true (outcome.applied);
  value = g_settings_get_string (settings, "database");
  g_assert_cmpstr (value, ==, conninfo);
  g_assert_null (strstr (value, "right-one"));
}

/* Shown on a first start only when nothing else names a server. */
static void
test_when_shown (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autofree char *pghost = g_strdup (g_getenv ("PGHOST"));
  g_autofree char *pguser = g_strdup (g_getenv ("PGUSER"));
  g_autofree char *pgdatabase = g_strdup (g_getenv ("PGDATABASE"));

  g_assert_false (cst_settings_needs_first_run (NULL, NULL));
  /* The test server's PG* variables name a server. */
  g_assert_false (cst_settings_needs_first_run (settings, NULL));
  g_unsetenv ("PGHOST");
  g_unsetenv ("PGUSER");
  g_unsetenv ("PGDATABASE");
  g_assert_true (cst_settings_needs_first_run (settings, NULL));
  g_assert_false (cst_settings_needs_first_run (settings, "host=db.example.org"));
  g_setenv ("CUSTODIAN_NO_FIRST_RUN", "1", TRUE);
  g_assert_false (cst_settings_needs_first_run (settings, NULL));
  g_unsetenv ("CUSTODIAN_NO_FIRST_RUN");
  g_settings_set_string (settings, "database", "host=db.example.org");
  g_assert_false (cst_settings_needs_first_run (settings, NULL));
  g_settings_reset (settings, "database");
  g_settings_set_boolean (settings, "first-run-done", TRUE);
  g_assert_false (cst_settings_needs_first_run (settings, NULL));
  g_setenv ("PGHOST", pghost, TRUE);
  g_setenv ("PGUSER", pguser, TRUE);
  g_setenv ("PGDATABASE", pgdatabase, TRUE);
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  /* A remembered password goes to a throwaway password file. */
  tmpdir = g_dir_make_tmp ("custodian-first-run-XXXXXX", NULL);
  {
    g_autofree char *pgpass = g_build_filename (tmpdir, "pgpass", NULL);

    g_setenv ("PGPASSFILE", pgpass, TRUE);
  }
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_RUNTIME_DIR", tmpdir, TRUE);
  g_unsetenv ("CUSTODIAN_NO_FIRST_RUN");
  db = cst_test_db_new ();
  cst_test_db_ensure_password_login (db);
  g_test_add_func ("/first-run/private-database", test_private_database);
  g_test_add_func ("/first-run/close-stores-nothing", test_close_stores_nothing);
  g_test_add_func ("/first-run/hospital-server", test_hospital_server);
  g_test_add_func ("/first-run/when-shown", test_when_shown);
  status = g_test_run ();
  cst_test_db_free (db);
  {
    g_autofree char *pgpass = g_build_filename (tmpdir, "pgpass", NULL);

    g_unlink (pgpass);
  }
  g_rmdir (tmpdir);
  return status;
}
