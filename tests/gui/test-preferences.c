/* test-preferences.c — the Preferences window under the headless X server:
 * each edit reaches the settings (memory backend) and a settings change
 * shows in the window; the facility's details are the database's, saved
 * by an administrator and refused to a clerk; a hospital server is stored only after it answered
 * with the right password, never with the password in the settings, and a
 * wrong one is explained in plain words; the mail server's host, port,
 * encryption, sender and login reach the smtp-* settings and its
 * password never does (without a keyring, saving it says so).  Against the throwaway server's
 * password role (build-aux/test-server.sh); no session bus, so a
 * remembered password goes to a real password file ($PGPASSFILE). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cst-facility-form.h"
#include "cst-mail-server-form.h"
#include "cst-fee-quote-panel.h"
#include "cst-preferences-window.h"
#include "cst-server-form.h"
#include "cst-statement-workbench.h"
#include "cst-test-gui.h"

static CstTestDb *db;
static char *tmpdir;
static char *pgpass;

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

static GObject *
child (gpointer    widget,
       GType       type,
       const char *id)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, id);

  g_assert_nonnull (object);
  return object;
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (APP_ID);
  const char *const keys[] = { "database", "facility-name", "facility-address", "facility-phone",
                               "facility-logo", "default-jurisdiction", "default-fee-method",
                               "statement-language", "lock-after-minutes",
                               "language", "report-database", "report-lag-limit", NULL };

  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

static CstPreferencesWindow *
open_window (GSettings *settings)
{
  CstPreferencesWindow *window = cst_preferences_window_new (NULL, settings);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cst_test_gui_wait_until (window_shown, window));
  return window;
}

static void
test_edits_reach_settings (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  CstPreferencesWindow *window = open_window (settings);
  GObject *facility = child (window, CST_TYPE_PREFERENCES_WINDOW, "facility_form");
  AdwActionRow *logo = ADW_ACTION_ROW (child (facility, CST_TYPE_FACILITY_FORM, "logo_row"));
  GtkSpinButton *lock = GTK_SPIN_BUTTON (child (window, CST_TYPE_PREFERENCES_WINDOW, "lock_spin"));
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  adw_combo_row_set_selected (ADW_COMBO_ROW (child (window, CST_TYPE_PREFERENCES_WINDOW, "fee_method_row")), 2);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (window, CST_TYPE_PREFERENCES_WINDOW,
                                                    "statement_language_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (window, CST_TYPE_PREFERENCES_WINDOW, "language_row")), 2);
  gtk_spin_button_set_value (lock, 25);

  name = g_settings_get_string (settings, "default-fee-method");
  g_assert_cmpstr (name, ==, "average");
  g_clear_pointer (&name, g_free);
  name = g_settings_get_string (settings, "statement-language");
  g_assert_cmpstr (name, ==, "es");
  g_clear_pointer (&name, g_free);
  name = g_settings_get_string (settings, "language");
  g_assert_cmpstr (name, ==, "es");
  g_assert_cmpint (g_settings_get_int (settings, "lock-after-minutes"), ==, 25);
  /* Issue 17: the actual-cost inputs a quote starts with; money in
   * dollars on screen, cents in the settings. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (window, CST_TYPE_PREFERENCES_WINDOW, "labor_spin")), 12);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (window, CST_TYPE_PREFERENCES_WINDOW, "rate_spin")), 24.5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (window, CST_TYPE_PREFERENCES_WINDOW, "supplies_spin")), 1.05);
  g_assert_cmpuint (g_settings_get_uint (settings, "actual-cost-labor-minutes"), ==, 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "actual-cost-hourly-rate-cents"), ==, 2450);
  g_assert_cmpuint (g_settings_get_uint (settings, "actual-cost-supplies-cents"), ==, 105);

  /* The report database is saved when applied, not while typed. */
  {
    GtkEditable *report_database = GTK_EDITABLE (child (window, CST_TYPE_PREFERENCES_WINDOW,
                                                        "report_database_row"));
    g_autofree char *saved = NULL;

    gtk_editable_set_text (report_database, " host=replica.example.org dbname=custodian ");
    saved = g_settings_get_string (settings, "report-database");
    g_assert_cmpstr (saved, ==, "");
    g_clear_pointer (&saved, g_free);
    g_signal_emit_by_name (report_database, "apply");
    saved = g_settings_get_string (settings, "report-database");
    g_assert_cmpstr (saved, ==, "host=replica.example.org dbname=custodian");
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (window, CST_TYPE_PREFERENCES_WINDOW, "lag_spin")), 90);
    g_assert_cmpuint (g_settings_get_uint (settings, "report-lag-limit"), ==, 90);
  }

  /* And back: the window follows the settings. */
  g_settings_set_int (settings, "lock-after-minutes", 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (lock), ==, 5);
  g_settings_set_string (settings, "facility-logo", "/srv/letterhead/mercy.png");
  g_assert_cmpstr (adw_action_row_get_subtitle (logo), ==, "/srv/letterhead/mercy.png");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (facility, CST_TYPE_FACILITY_FORM,
                                                           "logo_clear_button"))));
  g_signal_emit_by_name (child (facility, CST_TYPE_FACILITY_FORM, "logo_clear_button"), "clicked");
  g_clear_pointer (&name, g_free);
  name = g_settings_get_string (settings, "facility-logo");
  g_assert_cmpstr (name, ==, "");
  text = g_settings_get_string (settings, "database");
  g_assert_cmpstr (text, ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
facility_settled (gpointer data)
{
  const char *message = cst_facility_form_get_message (data);

  return gtk_widget_get_sensitive (data) &&
         (message == NULL || !g_str_has_suffix (message, "…"));
}

static CstFacilityForm *
open_facility_as (GSettings            *settings,
                  const char           *group_role,
                  CstConnection       **connection,
                  CstPreferencesWindow **window)
{
  g_autofree char *login = cst_test_db_create_login (db, group_role);
  CstFacilityForm *form;

  *window = open_window (settings);
  form = CST_FACILITY_FORM (child (*window, CST_TYPE_PREFERENCES_WINDOW, "facility_form"));
  *connection = cst_connection_new (login);
  cst_preferences_window_set_connection (*window, *connection);
  g_assert_true (cst_test_gui_wait_until (facility_settled, form));
  g_assert_null (cst_facility_form_get_message (form));
  return form;
}

static void
save_facility (CstFacilityForm *form)
{
  gtk_widget_activate_action (GTK_WIDGET (form), "facility.save", NULL);
  g_assert_true (cst_test_gui_wait_until (facility_settled, form));
}

/* The Facility page shows the database's details and an administrator's
 * Save stores them there, for every user; a clerk's Save is refused in
 * words, and changes nothing; with no database there is nothing to edit. */
static void
test_facility_in_database (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(CstConnection) admin = NULL;
  g_autoptr(CstConnection) clerk = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstFacility) stored = NULL;
  g_autofree char *legacy = NULL;
  CstPreferencesWindow *window = NULL;
  CstFacilityForm *form = open_facility_as (settings, "custodian_admin", &admin, &window);
  GtkTextView *pay_text = GTK_TEXT_VIEW (child (form, CST_TYPE_FACILITY_FORM, "pay_text_view"));

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (form, CST_TYPE_FACILITY_FORM, "name_row"))),
                   ==, "Custodian General Hospital");
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_FACILITY_FORM, "name_row")),
                         "Mercy General Hospital");
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_FACILITY_FORM, "phone_row")),
                         "(555) 010-0200");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (form, CST_TYPE_FACILITY_FORM,
                                                                           "address_view"))),
                            "1 Main Street\nSpringfield, IL 62701", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (pay_text), "Checks to Mercy General.", -1);
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_FACILITY_FORM, "pay_link_row")),
                         "https://pay.mercy.example");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (form, CST_TYPE_FACILITY_FORM, "state_row")), 4); /* CA */
  save_facility (form);
  g_assert_nonnull (strstr (cst_facility_form_get_message (form), "Saved"));
  stored = cst_facility_load (owner, NULL);
  g_assert_cmpstr (stored->name, ==, "Mercy General Hospital");
  g_assert_cmpstr (stored->phone, ==, "(555) 010-0200");
  g_assert_cmpstr (stored->address, ==, "1 Main Street\nSpringfield, IL 62701");
  g_assert_cmpstr (stored->pay_text, ==, "Checks to Mercy General.");
  g_assert_cmpstr (stored->pay_link, ==, "https://pay.mercy.example");
  g_assert_cmpstr (stored->default_state, ==, "CA");
  /* Not one user's settings any more. */
  legacy = g_settings_get_string (settings, "facility-name");
  g_assert_cmpstr (legacy, ==, "");
  gtk_window_destroy (GTK_WINDOW (window));

  form = open_facility_as (settings, "custodian_clerk", &clerk, &window);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (form, CST_TYPE_FACILITY_FORM, "name_row"))),
                   ==, "Mercy General Hospital");
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_FACILITY_FORM, "name_row")), "A Clerk's Name");
  save_facility (form);
  g_assert_nonnull (strstr (cst_facility_form_get_message (form), "Only an administrator"));
  g_clear_pointer (&stored, cst_facility_free);
  stored = cst_facility_load (owner, NULL);
  g_assert_cmpstr (stored->name, ==, "Mercy General Hospital");
  gtk_window_destroy (GTK_WINDOW (window));

  window = open_window (settings);
  form = CST_FACILITY_FORM (child (window, CST_TYPE_PREFERENCES_WINDOW, "facility_form"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (form)));
  g_assert_nonnull (strstr (cst_facility_form_get_message (form), "kept in the database"));
  gtk_window_destroy (GTK_WINDOW (window));
  cst_test_db_fill_facility (owner);
}

