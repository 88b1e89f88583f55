/* test-packet-delivery.c — the packet leaves, as the clerk: `custodian-cli
 * packet build --encrypt` writes an AES-256 packet and prints its
 * passphrase (its only copy: nowhere in the database); the packet goes
 * by e-mail through a real SMTP server started by the test (aiosmtpd,
 * STARTTLS, a login) and is read back there, its attachment's hash
 * compared; a refusing or unreachable server records nothing; the
 * delivery proof
 * (0070) records the method, the hash of the file that left and that a
 * passphrase was given, refuses a plain e-mail without the individual's
 * confirmation, and only the desk and administrators record it. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-packet-delivery.h"

#include "cst-test-async.h"
#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"
#include "cst-test-smtp.h"
#include "cst-packet-delivery-private.h"

static CstTestDb *db;
static char *desk;   /* a clerk's login: the desk sends the packet */

/* A request with two record documents, three pages. */
static CstRequest *
request_with_records (PGconn     *owner,
                      const char *mrn,
                      const char *dir)
{
  CstRequest *request = cst_test_db_add_request (owner, mrn);
  g_autofree char *discharge = cst_test_records_pdf (dir, "discharge.pdf", 2, "Discharge");
  g_autofree char *labs = cst_test_records_pdf (dir, "labs.pdf", 1, "Labs");
  const char *paths[] = { discharge, labs, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (request),
                                                 paths, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 2);
  return request;
}

/* request_with_records(), its packet built by the desk and approved by
 * another clerk: what a delivery sends. */
static CstRequest *
approved_request_with_records (PGconn     *owner,
                               const char *mrn,
                               const char *dir)
{
  g_autoptr(PGconn) assembler = cst_db_connect (desk, NULL);
  g_autoptr(PGconn) reviewer = cst_test_db_connect_as (db, "custodian_clerk");

  return cst_test_records_approve (assembler, reviewer, request_with_records (owner, mrn, dir),
                                   dir);
}

/* The id of the request's last build. */
static gint64
last_build_of (PGconn *owner,
               gint64  request_id)
{
  return cst_test_db_int_for_id (owner,
    "SELECT max(id) FROM record_packet_builds WHERE request_id = $1", request_id);
}

/* No row the database holds — the audit log copies every row written —
 * has @secret in it. */
static void
assert_nowhere_in_database (PGconn     *owner,
                            const char *secret)
{
  const char *params[] = { secret };

  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM audit_log a WHERE strpos(a::text, $1) > 0", 1, params), ==, 0);
  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT (SELECT count(*) FROM record_packet_builds b WHERE strpos(b::text, $1) > 0)"
    " + (SELECT count(*) FROM packet_deliveries d WHERE strpos(d::text, $1) > 0)",
    1, params), ==, 0);
}

static void
test_cli_encrypt (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PDLV-1", dir);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *passphrase = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) locked = NULL;
  g_autoptr(PopplerDocument) open = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request", reference,
                                     "--output", packet, "--encrypt", NULL), ==, 0);
  /* Standard output is the passphrase alone: six words. */
  g_assert_true (g_str_has_suffix (out, "\n"));
  passphrase = g_strndup (out, strlen (out) - 1);
  g_assert_null (strchr (passphrase, '\n'));
  words = g_strsplit (passphrase, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, CST_PASSPHRASE_WORDS);
  sha = cst_test_file_sha256 (packet);
  g_assert_nonnull (strstr (err, sha));
  g_assert_nonnull (strstr (err, "AES-256"));
  /* The cover letter, then the three record pages. */
  g_assert_nonnull (strstr (err, "4 pages"));

  locked = cst_test_pdf_open_with_password (packet, NULL, &error);
  g_assert_error (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
  g_clear_error (&error);
  open = cst_test_pdf_open_with_password (packet, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (open), ==, 4);
  text = cst_test_pdf_page_text (open, 3);
  g_assert_nonnull (strstr (text, "Labs page 1"));
  g_assert_nonnull (strstr (text, "page 3 of 3"));

  /* The build is recorded (of the plain packet); the passphrase is not
   * kept anywhere, and no plain copy is left beside the packet. */
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1",
                     cst_request_get_id (request)), ==, 1);
  assert_nowhere_in_database (owner, passphrase);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    guint pdfs = 0;

    while ((name = g_dir_read_name (d)) != NULL)
      pdfs += g_str_has_prefix (name, "packet");
    g_assert_cmpuint (pdfs, ==, 1);
  }

  /* --json describes a plain packet: refused with --encrypt. */
  {
    g_autofree char *out2 = NULL, *err2 = NULL;
    g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);

    g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "build", "--request",
                                       reference, "--output", packet, "--encrypt", "--json",
                                       summary, NULL), !=, 0);
    g_assert_false (g_file_test (summary, G_FILE_TEST_EXISTS));
  }
  cst_test_records_remove (dir);
}

