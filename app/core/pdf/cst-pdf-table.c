/* cst-pdf-table.c — tables that break across pages
 *
 * Rows are laid out one at a time, so a 500-line invoice costs no more
 * memory than a 5-line one.  A row that does not fit goes to a new page,
 * which first repeats the header row.  Columns and cells are laid out by
 * cst-pdf-text.c, as CstPdfStream lays out its tables; this file draws
 * them with libharu.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include "cst-pdf-private.h"

struct _CstPdfTable
{
  CstPdf        *pdf;
  CstPdfColumns  columns;
};

static double
lay_out_cells (CstPdfTable       *table,
               const char *const *cells,
               double             size,
               CstPdfCell        *out)
{
  CstPdfShaper shaper;

  cst_pdf_get_shaper (table->pdf, &shaper);
  return cst_pdf_columns_lay_out (&table->columns, &shaper, table->pdf->ellipsis_width, cells,
                                  size, out);
}

static void
draw_cells (CstPdfTable *table,
            CstPdfCell  *cells,
            double       top,
            double       size,
            gboolean     bold,
            double       grey)
{
  CstPdf *pdf = table->pdf;
  double leading = size * CST_PDF_LEADING;
  double ellipsis = pdf->ellipsis_width * size / 1000.0;

  HPDF_Page_SetGrayFill (pdf->page, (HPDF_REAL) grey);
  HPDF_Page_SetGrayStroke (pdf->page, (HPDF_REAL) grey);
  for (guint c = 0; c < table->columns.n_columns; c++)
    for (guint l = 0; l < cells[c].lines->len; l++)
      {
        const CstPdfLine *line = &g_array_index (cells[c].lines, CstPdfLine, l);

        cst_pdf_draw_line (pdf, cells[c].glyphs, line,
                           cst_pdf_columns_line_x (&table->columns, c, line, ellipsis),
                           top - CST_PDF_CELL_PAD_Y - size * 0.9 - l * leading, size, bold, 0);
      }
  HPDF_Page_SetGrayFill (pdf->page, 0);
  HPDF_Page_SetGrayStroke (pdf->page, 0);
}

static void
horizontal_rule (CstPdfTable *table,
                 double       y,
                 double       grey,
                 double       width)
{
  CstPdf *pdf = table->pdf;

  HPDF_Page_SetGrayStroke (pdf->page, (HPDF_REAL) grey);
  HPDF_Page_SetLineWidth (pdf->page, (HPDF_REAL) width);
  HPDF_Page_MoveTo (pdf->page, (HPDF_REAL) table->columns.x[0], (HPDF_REAL) y);
  HPDF_Page_LineTo (pdf->page, (HPDF_REAL) cst_pdf_columns_right (&table->columns), (HPDF_REAL) y);
  HPDF_Page_Stroke (pdf->page);
  HPDF_Page_SetGrayStroke (pdf->page, 0);
}

static void
draw_header (CstPdfTable *table)
{
  CstPdf *pdf = table->pdf;
  CstPdfColumns *columns = &table->columns;
  g_autofree CstPdfCell *cells = g_new0 (CstPdfCell, columns->n_columns);
  double height;

  if (!columns->has_header || pdf->failed)
    return;
  height = lay_out_cells (table, (const char *const *) columns->titles, columns->size, cells);
  HPDF_Page_SetGrayFill (pdf->page, 0.9f);
  HPDF_Page_Rectangle (pdf->page, (HPDF_REAL) columns->x[0], (HPDF_REAL) (pdf->y - height),
                       (HPDF_REAL) (cst_pdf_columns_right (columns) - columns->x[0]),
                       (HPDF_REAL) height);
  HPDF_Page_Fill (pdf->page);
  draw_cells (table, cells, pdf->y, columns->size, TRUE, 0);
  pdf->y -= height;
  cst_pdf_cells_clear (cells, columns->n_columns);
}

/**
 * cst_pdf_table_begin:
 * @columns: (array length=n_columns): titles, width shares and alignment
 *
 * Returns: (transfer full): the table; rows follow, then
 *   cst_pdf_table_end() draws nothing more and frees it
 */
CstPdfTable *
cst_pdf_table_begin (CstPdf             *self,
                     const CstPdfColumn *columns,
                     guint               n_columns)
{
  CstPdfTable *table;
  double size = self->body_size * 0.9;

  g_return_val_if_fail (n_columns > 0, NULL);
  table = g_new0 (CstPdfTable, 1);
  table->pdf = self;
  cst_pdf_columns_init (&table->columns, columns, n_columns, self->margins.left,
                        self->page_width - self->margins.left - self->margins.right, size);
  /* A header alone at the foot of a page helps nobody. */
  if (self->y - 4 * size * CST_PDF_LEADING < cst_pdf_bottom (self))
    cst_pdf_new_page (self);
  draw_header (table);
  return table;
}

void
cst_pdf_table_row_styled (CstPdfTable       *table,
                          const char *const *cells,
                          CstPdfRowStyle     style)
{
  CstPdf *pdf = table->pdf;
  guint n_columns = table->columns.n_columns;
  g_autofree CstPdfCell *laid = g_new0 (CstPdfCell, n_columns);
  double size = style == CST_PDF_ROW_SUBTLE ? pdf->body_size * 0.75 : table->columns.size;
  double height, above = style == CST_PDF_ROW_TOTAL ? 3 : 0;

  if (pdf->failed || pdf->finished)
    return;
  height = lay_out_cells (table, cells, size, laid) + above;
  if (pdf->y - height < cst_pdf_bottom (pdf))
    {
      cst_pdf_new_page (pdf);
      draw_header (table);
    }
  if (style == CST_PDF_ROW_TOTAL)
    horizontal_rule (table, pdf->y - 1, 0, 0.8);
  pdf->y -= above;
  draw_cells (table, laid, pdf->y, size,
              style == CST_PDF_ROW_BOLD || style == CST_PDF_ROW_TOTAL,
              style == CST_PDF_ROW_SUBTLE ? 0.4 : 0);
  pdf->y -= height - above;
  if (style == CST_PDF_ROW_NORMAL)
    horizontal_rule (table, pdf->y, 0.85, 0.4);
  cst_pdf_cells_clear (laid, n_columns);
}

void
cst_pdf_table_row (CstPdfTable       *table,
                   const char *const *cells)
{
  cst_pdf_table_row_styled (table, cells, CST_PDF_ROW_NORMAL);
}

void
cst_pdf_table_end (CstPdfTable *table)
{
  if (table == NULL)
    return;
  table->pdf->y -= 6;
  cst_pdf_columns_clear (&table->columns);
  g_free (table);
}
