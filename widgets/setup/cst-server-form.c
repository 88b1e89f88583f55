/* cst-server-form.c — a hospital server login as fields, with a test button
 *
 * Shared by the first-run assistant and the Preferences window: host,
 * port, database, user, TLS mode and CA file become one libpq connection
 * string; the password never joins it.  "Test Connection" connects off
 * the main loop (cst_server_login_check_async), says what went wrong in
 * plain words, and on success remembers the password in the keyring (or
 * libpq's password file) when the switch asks for it.  "verified" is TRUE
 * while the fields are the ones that last connected.
 */
#define G_LOG_DOMAIN "cst-server-form"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-server-form.h"
#include "cst-spinner.h"

#include <custodian/cst-keyring.h>
#include <custodian/cst-server-login.h>

struct _CstServerForm
{
  AdwBin          parent_instance;

  AdwEntryRow    *host_row;
  AdwEntryRow    *port_row;
  AdwEntryRow    *dbname_row;
  AdwEntryRow    *user_row;
  AdwComboRow    *tls_row;
  AdwActionRow   *ca_row;
  GtkButton      *ca_clear_button;
  AdwPasswordEntryRow *password_row;
  GtkSwitch      *remember_switch;
  GtkButton      *test_button;
  GtkSpinner     *spinner;
  GtkLabel       *status_label;

  char           *ca_path;
  char           *found_role;
  GCancellable   *cancellable;
  gboolean        testing;
  gboolean        verified;
  gboolean        filling;   /* set_conninfo is writing the fields */
};

G_DEFINE_FINAL_TYPE (CstServerForm, cst_server_form, ADW_TYPE_BIN)

enum { PROP_0, PROP_VERIFIED, PROP_TESTING, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The TLS row's order; "prefer" is libpq's default and is not written. */
static const char *const tls_modes[] = {
  "prefer", "disable", "require", "verify-ca", "verify-full", NULL
};

static void
set_verified (CstServerForm *self,
              gboolean       verified)
{
  if (self->verified == verified)
    return;
  self->verified = verified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
}

static void
set_testing (CstServerForm *self,
             gboolean       testing)
{
  self->testing = testing;
  cst_spinner_set_busy (self->spinner, testing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), !testing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TESTING]);
}

static void
show_status (CstServerForm *self,
             const char    *message,
             gboolean       is_error)
{
  gtk_label_set_label (self->status_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* Any edit means the last test no longer speaks for these fields. */
static void
changed_cb (CstServerForm *self)
{
  if (self->filling)
    return;
  g_cancellable_cancel (self->cancellable);
  if (self->testing)
    set_testing (self, FALSE);
  set_verified (self, FALSE);
  show_status (self, NULL, FALSE);
}

static void
show_ca_path (CstServerForm *self)
{
  adw_action_row_set_subtitle (self->ca_row, self->ca_path ? self->ca_path
                               : _("None: the system's trusted certificate authorities"));
  gtk_widget_set_visible (GTK_WIDGET (self->ca_clear_button), self->ca_path != NULL);
}

static void
set_ca_path (CstServerForm *self,
             const char    *path)
{
  g_free (self->ca_path);
  self->ca_path = (path && *path) ? g_strdup (path) : NULL;
  show_ca_path (self);
  changed_cb (self);
}

static void
ca_chosen_cb (GtkNativeDialog *dialog,
              int              response,
              gpointer         user_data)
{
  CstServerForm *self = CST_SERVER_FORM (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        set_ca_path (self, path);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_ca_cb (CstServerForm *self)
{
  GtkNative *root = gtk_widget_get_native (GTK_WIDGET (self));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Choose the Hospital's CA Certificate"),
                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_ca_cb (CstServerForm *self)
{
  set_ca_path (self, NULL);
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/**
 * cst_server_form_get_conninfo:
 *
 * Returns: (transfer full): the fields as a connection string, without the
 *   password
 */
char *
cst_server_form_get_conninfo (CstServerForm *self)
{
  g_autoptr(CstServerLogin) login = cst_server_login_new ();
  guint tls = adw_combo_row_get_selected (self->tls_row);

  login->host = g_strdup (text_of (self->host_row));
  login->port = g_strdup (text_of (self->port_row));
  login->dbname = g_strdup (text_of (self->dbname_row));
  login->user = g_strdup (text_of (self->user_row));
  if (tls > 0 && tls < g_strv_length ((char **) tls_modes))
    login->sslmode = g_strdup (tls_modes[tls]);
  login->sslrootcert = g_strdup (self->ca_path);
  return cst_server_login_to_conninfo (login);
}

/* Fills the fields from a stored connection string; one that does not
 * parse leaves them empty. */
void
cst_server_form_set_conninfo (CstServerForm *self,
                              const char    *conninfo)
{
  g_autoptr(CstServerLogin) login = cst_server_login_new_from_conninfo (conninfo, NULL);
  guint tls = 0;

  if (login == NULL)
    login = cst_server_login_new ();
  for (guint i = 0; tls_modes[i]; i++)
    if (g_strcmp0 (login->sslmode, tls_modes[i]) == 0)
      tls = i;
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), login->host ? login->host : "");
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), login->port ? login->port : "");
  gtk_editable_set_text (GTK_EDITABLE (self->dbname_row), login->dbname ? login->dbname : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), login->user ? login->user : "");
  adw_combo_row_set_selected (self->tls_row, tls);
  set_ca_path (self, login->sslrootcert);
  self->filling = FALSE;
  changed_cb (self);
}

void
cst_server_form_set_password (CstServerForm *self,
                              const char    *password)
{
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}

static char *
success_message (CstServerForm *self,
                 CstLoginCheck *check)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_printf (s, _("Connected to %s."), check->description);
  if (check->role == NULL)
    g_string_append_printf (s, " %s", _("This login is not a member of any Custodian role yet: ask "
                                        "your administrator to add it to one."));
  if (check->remembered)
    g_string_append_printf (s, " %s", check->backend == CST_PASSWORD_BACKEND_KEYRING
                            ? _("The password is kept in your desktop keyring.")
                            : _("No desktop keyring is running: the password is kept in your "
                                "PostgreSQL password file (~/.pgpass), readable only by you."));
  if (check->remember_problem)
    g_string_append_printf (s, " %s %s", _("The password could not be remembered:"),
                            check->remember_problem);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CstServerForm) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLoginCheck) check = cst_server_login_check_finish (result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Verified before the test ends: whoever waits on "testing" sees the
   * outcome already. */
  if (check == NULL)
    show_status (self, error->message, TRUE);
  else
    {
      g_free (self->found_role);
      self->found_role = g_strdup (check->role);
      message = success_message (self, check);
      show_status (self, message, FALSE);
      set_verified (self, TRUE);
    }
  set_testing (self, FALSE);
}

