/* perf-statement-preview.c — instruction budget: the statement workbench's
 * preview of a two-page statement
 *
 * What the workbench's worker does after an edit once the statement is
 * made: its pages drawn for the screen by the PDF's layout
 * (cst_statement_render_pages) and page 1 painted at 96 dpi, as
 * bench/statements measures it; once after a first preview has loaded the
 * faces and filled cairo's glyph cache.  No database, no PDF.
 */
#include "config.h"

#include <custodian/custodian.h>

#include "cst-perf.h"

typedef struct
{
  CstStatement *statement;
  guint         n_pages;
} Preview;

static void
preview (Preview *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPdfPages) pages = cst_statement_render_pages (p->statement, NULL, &error);

  g_assert_no_error (error);
  cairo_surface_destroy (cst_pdf_pages_render (pages, 0, 96.0 / 72.0));
  p->n_pages = cst_pdf_pages_get_n_pages (pages);
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  preview (data);
}

int
main (int argc, char **argv)
{
  g_autoptr(CstStatement) statement = NULL;
  Preview p = { NULL };

  g_test_init (&argc, &argv, NULL);
  statement = cst_perf_two_page_statement ();
  p.statement = statement;
  preview (&p);
  p.n_pages = 0;
  cst_perf_measure (perf_measured, &p);
  g_assert_cmpuint (p.n_pages, ==, 2);
  return 0;
}