static int
run_quiet (const char *cwd,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = -1;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* The copy on the media: the encrypted packet and its checksum file,
 * which sha256sum -c accepts; the delivery recorded with that hash, a
 * passphrase given and not kept, and audited. */
static void
test_media_encrypted (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-2", dir);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *name = g_strdup_printf ("records-%s.pdf", reference);
  g_autofree char *packet = g_build_filename (stick, name, NULL);
  g_autofree char *checksum = g_strconcat (packet, ".sha256", NULL);
  g_autofree char *sums = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) open = NULL;
  CstPacketDelivery *row;

  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  delivery = cst_packet_save_to_media (clerk, cst_request_get_id (request), stick, FALSE,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (delivery->passphrase);
  sha = cst_test_file_sha256 (packet);
  g_assert_cmpstr (delivery->sha256, ==, sha);
  g_assert_true (g_file_get_contents (checksum, &sums, NULL, NULL));
  expected = g_strdup_printf ("%s  %s\n", sha, name);
  g_assert_cmpstr (sums, ==, expected);
  g_assert_cmpint (run_quiet (stick, "sha256sum", "-c", checksum, NULL), ==, 0);
  open = cst_test_pdf_open_with_password (packet, delivery->passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (open), ==, 4);   /* the cover letter, 3 record pages */

  listed = cst_packet_delivery_list (clerk, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  row = g_ptr_array_index (listed, 0);
  g_assert_cmpint (row->method, ==, CST_PACKET_DELIVERY_MEDIA);
  g_assert_cmpstr (row->sha256, ==, sha);
  g_assert_true (row->encrypted);
  g_assert_true (row->passphrase_given);
  g_assert_null (row->passphrase);
  g_assert_null (row->recipient);
  g_assert_cmpint (row->build_id, ==, cst_test_db_int_for_id (owner,
                     "SELECT max(id) FROM record_packet_builds WHERE request_id = $1",
                     cst_request_get_id (request)));
  g_assert_cmpstr (row->delivered_by, ==, PQuser (clerk));
  assert_nowhere_in_database (owner, delivery->passphrase);

  /* A folder that cannot take the copy: a clear error, nothing recorded. */
  {
    g_autofree char *gone = g_build_filename (dir, "no-such-stick", NULL);
    g_autoptr(CstPacketDelivery) failed = cst_packet_save_to_media (clerk,
      cst_request_get_id (request), gone, FALSE, NULL, &error);

    g_assert_null (failed);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "no-such-stick"));
    g_clear_error (&error);
    g_assert_cmpint (cst_test_db_int_for_id (owner,
                       "SELECT count(*) FROM packet_deliveries WHERE request_id = $1",
                       cst_request_get_id (request)), ==, 1);
  }
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM audit_log WHERE table_name = 'packet_deliveries'"
                     " AND action = 'INSERT' AND (new_row ->> 'request_id')::bigint = $1",
                     cst_request_get_id (request)), ==, 1);
  cst_test_records_remove (stick);
  cst_test_records_remove (dir);
}

