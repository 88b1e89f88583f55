/* cst-packet-delivery-dialog.c — sending a request's packet
 *
 * Reached from the request view's Records group.  By e-mail: the packet
 * approved or released (kept with its build, 0074; never built again) is
 * encrypted and sent through the mail server of Preferences
 * (its login's password from the keyring, looked up on the worker
 * thread) by cst_packet_send_email_async(); on removable media: written
 * into the folder chosen, with its checksum file, by
 * cst_packet_save_to_media_async().  Both run off the main loop with a
 * spinner, a status line screen readers announce, and Cancel.  The
 * passphrase of an encrypted copy is shown here once, selectable, and
 * wiped when the dialog goes; the database never sees it.  On paper: the
 * kept packet is written into a private temporary directory
 * (cst_packet_kept_write_async), printed by GtkPrintOperation with Poppler
 * drawing each page (the print dialog picks the pages and two-sided
 * printing, long edge by default), recorded as printed once the pages
 * went to the printer, and removed.  Unencrypted e-mail: with "Send
 * encrypted" off, the plain-language warning is shown to read to the
 * individual, with who confirmed and how; Send is refused until the clerk
 * ticks that they heard it and still insist, and then
 * cst_packet_send_plain_email_async() records the confirmation before it
 * builds and sends the unencrypted copy (45 CFR 164.524(c)(2)(ii)).
 */
#define G_LOG_DOMAIN "cst-packet-delivery"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include "cst-packet-delivery-dialog.h"
#include "cst-dispose.h"

#include <custodian/cst-packet-delivery.h>
#include <custodian/cst-packet-kept.h>
#include <custodian/cst-packet-smtp.h>
#include <custodian/cst-settings.h>

struct _CstPacketDeliveryDialog
{
  AdwWindow             parent_instance;

  AdwEntryRow          *address_row;
  GtkSwitch            *email_encrypt_switch;
  AdwPreferencesGroup  *plain_group;
  AdwEntryRow          *confirmed_by_row;
  AdwComboRow          *confirmed_how_row;
  GtkCheckButton       *heard_check;
  GtkButton            *send_button;
  GtkSwitch            *encrypt_switch;
  GtkButton            *save_button;
  GtkButton            *print_button;
  GtkSpinner           *spinner;
  GtkLabel             *status_label;
  GtkButton            *cancel_button;
  GtkLabel             *passphrase_label;

  CstConnection        *connection;
  CstRequest           *request;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  gboolean              busy;
  char                 *export_to;      /* print to this PDF, no dialog (tests) */
  char                 *print_dir;      /* the packet built for printing */
  CstPacketBuild       *print_build;
  PopplerDocument      *print_document;
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
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), !busy);
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

/* The mail server of Preferences; the password is looked up in the
 * keyring on the worker thread. */
static void
read_server (CstSmtpServer *server,
             GStrv         *strings)
{
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  const char *const keys[] = { "smtp-host", "smtp-sender", "smtp-user", "smtp-security",
                               "smtp-ca-file", NULL };
  GStrv s = g_new0 (char *, G_N_ELEMENTS (keys));

  for (guint i = 0; keys[i]; i++)
    s[i] = settings ? g_settings_get_string (settings, keys[i]) : g_strdup ("");
  *strings = s;
  *server = (CstSmtpServer) {
    s[0], settings ? g_settings_get_uint (settings, "smtp-port") : 587,
    g_str_equal (s[3], "tls") ? CST_SMTP_TLS : CST_SMTP_STARTTLS,
    s[1], s[2], NULL, *s[4] != '\0' ? s[4] : NULL, NULL,
  };
}

static const CstConfirmedHow confirmed_hows[] = {
  CST_CONFIRMED_BY_PHONE, CST_CONFIRMED_IN_PERSON, CST_CONFIRMED_IN_WRITING,
};

static void
send_clicked_cb (CstPacketDeliveryDialog *self)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  gboolean plain = !gtk_switch_get_active (self->email_encrypt_switch);
  g_auto(GStrv) strings = NULL;
  CstSmtpServer server;
  guint how = adw_combo_row_get_selected (self->confirmed_how_row);

  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  show_passphrase (self, NULL);
  if (plain && !gtk_check_button_get_active (self->heard_check))
    {
      set_busy (self, FALSE, _("Not sent. Read the warning to the individual and tick that they "
                               "heard it and still want unencrypted e-mail, or send it encrypted."));
      return;
    }
  read_server (&server, &strings);
  if (!plain)
    {
      set_busy (self, TRUE, _("Building, encrypting and sending the packet…"));
      cst_packet_send_email_async (self->connection, cst_request_get_id (self->request), &server,
                                   address, FALSE, self->cancellable, sent_cb, g_object_ref (self));
      return;
    }
  set_busy (self, TRUE, _("Recording the confirmation, then sending the packet unencrypted…"));
  cst_packet_send_plain_email_async (self->connection, cst_request_get_id (self->request), &server,
                                     address,
                                     gtk_editable_get_text (GTK_EDITABLE (self->confirmed_by_row)),
                                     confirmed_hows[MIN (how, G_N_ELEMENTS (confirmed_hows) - 1)],
                                     self->cancellable, sent_cb, g_object_ref (self));
}

/* The warning and the confirmation only when the individual asks for
 * unencrypted e-mail; the tick is asked again each time. */
static void
email_encrypt_toggled_cb (CstPacketDeliveryDialog *self)
{
  gboolean plain = !gtk_switch_get_active (self->email_encrypt_switch);

  gtk_check_button_set_active (self->heard_check, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->plain_group), plain);
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

/* ---- on paper ------------------------------------------------------------- */

