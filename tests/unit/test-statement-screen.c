/* test-statement-screen.c — the statement drawn for the screen is its PDF
 *
 * The workbench previews a statement drawn by the cairo writer's screen
 * backend (cairo recording surfaces) and makes the PDF only to save it.
 * Both come from one layout, so they must look the same: every page of
 * the PDF, rendered by Poppler at the preview's 96 dpi, is compared pixel
 * by pixel with the screen's drawing of that page
 * (tests/support/cst-test-screen.c, which also checks that the comparison
 * can fail).  Also the preview's async pair (statement and pages off the
 * caller's thread, cancellable) and the PDF made later from the statement
 * shown.
 */
#include "config.h"

#include <cairo.h>

#include <custodian/custodian.h>

#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"
#include "cst-test-screen.h"

static CstStatementRules *rules;

static CstStatement *
sample_statement (const char *language)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(CstBill) bill = cst_bill_import_file (path, 0, NULL, NULL);
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template (language);
  g_autoptr(GError) error = NULL;
  CstStatement *st;

  g_assert_nonnull (bill);
  cst_bill_set_text (&bill->patient_name, "José Núñez");
  cst_bill_set_text (&bill->account_number, "ACC-0042");
  g_date_set_dmy (&bill->statement_date, 31, 3, 2025);
  g_date_set_dmy (&bill->due_date, 30, 4, 2025);
  cst_bill_fill_defaults (bill, NULL);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}

static void
check_screen_matches_pdf (const char *language)
{
  g_autoptr(CstStatement) st = sample_statement (language);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_statement_render_pdf (st, &error);
  g_autoptr(CstPdfPages) pages = NULL;

  g_assert_no_error (error);
  pages = cst_statement_render_pages (st, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_pdf_pages_get_n_pages (pages), >=, 2);
  cst_test_screen_assert_matches_pdf (pages, pdf);
}

static void
test_matches_pdf_english (void)
{
  check_screen_matches_pdf ("en");
}

static void
test_matches_pdf_spanish (void)
{
  check_screen_matches_pdf ("es");
}

/* The paper's size, and a page painted at twice the scale has twice the
 * pixels (the preview's zoom). */
static void
test_pages_size (void)
{
  g_autoptr(CstStatement) st = sample_statement ("en");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = cst_statement_render_pages (st, NULL, &error);
  cairo_surface_t *image;
  double width = 0, height = 0;

  g_assert_no_error (error);
  cst_pdf_pages_get_size (pages, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 612, 0.01);
  g_assert_cmpfloat_with_epsilon (height, 792, 0.01);
  image = cst_pdf_pages_render (pages, 0, 2.0);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1224);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 1584);
  cairo_surface_destroy (image);
}

static void
test_preview_async (void)
{
  g_autoptr(CstStatement) expected = sample_statement ("en");
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_copy (expected->template);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pdf_result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) none = NULL;
  g_autoptr(CstPdfPages) pages = NULL;
  g_autoptr(CstPdfPages) no_pages = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GError) error = NULL;

  cst_statement_preview_async (expected->bill, rules, tpl, NULL, 1, 2.0, NULL, cst_test_result_cb, &result);
  st = cst_statement_preview_finish (cst_test_wait_result (&result, 30), &pages, &error);
  g_assert_no_error (error);
  g_assert_nonnull (st);
  g_assert_cmpint (st->amount_due_cents, ==, expected->amount_due_cents);
  g_assert_nonnull (pages);
  /* The page the preview shows, painted by the worker: the same pixels as
   * painting it now; no other page or scale. */
  {
    cairo_surface_t *painted = cst_pdf_pages_get_painted (pages, 1, 2.0);
    cairo_surface_t *now = cst_pdf_pages_render (pages, 1, 2.0);

    g_assert_nonnull (painted);
    g_assert_cmpint (cairo_image_surface_get_width (painted), ==, 1224);
    g_assert_cmpmem (cairo_image_surface_get_data (painted),
                     cairo_image_surface_get_stride (painted) * cairo_image_surface_get_height (painted),
                     cairo_image_surface_get_data (now),
                     cairo_image_surface_get_stride (now) * cairo_image_surface_get_height (now));
    g_assert_null (cst_pdf_pages_get_painted (pages, 0, 2.0));
    g_assert_null (cst_pdf_pages_get_painted (pages, 1, 1.0));
    cairo_surface_destroy (now);
    cairo_surface_destroy (painted);
  }

  /* The PDF of the statement shown, made when it is saved. */
  cst_statement_render_pdf_async (st, NULL, cst_test_result_cb, &pdf_result);
  pdf = cst_statement_render_pdf_finish (cst_test_wait_result (&pdf_result, 30), &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  g_assert_cmpuint (poppler_document_get_n_pages (doc), ==, cst_pdf_pages_get_n_pages (pages));

  g_cancellable_cancel (cancellable);
  cst_statement_preview_async (expected->bill, rules, tpl, NULL, 0, 0, cancellable, cst_test_result_cb,
                               &cancelled_result);
  none = cst_statement_preview_finish (cst_test_wait_result (&cancelled_result, 30), &no_pages,
                                       &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (none);
  g_assert_null (no_pages);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  rules = cst_statement_rules_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/statement-screen/matches-pdf/english", test_matches_pdf_english);
  g_test_add_func ("/statement-screen/matches-pdf/spanish", test_matches_pdf_spanish);
  g_test_add_func ("/statement-screen/pages-size", test_pages_size);
  g_test_add_func ("/statement-screen/preview-async", test_preview_async);
  status = g_test_run ();
  cst_statement_rules_unref (rules);
  return status;
}