/* An auditor may read deliveries but neither build nor record one. */
static void
test_auditor_cannot_deliver (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-3", dir);
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  delivery = cst_packet_save_to_media (auditor, cst_request_get_id (request), dir, TRUE,
                                       NULL, &error);
  g_assert_null (delivery);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  listed = cst_packet_delivery_list (auditor, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 0);
  cst_test_records_remove (dir);
}

/* Records a delivery through record_packet_delivery() as @conn's login. */
static gboolean
record (PGconn      *conn,
        gint64       request_id,
        gint64       build_id,
        const char  *method,
        gboolean     encrypted,
        const char  *recipient,
        gint64       confirmation_id,
        GError     **error)
{
  g_autofree char *request = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  g_autofree char *build = g_strdup_printf ("%" G_GINT64_FORMAT, build_id);
  g_autofree char *confirmation = confirmation_id
    ? g_strdup_printf ("%" G_GINT64_FORMAT, confirmation_id) : NULL;
  const char *params[] = {
    request, build, method, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    encrypted ? "true" : "false", encrypted ? "true" : "false", recipient,
    recipient ? "250 2.0.0 Ok: queued as TEST1" : NULL, confirmation,
  };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT record_packet_delivery($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, params, error);

  return res != NULL;
}

/* Plain e-mail: refused by the database without the individual's
 * confirmation for that address, even to the owner writing the table;
 * recorded with it. */