static void
forget_print (CstPacketDeliveryDialog *self)
{
  g_clear_object (&self->print_document);
  g_clear_pointer (&self->print_build, cst_packet_build_free);
  if (self->print_dir != NULL)
    {
      g_autofree char *path = g_build_filename (self->print_dir, "packet.pdf", NULL);

      g_unlink (path);
      g_rmdir (self->print_dir);
      g_clear_pointer (&self->print_dir, g_free);
    }
}

static void
printed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CstPacketDeliveryDialog) self = CST_PACKET_DELIVERY_DIALOG (user_data);
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GError) error = NULL;

  delivery = cst_packet_record_printed_finish (CST_CONNECTION (source), result, &error);
  if (self->status_label == NULL)
    return;
  show_delivery (self, delivery, error, _("Printed, and recorded as delivered on paper."));
}

static void
draw_page_cb (GtkPrintOperation       *operation,
              GtkPrintContext         *context,
              int                      page_nr,
              CstPacketDeliveryDialog *self)
{
  /* poppler-glib 22.12 declares no autoptr cleanup. */
  PopplerPage *page = poppler_document_get_page (self->print_document, page_nr);
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width, height, scale;

  if (page == NULL)
    return;
  poppler_page_get_size (page, &width, &height);
  /* Fit the page (its stamp strip too) to the printable area, never
   * cropping: a record page prints whole. */
  scale = MIN (gtk_print_context_get_width (context) / width,
               gtk_print_context_get_height (context) / height);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  g_object_unref (page);
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               CstPacketDeliveryDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    {
      set_busy (self, TRUE, _("Recording the printed copy…"));
      cst_packet_record_printed_async (self->connection, cst_request_get_id (self->request),
                                       self->print_build, self->cancellable, printed_cb,
                                       g_object_ref (self));
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      set_busy (self, FALSE, error ? error->message : _("The packet could not be printed."));
    }
  else
    set_busy (self, FALSE, _("Not printed. Nothing was recorded as delivered."));
  forget_print (self);
}

static void
run_print (CstPacketDeliveryDialog *self)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  g_autoptr(GError) error = NULL;

  /* Two-sided along the long edge unless the clerk chooses otherwise. */
  gtk_print_settings_set_duplex (settings, GTK_PRINT_DUPLEX_HORIZONTAL);
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_n_pages (operation, poppler_document_get_n_pages (self->print_document));
  gtk_print_operation_set_job_name (operation, cst_request_get_reference (self->request));
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);
  g_signal_connect (operation, "done", G_CALLBACK (print_done_cb), self);
  if (self->export_to != NULL)
    gtk_print_operation_set_export_filename (operation, self->export_to);
  set_busy (self, TRUE, _("Printing…"));
  /* Synchronous run: "done" is emitted before it returns, for every result. */
  gtk_print_operation_run (operation, self->export_to ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                       : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                           GTK_WINDOW (self), &error);
}

static void
built_for_print_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CstPacketDeliveryDialog) self = CST_PACKET_DELIVERY_DIALOG (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  self->print_build = cst_packet_kept_write_finish (CST_CONNECTION (source), result, &error);
  if (self->status_label == NULL)
    {
      forget_print (self);
      return;
    }
  if (self->print_build == NULL)
    {
      forget_print (self);
      show_delivery (self, NULL, error, NULL);
      return;
    }
  path = g_build_filename (self->print_dir, "packet.pdf", NULL);
  uri = g_filename_to_uri (path, NULL, NULL);
  if (!(self->print_document = poppler_document_new_from_file (uri, NULL, &error)))
    {
      forget_print (self);
      set_busy (self, FALSE, error->message);
      return;
    }
  run_print (self);
}

void
cst_packet_delivery_dialog_print (CstPacketDeliveryDialog *self,
                                  const char              *export_to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CST_IS_PACKET_DELIVERY_DIALOG (self));
  if (self->busy || self->connection == NULL || self->request == NULL)
    return;
  g_free (self->export_to);
  self->export_to = g_strdup (export_to);
  if (!(self->print_dir = g_dir_make_tmp ("custodian-print-XXXXXX", &error)))
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  path = g_build_filename (self->print_dir, "packet.pdf", NULL);
  show_passphrase (self, NULL);
  set_busy (self, TRUE, _("Getting the approved packet to print…"));
  cst_packet_kept_write_async (self->connection, cst_request_get_id (self->request), path,
                               self->cancellable, built_for_print_cb, g_object_ref (self));
}

static void
print_clicked_cb (CstPacketDeliveryDialog *self)
{
  cst_packet_delivery_dialog_print (self, NULL);
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

  cst_dispose_cancel (&self->cancellable);
  cst_dispose_chooser (&self->chooser);
  /* The passphrase leaves no copy in the label's memory. */
  if (self->passphrase_label != NULL)
    gtk_label_set_label (self->passphrase_label, "");
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PACKET_DELIVERY_DIALOG);
  g_clear_object (&self->connection);
  g_clear_object (&self->request);
  g_clear_pointer (&self->export_to, g_free);
  forget_print (self);
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
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, email_encrypt_switch);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, plain_group);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, confirmed_by_row);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, confirmed_how_row);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, heard_check);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, encrypt_switch);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, print_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketDeliveryDialog, passphrase_label);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, email_encrypt_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_packet_delivery_dialog_init (CstPacketDeliveryDialog *self)
{
  g_autofree char *warning = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  warning = g_strdup_printf (_("Read this warning to the individual: “%s” Send unencrypted only "
                               "if they still ask for it; their confirmation is recorded first."),
                             cst_packet_plain_email_warning ());
  adw_preferences_group_set_description (self->plain_group, warning);
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE, NULL);
}
