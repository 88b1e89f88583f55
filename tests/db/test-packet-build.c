/* test-packet-build.c — building the records packet as the clerk, and
 * verifying a file against it: real record files (text PDFs, a TIFF of
 * several pages, PNG, JPEG) go in, `custodian-cli packet build` writes
 * the packet, and Poppler reads it back: the cover letter, then every
 * record page, in release order, each stamped with the reference and
 * "page N of M" in a strip below it, the born-digital text still text
 * (the letters, notices and Bates numbers: test-packet-assemble.c).  `packet verify` accepts the
 * packet built and refuses a changed file, pages added or missing. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-packet.h"

#include "cst-test-async.h"
#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *desk;   /* a clerk's login: the desk builds the packet */

/* A request with five record documents, nine pages: two text PDFs around
 * a TIFF of two pages, a PNG and a JPEG. */
static CstRequest *
request_with_records (PGconn     *owner,
                      const char *mrn,
                      const char *dir)
{
  CstRequest *request = cst_test_db_add_request (owner, mrn);
  g_autofree char *discharge = cst_test_records_pdf (dir, "discharge.pdf", 3, "Discharge");
  g_autofree char *fax = cst_test_records_tiff (dir, "fax.tif", 2, 40);
  g_autofree char *consent = cst_test_records_png (dir, "consent.png", "Consent");
  g_autofree char *photo = cst_test_records_jpeg (dir, "photo.jpg");
  g_autofree char *labs = cst_test_records_pdf (dir, "labs.pdf", 2, "Labs");
  const char *paths[] = { discharge, fax, consent, photo, labs, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (request),
                                                 paths, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 5);
  return request;
}

/* The cover letter comes first: the record pages follow it. */
#define LETTER_PAGES 1

static void
assert_stamped (PopplerDocument *pdf,
                const char      *reference)
{
  int n = poppler_document_get_n_pages (pdf);

  for (int i = LETTER_PAGES; i < n; i++)
    {
      g_autofree char *text = cst_test_pdf_page_text (pdf, i);
      g_autofree char *stamp = g_strdup_printf ("page %d of %d", i - LETTER_PAGES + 1,
                                                n - LETTER_PAGES);

      g_assert_nonnull (strstr (text, stamp));
      g_assert_nonnull (strstr (text, reference));
    }
}

static void
test_build_reads_back (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-build-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PBLD-1", dir);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *summary = g_build_filename (dir, "packet.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *json = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *sha_json = NULL;
  g_autofree char *first = NULL, *fourth = NULL, *eighth = NULL, *ninth = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autoptr(PopplerPage) page = NULL;
  GStatBuf st;
  double width, height;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request", reference,
                                     "--output", packet, "--json", summary, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "10 pages"));
  sha = cst_test_file_sha256 (packet);
  g_assert_nonnull (strstr (out, sha));
  g_assert_cmpint (g_stat (packet, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The summary, and the build recorded on the server. */
  g_assert_true (g_file_get_contents (summary, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"pages\":10"));
  g_assert_nonnull (strstr (json, "\"record_pages\":9"));
  sha_json = g_strdup_printf ("\"sha256\":\"%s\"", sha);
  g_assert_nonnull (strstr (json, sha_json));
  g_assert_nonnull (strstr (json, "\"pages\":3}"));
  g_assert_nonnull (strstr (json, "\"pages\":2}"));
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
    const char *params[] = { id };
    g_autoptr(PGresult) res = PQexecParams (owner,
      "SELECT sha256, page_count FROM record_packet_builds WHERE request_id = $1",
      1, NULL, params, NULL, NULL, 0);

    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, sha);
    g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "10");
  }

  /* Every record page, in release order, stamped; the text pages still text. */
  pdf = cst_test_pdf_open_file (packet);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, LETTER_PAGES + 9);
  assert_stamped (pdf, reference);
  first = cst_test_pdf_page_text (pdf, LETTER_PAGES + 0);
  g_assert_nonnull (strstr (first, "Discharge page 1"));
  fourth = cst_test_pdf_page_text (pdf, LETTER_PAGES + 3);
  g_assert_null (strstr (fourth, "Discharge"));
  eighth = cst_test_pdf_page_text (pdf, LETTER_PAGES + 7);
  g_assert_nonnull (strstr (eighth, "Labs page 1"));
  ninth = cst_test_pdf_page_text (pdf, LETTER_PAGES + 8);
  g_assert_nonnull (strstr (ninth, "Labs page 2"));

  /* The stamp sits in a strip added below the page, not on its content:
   * the records' 595 × 842 pages are 24 points taller. */
  page = poppler_document_get_page (pdf, LETTER_PAGES);
  poppler_page_get_size (page, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595, 0.5);
  g_assert_cmpfloat_with_epsilon (height, 842 + 24, 0.5);
  cst_test_records_remove (dir);
}

