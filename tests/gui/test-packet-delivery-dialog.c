/* test-packet-delivery-dialog.c — the delivery dialog as the clerk: the
 * packet saved to a folder off the main loop, encrypted, with its
 * checksum file, the passphrase shown once in the dialog and gone when
 * it closes; printed (through the print operation's export) with every
 * page and recorded as printed; e-mail with no mail server in Preferences
 * says so and records nothing; e-mail through a real SMTP server started
 * by the test (aiosmtpd, STARTTLS, its certificate trusted through the
 * smtp-ca-file setting): encrypted with the passphrase shown once, and
 * unencrypted only after the warning is ticked as heard, with the
 * individual's confirmation recorded (who, how) before the copy that
 * left; the Records group's Deliver… opens it. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include <custodian/cst-packet.h>
#include <custodian/cst-packet-delivery.h>
#include <custodian/cst-db.h>

#include "cst-packet-delivery-dialog.h"
#include "cst-packet-group.h"
#include "cst-request-detail.h"
#include "cst-window.h"
#include "cst-test-gui.h"
#include "cst-test-records.h"
#include "cst-test-smtp.h"

static CstTestDb *db;

static gboolean
dialog_idle (gpointer data)
{
  return !cst_packet_delivery_dialog_is_busy (data);
}

/* A request with a 2-page record document, its packet approved. */
static CstRequest *
request_with_records (PGconn     *owner,
                      const char *clerk,
                      const char *mrn,
                      const char *dir)
{
  CstRequest *request = cst_test_db_add_request (owner, mrn);
  g_autofree char *notes = cst_test_records_pdf (dir, "notes.pdf", 2, "Notes");
  const char *paths[] = { notes, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (clerk, cst_request_get_reference (request),
                                                 paths, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 1);
  /* Built by @clerk and approved by another: a delivery sends only an
   * approved packet (0074). */
  {
    g_autoptr(PGconn) assembler = cst_db_connect (clerk, NULL);
    g_autoptr(PGconn) reviewer = cst_test_db_connect_as (db, "custodian_clerk");

    return cst_test_records_approve (assembler, reviewer, request, dir);
  }
}

static void
test_save_to_folder (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-delivery-gui-XXXXXX", NULL);
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, clerk, "PDLG-1", dir);
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  g_autoptr(GFile) folder = g_file_new_for_path (stick);
  g_autofree char *name = g_strdup_printf ("records-%s.pdf", cst_request_get_reference (request));
  g_autofree char *packet = g_build_filename (stick, name, NULL);
  g_autofree char *checksum = g_strconcat (packet, ".sha256", NULL);
  g_autofree char *passphrase = NULL;
  g_autofree char *uri = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GError) error = NULL;
  PopplerDocument *pdf;
  CstPacketDeliveryDialog *dialog;

  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  dialog = cst_packet_delivery_dialog_new (NULL, connection, request);
  gtk_window_present (GTK_WINDOW (dialog));
  cst_packet_delivery_dialog_save_to (dialog, folder);
  g_assert_true (cst_packet_delivery_dialog_is_busy (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_idle, dialog));
  g_assert_nonnull (strstr (cst_packet_delivery_dialog_get_status (dialog), "checksum"));
  passphrase = g_strdup (cst_packet_delivery_dialog_get_passphrase (dialog));
  g_assert_nonnull (passphrase);
  words = g_strsplit (passphrase, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, CST_PASSPHRASE_WORDS);
  g_assert_true (g_file_test (checksum, G_FILE_TEST_EXISTS));
  uri = g_filename_to_uri (packet, NULL, NULL);
  pdf = poppler_document_new_from_file (uri, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 3);   /* the cover letter, 2 record pages */
  g_object_unref (pdf);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries WHERE request_id = $1"
                     " AND method = 'media' AND encrypted", cst_request_get_id (request)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (dialog));
  cst_test_records_remove (stick);
  cst_test_records_remove (dir);
}

/* No mail server in Preferences: said so, nothing sent or recorded. */
static void
test_email_without_server (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-delivery-gui-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, clerk, "PDLG-2", dir);
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  CstPacketDeliveryDialog *dialog = cst_packet_delivery_dialog_new (NULL, connection, request);
  GtkWidget *send;

  gtk_window_present (GTK_WINDOW (dialog));
  send = cst_test_gui_find_button (GTK_WIDGET (dialog), "Send by E-mail");
  g_assert_nonnull (send);
  g_signal_emit_by_name (send, "clicked");
  g_assert_true (cst_packet_delivery_dialog_is_busy (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_idle, dialog));
  g_assert_nonnull (strstr (cst_packet_delivery_dialog_get_status (dialog), "No mail server"));
  g_assert_null (cst_packet_delivery_dialog_get_passphrase (dialog));
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries WHERE request_id = $1",
                     cst_request_get_id (request)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  cst_test_records_remove (dir);
}

