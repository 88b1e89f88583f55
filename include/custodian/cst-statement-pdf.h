/* cst-statement-pdf.h — the patient statement as PDF (via cst-pdf.h)
 *
 * Renders a CstStatement exactly as its template says: sections in the
 * template's order, its wording, colours, type size and language.  Safe
 * to call on a worker thread with a statement (and template) no other
 * thread changes.  The PDF metadata carries no patient data.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-statement.h"

G_BEGIN_DECLS

GBytes   *cst_statement_render_pdf         (CstStatement  *statement,
                                            GError       **error);
GBytes   *cst_statement_render_pdf_counted (CstStatement  *statement,
                                            guint         *n_pages,
                                            GError       **error);
gboolean  cst_statement_render_pdf_to_file (CstStatement  *statement,
                                            const char    *path,
                                            GError       **error);

/* ---- A preview: one statement and its PDF on a worker thread ------------ */

void          cst_statement_render_async  (CstBill               *bill,
                                           CstStatementRules     *rules,
                                           CstStatementTemplate  *tpl,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
CstStatement *cst_statement_render_finish (GAsyncResult          *result,
                                           GBytes               **pdf,
                                           guint                 *n_pages,
                                           GError               **error);

/* ---- Export: one bill file, or many on a worker thread ------------------ */

typedef struct
{
  GPtrArray *written;     /* of char*: the PDFs, in the order of the inputs */
  GPtrArray *failures;    /* of char*: "file.csv: why", naming the line */
  gboolean   cancelled;   /* stopped before the last file */
} CstStatementBatchResult;

typedef void (*CstStatementBatchProgress) (guint    done,
                                           guint    total,
                                           gpointer user_data);

char     *cst_statement_export_bill_file   (const char            *csv_path,
                                            CstStatementRules     *rules,
                                            CstStatementTemplate  *tpl,
                                            const char            *out_dir,
                                            const GDate           *today,
                                            GError               **error);
void      cst_statement_export_batch_async (const char * const        *paths,
                                            CstStatementRules         *rules,
                                            CstStatementTemplate      *tpl,
                                            const char                *out_dir,
                                            CstStatementBatchProgress  progress,
                                            gpointer                   progress_data,
                                            gpointer                   source_object,
                                            GCancellable              *cancellable,
                                            GAsyncReadyCallback        callback,
                                            gpointer                   user_data);
CstStatementBatchResult *cst_statement_export_batch_finish (GAsyncResult  *result,
                                                            GError       **error);
void      cst_statement_batch_result_free  (CstStatementBatchResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstStatementBatchResult, cst_statement_batch_result_free)

G_END_DECLS