static char *
server_conninfo (void)
{
  return g_strdup_printf ("host=%s dbname=%s user=custodian_password_test", g_getenv ("PGHOST"), db->name);
}

static gboolean
has_connection_message (gpointer data)
{
  return cst_preferences_window_get_connection_message (data) != NULL;
}

static void
test_server_connection (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  CstPreferencesWindow *window = open_window (settings);
  CstServerForm *form = CST_SERVER_FORM (child (window, CST_TYPE_PREFERENCES_WINDOW, "server_form"));
  g_autofree char *conninfo = server_conninfo ();
  g_autofree char *stored = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;

  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (form)));
  cst_preferences_window_use_server (window, TRUE);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (form)));
  cst_server_form_set_conninfo (form, conninfo);
  cst_server_form_set_password (form, "wrong-one");
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.save-connection", NULL);
  g_assert_true (cst_server_form_get_testing (form));
  g_assert_true (cst_test_gui_wait_until (test_finished, form));
  g_assert_cmpstr (cst_server_form_get_status (form), ==,
                   cst_connection_problem_explain (CST_CONNECTION_PROBLEM_PASSWORD));
  g_assert_null (cst_preferences_window_get_connection_message (window));
  stored = g_settings_get_string (settings, "database");
  g_assert_cmpstr (stored, ==, "");
  g_assert_false (g_file_test (pgpass, G_FILE_TEST_EXISTS));

  cst_server_form_set_password (form, "right-one");
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.save-connection", NULL);
  g_assert_true (cst_test_gui_wait_until (has_connection_message, window));
  g_assert_true (cst_server_form_get_verified (form));
  g_assert_nonnull (strstr (cst_server_form_get_status (form), "password file"));
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "database");
  g_assert_cmpstr (stored, ==, conninfo);
  g_assert_null (strstr (stored, "right-one"));
  /* The password went to the password file, where libpq finds it. */
  g_assert_true (g_file_get_contents (pgpass, &file, NULL, NULL));
  g_assert_nonnull (strstr (file, ":custodian_password_test:right-one\n"));
  conn = cst_db_connect (stored, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);

  /* Back to the private database: the setting empties. */
  cst_preferences_window_use_server (window, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.save-connection", NULL);
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "database");
  g_assert_cmpstr (stored, ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (pgpass);
}