/* On paper: printed (to a PDF here, the print dialog's own export) with
 * every page of the packet, and recorded as printed with the build's
 * hash. */
static void
test_print (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-delivery-gui-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, clerk, "PDLG-4", dir);
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  g_autofree char *printed = g_build_filename (dir, "printed.pdf", NULL);
  g_autofree char *uri = g_filename_to_uri (printed, NULL, NULL);
  g_autoptr(GError) error = NULL;
  CstPacketDeliveryDialog *dialog = cst_packet_delivery_dialog_new (NULL, connection, request);
  PopplerDocument *pdf;
  PopplerPage *page;
  char *text;

  gtk_window_present (GTK_WINDOW (dialog));
  cst_packet_delivery_dialog_print (dialog, printed);
  g_assert_true (cst_packet_delivery_dialog_is_busy (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_idle, dialog));
  g_assert_nonnull (strstr (cst_packet_delivery_dialog_get_status (dialog), "Printed"));
  g_assert_null (cst_packet_delivery_dialog_get_passphrase (dialog));
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 3);   /* the cover letter, 2 record pages */
  page = poppler_document_get_page (pdf, 2);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "page 2 of 2"));
  g_free (text);
  g_object_unref (page);
  g_object_unref (pdf);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries d JOIN record_packet_builds b"
                     " ON b.id = d.build_id AND b.sha256 = d.sha256"
                     " WHERE d.request_id = $1 AND d.method = 'print' AND NOT d.encrypted",
                     cst_request_get_id (request)), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  cst_test_records_remove (dir);
}

/* The mail server of Preferences: the test's own, no login. */
static GSettings *
settings_for (CstTestSmtp *smtp)
{
  GSettings *settings = g_settings_new (APP_ID);

  g_settings_set_string (settings, "smtp-host", "localhost");
  g_settings_set_uint (settings, "smtp-port", smtp->port);
  g_settings_set_string (settings, "smtp-security", "starttls");
  g_settings_set_string (settings, "smtp-sender", "roi@hospital.example");
  g_settings_set_string (settings, "smtp-user", "");
  g_settings_set_string (settings, "smtp-ca-file", smtp->ca_file);
  return settings;
}

static void
reset_mail_settings (GSettings *settings)
{
  const char *const keys[] = { "smtp-host", "smtp-port", "smtp-security", "smtp-sender",
                               "smtp-user", "smtp-ca-file", NULL };

  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
}

static GObject *
child (gpointer    widget,
       const char *id)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget),
                                                   CST_TYPE_PACKET_DELIVERY_DIALOG, id);

  g_assert_nonnull (object);
  return object;
}

static const char *
attachment_sha256 (CstTestSmtp *smtp,
                   guint        n)
{
  g_autoptr(JsonObject) got = cst_test_smtp_message (smtp, n);
  JsonArray *attachments = json_object_get_array_member (got, "attachments");
  static char sha256[65];

  g_assert_true (json_object_get_boolean_member (got, "tls"));
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  g_strlcpy (sha256, json_object_get_string_member (json_array_get_object_element (attachments, 0),
                                                    "sha256"), sizeof sha256);
  return sha256;
}

/* Encrypted by default, the passphrase shown once; then unencrypted, which
 * the dialog refuses until the warning is ticked as heard and sends only
 * with the confirmation recorded first. */
