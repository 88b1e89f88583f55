/* cst-statement-pages.h — the statement drawn for the screen, and its PDF
 * made only when it is saved
 *
 * The workbench's preview: the statement is made and laid out on a
 * worker thread by the same code as its PDF (cst-statement-pdf.c), drawn
 * onto cairo recording surfaces instead of a PDF (cst-pdf-pages.h).  The
 * PDF is made from the statement shown when it is exported, also off the
 * caller's thread.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-pdf-pages.h"
#include "custodian/cst-statement-extras.h"
#include "custodian/cst-statement.h"

G_BEGIN_DECLS

CstPdfPages  *cst_statement_render_pages      (CstStatement              *statement,
                                               GCancellable              *cancellable,
                                               GError                   **error);

void          cst_statement_preview_async     (CstBill                   *bill,
                                               CstStatementRules         *rules,
                                               CstStatementTemplate      *tpl,
                                               const CstStatementExtras  *extras,
                                               guint                      shown_page,
                                               double                     shown_scale,
                                               GCancellable              *cancellable,
                                               GAsyncReadyCallback        callback,
                                               gpointer                   user_data);
CstStatement *cst_statement_preview_finish    (GAsyncResult              *result,
                                               CstPdfPages              **pages,
                                               GError                   **error);

void          cst_statement_render_pdf_async  (CstStatement              *statement,
                                               GCancellable              *cancellable,
                                               GAsyncReadyCallback        callback,
                                               gpointer                   user_data);
GBytes       *cst_statement_render_pdf_finish (GAsyncResult              *result,
                                               GError                   **error);

G_END_DECLS
