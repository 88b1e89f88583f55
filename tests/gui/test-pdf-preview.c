/* test-pdf-preview.c — the document preview: load a real PDF, go to page
 * 2, zoom, with rendering off the main loop; and a statement's pages
 * drawn for the screen, shown without any PDF */
#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>

#include <custodian/custodian.h>

#include "cst-pdf-preview.h"
#include "cst-test-db.h"
#include "cst-test-gui.h"

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A three-page Letter PDF written with cairo. */
static GBytes *
make_pdf (void)
{
  GByteArray *buffer = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append_bytes, buffer, 612, 792);
  cairo_t *cr = cairo_create (surface);

  for (int page = 1; page <= 3; page++)
    {
      g_autofree char *text = g_strdup_printf ("Page %d", page);
      cairo_move_to (cr, 72, 72);
      cairo_set_font_size (cr, 24);
      cairo_show_text (cr, text);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (buffer);
}

static gboolean
rendering_or_empty (gpointer preview)
{
  return cst_pdf_preview_is_rendering (preview) || cst_pdf_preview_get_n_pages (preview) == 0;
}

static void
wait_for_render (CstPdfPreview *preview)
{
  cst_test_wait_while (rendering_or_empty, preview, 10);
  g_assert_false (cst_pdf_preview_is_rendering (preview));
}

static void
test_pages_and_zoom (void)
{
  GtkWidget *window = gtk_window_new ();
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_pdf_preview_new ());
  g_autoptr(GBytes) pdf = make_pdf ();
  int width_100;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (preview));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));

  cst_pdf_preview_load_bytes (preview, pdf);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), ==, 3);
  g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, 0);
  width_100 = cst_pdf_preview_get_rendered_width (preview);
  /* Letter at 96 dpi: 8.5 in. */
  g_assert_cmpint (width_100, ==, 816);

  /* Page Down, as a clerk would press it. */
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next-page", NULL);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-in", NULL);
  wait_for_render (preview);
  g_assert_cmpfloat_with_epsilon (cst_pdf_preview_get_zoom (preview), 1.25, 0.001);
  g_assert_cmpint (cst_pdf_preview_get_rendered_width (preview), ==, 1020);

  /* Past the last page stays on the last page. */
  cst_pdf_preview_set_page (preview, 10);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, 2);

  /* Garbage is reported, not crashed on. */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("not a pdf", 9);
    cst_pdf_preview_load_bytes (preview, junk);
    while (cst_pdf_preview_is_rendering (preview))
      g_main_context_iteration (NULL, TRUE);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The sample bill's statement drawn for the screen (several pages). */
static CstPdfPages *
statement_pages (const char *language)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(CstBill) bill = cst_bill_import_file (path, 0, NULL, NULL);
  g_autoptr(CstStatementTemplate) tpl = cst_test_statement_template (language);
  g_autoptr(CstStatementRules) rules = cst_statement_rules_new_default (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStatement) st = NULL;
  CstPdfPages *pages;

  g_assert_nonnull (bill);
  g_date_set_dmy (&bill->statement_date, 31, 3, 2025);
  g_date_set_dmy (&bill->due_date, 30, 4, 2025);
  cst_bill_fill_defaults (bill, NULL);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  pages = cst_statement_render_pages (st, NULL, &error);
  g_assert_no_error (error);
  return pages;
}

static void
test_screen_pages (void)
{
  GtkWidget *window = gtk_window_new ();
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_pdf_preview_new ());
  g_autoptr(CstPdfPages) english = statement_pages ("en");
  g_autoptr(CstPdfPages) spanish = statement_pages ("es");
  int n = (int) cst_pdf_pages_get_n_pages (english);

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (preview));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));

  /* Pages whose shown page the worker painted already are shown at once,
   * with no render left to wait for. */
  cst_pdf_pages_paint (english, 0, cst_pdf_preview_get_scale (preview));
  cst_pdf_preview_load_pages (preview, english);
  g_assert_false (cst_pdf_preview_is_rendering (preview));
  g_assert_cmpint (n, >, 2);
  g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), ==, n);
  g_assert_cmpint (cst_pdf_preview_get_rendered_width (preview), ==, 816);
  g_assert_null (cst_pdf_preview_get_bytes (preview));

  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next-page", NULL);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-in", NULL);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_rendered_width (preview), ==, 1020);

  /* The same statement edited (here: in Spanish) stays on the page shown;
   * past its last page, on its last. */
  cst_pdf_preview_load_pages (preview, spanish);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), ==, (int) cst_pdf_pages_get_n_pages (spanish));
  g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, 1);
  cst_pdf_preview_set_page (preview, 99);
  wait_for_render (preview);
  g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, cst_pdf_preview_get_n_pages (preview) - 1);

  /* A PDF loaded after pages replaces them. */
  {
    g_autoptr(GBytes) pdf = make_pdf ();

    cst_pdf_preview_load_bytes (preview, pdf);
    wait_for_render (preview);
    g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), ==, 3);
    g_assert_true (cst_pdf_preview_get_bytes (preview) == pdf);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/pdf-preview/pages-and-zoom", test_pages_and_zoom);
  g_test_add_func ("/pdf-preview/screen-pages", test_screen_pages);
  return g_test_run ();
}
