/* cst-preferences-window.c — where the data lives, the letterhead, defaults
 *
 * The facility's details are the database's (cst_preferences_window_set_connection
 * loads them; an administrator saves them with one button).  Everything
 * else but the connection is bound to the settings and stored as it is
 * edited.  The connection is stored only when it has connected: "Save
 * Connection" tests a hospital server first (off the main loop, failures
 * in plain words) and writes the "database" setting, never the password,
 * which goes to the keyring.  The running window keeps its connection;
 * the new one is used from the next start.  The Mail page is
 * CstMailServerForm: the mail server in the settings, its password in
 * the keyring.
 */
#define G_LOG_DOMAIN "cst-preferences-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "cst-facilities-page.h"
#include "cst-facility-form.h"
#include "cst-mail-server-form.h"
#include "cst-preferences-window.h"
#include "cst-server-form.h"

struct _CstPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkCheckButton  *private_check;
  GtkCheckButton  *server_check;
  CstServerForm   *server_form;
  GtkLabel        *connection_label;
  CstFacilityForm *facility_form;
  CstFacilitiesPage *facilities_page;
  CstMailServerForm *mail_server_form;
  AdwComboRow     *fee_method_row;
  AdwComboRow     *statement_language_row;
  GtkSpinButton   *lock_spin;
  GtkSpinButton   *labor_spin;
  GtkSpinButton   *rate_spin;
  GtkSpinButton   *supplies_spin;
  AdwEntryRow     *report_database_row;
  GtkSpinButton   *lag_spin;
  AdwComboRow     *language_row;

  GSettings       *settings;
  gboolean         save_pending;  /* saving waits for the server test */
};

G_DEFINE_FINAL_TYPE (CstPreferencesWindow, cst_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Each combo row's items, as the values its key stores. */
static const char *const fee_methods[] = { "default", "actual", "average", "flat", NULL };
static const char *const statement_languages[] = { "en", "es", NULL };
static const char *const interface_languages[] = { "", "en", "es", NULL };

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char *const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i]; i++)
    if (g_str_equal (nick, nicks[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char *const *nicks = user_data;
  guint i = g_value_get_uint (value);

  if (i >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[i]);
}

static void
bind_choice (CstPreferencesWindow *self,
             const char           *key,
             AdwComboRow          *row,
             const char *const    *nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_to_index, index_to_nick, (gpointer) nicks, NULL);
}

static void
show_connection_message (CstPreferencesWindow *self,
                         const char           *message)
{
  gtk_label_set_label (self->connection_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->connection_label), message != NULL);
}

static void
store_connection (CstPreferencesWindow *self)
{
  gboolean server = gtk_check_button_get_active (self->server_check);
  g_autofree char *conninfo = server ? cst_server_form_get_conninfo (self->server_form) : g_strdup ("");

  self->save_pending = FALSE;
  g_settings_set_string (self->settings, "database", conninfo);
  show_connection_message (self, server
                           ? _("Saved. Custodian connects to this server the next time it starts.")
                           : _("Saved. Custodian uses the private database on this computer the "
                               "next time it starts."));
}

/* A hospital server is stored only once it has answered. */
static void
save_connection_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *param)
{
  CstPreferencesWindow *self = CST_PREFERENCES_WINDOW (widget);

  show_connection_message (self, NULL);
  if (!gtk_check_button_get_active (self->server_check) ||
      cst_server_form_get_verified (self->server_form))
    {
      store_connection (self);
      return;
    }
  self->save_pending = TRUE;
  cst_server_form_test (self->server_form);
}

static void
verified_changed_cb (CstPreferencesWindow *self)
{
  if (self->save_pending && cst_server_form_get_verified (self->server_form))
    store_connection (self);
}

static void
testing_changed_cb (CstPreferencesWindow *self)
{
  /* A failed test ends the wait; the form says what went wrong. */
  if (!cst_server_form_get_testing (self->server_form) && !cst_server_form_get_verified (self->server_form))
    self->save_pending = FALSE;
}

static void
mode_toggled_cb (CstPreferencesWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_form),
                            gtk_check_button_get_active (self->server_check));
  show_connection_message (self, NULL);
}

/* Choose between the private database and a hospital server, as the
 * radio buttons do. */
void
cst_preferences_window_use_server (CstPreferencesWindow *self,
                                   gboolean              server)
{
  gtk_check_button_set_active (server ? self->server_check : self->private_check, TRUE);
}

/* What the last "Save Connection" said, or NULL (the form under it shows
 * a failed test). */
