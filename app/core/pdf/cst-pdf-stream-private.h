/* cst-pdf-stream-private.h — a PDF writer that writes each page out when it is
 * finished, for documents too long to hold in memory (the fee report of a
 * year: tens of thousands of pages)
 *
 * It looks like CstPdf (same fonts, text styles, tables, rules, footers)
 * but is drawn with cairo's PDF surface, which records only the current
 * page and writes it to the output stream at cairo_show_page(): memory
 * stays flat in the number of pages.  What it cannot do is go back to a
 * finished page, so "Page X of Y" needs Y before the first page ends:
 * cst_pdf_stream_set_n_pages(), from a measure-only pass
 * (cst_pdf_stream_new_measure()) that lays out the same content without
 * drawing it.  Without it, footers read "Page X" and the last page states
 * the total.
 *
 * cst_pdf_stream_new_direct() writes the page content itself from the
 * same layout (cst-pdf-direct-private.h), without cairo: text, rules,
 * rectangles and images; for the longest documents (the fee report) and,
 * tagged (cst_pdf_stream_new_tagged_direct()), for the letters, invoices
 * and receipts.
 *
 * The same layout draws for the screen (cst_pdf_stream_new_screen()):
 * each page kept as a cairo recording surface, handed over as
 * CstPdfPages for a preview to paint; no PDF is made.
 *
 * Coordinates are cairo's: points from the top left corner of the page,
 * y growing downwards.  Private to the model library; no GTK.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "custodian/cst-pdf.h"
#include "custodian/cst-pdf-pages.h"

G_BEGIN_DECLS

typedef struct _CstPdfStream CstPdfStream;
typedef struct _CstPdfStreamTable CstPdfStreamTable;

CstPdfStream      *cst_pdf_stream_new            (GOutputStream      *out,
                                                  CstPdfPaper         paper,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
CstPdfStream      *cst_pdf_stream_new_direct     (GOutputStream      *out,
                                                  CstPdfPaper         paper,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
CstPdfStream      *cst_pdf_stream_new_measure    (CstPdfPaper         paper,
                                                  GError            **error);
CstPdfStream      *cst_pdf_stream_new_tagged     (CstPdfPaper         paper,
                                                  const char         *language,
                                                  GError            **error);
CstPdfStream      *cst_pdf_stream_new_tagged_direct (CstPdfPaper      paper,
                                                  const char         *language,
                                                  GError            **error);
CstPdfStream      *cst_pdf_stream_new_screen     (CstPdfPaper         paper,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
void               cst_pdf_stream_free           (CstPdfStream       *self);
void               cst_pdf_stream_drop_shared_faces (void);

void               cst_pdf_stream_set_title      (CstPdfStream       *self,
                                                  const char         *title);
void               cst_pdf_stream_set_footer     (CstPdfStream       *self,
                                                  const char         *text);
void               cst_pdf_stream_set_n_pages    (CstPdfStream       *self,
                                                  guint               n_pages);
void               cst_pdf_stream_set_page_format (CstPdfStream      *self,
                                                  const char         *format);
void               cst_pdf_stream_set_body_size  (CstPdfStream       *self,
                                                  double              size);

/* Tagged PDF (cst_pdf_stream_new_tagged(), _new_tagged_direct(); nothing
 * in other writers).
 * Text, tables and list items tag themselves (P, Table/TR/TH/TD, LI);
 * groups (Sect, L) and free-placed text are tagged by the caller. */
void               cst_pdf_stream_tag_begin      (CstPdfStream       *self,
                                                  const char         *role);
void               cst_pdf_stream_tag_end        (CstPdfStream       *self,
                                                  const char         *role);
void               cst_pdf_stream_text_tagged    (CstPdfStream       *self,
                                                  const char         *role,
                                                  const char         *text,
                                                  const CstPdfStyle  *style);
void               cst_pdf_stream_draw_text_tagged (CstPdfStream     *self,
                                                  const char         *role,
                                                  double              x,
                                                  double              baseline,
                                                  const char         *text,
                                                  const CstPdfStyle  *style);