static void
test_email_encrypted_then_plain (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-delivery-gui-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, clerk, "PDLG-5", dir);
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, NULL, NULL);
  g_autoptr(GSettings) settings = settings_for (smtp);
  gint64 id = cst_request_get_id (request);
  CstPacketDeliveryDialog *dialog = cst_packet_delivery_dialog_new (NULL, connection, request);
  GtkWidget *send = cst_test_gui_find_button (GTK_WIDGET (dialog), "Send by E-mail");
  GtkWidget *plain_group = GTK_WIDGET (child (dialog, "plain_group"));

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "address_row")), "pat@example.org");
  g_assert_false (gtk_widget_get_visible (plain_group));
  g_signal_emit_by_name (send, "clicked");
  g_assert_true (cst_packet_delivery_dialog_is_busy (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_idle, dialog));
  g_assert_nonnull (strstr (cst_packet_delivery_dialog_get_status (dialog), "Sent"));
  g_assert_nonnull (cst_packet_delivery_dialog_get_passphrase (dialog));
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 1);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries WHERE request_id = $1"
                     " AND method = 'email' AND encrypted AND passphrase_given", id), ==, 1);
  {
    const char *params[] = { attachment_sha256 (smtp, 1) };
    g_autofree char *request_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *both[] = { request_id, params[0] };

    g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM packet_deliveries"
                                      " WHERE request_id = $1 AND sha256 = $2", 2, both), ==, 1);
  }

  /* Unencrypted: the warning appears; not ticked, nothing happens. */
  gtk_switch_set_active (GTK_SWITCH (child (dialog, "email_encrypt_switch")), FALSE);
  g_assert_true (gtk_widget_get_visible (plain_group));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (plain_group)),
                            cst_packet_plain_email_warning ()));
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "confirmed_by_row")), "Pat Example");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (dialog, "confirmed_how_row")), 1);
  g_signal_emit_by_name (send, "clicked");
  g_assert_false (cst_packet_delivery_dialog_is_busy (dialog));
  g_assert_nonnull (strstr (cst_packet_delivery_dialog_get_status (dialog), "Not sent"));
  g_assert_null (cst_packet_delivery_dialog_get_passphrase (dialog));
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 1);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM plain_email_confirmations WHERE request_id = $1", id),
                   ==, 0);

  /* Ticked: the confirmation is recorded, then the plain copy sent. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (dialog, "heard_check")), TRUE);
  g_signal_emit_by_name (send, "clicked");
  g_assert_true (cst_packet_delivery_dialog_is_busy (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_idle, dialog));
  g_assert_nonnull (strstr (cst_packet_delivery_dialog_get_status (dialog), "Sent"));
  g_assert_null (cst_packet_delivery_dialog_get_passphrase (dialog));
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 2);
  {
    g_autofree char *request_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *params[] = { request_id, attachment_sha256 (smtp, 2), PQuser (owner) };

    g_assert_cmpint (cst_test_db_int (owner,
      "SELECT count(*) FROM packet_deliveries d JOIN plain_email_confirmations c"
      "    ON c.id = d.confirmation_id"
      " WHERE d.request_id = $1 AND d.sha256 = $2 AND d.method = 'email_plain'"
      "   AND NOT d.encrypted AND NOT d.passphrase_given AND d.recipient = 'pat@example.org'"
      "   AND c.confirmed_by = 'Pat Example' AND c.confirmed_how = 'in_person'"
      "   AND c.recorded_by = d.delivered_by AND c.recorded_by <> $3", 3, params), ==, 1);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
  reset_mail_settings (settings);
  cst_test_records_remove (dir);
}

static guint wanted_documents;

static gboolean
group_lists_wanted (gpointer data)
{
  return cst_packet_group_get_n_documents (data) == wanted_documents;
}

static CstPacketDeliveryDialog *
open_delivery_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CST_IS_PACKET_DELIVERY_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return CST_PACKET_DELIVERY_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_opened (gpointer data)
{
  return open_delivery_dialog () != NULL;
}

/* The request view's Records group opens the dialog once the request has
 * records. */
static void
test_reached_from_request_view (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-delivery-gui-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, clerk, "PDLG-3", dir);
  g_autoptr(CstRequestStore) store = NULL;
  CstWindow *window = cst_test_gui_open_window (clerk, &store);
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (window));
  CstPacketGroup *group = CST_PACKET_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (detail),
                                                                          CST_TYPE_PACKET_GROUP));
  GtkWidget *deliver;

  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled,
                                          cst_window_get_list_page (window)));
  g_assert_true (cst_window_open_request (window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));
  wanted_documents = 1;
  g_assert_true (cst_test_gui_wait_until (group_lists_wanted, group));
  deliver = cst_test_gui_find_button (GTK_WIDGET (group), "_Deliver…");
  g_assert_nonnull (deliver);
  g_assert_true (gtk_widget_get_sensitive (deliver));
  g_signal_emit_by_name (deliver, "clicked");
  g_assert_true (cst_test_gui_wait_until (dialog_opened, NULL));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (open_delivery_dialog ())) ==
                 GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (open_delivery_dialog ()));
  gtk_window_destroy (GTK_WINDOW (window));
  cst_test_records_remove (dir);
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  g_test_add_func ("/packet-delivery-dialog/save-to-folder", test_save_to_folder);
  g_test_add_func ("/packet-delivery-dialog/email-without-server", test_email_without_server);
  g_test_add_func ("/packet-delivery-dialog/print", test_print);
  g_test_add_func ("/packet-delivery-dialog/email-encrypted-then-plain",
                   test_email_encrypted_then_plain);
  g_test_add_func ("/packet-delivery-dialog/reached-from-request-view",
                   test_reached_from_request_view);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
