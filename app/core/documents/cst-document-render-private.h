/* cst-document-render-private.h — a document made as a PDF or drawn for
 * the screen from the same layout
 *
 * The render functions of cst-document.h return the PDF; the documents
 * dialog's preview (cst-document-preview.h) wants the same pages drawn
 * for the screen (cst-pdf-pages.h) and no PDF.  Both go through these,
 * which say which one to make in @made.  Private to the model library.
 */
#pragma once

#include "custodian/cst-document.h"
#include "custodian/cst-pdf-pages.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean      screen;        /* in: draw the pages for the screen, make no PDF */
  GCancellable *cancellable;   /* in: the screen drawing's; not owned */
  gboolean      keep;          /* in: a PDF made before from the same inputs is used, and this
                                * one kept (cst-document-cache-private.h) */
  GBytes       *pdf;           /* out, unless screen */
  CstPdfPages  *pages;         /* out, if screen */
  guint         n_pages;       /* out */
} CstDocumentMade;

void     cst_document_made_clear          (CstDocumentMade           *made);

gboolean cst_document_make_letter         (const CstDocumentTemplate *tpl,
                                           CstRequest                *request,
                                           GPtrArray                 *rows,
                                           const CstDocumentOptions  *options,
                                           CstDocumentMade           *made,
                                           GError                   **error);
gboolean cst_document_make_certification  (const CstDocumentTemplate *tpl,
                                           CstRequest                *request,
                                           guint                      packet_pages,
                                           const char                *packet_sha256,
                                           const GDate               *packet_built,
                                           const CstDocumentOptions  *options,
                                           CstDocumentMade           *made,
                                           GError                   **error);
gboolean cst_document_make_invoice        (const CstDocumentTemplate *tpl,
                                           CstRequest                *request,
                                           const CstInvoice          *invoice,
                                           const CstDocumentOptions  *options,
                                           CstDocumentMade           *made,
                                           GError                   **error);
gboolean cst_document_make_accounting     (const CstDocumentTemplate *tpl,
                                           CstRequest                *request,
                                           GPtrArray                 *disclosures,
                                           const CstDocumentOptions  *options,
                                           CstDocumentMade           *made,
                                           GError                   **error);

/* cst_document_repo_make() into @made (cst-document-repo.c). */
gboolean cst_document_repo_make_into      (PGconn                    *conn,
                                           CstDocumentKind            kind,
                                           CstRequest                *request,
                                           const char                *language,
                                           const CstInvoice          *invoice,
                                           const CstDocumentOptions  *options,
                                           CstDocumentTemplate      **tpl,
                                           CstDocumentMade           *made,
                                           GError                   **error);

G_END_DECLS