static void
test_plain_email_needs_confirmation (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-4", dir);
  gint64 id = cst_request_get_id (request);
  CstPacketBuild approved = { .id = last_build_of (owner, id) };
  CstPacketBuild *build = &approved;
  g_autoptr(GError) error = NULL;
  gint64 other, confirmation;

  g_assert_false (record (clerk, id, build->id, "email_plain", FALSE, "pat@example.org", 0, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* The model refuses before anything is built or sent. */
  g_assert_cmpint (cst_packet_plain_email_confirmation (clerk, id, "pat@example.org", &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "confirmation"));
  g_clear_error (&error);

  /* A confirmation for another address does not count. */
  other = cst_packet_plain_email_confirm (clerk, id, "someone@example.org", "Pat Doe",
                                          CST_CONFIRMED_BY_PHONE, &error);
  g_assert_no_error (error);
  g_assert_false (record (clerk, id, build->id, "email_plain", FALSE, "pat@example.org", other,
                          &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* Nor does the owner writing the table directly. */
  {
    g_autofree char *request_param = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    g_autofree char *build_param = g_strdup_printf ("%" G_GINT64_FORMAT, build->id);
    const char *params[] = { request_param, build_param };
    g_autoptr(PGresult) res = PQexecParams (owner,
      "INSERT INTO packet_deliveries (request_id, build_id, method, sha256, encrypted,"
      " passphrase_given, recipient, server_reply)"
      " VALUES ($1, $2, 'email_plain', repeat('a', 64), false, false, 'pat@example.org', '250 ok')",
      2, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  }
  /* An encrypted e-mail without a passphrase cannot be recorded either. */
  {
    g_autofree char *request_param = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    g_autofree char *build_param = g_strdup_printf ("%" G_GINT64_FORMAT, build->id);
    const char *params[] = { request_param, build_param };
    g_autoptr(PGresult) res = PQexecParams (clerk,
      "SELECT record_packet_delivery($1, $2, 'email', repeat('a', 64), true, false,"
      " 'pat@example.org', '250 ok', NULL)", 2, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  }
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries WHERE request_id = $1", id), ==, 0);

  /* With the individual's confirmation for the address: recorded. */
  confirmation = cst_packet_plain_email_confirm (clerk, id, "Pat@Example.org", "Pat Doe",
                                                 CST_CONFIRMED_IN_PERSON, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_packet_plain_email_confirmation (clerk, id, "pat@example.org", &error),
                   ==, confirmation);
  g_assert_true (record (clerk, id, build->id, "email_plain", FALSE, "pat@example.org",
                         confirmation, &error));
  g_assert_no_error (error);
  {
    g_autofree char *confirmation_param = g_strdup_printf ("%" G_GINT64_FORMAT, confirmation);
    const char *params[] = { confirmation_param };
    g_autoptr(PGresult) res = PQexecParams (owner,
      "SELECT confirmed_by, confirmed_how, warning, recorded_by = current_user"
      " FROM plain_email_confirmations WHERE id = $1", 1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "Pat Doe");
    g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "in_person");
    g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, cst_packet_plain_email_warning ());
    /* Recorded as the clerk's login, not the owner's. */
    g_assert_cmpstr (PQgetvalue (res, 0, 3), ==, "f");
  }
  /* Nobody changes the proof afterwards, not even the owner. */
  {
    g_autofree char *request_param = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *params[] = { request_param };
    g_autoptr(PGresult) res = PQexecParams (owner,
      "UPDATE packet_deliveries SET recipient = 'x@example.org' WHERE request_id = $1",
      1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  }
  cst_test_records_remove (dir);
}

static CstSmtpServer
mail_server (CstTestSmtp *smtp)
{
  CstSmtpServer server = {
    .host = "localhost", .port = smtp->port, .security = CST_SMTP_STARTTLS,
    .sender = "roi@hospital.example", .user = "desk", .password = "s3cret-login",
    .ca_file = smtp->ca_file, .facility = "St. Example General",
  };

  return server;
}

static gint64
deliveries_of (PGconn *owner,
               gint64  request_id)
{
  return cst_test_db_int_for_id (owner,
    "SELECT count(*) FROM packet_deliveries WHERE request_id = $1", request_id);
}

/* The encrypted packet reaches the mail server over STARTTLS with the
 * login, as an attachment whose hash is the delivered file's; the
 * message carries no patient information and no passphrase; the proof
 * holds the server's queue id. */
static void
test_email_encrypted (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-MRN-5", dir);
  const char *reference = cst_request_get_reference (request);
  g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, "desk", "s3cret-login");
  CstSmtpServer server = mail_server (smtp);
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) got = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *name = g_strdup_printf ("records-%s.pdf", reference);
  JsonArray *attachments;
  JsonObject *attachment;
  const char *body;
  CstPacketDelivery *row;

  delivery = cst_packet_send_email (clerk, cst_request_get_id (request), &server,
                                    "pat@example.org", FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (delivery);
  g_assert_nonnull (delivery->passphrase);
  g_assert_nonnull (strstr (delivery->server_reply, "queued as TQ0001"));

  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 1);
  got = cst_test_smtp_message (smtp, 1);
  g_assert_true (json_object_get_boolean_member (got, "tls"));
  g_assert_true (json_object_get_boolean_member (got, "authenticated"));
  g_assert_true (json_object_get_boolean_member (got, "date_valid"));
  g_assert_cmpstr (json_object_get_string_member (got, "mail_from"), ==, "roi@hospital.example");
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (got, "rcpt_tos"), 0), ==, "pat@example.org");
  attachments = json_object_get_array_member (got, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==,
                   "application/pdf");
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, delivery->sha256);
  body = json_object_get_string_member (got, "body");
  g_assert_nonnull (strstr (body, reference));
  g_assert_nonnull (strstr (body, "St. Example General"));
  g_assert_nonnull (strstr (body, "passphrase"));
  /* Nothing about the patient, and not the passphrase, in the message. */
  raw = cst_test_smtp_raw (smtp, 1);
  g_assert_null (strstr (raw, "PDLV-MRN-5"));
  g_assert_null (strstr (raw, delivery->passphrase));
  {
    const char *fields[] = { "subject", "from", "to", "body" };
    const char *patient[] = { "José", "Núñez", "1961", "PDLV-MRN-5", delivery->passphrase };

    for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
      for (guint p = 0; p < G_N_ELEMENTS (patient); p++)
        g_assert_null (strstr (json_object_get_string_member (got, fields[f]), patient[p]));
  }

  listed = cst_packet_delivery_list (clerk, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  row = g_ptr_array_index (listed, 0);
  g_assert_cmpint (row->method, ==, CST_PACKET_DELIVERY_EMAIL);
  g_assert_cmpstr (row->sha256, ==, delivery->sha256);
  g_assert_true (row->encrypted);
  g_assert_true (row->passphrase_given);
  g_assert_cmpstr (row->recipient, ==, "pat@example.org");
  g_assert_cmpstr (row->server_reply, ==, delivery->server_reply);
  g_assert_cmpstr (row->delivered_by, ==, PQuser (clerk));
  assert_nowhere_in_database (owner, delivery->passphrase);
  cst_test_records_remove (dir);
}

/* A server that refuses the recipient, or the wrong login, or none at
 * all: a clear message, nothing recorded as delivered. */
static void
test_email_refused_or_unreachable (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-6", dir);
  gint64 id = cst_request_get_id (request);
  g_autoptr(GError) error = NULL;
  guint closed_port;

  {
    g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (TRUE, NULL, NULL);
    CstSmtpServer server = mail_server (smtp);
    g_autoptr(CstPacketDelivery) delivery = NULL;

    server.user = NULL;
    delivery = cst_packet_send_email (clerk, id, &server, "pat@example.org", FALSE, NULL, &error);
    g_assert_null (delivery);
    g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
    g_assert_nonnull (strstr (error->message, "refused the message"));
    g_assert_nonnull (strstr (error->message, "550"));
    g_assert_nonnull (strstr (error->message, "Nothing was recorded as delivered"));
    g_clear_error (&error);
    g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 0);
  }
  {
    g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, "desk", "s3cret-login");
    CstSmtpServer server = mail_server (smtp);
    g_autoptr(CstPacketDelivery) delivery = NULL;

    server.password = "wrong";
    delivery = cst_packet_send_email (clerk, id, &server, "pat@example.org", FALSE, NULL, &error);
    g_assert_null (delivery);
    g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
    g_assert_nonnull (strstr (error->message, "refused the login"));
    g_clear_error (&error);
    g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 0);
    closed_port = smtp->port;
  }
  {
    /* The last server has stopped: nothing listens on its port. */
    CstSmtpServer server = {
      .host = "localhost", .port = closed_port, .security = CST_SMTP_STARTTLS,
      .sender = "roi@hospital.example",
    };
    g_autoptr(CstPacketDelivery) delivery = cst_packet_send_email (clerk, id, &server,
      "pat@example.org", FALSE, NULL, &error);

    g_assert_null (delivery);
    g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
    g_assert_nonnull (strstr (error->message, "could not be reached"));
    g_clear_error (&error);
  }
  g_assert_cmpint (deliveries_of (owner, id), ==, 0);
  cst_test_records_remove (dir);
}

