/* test-keyring-mail.c — the mail server login's password in the keyring
 * (cst-keyring-mail.c), and the e-mail that finds it there
 *
 * Run twice: as a model test with no session bus, where saving says no
 * keyring runs and a send with a login stops before anything is built;
 * and by run-with-keyring.sh (CUSTODIAN_TEST_KEYRING=1, a private D-Bus
 * session with a real gnome-keyring) in the desktop suite, where the
 * password is kept, found, replaced and forgotten, and the packet goes
 * through a real aiosmtpd that requires the login, the password taken
 * from the keyring on the worker thread (never passed by the caller).
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-keyring.h"
#include "custodian/cst-keyring-mail.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-packet-delivery.h"

#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-records.h"
#include "cst-test-smtp.h"

static CstTestDb *db;
static gboolean with_keyring;

static void
test_save_lookup_forget (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  gboolean saved = cst_keyring_mail_save ("smtp.hospital.example", 587, "roi-desk", "first",
                                          &error);

  if (!with_keyring)
    {
      g_assert_false (saved);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "No desktop keyring"));
      g_clear_error (&error);
      g_assert_null (cst_keyring_mail_lookup ("smtp.hospital.example", 587, "roi-desk", &error));
      g_assert_nonnull (strstr (error->message, "not in the keyring"));
      return;
    }
  g_assert_no_error (error);
  g_assert_true (saved);
  g_assert_true (cst_keyring_mail_save ("smtp.hospital.example", 587, "roi-desk", "second",
                                        &error));
  found = cst_keyring_mail_lookup ("smtp.hospital.example", 587, "roi-desk", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "second");
  /* Keyed on the port and the login too. */
  g_assert_null (cst_keyring_mail_lookup ("smtp.hospital.example", 465, "roi-desk", &error));
  g_assert_nonnull (strstr (error->message, "not in the keyring"));
  g_clear_error (&error);
  g_assert_true (cst_keyring_mail_forget ("smtp.hospital.example", 587, "roi-desk", &error));
  g_assert_null (cst_keyring_mail_lookup ("smtp.hospital.example", 587, "roi-desk", &error));
  g_assert_nonnull (error);
}

/* The send looks the password up itself: found, the server takes the
 * login; not there, nothing is built again or sent. */
static void
test_send_uses_keyring (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  g_autofree char *dir = g_dir_make_tmp ("cst-keyring-mail-XXXXXX", NULL);
  g_autofree char *notes = cst_test_records_pdf (dir, "notes.pdf", 1, "Notes");
  const char *paths[] = { notes, NULL };
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "KRM-1");
  g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, "desk", "kept-in-keyring");
  CstSmtpServer server = {
    .host = "localhost", .port = smtp->port, .security = CST_SMTP_STARTTLS,
    .sender = "roi@hospital.example", .user = "desk", .password = NULL,
    .ca_file = smtp->ca_file,
  };
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL;
  g_autoptr(CstPacketDelivery) refused = NULL;
  g_autoptr(CstPacketDelivery) sent = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;

  docs = cst_packet_add_at (clerk, cst_request_get_reference (request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  /* A delivery sends the packet a second person approved (0074). */
  {
    g_autoptr(PGconn) assembler = cst_db_connect (clerk, NULL);
    g_autoptr(PGconn) reviewer = cst_test_db_connect_as (db, "custodian_clerk");

    request = cst_test_records_approve (assembler, reviewer, request, dir);
  }

  /* Nothing kept for this login: a clear error, nothing built or sent. */
  cst_packet_send_email_async (connection, cst_request_get_id (request), &server,
                               "pat@example.org", FALSE, NULL, cst_test_result_cb, &r1);
  refused = cst_packet_send_email_finish (connection, cst_test_wait_result (&r1, 60), &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, with_keyring ? "not in the keyring" : "keyring"));
  g_clear_error (&error);
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 0);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1",
                     cst_request_get_id (request)), ==, 1);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries WHERE request_id = $1",
                     cst_request_get_id (request)), ==, 0);
  if (!with_keyring)
    {
      cst_test_records_remove (dir);
      return;
    }

  g_assert_true (cst_keyring_mail_save ("localhost", smtp->port, "desk", "kept-in-keyring",
                                        &error));
  cst_packet_send_email_async (connection, cst_request_get_id (request), &server,
                               "pat@example.org", FALSE, NULL, cst_test_result_cb, &r2);
  sent = cst_packet_send_email_finish (connection, cst_test_wait_result (&r2, 60), &error);
  g_assert_no_error (error);
  g_assert_nonnull (sent);
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 1);
  {
    g_autoptr(JsonObject) got = cst_test_smtp_message (smtp, 1);

    g_assert_true (json_object_get_boolean_member (got, "authenticated"));
  }
  g_assert_true (cst_keyring_mail_forget ("localhost", smtp->port, "desk", &error));
  cst_test_records_remove (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  with_keyring = g_strcmp0 (g_getenv ("CUSTODIAN_TEST_KEYRING"), "1") == 0;
  if (!with_keyring)
    {
      /* No session bus, whatever the machine has. */
      g_autofree char *run = g_dir_make_tmp ("custodian-no-bus-XXXXXX", NULL);

      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_setenv ("XDG_RUNTIME_DIR", run, TRUE);
    }
  g_assert_cmpint (cst_keyring_is_available (), ==, with_keyring);
  g_test_add_func ("/keyring-mail/save-lookup-forget", test_save_lookup_forget);
  g_test_add_func ("/keyring-mail/send-uses-keyring", test_send_uses_keyring);
  return cst_test_db_run (&db);
}
