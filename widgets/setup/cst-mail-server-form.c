/* cst-mail-server-form.c — the hospital's mail server, in Preferences
 *
 * Issue 20: e-mail goes through the hospital's own server, "server and
 * sender in Preferences, the password in the keyring".  Host, port,
 * encryption (STARTTLS on the submission port or implicit TLS: never
 * none), sender, login and an optional certificate authority are bound to
 * the smtp-* settings, which the Deliver dialog and custodian-cli packet
 * send read.  The password is never a setting: "Save Password" hands it
 * to cst_keyring_mail_save_async() (D-Bus, off the main loop), keyed on
 * the host, port and login as they are then, and clears the entry.
 */
#define G_LOG_DOMAIN "cst-mail-server-form"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-mail-server-form.h"

#include <custodian/cst-keyring-mail.h>

struct _CstMailServerForm
{
  AdwBin               parent_instance;

  AdwEntryRow         *host_row;
  GtkSpinButton       *port_spin;
  AdwComboRow         *security_row;
  AdwEntryRow         *sender_row;
  AdwEntryRow         *user_row;
  AdwEntryRow         *ca_file_row;
  AdwPasswordEntryRow *password_row;
  GtkButton           *save_password_button;
  GtkLabel            *message_label;

  GSettings           *settings;
  GCancellable        *cancellable;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (CstMailServerForm, cst_mail_server_form, ADW_TYPE_BIN)

static const char *const securities[] = { "starttls", "tls", NULL };

static void
show_message (CstMailServerForm *self,
              const char        *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static gboolean
security_to_index (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  g_value_set_uint (value, g_str_equal (g_variant_get_string (variant, NULL), "tls") ? 1 : 0);
  return TRUE;
}

static GVariant *
index_to_security (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  return g_variant_new_string (securities[MIN (g_value_get_uint (value), 1u)]);
}

/* Text rows are saved as typed, trimmed; a row shows the setting when it
 * changes elsewhere. */
static void
bind_text (CstMailServerForm *self,
           const char        *key,
           AdwEntryRow       *row)
{
  g_settings_bind (self->settings, key, row, "text", G_SETTINGS_BIND_DEFAULT);
}

void
cst_mail_server_form_bind (CstMailServerForm *self,
                           GSettings         *settings)
{
  g_return_if_fail (CST_IS_MAIL_SERVER_FORM (self));
  g_set_object (&self->settings, settings);
  bind_text (self, "smtp-host", self->host_row);
  bind_text (self, "smtp-sender", self->sender_row);
  bind_text (self, "smtp-user", self->user_row);
  bind_text (self, "smtp-ca-file", self->ca_file_row);
  g_settings_bind (settings, "smtp-port", self->port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "smtp-security", self->security_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, security_to_index, index_to_security,
                                NULL, NULL);
}

static void
set_busy (CstMailServerForm *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_password_button), !busy);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CstMailServerForm) self = CST_MAIL_SERVER_FORM (user_data);
  g_autoptr(GError) error = NULL;
  gboolean saved = cst_keyring_mail_save_finish (result, &error);

  if (self->message_label == NULL)
    return;
  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!saved)
    {
      show_message (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_message (self, _("Saved in the keyring. E-mail sent from this computer uses it."));
}

void
cst_mail_server_form_save_password (CstMailServerForm *self)
{
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  const char *password;

  g_return_if_fail (CST_IS_MAIL_SERVER_FORM (self));
  if (self->busy)
    return;
  host = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row))));
  user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*host == '\0' || *user == '\0' || *password == '\0')
    {
      show_message (self, _("Give the mail server, its login and the password to keep."));
      return;
    }
  show_message (self, NULL);
  set_busy (self, TRUE);
  cst_keyring_mail_save_async (host, (guint) gtk_spin_button_get_value_as_int (self->port_spin),
                               user, password, self->cancellable, saved_cb, g_object_ref (self));
}

static void
save_password_clicked_cb (CstMailServerForm *self)
{
  cst_mail_server_form_save_password (self);
}

/* The usual port for the encryption chosen, unless one was set by hand. */
static void
security_changed_cb (CstMailServerForm *self)
{
  int port = gtk_spin_button_get_value_as_int (self->port_spin);
  gboolean tls = adw_combo_row_get_selected (self->security_row) == 1;

  if (tls && port == 587)
    gtk_spin_button_set_value (self->port_spin, 465);
  else if (!tls && port == 465)
    gtk_spin_button_set_value (self->port_spin, 587);
}

gboolean
cst_mail_server_form_is_busy (CstMailServerForm *self)
{
  return self->busy;
}

const char *
cst_mail_server_form_get_message (CstMailServerForm *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

static void
cst_mail_server_form_dispose (GObject *object)
{
  CstMailServerForm *self = CST_MAIL_SERVER_FORM (object);

  g_cancellable_cancel (self->cancellable);
  /* The typed password leaves no copy in the entry. */
  if (self->password_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_MAIL_SERVER_FORM);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cst_mail_server_form_parent_class)->dispose (object);
}

static void
cst_mail_server_form_class_init (CstMailServerFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_mail_server_form_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-mail-server-form.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CstMailServerForm, name)
  BIND (host_row); BIND (port_spin); BIND (security_row); BIND (sender_row); BIND (user_row);
  BIND (ca_file_row); BIND (password_row); BIND (save_password_button); BIND (message_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, save_password_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, security_changed_cb);
}

static void
cst_mail_server_form_init (CstMailServerForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
