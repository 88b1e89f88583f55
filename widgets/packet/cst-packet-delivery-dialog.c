/* cst-packet-delivery-dialog.c — sending a request's packet
 *
 * Reached from the request view's Records group.  By e-mail: the packet
 * is built, encrypted and sent through the mail server of Preferences
 * (its login's password from the keyring, looked up on the worker
 * thread) by cst_packet_send_email_async(); on removable media: built
 * into the folder chosen, with its checksum file, by
 * cst_packet_save_to_media_async().  Both run off the main loop with a
 * spinner, a status line screen readers announce, and Cancel.  The
 * passphrase of an encrypted copy is shown here once, selectable, and
 * wiped when the dialog goes; the database never sees it.  Unencrypted
 * e-mail (after the individual's recorded confirmation) is custodian-cli
 * packet send --plain-confirmed-by for now.
 */
#define G_LOG_DOMAIN "cst-packet-delivery"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-packet-delivery-dialog.h"

#include <custodian/cst-packet-delivery.h>
#include <custodian/cst-settings.h>

struct _CstPacketDeliveryDialog
{
  AdwWindow             parent_instance;

  AdwEntryRow          *address_row;
  GtkButton            *send_button;
  GtkSwitch            *encrypt_switch;
  GtkButton            *save_button;
  GtkSpinner           *spinner;
  GtkLabel             *status_label;
  GtkButton            *cancel_button;
  GtkLabel             *passphrase_label;

  CstConnection        *connection;
  CstRequest           *request;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (CstPacketDeliveryDialog, cst_packet_delivery_dialog, ADW_TYPE_WINDOW)

static void
set_busy (CstPacketDeliveryDialog *self,
          gboolean                 busy,
          const char              *status)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_label_set_label (self->status_label, status ? status : "");
}

static void
show_passphrase (CstPacketDeliveryDialog *self,
                 const char              *passphrase)
{
  gtk_label_set_label (self->passphrase_label, passphrase ? passphrase : "");
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_label), passphrase != NULL);
}

/* What happened, in the status line; the passphrase below it. */
static void
show_delivery (CstPacketDeliveryDialog *self,
               CstPacketDelivery       *delivery,
               GError                  *error,
               const char              *done)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_busy (self, FALSE, _("Cancelled. Nothing was recorded as delivered."));
      return;
    }
  if (delivery == NULL)
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  if (delivery->passphrase != NULL)
    {
      g_autofree char *status = g_strdup_printf (
        _("%s Read this passphrase to the requester by phone or write it on paper: it is shown only now."),
        done);

      set_busy (self, FALSE, status);
    }
  else
    set_busy (self, FALSE, done);
  show_passphrase (self, delivery->passphrase);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CstPacketDeliveryDialog) self = CST_PACKET_DELIVERY_DIALOG (user_data);
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GError) error = NULL;

  delivery = cst_packet_send_email_finish (CST_CONNECTION (source), result, &error);
  /* Closed meanwhile: its template is gone, and so is the passphrase. */
  if (self->status_label == NULL)
    return;
  show_delivery (self, delivery, error, _("Sent; the mail server accepted it."));
}

static void
send_clicked_cb (CstPacketDeliveryDialog *self)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  g_autofree char *host = settings ? g_settings_get_string (settings, "smtp-host") : g_strdup ("");
  g_autofree char *sender = settings ? g_settings_get_string (settings, "smtp-sender") : g_strdup ("");
  g_autofree char *user = settings ? g_settings_get_string (settings, "smtp-user") : g_strdup ("");
  g_autofree char *security = settings ? g_settings_get_string (settings, "smtp-security")
                                       : g_strdup ("starttls");
  CstSmtpServer server = {
    host, settings ? g_settings_get_uint (settings, "smtp-port") : 587,
    g_str_equal (security, "tls") ? CST_SMTP_TLS : CST_SMTP_STARTTLS,
    sender, user, NULL, NULL, NULL,
  };

  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  show_passphrase (self, NULL);
  set_busy (self, TRUE, _("Building, encrypting and sending the packet…"));
  cst_packet_send_email_async (self->connection, cst_request_get_id (self->request), &server,
                               address, FALSE, self->cancellable, sent_cb, g_object_ref (self));
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CstPacketDeliveryDialog) self = CST_PACKET_DELIVERY_DIALOG (user_data);
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GError) error = NULL;

  delivery = cst_packet_save_to_media_finish (CST_CONNECTION (source), result, &error);
  if (self->status_label == NULL)
    return;
  show_delivery (self, delivery, error, _("Saved, with its checksum file beside it."));
}

/**
 * cst_packet_delivery_dialog_save_to:
 *
 * Saves the packet (encrypted unless the switch is off) and its checksum
 * file into @folder, off the main loop.
 */
void
cst_packet_delivery_dialog_save_to (CstPacketDeliveryDialog *self,
                                    GFile                   *folder)
{
  g_autofree char *path = g_file_get_path (folder);

  g_return_if_fail (CST_IS_PACKET_DELIVERY_DIALOG (self));
  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  if (path == NULL)
    {
      set_busy (self, FALSE, _("Only folders on this computer or a drive attached to it can take the packet."));
      return;
    }
  show_passphrase (self, NULL);
  set_busy (self, TRUE, _("Building and saving the packet…"));
  cst_packet_save_to_media_async (self->connection, cst_request_get_id (self->request), path,
                                  !gtk_switch_get_active (self->encrypt_switch), self->cancellable,
                                  saved_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog         *chooser,
                     int                      response,
                     CstPacketDeliveryDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (folder != NULL)
        cst_packet_delivery_dialog_save_to (self, folder);
    }
  g_clear_object (&self->chooser);
}

static void
save_clicked_cb (CstPacketDeliveryDialog *self)
{
  if (self->chooser != NULL || self->busy)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save the Packet"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Save Here"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
cancel_clicked_cb (CstPacketDeliveryDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
}

gboolean
cst_packet_delivery_dialog_is_busy (CstPacketDeliveryDialog *self)
{
  return self->busy;
}

const char *
cst_packet_delivery_dialog_get_status (CstPacketDeliveryDialog *self)
{
  return gtk_label_get_label (self->status_label);
}

const char *
cst_packet_delivery_dialog_get_passphrase (CstPacketDeliveryDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->passphrase_label))
         ? gtk_label_get_label (self->passphrase_label) : NULL;
}

CstPacketDeliveryDialog *
cst_packet_delivery_dialog_new (GtkWindow     *parent,
                                CstConnection *connection,
                                CstRequest    *request)
{
  CstPacketDeliveryDialog *self = g_object_new (CST_TYPE_PACKET_DELIVERY_DIALOG,
                                                "transient-for", parent, NULL);

  self->connection = g_object_ref (connection);
  self->request = g_object_ref (request);
  return self;
}

static void
cst_packet_delivery_dialog_dispose (GObject *object)
{
  CstPacketDeliveryDialog *self = CST_PACKET_DELIVERY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* The passphrase leaves no copy in the label's memory. */
  if (self->passphrase_label != NULL)
    gtk_label_set_label (self->passphrase_label, "");
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PACKET_DELIVERY_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_packet_delivery_dialog_parent_class)->dispose (object);
}

static void
cst_packet_delivery_dialog_class_init (CstPacketDeliveryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_packet_delivery_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/custodian/Custodian/ui/cst-packet-delivery-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, encrypt_switch);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, passphrase_label);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_packet_delivery_dialog_init (CstPacketDeliveryDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE, NULL);
}
