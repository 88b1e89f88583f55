/* cst-pdf-table.c — tables that break across pages
 *
 * Rows are laid out one at a time, so a 500-line invoice costs no more
 * memory than a 5-line one.  A row that does not fit goes to a new page,
 * which first repeats the header row.  A cell holds at most a few lines;
 * longer text is ellipsized so one hostile value cannot make a row taller
 * than a page.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include "cst-pdf-private.h"

#define CELL_PAD_X CST_PDF_CELL_PAD_X
#define CELL_PAD_Y CST_PDF_CELL_PAD_Y
#define CELL_MAX_LINES CST_PDF_CELL_MAX_LINES

struct _CstPdfTable
{
  CstPdf       *pdf;
  guint         n_columns;
  double       *x;
  double       *width;
  CstPdfAlign  *align;
  char        **titles;
  gboolean      has_header;
  double        size;
};

static void
place_columns (CstPdfTable        *table,
               const CstPdfColumn *columns)
{
  CstPdf *pdf = table->pdf;

  cst_pdf_place_columns (columns, table->n_columns, pdf->margins.left,
                         pdf->page_width - pdf->margins.left - pdf->margins.right,
                         table->x, table->width);
}

typedef struct
{
  GArray *glyphs;
  GArray *lines;
} Cell;

static void
clear_cell (Cell *cell)
{
  g_clear_pointer (&cell->glyphs, g_array_unref);
  g_clear_pointer (&cell->lines, g_array_unref);
}

static double
lay_out_cells (CstPdfTable       *table,
               const char *const *cells,
               double             size,
               Cell              *out)
{
  guint most = 1;

  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *text = cells && cells[i] ? cells[i] : "";
      out[i].glyphs = cst_pdf_shape (table->pdf, text);
      out[i].lines = cst_pdf_wrap (table->pdf, out[i].glyphs, size,
                                   MAX (table->width[i] - 2 * CELL_PAD_X, 1), CELL_MAX_LINES);
      most = MAX (most, out[i].lines->len);
    }
  return most * size * CST_PDF_LEADING + 2 * CELL_PAD_Y;
}

static void
draw_cells (CstPdfTable *table,
            Cell        *cells,
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
  for (guint c = 0; c < table->n_columns; c++)
    for (guint l = 0; l < cells[c].lines->len; l++)
      {
        const CstPdfLine *line = &g_array_index (cells[c].lines, CstPdfLine, l);
        double inner = table->width[c] - 2 * CELL_PAD_X;
        double used = line->width + (line->ellipsis ? ellipsis : 0);
        double x = table->x[c] + CELL_PAD_X;

        if (table->align[c] == CST_PDF_ALIGN_RIGHT)
          x += inner - used;
        else if (table->align[c] == CST_PDF_ALIGN_CENTER)
          x += (inner - used) / 2;
        cst_pdf_draw_line (pdf, cells[c].glyphs, line, x,
                           top - CELL_PAD_Y - size * 0.9 - l * leading, size, bold, 0);
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
  double right = table->x[table->n_columns - 1] + table->width[table->n_columns - 1];

  HPDF_Page_SetGrayStroke (pdf->page, (HPDF_REAL) grey);
  HPDF_Page_SetLineWidth (pdf->page, (HPDF_REAL) width);
  HPDF_Page_MoveTo (pdf->page, (HPDF_REAL) table->x[0], (HPDF_REAL) y);
  HPDF_Page_LineTo (pdf->page, (HPDF_REAL) right, (HPDF_REAL) y);
  HPDF_Page_Stroke (pdf->page);
  HPDF_Page_SetGrayStroke (pdf->page, 0);
}

static void
draw_header (CstPdfTable *table)
{
  CstPdf *pdf = table->pdf;
  g_autofree Cell *cells = g_new0 (Cell, table->n_columns);
  double height, right;

  if (!table->has_header || pdf->failed)
    return;
  height = lay_out_cells (table, (const char *const *) table->titles, table->size, cells);
  right = table->x[table->n_columns - 1] + table->width[table->n_columns - 1];
  HPDF_Page_SetGrayFill (pdf->page, 0.9f);
  HPDF_Page_Rectangle (pdf->page, (HPDF_REAL) table->x[0], (HPDF_REAL) (pdf->y - height),
                       (HPDF_REAL) (right - table->x[0]), (HPDF_REAL) height);
  HPDF_Page_Fill (pdf->page);
  draw_cells (table, cells, pdf->y, table->size, TRUE, 0);
  pdf->y -= height;
  for (guint i = 0; i < table->n_columns; i++)
    clear_cell (&cells[i]);
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
  CstPdfTable *table = g_new0 (CstPdfTable, 1);

  g_return_val_if_fail (n_columns > 0, NULL);
  table->pdf = self;
  table->n_columns = n_columns;
  table->x = g_new0 (double, n_columns);
  table->width = g_new0 (double, n_columns);
  table->align = g_new0 (CstPdfAlign, n_columns);
  table->titles = g_new0 (char *, n_columns + 1);
  table->size = self->body_size * 0.9;
  for (guint i = 0; i < n_columns; i++)
    {
      table->align[i] = columns[i].align;
      table->titles[i] = g_strdup (columns[i].title ? columns[i].title : "");
      table->has_header |= columns[i].title != NULL;
    }
  place_columns (table, columns);
  /* A header alone at the foot of a page helps nobody. */
  if (self->y - 4 * table->size * CST_PDF_LEADING < cst_pdf_bottom (self))
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
  g_autofree Cell *laid = g_new0 (Cell, table->n_columns);
  double size = style == CST_PDF_ROW_SUBTLE ? pdf->body_size * 0.75 : table->size;
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
  for (guint i = 0; i < table->n_columns; i++)
    clear_cell (&laid[i]);
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
  g_free (table->x);
  g_free (table->width);
  g_free (table->align);
  g_strfreev (table->titles);
  g_free (table);
}
