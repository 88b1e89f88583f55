/* cst-pdf-tagged-private.h — a tagged, accessible document in two passes
 *
 * What the statement does (a measure-only pass for "Page X of Y", then the
 * tagged pass finished by the libqpdf pass of cst-pdf-access.c), for every
 * document drawn on the cairo writer: letters, invoices, receipts.
 * Private to the model library; no GTK.
 */
#pragma once

#include "cst-pdf-stream-private.h"

G_BEGIN_DECLS

/* Lays the whole document out on @pdf: called once to measure, once to
 * draw, so it must do the same both times. */
typedef void (*CstPdfLayOut) (CstPdfStream *pdf,
                              gpointer      data);

GBytes  *cst_pdf_tagged_render      (CstPdfPaper   paper,
                                     const char   *language,
                                     CstPdfLayOut  lay_out,
                                     gpointer      data,
                                     guint        *n_pages,
                                     GError      **error);
CstPdfPages *cst_pdf_tagged_render_pages (CstPdfPaper    paper,
                                          CstPdfLayOut   lay_out,
                                          gpointer       data,
                                          GCancellable  *cancellable,
                                          GError       **error);
void     cst_pdf_tagged_subheading  (CstPdfStream *pdf,
                                     const char   *text);

G_END_DECLS