/* A stored server shows as its fields when the window opens. */
static void
test_shows_stored_server (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  CstPreferencesWindow *window = NULL;
  CstServerForm *form;
  g_autofree char *shown = NULL;
  const char *stored = "host=db.example.org port=5433 dbname=custodian user=jdoe sslmode=verify-full "
                       "sslrootcert=/etc/ssl/hospital-ca.pem";

  g_settings_set_string (settings, "database", stored);
  window = open_window (settings);
  form = CST_SERVER_FORM (child (window, CST_TYPE_PREFERENCES_WINDOW, "server_form"));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (child (window, CST_TYPE_PREFERENCES_WINDOW,
                                                                       "server_check"))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (form, CST_TYPE_SERVER_FORM, "host_row"))), ==,
                   "db.example.org");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (child (form, CST_TYPE_SERVER_FORM, "tls_row"))),
                    ==, 4);
  shown = cst_server_form_get_conninfo (form);
  g_assert_cmpstr (shown, ==, stored);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The defaults are where new work starts: a fee quote's method, a new
 * statement's language. */
static void
test_defaults_used (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  GtkWidget *panel = NULL;
  GtkWindow *workbench = NULL;

  g_settings_set_string (settings, "default-fee-method", "average");
  g_settings_set_string (settings, "statement-language", "es");
  panel = g_object_ref_sink (g_object_new (CST_TYPE_FEE_QUOTE_PANEL, NULL));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (child (panel, CST_TYPE_FEE_QUOTE_PANEL,
                                                                      "method_dropdown"))), ==, 2);
  g_object_unref (panel);
  workbench = GTK_WINDOW (cst_statement_workbench_new (NULL));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (child (workbench, CST_TYPE_STATEMENT_WORKBENCH,
                                                                      "language_dropdown"))), ==, 1);
  gtk_window_destroy (workbench);
}