/* Plain e-mail: without the confirmation nothing is sent; with it, the
 * unencrypted approved packet (the build's own hash) arrives and the proof
 * names the confirmation. */
static void
test_email_plain (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-7", dir);
  gint64 id = cst_request_get_id (request);
  g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, "desk", "s3cret-login");
  CstSmtpServer server = mail_server (smtp);
  g_autoptr(CstPacketDelivery) refused = NULL;
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) got = NULL;
  JsonObject *attachment;
  gint64 confirmation;

  refused = cst_packet_send_email (clerk, id, &server, "pat@example.org", TRUE, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "confirmation"));
  g_clear_error (&error);
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 0);
  /* Only the approved build: nothing built to send. */
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1", id), ==, 1);

  confirmation = cst_packet_plain_email_confirm (clerk, id, "pat@example.org", "José Núñez",
                                                 CST_CONFIRMED_BY_PHONE, &error);
  g_assert_no_error (error);
  delivery = cst_packet_send_email (clerk, id, &server, "pat@example.org", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (delivery->passphrase);
  g_assert_false (delivery->encrypted);
  g_assert_cmpint (delivery->method, ==, CST_PACKET_DELIVERY_EMAIL_PLAIN);
  g_assert_cmpint (delivery->confirmation_id, ==, confirmation);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries d JOIN record_packet_builds b"
                     " ON b.id = d.build_id AND b.sha256 = d.sha256"
                     " WHERE d.request_id = $1 AND d.method = 'email_plain'", id), ==, 1);
  got = cst_test_smtp_message (smtp, 1);
  attachment = json_array_get_object_element (json_object_get_array_member (got, "attachments"), 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, delivery->sha256);
  g_assert_nonnull (strstr (json_object_get_string_member (got, "body"), "not encrypted"));
  cst_test_records_remove (dir);
}

