/* perf-statement.c — instruction budget: a two-page statement
 *
 * The sample ER bill (tests/data/sample-bill-1.csv) with the shipped
 * template cut to the front page and its continuation, as the statement
 * bench's preview renders it (cst_perf_two_page_statement()): the PDF
 * bytes of the simplified statement, once after a first render has found
 * the fonts.  No database.
 */
#include "config.h"

#include <custodian/custodian.h>

#include "cst-perf.h"

typedef struct
{
  CstStatement *statement;
  GBytes       *pdf;
  guint         n_pages;
} Statement;

static GBytes *
render (Statement *s)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = cst_statement_render_pdf_counted (s->statement, &s->n_pages, &error);

  g_assert_no_error (error);
  return pdf;
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  Statement *s = data;

  s->pdf = render (s);
}

int
main (int argc, char **argv)
{
  g_autoptr(CstStatement) statement = NULL;
  g_autoptr(GBytes) first = NULL;
  Statement s = { NULL };

  g_test_init (&argc, &argv, NULL);
  statement = cst_perf_two_page_statement ();
  s.statement = statement;
  first = render (&s);
  s.n_pages = 0;
  cst_perf_measure (perf_measured, &s);
  g_assert_nonnull (s.pdf);
  g_assert_cmpuint (s.n_pages, ==, 2);
  g_bytes_unref (s.pdf);
  return 0;
}
