/* test-pdf-preview.c — the document preview: load a real PDF, go to page
 * 2, zoom, with rendering off the main loop */
#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>

#include "cst-pdf-preview.h"
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

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/pdf-preview/pages-and-zoom", test_pages_and_zoom);
  return g_test_run ();
}