static void
test_build_model (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-build-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PBLD-2", dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuild) build = cst_packet_build (clerk, cst_request_get_id (request),
                                                      packet, NULL, &error);
  g_autofree char *sha = cst_test_file_sha256 (packet);

  g_assert_no_error (error);
  g_assert_cmpuint (build->pages, ==, LETTER_PAGES + 9);
  g_assert_cmpuint (build->record_pages, ==, 9);
  g_assert_cmpuint (build->documents->len, ==, 5);
  g_assert_cmpstr (build->sha256, ==, sha);

  /* Built again from the same documents: the same bytes, a second build row. */
  {
    g_autofree char *again = g_build_filename (dir, "again.pdf", NULL);
    g_autoptr(CstPacketBuild) second = cst_packet_build (clerk, cst_request_get_id (request),
                                                         again, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (second->sha256, ==, build->sha256);
    g_assert_cmpint (second->id, >, build->id);
  }
  cst_test_records_remove (dir);
}

/* A copy of @from with the pages of @range, made by the qpdf program. */
/* Through the connection's worker thread, as the window will build it. */
static void
test_build_async (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstConnection) connection = cst_connection_new (desk);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-build-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PBLD-5", dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CstPacketBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;

  cst_packet_build_async (connection, cst_request_get_id (request), packet, NULL,
                          cst_test_result_cb, &result);
  build = cst_packet_build_finish (connection, cst_test_wait_result (&result, 60), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (build->record_pages, ==, 9);
  pdf = cst_test_pdf_open_file (packet);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, LETTER_PAGES + 9);
  assert_stamped (pdf, cst_request_get_reference (request));
  cst_test_records_remove (dir);
}

static char *
qpdf_pages (const char *dir,
            const char *from,
            const char *name,
            const char *range)
{
  char *to = g_build_filename (dir, name, NULL);
  const char *argv[] = { "qpdf", "--empty", "--pages", from, range, "--", to, NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return to;
}

static void
test_verify (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-build-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PBLD-3", dir);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *changed = g_build_filename (dir, "changed.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *shorter = NULL, *longer = NULL;
  gsize len = 0;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out1 = NULL, *err1 = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *out5 = NULL, *err5 = NULL;
  g_autofree char *out6 = NULL, *err6 = NULL;

  /* Before any build there is nothing to verify against. */
  g_assert_cmpint (cst_test_cli_run (desk, &out5, &err5, "packet", "verify", "--request", reference,
                                     packet, NULL), ==, 1);
  g_assert_nonnull (strstr (err5, "No packet has been built"));

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request", reference,
                                     "--output", packet, NULL), ==, 0);
  g_assert_cmpint (cst_test_cli_run (desk, &out1, &err1, "packet", "verify", "--request", reference,
                                     packet, NULL), ==, 0);
  g_assert_nonnull (strstr (out1, "exactly the last packet built"));

  /* One byte more at the end: still ten pages, another file. */
  g_assert_true (g_file_get_contents (packet, &contents, &len, NULL));
  contents = g_realloc (contents, len + 2);
  contents[len] = '\n';
  g_assert_true (g_file_set_contents (changed, contents, (gssize) len + 1, NULL));
  g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "verify", "--request", reference,
                                     changed, NULL), ==, 1);
  g_assert_nonnull (strstr (out2, "Different file: the same number of pages (10)"));

  shorter = qpdf_pages (dir, packet, "shorter.pdf", "1-8");
  g_assert_cmpint (cst_test_cli_run (desk, &out3, &err3, "packet", "verify", "--request", reference,
                                     shorter, NULL), ==, 1);
  g_assert_nonnull (strstr (out3, "2 pages missing"));

  longer = qpdf_pages (dir, packet, "longer.pdf", "1-10,1");
  g_assert_cmpint (cst_test_cli_run (desk, &out4, &err4, "packet", "verify", "--request", reference,
                                     longer, NULL), ==, 1);
  g_assert_nonnull (strstr (out4, "1 page added"));

  /* Not a PDF at all: the first kilobyte of the packet. */
  g_assert_true (g_file_set_contents (changed, contents, 1024, NULL));
  g_assert_cmpint (cst_test_cli_run (desk, &out6, &err6, "packet", "verify", "--request", reference,
                                     changed, NULL), ==, 1);
  g_assert_nonnull (strstr (out6, "cannot be read as a PDF"));
  cst_test_records_remove (dir);
}

static void
test_auditor_cannot_build (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-build-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PBLD-4", dir);
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cst_test_cli_run (auditor, &out, &err, "packet", "build", "--request",
                                     cst_request_get_reference (request), "--output", packet,
                                     NULL), ==, 1);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1",
                     cst_request_get_id (request)), ==, 0);
  g_assert_false (g_file_test (packet, G_FILE_TEST_EXISTS));
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
  g_test_add_func ("/packet-build/build-reads-back", test_build_reads_back);
  g_test_add_func ("/packet-build/build-model", test_build_model);
  g_test_add_func ("/packet-build/build-async", test_build_async);
  g_test_add_func ("/packet-build/verify", test_verify);
  g_test_add_func ("/packet-build/auditor-cannot-build", test_auditor_cannot_build);
  status = g_test_run ();
  g_free (desk);
  cst_test_db_free (db);
  return status;
}