void               cst_pdf_stream_figure_begin   (CstPdfStream       *self,
                                                  const char         *alt);
void               cst_pdf_stream_figure_end     (CstPdfStream       *self);

/* Blocks as CstPdf draws them. */
void               cst_pdf_stream_letterhead     (CstPdfStream       *self,
                                                  const CstPdfLetterhead *letterhead,
                                                  const char         *logo_alt);
void               cst_pdf_stream_small_text     (CstPdfStream       *self,
                                                  const char         *text);
void               cst_pdf_stream_boxed_text     (CstPdfStream       *self,
                                                  const char         *text,
                                                  const CstPdfStyle  *style);
void               cst_pdf_stream_list_item      (CstPdfStream       *self,
                                                  const char         *label,
                                                  const char         *text,
                                                  const CstPdfStyle  *style);
void               cst_pdf_stream_space          (CstPdfStream       *self,
                                                  double              points);
void               cst_pdf_stream_get_content_area (CstPdfStream     *self,
                                                  CstPdfRect         *area);
/* A QR code as vector squares (cst-pdf-qr.c), top left at @x, @y. */
gboolean           cst_pdf_stream_draw_qr        (CstPdfStream       *self,
                                                  double              x,
                                                  double              y,
                                                  double              size,
                                                  const char         *text,
                                                  GError            **error);

void               cst_pdf_stream_heading        (CstPdfStream       *self,
                                                  const char         *text);
void               cst_pdf_stream_paragraph      (CstPdfStream       *self,
                                                  const char         *text);
void               cst_pdf_stream_text           (CstPdfStream       *self,
                                                  const char         *text,
                                                  const CstPdfStyle  *style);
void               cst_pdf_stream_rule           (CstPdfStream       *self);
void               cst_pdf_stream_page_break     (CstPdfStream       *self);

/* Vector drawing (charts): reserve a block of the flow, then draw into
 * @area with the cairo context, which is %NULL while measuring. */
gboolean           cst_pdf_stream_reserve        (CstPdfStream       *self,
                                                  double              height,
                                                  CstPdfRect         *area);
cairo_t           *cst_pdf_stream_get_cairo      (CstPdfStream       *self);
/* Fills and lines on every writer, the direct one included (charts). */
void               cst_pdf_stream_fill_rectangle (CstPdfStream       *self,
                                                  double              x,
                                                  double              y,
                                                  double              width,
                                                  double              height,
                                                  double              r,
                                                  double              g,
                                                  double              b);
void               cst_pdf_stream_stroke_line    (CstPdfStream       *self,
                                                  double              x0,
                                                  double              y0,
                                                  double              x1,
                                                  double              y1,
                                                  double              width,
                                                  double              r,
                                                  double              g,
                                                  double              b);
void               cst_pdf_stream_draw_text      (CstPdfStream       *self,
                                                  double              x,
                                                  double              baseline,
                                                  const char         *text,
                                                  const CstPdfStyle  *style);

CstPdfStreamTable *cst_pdf_stream_table_begin    (CstPdfStream       *self,
                                                  const CstPdfColumn *columns,
                                                  guint               n_columns);
void               cst_pdf_stream_table_row      (CstPdfStreamTable  *table,
                                                  const char *const  *cells,
                                                  CstPdfRowStyle      style);
void               cst_pdf_stream_table_end      (CstPdfStreamTable  *table);

guint              cst_pdf_stream_get_n_pages    (CstPdfStream       *self);
gboolean           cst_pdf_stream_finish         (CstPdfStream       *self,
                                                  GError            **error);
GBytes            *cst_pdf_stream_finish_tagged  (CstPdfStream       *self,
                                                  GError            **error);
CstPdfPages       *cst_pdf_stream_finish_pages   (CstPdfStream       *self,
                                                  GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPdfStream, cst_pdf_stream_free)

G_END_DECLS
