/* test-packet-delivery.c — the packet leaves, as the clerk: `custodian-cli
 * packet build --encrypt` writes an AES-256 packet and prints its
 * passphrase (its only copy: nowhere in the database); the delivery proof
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
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *desk;   /* a clerk's login: the desk sends the packet */

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

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

static PopplerDocument *
poppler_open (const char  *path,
              const char  *password,
              GError     **error)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  return poppler_document_new_from_file (uri, password, error);
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
    "SELECT count(*) FROM record_packet_builds b WHERE strpos(b::text, $1) > 0",
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
  sha = file_sha256 (packet);
  g_assert_nonnull (strstr (err, sha));
  g_assert_nonnull (strstr (err, "AES-256"));
  g_assert_nonnull (strstr (err, "3 pages"));

  locked = poppler_open (packet, NULL, &error);
  g_assert_error (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
  g_clear_error (&error);
  open = poppler_open (packet, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (open), ==, 3);
  text = cst_test_pdf_page_text (open, 2);
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

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  desk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add_func ("/packet-delivery/cli-encrypt", test_cli_encrypt);
  status = g_test_run ();
  g_free (desk);
  cst_test_db_free (db);
  return status;
}
