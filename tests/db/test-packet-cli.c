/* test-packet-cli.c — `custodian-cli packet add` and `packet list` as the
 * clerk: files added print their id, pages and SHA-256; one refused file
 * exits 1 naming it, with nothing of the call stored; the list is in
 * release order; bad command lines exit 2 */
#include "config.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *desk;   /* a clerk's login: the desk adds the records */

static gint64
count_documents (PGconn     *owner,
                 CstRequest *request)
{
  return cst_test_db_int_for_id (owner, "SELECT count(*) FROM record_documents WHERE request_id = $1",
                                 cst_request_get_id (request));
}

static void
test_add_and_list (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PCLI-1");
  const char *reference = cst_request_get_reference (request);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-cli-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "discharge.pdf", 4, "Discharge");
  g_autofree char *tiff = cst_test_records_tiff (dir, "fax.tif", 3, 32);
  g_autofree char *png = cst_test_records_png (dir, "consent.png", "Consent");
  g_autofree char *pdf_sha = cst_test_file_sha256 (pdf);
  g_autofree char *tiff_sha = cst_test_file_sha256 (tiff);
  g_autofree char *png_sha = cst_test_file_sha256 (png);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *expected = NULL;
  const char *at_pdf, *at_tiff, *at_png;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "add", "--request", reference,
                                     "--kind", "Discharge", pdf, tiff, NULL), ==, 0);
  g_assert_null (strstr (err, "custodian-cli:"));
  expected = g_strdup_printf ("4 pages, SHA-256 %s", pdf_sha);
  g_assert_nonnull (strstr (out, expected));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("3 pages, SHA-256 %s", tiff_sha);
  g_assert_nonnull (strstr (out, expected));
  g_assert_cmpint (count_documents (owner, request), ==, 2);

  g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "add", "--request", reference,
                                     "--json", png, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out2, "{\"request\":"));
  g_assert_nonnull (strstr (out2, "\"pages\":1"));
  g_assert_nonnull (strstr (out2, png_sha));
  g_assert_nonnull (strstr (out2, "\"position\":3"));

  /* The list: release order, the order the files were added. */
  g_assert_cmpint (cst_test_cli_run (desk, &out3, &err3, "packet", "list", "--request", reference, NULL), ==, 0);
  at_pdf = strstr (out3, pdf_sha);
  at_tiff = strstr (out3, tiff_sha);
  at_png = strstr (out3, png_sha);
  g_assert_nonnull (at_pdf);
  g_assert_nonnull (at_tiff);
  g_assert_nonnull (at_png);
  g_assert_true (at_pdf < at_tiff && at_tiff < at_png);
  g_assert_nonnull (strstr (out3, "discharge.pdf"));
  g_assert_nonnull (strstr (out3, "Discharge"));

  g_assert_cmpint (cst_test_cli_run (desk, &out4, &err4, "packet", "list", "--request", reference,
                                     "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out4, "\"name\":\"fax.tif\""));
  g_assert_nonnull (strstr (out4, "\"pages\":3"));
  g_assert_nonnull (strstr (out4, "\"kind\":\"Discharge\""));
  cst_test_records_remove (dir);
}

static void
test_refused_file_stores_nothing (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PCLI-2");
  const char *reference = cst_request_get_reference (request);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-cli-XXXXXX", NULL);
  g_autofree char *good = cst_test_records_pdf (dir, "good.pdf", 2, "Good");
  g_autofree char *plain = cst_test_records_pdf (dir, "plain.pdf", 1, "Plain");
  g_autofree char *locked = cst_test_records_encrypted (dir, "locked.pdf", plain);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "add", "--request", reference,
                                     good, locked, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "locked.pdf"));
  g_assert_nonnull (strstr (err, "password"));
  g_assert_null (strstr (out, "Added"));
  g_assert_cmpint (count_documents (owner, request), ==, 0);

  g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "list", "--request", reference, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "no record documents"));
  cst_test_records_remove (dir);
}

static void
test_auditor_refused (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PCLI-3");
  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-cli-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "chart.pdf", 1, "Chart");
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cst_test_cli_run (auditor, &out, &err, "packet", "add", "--request",
                                     cst_request_get_reference (request), pdf, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "custodian-cli:"));
  g_assert_cmpint (count_documents (owner, request), ==, 0);
  cst_test_records_remove (dir);
}

static void
test_usage_errors (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "add", "x.pdf", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--request is required"));
  g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "add", "--request", "R-1", NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "which files?"));
  g_assert_cmpint (cst_test_cli_run (desk, &out3, &err3, "packet", "list", NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "--request is required"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  desk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add_func ("/packet-cli/add-and-list", test_add_and_list);
  g_test_add_func ("/packet-cli/refused-file-stores-nothing", test_refused_file_stores_nothing);
  g_test_add_func ("/packet-cli/auditor-refused", test_auditor_refused);
  g_test_add_func ("/packet-cli/usage-errors", test_usage_errors);
  status = g_test_run ();
  g_free (desk);
  cst_test_db_free (db);
  return status;
}