/* custodian-cli packet send: encrypted (the passphrase alone on standard
 * output), then plain with the confirmation recorded from the command
 * line, then an unreachable server (exit 1, nothing recorded). */
static void
test_cli_send (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-8", dir);
  const char *reference = cst_request_get_reference (request);
  gint64 id = cst_request_get_id (request);
  g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, NULL, NULL);
  g_autofree char *port = g_strdup_printf ("%u", smtp->port);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  JsonObject *attachment;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "send", "--request", reference,
                                     "--email", "pat@example.org", "--smtp-host", "localhost",
                                     "--smtp-port", port, "--smtp-sender", "roi@hospital.example",
                                     "--smtp-ca-file", smtp->ca_file, NULL), ==, 0);
  g_strchomp (out);
  words = g_strsplit (out, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, CST_PASSPHRASE_WORDS);
  g_assert_nonnull (strstr (err, "queued as TQ0001"));
  first = cst_test_smtp_message (smtp, 1);
  attachment = json_array_get_object_element (json_object_get_array_member (first, "attachments"), 0);
  {
    const char *params[] = { json_object_get_string_member (attachment, "sha256") };

    g_assert_cmpint (cst_test_db_int (owner,
      "SELECT count(*) FROM packet_deliveries WHERE sha256 = $1 AND method = 'email'"
      " AND passphrase_given AND server_reply LIKE '%TQ0001'", 1, params), ==, 1);
  }
  assert_nowhere_in_database (owner, out);

  g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "send", "--request", reference,
                                     "--email", "pat@example.org", "--smtp-host", "localhost",
                                     "--smtp-port", port, "--smtp-sender", "roi@hospital.example",
                                     "--smtp-ca-file", smtp->ca_file,
                                     "--plain-confirmed-by", "José Núñez",
                                     "--confirmed-how", "in_writing", NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "");
  g_assert_nonnull (strstr (err2, "not secure"));
  second = cst_test_smtp_message (smtp, 2);
  g_assert_nonnull (strstr (json_object_get_string_member (second, "body"), "not encrypted"));
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM packet_deliveries d JOIN plain_email_confirmations c"
                     " ON c.id = d.confirmation_id WHERE d.request_id = $1"
                     " AND d.method = 'email_plain' AND c.confirmed_by = 'José Núñez'"
                     " AND c.confirmed_how = 'in_writing'", id), ==, 1);

  {
    g_autoptr(CstTestSmtp) gone = cst_test_smtp_start (FALSE, NULL, NULL);
    g_autofree char *gone_port = g_strdup_printf ("%u", gone->port);

    g_clear_pointer (&gone, cst_test_smtp_stop);
    g_assert_cmpint (cst_test_cli_run (desk, &out3, &err3, "packet", "send", "--request",
                                       reference, "--email", "pat@example.org", "--smtp-host",
                                       "localhost", "--smtp-port", gone_port, "--smtp-sender",
                                       "roi@hospital.example", NULL), ==, 1);
    g_assert_nonnull (strstr (err3, "could not be reached"));
    g_assert_cmpstr (out3, ==, "");
  }
  g_assert_cmpint (deliveries_of (owner, id), ==, 2);
  cst_test_records_remove (dir);
}

/* The window's way: the _async pairs on the connection's worker thread
 * (e-mail, media, the encrypted build), and a cancelled send that leaves
 * nothing recorded. */
