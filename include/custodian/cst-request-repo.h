/* cst-request-repo.h — requests in PostgreSQL (blocking calls)
 *
 * These run on whatever thread owns @conn: the command line calls them
 * directly, the window through CstRequestStore's worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

CstRequest *cst_request_repo_create     (PGconn            *conn,
                                         CstRequest        *draft,
                                         GError           **error);
CstRequest *cst_request_repo_get        (PGconn            *conn,
                                         gint64             id,
                                         GError           **error);
CstRequest *cst_request_repo_find       (PGconn            *conn,
                                         const char        *reference,
                                         GError           **error);
GPtrArray  *cst_request_repo_list       (PGconn            *conn,
                                         const GDate       *closed_since,
                                         GError           **error);
GPtrArray  *cst_request_repo_search_closed (PGconn         *conn,
                                            const char     *text,
                                            const GDate    *before,
                                            guint           limit,
                                            GCancellable   *cancellable,
                                            GError        **error);
CstRequest *cst_request_repo_save       (PGconn            *conn,
                                         CstRequest        *edited,
                                         GError           **error);
CstRequest *cst_request_repo_save_again (PGconn            *conn,
                                         CstRequest        *edited,
                                         GError           **error);
CstRequest *cst_request_repo_move       (PGconn            *conn,
                                         CstRequest        *request,
                                         CstRequestStatus   to,
                                         const char        *reason,
                                         GError           **error);
CstRequest *cst_request_repo_extend     (PGconn            *conn,
                                         CstRequest        *request,
                                         const GDate       *on,
                                         const char        *reason,
                                         GError           **error);
gint64      cst_request_repo_count      (PGconn            *conn,
                                         GError           **error);

G_END_DECLS
