/* perf-report-page.c — instruction budget: one page of the fee report
 *
 * One full page of the fee justification report's detail, as
 * cst-fee-report-export.c lays it out on the direct writer
 * (cst_pdf_stream_new_direct(), no cairo): per request
 * a bold row (reference, dates, class and method, total, maximum), its
 * fee lines (description, citation, invoice, amount) and its flags, with
 * the report's title, footer and "Page 1 of 1".  The rows are made
 * before the measured run (in the app they come from the database);
 * measured: the writer from start to finished PDF bytes.  No database.
 */
#include "config.h"

#include <custodian/custodian.h>

#include "cst-pdf-stream-private.h"
#include "cst-perf.h"

#define N_LINES 3

typedef struct
{
  GPtrArray *rows;     /* of GStrv: the five cells */
  GArray    *styles;   /* of CstPdfRowStyle, one per row */
  guint      n_rows;   /* how many fill one page */
  guint      n_pages;
  gsize      size;
} Report;

static const CstPdfColumn columns[] = {
  { "Request / fee line", 0.34, CST_PDF_ALIGN_LEFT },
  { "Received / due / released; citation", 0.30, CST_PDF_ALIGN_LEFT },
  { "Class, method; invoice", 0.16, CST_PDF_ALIGN_LEFT },
  { "Total", 0.10, CST_PDF_ALIGN_RIGHT },
  { "Maximum", 0.10, CST_PDF_ALIGN_RIGHT },
};

static void
add_row (Report        *r,
         CstPdfRowStyle style,
         char          *c0,
         char          *c1,
         char          *c2,
         char          *c3,
         char          *c4)
{
  char **cells = g_new0 (char *, 6);

  cells[0] = c0; cells[1] = c1; cells[2] = c2; cells[3] = c3; cells[4] = c4;
  g_ptr_array_add (r->rows, cells);
  g_array_append_val (r->styles, style);
}

/* A request as the report prints it, over 2 + N_LINES rows. */
static void
add_request (Report *r,
             guint   i)
{
  static const char *const lines[N_LINES][2] = {
    { "Search and retrieval", "N.Y. Pub. Health Law § 18(2)(e)" },
    { "Paper copies, per page", "N.Y. Pub. Health Law § 18(2)(e)" },
    { "Postage", "Actual cost" },
  };

  add_row (r, CST_PDF_ROW_BOLD, g_strdup_printf ("ROI-2026-%06u", i),
           g_strdup_printf ("2026-03-%02u / 2026-04-%02u / 2026-03-%02u", 1 + i % 28, 1 + i % 28, 2 + i % 27),
           g_strdup ("Attorney, State schedule"), cst_money_format (4389 + 17 * i),
           cst_money_format (5000 + 10 * i));
  for (guint l = 0; l < N_LINES; l++)
    add_row (r, CST_PDF_ROW_SUBTLE, g_strdup (lines[l][0]), g_strdup (lines[l][1]),
             g_strdup_printf ("INV-2026-%06u", i), cst_money_format (1500 + 100 * l + i % 7), g_strdup (""));
  add_row (r, CST_PDF_ROW_NORMAL, g_strdup ("Flags: above the state maximum"),
           g_strdup ("Override by billing: agreed with the requester"), g_strdup (""), g_strdup (""), g_strdup (""));
}

/* Writes the report's first @n_rows rows; returns its page count. */
static guint
write_report (Report        *r,
              CstPdfStream  *pdf,
              guint          n_rows)
{
  CstPdfStreamTable *table;

  cst_pdf_stream_set_title (pdf, "Fee justification report");
  cst_pdf_stream_set_footer (pdf, "Fee justification report");
  cst_pdf_stream_heading (pdf, "Requests");
  table = cst_pdf_stream_table_begin (pdf, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < n_rows; i++)
    cst_pdf_stream_table_row (table, g_ptr_array_index (r->rows, i),
                              g_array_index (r->styles, CstPdfRowStyle, i));
  cst_pdf_stream_table_end (table);
  return cst_pdf_stream_get_n_pages (pdf);
}

/* The most rows of whole requests that stay on one page, measured. */
static guint
rows_on_one_page (Report *r)
{
  guint fits = 0;

  for (guint n = 2 + N_LINES; n <= r->rows->len; n += 2 + N_LINES)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CstPdfStream) measure = cst_pdf_stream_new_measure (CST_PDF_PAPER_LETTER, &error);

      g_assert_no_error (error);
      if (write_report (r, measure, n) > 1)
        break;
      fits = n;
    }
  g_assert_cmpuint (fits, >, 0);
  g_assert_cmpuint (fits, <, r->rows->len);
  return fits;
}

static void
write_page (Report *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(CstPdfStream) pdf = cst_pdf_stream_new_direct (out, CST_PDF_PAPER_LETTER, NULL, &error);

  g_assert_no_error (error);
  cst_pdf_stream_set_n_pages (pdf, 1);
  r->n_pages = write_report (r, pdf, r->n_rows);
  g_assert_true (cst_pdf_stream_finish (pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  r->size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  write_page (data);
}

int
main (void)
{
  Report r = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev),
               g_array_new (FALSE, FALSE, sizeof (CstPdfRowStyle)) };
  gsize first;

  for (guint i = 0; i < 40; i++)
    add_request (&r, i);
  r.n_rows = rows_on_one_page (&r);
  write_page (&r);   /* fonts found, once per process */
  first = r.size;
  cst_perf_measure (perf_measured, &r);
  g_assert_cmpuint (r.n_pages, ==, 1);
  g_assert_cmpuint (r.size, >, 0);
  g_assert_cmpuint (r.size, ==, first);
  g_ptr_array_unref (r.rows);
  g_array_unref (r.styles);
  return 0;
}