static void
test_async (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstConnection) connection = cst_connection_new (desk);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_autofree char *sealed = g_build_filename (dir, "sealed.pdf", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-9", dir);
  gint64 id = cst_request_get_id (request);
  g_autoptr(CstTestSmtp) smtp = cst_test_smtp_start (FALSE, "desk", "s3cret-login");
  CstSmtpServer server = mail_server (smtp);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(CstPacketDelivery) mailed = NULL;
  g_autoptr(CstPacketDelivery) saved = NULL;
  g_autoptr(CstPacketDelivery) stopped = NULL;
  g_autoptr(CstEncryptedPacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  cst_packet_send_email_async (connection, id, &server, "pat@example.org", FALSE, NULL,
                               cst_test_result_cb, &r1);
  mailed = cst_packet_send_email_finish (connection, cst_test_wait_result (&r1, 60), &error);
  g_assert_no_error (error);
  g_assert_nonnull (mailed->passphrase);
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 1);

  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  cst_packet_save_to_media_async (connection, id, stick, FALSE, NULL, cst_test_result_cb, &r2);
  saved = cst_packet_save_to_media_finish (connection, cst_test_wait_result (&r2, 60), &error);
  g_assert_no_error (error);
  g_assert_cmpint (saved->method, ==, CST_PACKET_DELIVERY_MEDIA);

  cst_packet_build_encrypted_async (connection, id, sealed, NULL, cst_test_result_cb, &r3);
  packet = cst_packet_build_encrypted_finish (connection, cst_test_wait_result (&r3, 60), &error);
  g_assert_no_error (error);
  {
    g_autofree char *sha = cst_test_file_sha256 (sealed);

    g_assert_cmpstr (packet->sha256, ==, sha);
  }

  g_cancellable_cancel (cancelled);
  cst_packet_send_email_async (connection, id, &server, "pat@example.org", FALSE, cancelled,
                               cst_test_result_cb, &r4);
  stopped = cst_packet_send_email_finish (connection, cst_test_wait_result (&r4, 60), &error);
  g_assert_null (stopped);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (cst_test_smtp_count (smtp), ==, 1);
  g_assert_cmpint (deliveries_of (owner, id), ==, 2);
  cst_test_records_remove (stick);
  cst_test_records_remove (dir);
}

/* A delivery sends the packet kept with the approved build, byte for
 * byte, and builds nothing; without an approved packet nothing is sent,
 * and the database refuses a delivery of any other build, even the
 * owner's. */
static void
test_sends_kept_packet (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_autoptr(CstRequest) request = approved_request_with_records (owner, "PDLV-10", dir);
  g_autoptr(CstRequest) unchecked = request_with_records (owner, "PDLV-11", dir);
  gint64 id = cst_request_get_id (request);
  gint64 approved = last_build_of (owner, id);
  g_autofree char *approved_sha = NULL;
  g_autofree char *name = g_strdup_printf ("records-%s.pdf", cst_request_get_reference (request));
  g_autofree char *copy = g_build_filename (stick, name, NULL);
  g_autofree char *copy_sha = NULL;
  g_autoptr(CstPacketDelivery) delivery = NULL;
  g_autoptr(CstPacketDelivery) refused = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autofree char *build_param = g_strdup_printf ("%" G_GINT64_FORMAT, approved);
    const char *params[] = { build_param };
    g_autoptr(PGresult) res = PQexecParams (clerk,
      "SELECT b.sha256, c.sha256 = b.sha256 AND c.byte_count > 0"
      "  FROM record_packet_builds b JOIN record_packet_contents k ON k.build_id = b.id"
      "  JOIN record_contents c ON c.id = k.content_id WHERE b.id = $1",
      1, NULL, params, NULL, NULL, 0);

    /* The clerk reads the kept bytes' row: the approved build's bytes. */
    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "t");
    approved_sha = g_strdup (PQgetvalue (res, 0, 0));
  }
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  delivery = cst_packet_save_to_media (clerk, id, stick, TRUE, NULL, &error);
  g_assert_no_error (error);
  copy_sha = cst_test_file_sha256 (copy);
  g_assert_cmpstr (copy_sha, ==, approved_sha);
  g_assert_cmpstr (delivery->sha256, ==, approved_sha);
  g_assert_cmpint (delivery->build_id, ==, approved);
  /* Nothing built to send it. */
  g_assert_cmpint (last_build_of (owner, id), ==, approved);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1", id), ==, 1);

  /* Not checked by a second person: nothing sent, nothing built. */
  refused = cst_packet_save_to_media (clerk, cst_request_get_id (unchecked), stick, TRUE, NULL,
                                      &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "no approved packet"));
  g_clear_error (&error);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1",
                     cst_request_get_id (unchecked)), ==, 0);

  /* Another build (made by the owner) is never recorded as sent. */
  {
    g_autofree char *request_param = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *params[] = { request_param };
    g_autoptr(PGresult) res = NULL;
    gint64 other;

    cst_test_db_exec_ok (owner,
      "SELECT record_packet_built($1, repeat('b', 64), 4, 3, documents)"
      "  FROM record_packet_builds WHERE request_id = $1 ORDER BY id DESC LIMIT 1", 1, params);
    other = last_build_of (owner, id);
    g_assert_cmpint (other, !=, approved);
    g_assert_false (record (clerk, id, other, "print", FALSE, NULL, 0, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "approved or released"));
    g_clear_error (&error);
    /* And the approval no longer stands: nothing is sent at all. */
    refused = cst_packet_save_to_media (clerk, id, stick, TRUE, NULL, &error);
    g_assert_null (refused);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    res = PQexecParams (owner, "SELECT count(*) FROM packet_deliveries WHERE request_id = $1",
                        1, NULL, params, NULL, NULL, 0);
    g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "1");
  }
  cst_test_records_remove (stick);
  cst_test_records_remove (dir);
}

