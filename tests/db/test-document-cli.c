/* test-document-cli.c — `custodian-cli document render`: each kind writes
 * a PDF, bad arguments exit 2 naming the problem, a missing invoice says
 * so and exits 1 */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static void
test_each_kind (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "CLI-1");
  const char *reference = cst_request_get_reference (request);
  g_autofree char *dir = g_dir_make_tmp ("cst-doc-cli-XXXXXX", NULL);
  const char *kinds[] = { "cover-letter", "denial-letter", "extension-notice", "accounting" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = g_build_filename (dir, kinds[i], NULL);
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *data = NULL;
      gsize len = 0;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(PopplerDocument) doc = NULL;
      g_autofree char *text = NULL;
      g_autofree char *squashed = NULL;
      int rc;

      cst_test_file_make_public (path);
      rc = cst_test_cli_run (db->conninfo, &out, &err, "document", "render", kinds[i], "--request", reference,
                             "--output", path, "--language", "es", NULL);

      /* stderr may carry sanitizer statistics, never an error. */
      g_assert_null (strstr (err, "custodian-cli:"));
      g_assert_cmpint (rc, ==, 0);
      g_assert_nonnull (strstr (out, path));
      g_assert_null (strstr (out, "Núñez"));
      cst_test_file_assert_private (path);
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&data), len);
      doc = cst_test_pdf_open (bytes);
      text = cst_test_pdf_text (doc);
      squashed = cst_test_pdf_squash (text);
      g_assert_nonnull (strstr (squashed, reference));
      g_assert_nonnull (strstr (squashed, "JoséNúñez"));
      g_assert_nonnull (strstr (squashed, "Página1de1"));
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_refusals (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "CLI-2");
  const char *reference = cst_request_get_reference (request);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *out5 = NULL, *err5 = NULL;

  g_assert_cmpint (cst_test_cli_run (db->conninfo, &out, &err, "document", "render", "poem", "--request", reference,
                        "--output", "/tmp/x.pdf", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "unknown document “poem”"));
  g_assert_cmpint (cst_test_cli_run (db->conninfo, &out2, &err2, "document", "render", "invoice", "--request", reference,
                        "--output", "/tmp/x.pdf", "--language", "fr", NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "--language must be en or es"));
  g_assert_cmpint (cst_test_cli_run (db->conninfo, &out3, &err3, "document", "render", "accounting", "--request", reference,
                        "--output", "/tmp/x.pdf", "--from", "2026-13-01", NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "2026-13-01"));
  g_assert_cmpint (cst_test_cli_run (db->conninfo, &out4, &err4, "document", "render", "invoice", "--request", reference,
                        "--output", "/tmp/cst-never-written.pdf", NULL), ==, 1);
  g_assert_nonnull (strstr (err4, "No invoice has been issued"));
  g_assert_false (g_file_test ("/tmp/cst-never-written.pdf", G_FILE_TEST_EXISTS));
  g_assert_cmpint (cst_test_cli_run (db->conninfo, &out5, &err5, "document", "render", "invoice", "--request", "ROI-1900-000000",
                        "--output", "/tmp/x.pdf", NULL), ==, 1);
  g_assert_nonnull (strstr (err5, "ROI-1900-000000"));
}

/* Headless set-up: an administrator fills the details with `facility
 * set`; another role is refused; a letter made while one is blank says
 * which and how to fill it, and writes nothing. */
static void
test_facility_commands (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "CLI-FAC");
  const char *reference = cst_request_get_reference (request);
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *out5 = NULL, *err5 = NULL;
  g_autofree char *out6 = NULL, *err6 = NULL;
  g_autoptr(CstFacility) facility = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-facility-cli-XXXXXX", NULL);
  g_autofree char *never = g_build_filename (dir, "no-phone.pdf", NULL);

  g_assert_cmpint (cst_test_cli_run (admin, &out, &err, "facility", "set", "--phone", "",
                                     NULL), ==, 0);
  g_assert_nonnull (strstr (out, "(not filled in)"));
  g_assert_cmpint (cst_test_cli_run (clerk, &out2, &err2, "document", "render", "cover-letter",
                                     "--request", reference, "--output", never,
                                     NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "phone number is not filled in"));
  g_assert_nonnull (strstr (err2, "custodian-cli facility set --phone"));
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
  g_rmdir (dir);

  g_assert_cmpint (cst_test_cli_run (clerk, &out3, &err3, "facility", "set", "--phone",
                                     "(555) 010-0303", NULL), ==, 1);
  g_assert_nonnull (strstr (err3, "Only an administrator"));
  g_assert_cmpint (cst_test_cli_run (admin, &out4, &err4, "facility", "set", "--phone",
                                     "(555) 010-0303", "--address", "9 Shell Road\\nUtica, NY 13501",
                                     "--state", "PA", NULL), ==, 0);
  g_assert_cmpint (cst_test_cli_run (clerk, &out5, &err5, "facility", "show", NULL), ==, 0);
  g_assert_nonnull (strstr (out5, "(555) 010-0303"));
  g_assert_nonnull (strstr (out5, "Custodian General Hospital"));
  g_assert_nonnull (strstr (out5, "PA"));
  g_assert_null (strstr (out5, "not filled in"));
  facility = cst_facility_load (conn, NULL);
  g_assert_cmpstr (facility->address, ==, "9 Shell Road\nUtica, NY 13501");
  g_assert_cmpint (cst_test_cli_run (admin, &out6, &err6, "facility", "set", "--state", "XX",
                                     NULL), ==, 1);
  g_assert_nonnull (strstr (err6, "XX"));
  cst_test_db_fill_facility (conn);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document-cli/each-kind", test_each_kind);
  g_test_add_func ("/document-cli/refusals", test_refusals);
  g_test_add_func ("/document-cli/facility-commands", test_facility_commands);
  return cst_test_db_run (&db);
}
