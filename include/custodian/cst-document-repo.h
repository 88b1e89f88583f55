/* cst-document-repo.h — disclosures, document templates and the record
 * of rendered documents in PostgreSQL (blocking calls, like
 * cst-request-repo.h; the PDF the documents dialog saves or prints also
 * as an _async on a CstConnection: cst_document_repo_preview_async, named
 * for when the dialog showed it; the dialog's preview itself is drawn for
 * the screen, cst-document-preview.h) */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-document.h"

G_BEGIN_DECLS

gint64               cst_document_repo_record_disclosure (PGconn               *conn,
                                                           const CstDisclosure  *disclosure,
                                                           GError              **error);
gint64               cst_document_repo_record_release    (PGconn               *conn,
                                                           CstRequest           *request,
                                                           const GDate          *on,
                                                           GError              **error);
GPtrArray           *cst_document_repo_list_disclosures  (PGconn               *conn,
                                                           gint64                patient_id,
                                                           const GDate          *from,
                                                           const GDate          *to,
                                                           gboolean              accountable_only,
                                                           GError              **error);
CstDocumentTemplate *cst_document_repo_load_template     (PGconn               *conn,
                                                           CstDocumentKind       kind,
                                                           const char           *language,
                                                           GError              **error);
gboolean             cst_document_repo_install_shipped   (PGconn               *conn,
                                                           GError              **error);
CstDocumentTemplate *cst_document_repo_save_template     (PGconn               *conn,
                                                           CstDocumentKind       kind,
                                                           const char           *language,
                                                           const char           *body,
                                                           GError              **error);
gint64               cst_document_repo_record_rendering  (PGconn               *conn,
                                                           gint64                request_id,
                                                           const CstDocumentTemplate *tpl,
                                                           GBytes               *pdf,
                                                           guint                 page_count,
                                                           GError              **error);
CstInvoice          *cst_document_repo_load_invoice      (PGconn               *conn,
                                                           CstRequest           *request,
                                                           GError              **error);
GBytes              *cst_document_repo_render            (PGconn               *conn,
                                                           CstDocumentKind       kind,
                                                           CstRequest           *request,
                                                           const char           *language,
                                                           const CstInvoice     *invoice,
                                                           const CstDocumentOptions *options,
                                                           guint                *n_pages,
                                                           GError              **error);
/* The same for the request of @reference, on a connection of its own to
 * @conninfo, opened and closed here (custodian-cli). */
GBytes              *cst_document_repo_render_at         (const char           *conninfo,
                                                           CstDocumentKind       kind,
                                                           const char           *reference,
                                                           const char           *language,
                                                           const CstDocumentOptions *options,
                                                           guint                *n_pages,
                                                           GError              **error);
GBytes              *cst_document_repo_make              (PGconn               *conn,
                                                           CstDocumentKind       kind,
                                                           CstRequest           *request,
                                                           const char           *language,
                                                           const CstInvoice     *invoice,
                                                           const CstDocumentOptions *options,
                                                           CstDocumentTemplate **tpl,
                                                           guint                *n_pages,
                                                           GError              **error);

void                 cst_document_repo_preview_async     (CstConnection        *connection,
                                                           CstDocumentKind       kind,
                                                           CstRequest           *request,
                                                           const char           *language,
                                                           const char           *logo_path,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GBytes              *cst_document_repo_preview_finish    (CstConnection        *connection,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