const char *
cst_preferences_window_get_connection_message (CstPreferencesWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->connection_label))
         ? gtk_label_get_label (self->connection_label) : NULL;
}

static void
load_connection (CstPreferencesWindow *self)
{
  g_autofree char *conninfo = g_settings_get_string (self->settings, "database");
  gboolean server = conninfo[0] != '\0';

  cst_server_form_set_conninfo (self->server_form, conninfo);
  cst_preferences_window_use_server (self, server);
  mode_toggled_cb (self);
}

/* Settings keep cents; the spin buttons show dollars. */
static gboolean
cents_to_dollars (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 100.0);
  return TRUE;
}

static GVariant *
dollars_to_cents (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) llround (g_value_get_double (value) * 100));
}

static void
bind_dollars (CstPreferencesWindow *self,
              const char           *key,
              GtkSpinButton        *spin)
{
  g_settings_bind_with_mapping (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT,
                                cents_to_dollars, dollars_to_cents, NULL, NULL);
}

/* Saved when applied, not at each key: a half-typed connection string is
 * no report database. */
static void
report_database_applied_cb (CstPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->report_database_row))));

  g_settings_set_string (self->settings, "report-database", text);
}

static void
bind_settings (CstPreferencesWindow *self)
{
  g_autofree char *report_database = g_settings_get_string (self->settings, "report-database");

  load_connection (self);
  cst_facility_form_bind (self->facility_form, self->settings);
  cst_mail_server_form_bind (self->mail_server_form, self->settings);
  bind_choice (self, "default-fee-method", self->fee_method_row, fee_methods);
  bind_choice (self, "statement-language", self->statement_language_row, statement_languages);
  bind_choice (self, "language", self->language_row, interface_languages);
  g_settings_bind (self->settings, "lock-after-minutes", self->lock_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "actual-cost-labor-minutes", self->labor_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  bind_dollars (self, "actual-cost-hourly-rate-cents", self->rate_spin);
  bind_dollars (self, "actual-cost-supplies-cents", self->supplies_spin);
  gtk_editable_set_text (GTK_EDITABLE (self->report_database_row), report_database);
  g_settings_bind (self->settings, "report-lag-limit", self->lag_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
cst_preferences_window_dispose (GObject *object)
{
  CstPreferencesWindow *self = CST_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cst_preferences_window_parent_class)->dispose (object);
}

static void
cst_preferences_window_class_init (CstPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_preferences_window_dispose;
  g_type_ensure (CST_TYPE_SERVER_FORM);
  g_type_ensure (CST_TYPE_FACILITY_FORM);
  g_type_ensure (CST_TYPE_FACILITIES_PAGE);
  g_type_ensure (CST_TYPE_MAIL_SERVER_FORM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstPreferencesWindow, name)
  BIND (private_check); BIND (server_check); BIND (server_form); BIND (connection_label);
  BIND (facility_form); BIND (facilities_page); BIND (fee_method_row); BIND (labor_spin); BIND (rate_spin); BIND (supplies_spin); BIND (statement_language_row);
  BIND (lock_spin); BIND (language_row); BIND (report_database_row); BIND (lag_spin);
  BIND (mail_server_form);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, report_database_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, verified_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, testing_changed_cb);
  gtk_widget_class_install_action (widget_class, "prefs.save-connection", NULL, save_connection_action);
}

/* libadwaita 1.2 leaves its own search entry without an accessible name. */
static void
name_search_entry (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Search preferences"), -1);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    name_search_entry (child);
}

static void
cst_preferences_window_init (CstPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  name_search_entry (GTK_WIDGET (self));
}

CstPreferencesWindow *
cst_preferences_window_new (GtkWindow *parent,
                            GSettings *settings)
{
  CstPreferencesWindow *self = g_object_new (CST_TYPE_PREFERENCES_WINDOW,
                                             "transient-for", parent,
                                             NULL);

  self->settings = g_object_ref (settings);
  bind_settings (self);
  cst_facility_form_set_connection (self->facility_form, NULL);
  cst_facilities_page_set_connection (self->facilities_page, NULL);
  return self;
}

/**
 * cst_preferences_window_set_connection:
 *
 * The database whose facility details the Facility page shows and saves,
 * and whose facilities the Facilities page manages.
 */
void
cst_preferences_window_set_connection (CstPreferencesWindow *self,
                                       CstConnection        *connection)
{
  cst_facility_form_set_connection (self->facility_form, connection);
  cst_facilities_page_set_connection (self->facilities_page, connection);
}