static gboolean
mail_form_idle (gpointer form)
{
  return !cst_mail_server_form_is_busy (form);
}

/* The Mail page: each row reaches its smtp-* setting, TLS from the start
 * moves the port to 465; the password is never a setting, and with no
 * keyring (no session bus here) saving it says so in plain words. */
static void
test_mail_server (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  const char *const keys[] = { "smtp-host", "smtp-port", "smtp-security", "smtp-sender",
                               "smtp-user", "smtp-ca-file", NULL };
  CstPreferencesWindow *window;
  GObject *form;
  g_autofree char *text = NULL;
  const char *message;

  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
  window = open_window (settings);
  form = child (window, CST_TYPE_PREFERENCES_WINDOW, "mail_server_form");
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_MAIL_SERVER_FORM, "host_row")),
                         "smtp.hospital.example");
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_MAIL_SERVER_FORM, "sender_row")),
                         "roi@hospital.example");
  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_MAIL_SERVER_FORM, "user_row")),
                         "roi-desk");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (form, CST_TYPE_MAIL_SERVER_FORM,
                                                    "security_row")), 1);
  text = g_settings_get_string (settings, "smtp-host");
  g_assert_cmpstr (text, ==, "smtp.hospital.example");
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "smtp-sender");
  g_assert_cmpstr (text, ==, "roi@hospital.example");
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "smtp-user");
  g_assert_cmpstr (text, ==, "roi-desk");
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "smtp-security");
  g_assert_cmpstr (text, ==, "tls");
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (g_settings_get_uint (settings, "smtp-port"), ==, 465);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (form, CST_TYPE_MAIL_SERVER_FORM, "port_spin")),
                             2465);
  g_assert_cmpuint (g_settings_get_uint (settings, "smtp-port"), ==, 2465);

  /* A setting changed elsewhere shows. */
  g_settings_set_string (settings, "smtp-host", "mail.example.org");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (form, CST_TYPE_MAIL_SERVER_FORM,
                                                               "host_row"))), ==,
                   "mail.example.org");

  gtk_editable_set_text (GTK_EDITABLE (child (form, CST_TYPE_MAIL_SERVER_FORM, "password_row")),
                         "mail-s3cret");
  cst_mail_server_form_save_password (CST_MAIL_SERVER_FORM (form));
  g_assert_true (cst_test_gui_wait_until (mail_form_idle, form));
  message = cst_mail_server_form_get_message (CST_MAIL_SERVER_FORM (form));
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "keyring"));
  /* Nowhere in the settings. */
  for (guint i = 0; keys[i]; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      g_assert_null (strstr (printed, "mail-s3cret"));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("custodian-prefs-XXXXXX", NULL);
  pgpass = g_build_filename (tmpdir, "pgpass", NULL);
  g_setenv ("PGPASSFILE", pgpass, TRUE);
  /* No session bus: the password file is where a password goes. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_RUNTIME_DIR", tmpdir, TRUE);
  db = cst_test_db_new ();
  cst_test_db_ensure_password_login (db);
  g_test_add_func ("/preferences/edits-reach-settings", test_edits_reach_settings);
  g_test_add_func ("/preferences/facility-in-database", test_facility_in_database);
  g_test_add_func ("/preferences/server-connection", test_server_connection);
  g_test_add_func ("/preferences/shows-stored-server", test_shows_stored_server);
  g_test_add_func ("/preferences/defaults-used", test_defaults_used);
  g_test_add_func ("/preferences/mail-server", test_mail_server);
  status = g_test_run ();
  cst_test_db_free (db);
  g_unlink (pgpass);
  g_rmdir (tmpdir);
  return status;
}