/* Connects once, off the main loop; the result shows under the button. */
void
cst_server_form_test (CstServerForm *self)
{
  g_autofree char *conninfo = cst_server_form_get_conninfo (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  cst_dispose_renew (&self->cancellable);
  set_verified (self, FALSE);
  set_testing (self, TRUE);
  show_status (self, _("Connecting…"), FALSE);
  cst_server_login_check_async (conninfo, *password ? password : NULL,
                                gtk_switch_get_active (self->remember_switch),
                                self->cancellable, tested_cb, g_object_ref (self));
}

static void
test_clicked_cb (CstServerForm *self)
{
  cst_server_form_test (self);
}

gboolean
cst_server_form_get_testing (CstServerForm *self)
{
  return self->testing;
}

gboolean
cst_server_form_get_verified (CstServerForm *self)
{
  return self->verified;
}

/* The message under the button, or NULL. */
const char *
cst_server_form_get_status (CstServerForm *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->status_label))
         ? gtk_label_get_label (self->status_label) : NULL;
}

/* The Custodian role the tested login is in ("custodian_clerk"…), or NULL. */
const char *
cst_server_form_get_found_role (CstServerForm *self)
{
  return self->verified ? self->found_role : NULL;
}

static void
cst_server_form_dispose (GObject *object)
{
  CstServerForm *self = CST_SERVER_FORM (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_SERVER_FORM);
  G_OBJECT_CLASS (cst_server_form_parent_class)->dispose (object);
}

static void
cst_server_form_finalize (GObject *object)
{
  CstServerForm *self = CST_SERVER_FORM (object);

  g_clear_object (&self->cancellable);
  g_free (self->ca_path);
  g_free (self->found_role);
  G_OBJECT_CLASS (cst_server_form_parent_class)->finalize (object);
}

static void
cst_server_form_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CstServerForm *self = CST_SERVER_FORM (object);

  switch (prop_id)
    {
    case PROP_VERIFIED: g_value_set_boolean (value, self->verified); break;
    case PROP_TESTING: g_value_set_boolean (value, self->testing); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_server_form_class_init (CstServerFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_server_form_dispose;
  object_class->finalize = cst_server_form_finalize;
  object_class->get_property = cst_server_form_get_property;
  properties[PROP_VERIFIED] = g_param_spec_boolean ("verified", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TESTING] = g_param_spec_boolean ("testing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-server-form.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstServerForm, name)
  BIND (host_row); BIND (port_row); BIND (dbname_row); BIND (user_row); BIND (tls_row);
  BIND (ca_row); BIND (ca_clear_button); BIND (password_row); BIND (remember_switch);
  BIND (test_button); BIND (spinner); BIND (status_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_ca_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_ca_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
}

static void
cst_server_form_init (CstServerForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  show_ca_path (self);
}
