/* cst-document-preview.h — a request's document drawn for the screen,
 * its PDF made only when it is saved or printed
 *
 * The documents dialog's preview: the letter, invoice, accounting or
 * certification is laid out on the connection's worker by the same code
 * as its PDF (cst-document-render.c), drawn onto cairo recording surfaces
 * instead of a PDF (cst-pdf-pages.h).  Nothing is recorded: a document is
 * recorded (document_record()) when its PDF is made, by
 * cst_document_repo_preview_async() (cst-document-repo.h) for saving or
 * printing, or by the release.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-document.h"
#include "custodian/cst-pdf-pages.h"

G_BEGIN_DECLS

void         cst_document_preview_async  (CstConnection        *connection,
                                          CstDocumentKind       kind,
                                          CstRequest           *request,
                                          const char           *language,
                                          const char           *logo_path,
                                          guint                 shown_page,
                                          double                shown_scale,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
CstPdfPages *cst_document_preview_finish (CstConnection        *connection,
                                          GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