/* packet build --encrypt with --bates and --language es: the encrypted
 * packet carries the Bates numbers (printed on standard error) and the
 * Spanish letter; standard output is still the passphrase alone. */
static void
test_cli_encrypt_options (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-delivery-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PDLV-12", dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *passphrase = NULL;
  g_autofree char *letter = NULL, *record_page = NULL;
  g_autoptr(PopplerDocument) open = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request",
                                     cst_request_get_reference (request), "--output", packet,
                                     "--encrypt", "--bates", "--language", "es", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Bates"));
  passphrase = g_strndup (out, strlen (out) - 1);
  g_assert_null (strchr (passphrase, '\n'));
  open = cst_test_pdf_open_with_password (packet, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (open), ==, 4);
  letter = cst_test_pdf_page_text (open, 0);
  record_page = cst_test_pdf_page_text (open, 1);
  /* The bates range on standard error is the one stamped. */
  {
    g_autofree char *first = NULL;
    const char *at = strstr (err, "Bates");
    g_auto(GStrv) words = g_strsplit (at, " ", -1);

    g_assert_cmpuint (g_strv_length (words), >=, 3);
    first = g_strdup (words[2]);
    g_assert_nonnull (strstr (record_page, first));
  }
  g_assert_nonnull (strstr (letter, "Estimad"));
  cst_test_records_remove (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  desk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add_func ("/packet-delivery/cli-encrypt", test_cli_encrypt);
  g_test_add_func ("/packet-delivery/media-encrypted", test_media_encrypted);
  g_test_add_func ("/packet-delivery/auditor-cannot-deliver", test_auditor_cannot_deliver);
  g_test_add_func ("/packet-delivery/plain-email-needs-confirmation",
                   test_plain_email_needs_confirmation);
  g_test_add_func ("/packet-delivery/email-encrypted", test_email_encrypted);
  g_test_add_func ("/packet-delivery/email-refused-or-unreachable",
                   test_email_refused_or_unreachable);
  g_test_add_func ("/packet-delivery/email-plain", test_email_plain);
  g_test_add_func ("/packet-delivery/cli-send", test_cli_send);
  g_test_add_func ("/packet-delivery/async", test_async);
  g_test_add_func ("/packet-delivery/sends-kept-packet", test_sends_kept_packet);
  g_test_add_func ("/packet-delivery/cli-encrypt-options", test_cli_encrypt_options);
  status = g_test_run ();
  g_free (desk);
  cst_test_db_free (db);
  return status;
}
