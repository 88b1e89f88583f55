/* cst-statement-template-repo.h — statement templates in PostgreSQL
 *
 * Blocking calls on whatever thread owns @conn, like cst-request-repo.h:
 * the command line calls them directly; a window uses the _async ones,
 * which run them on a CstConnection's worker thread.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-statement.h"

G_BEGIN_DECLS

CstStatementTemplate *cst_statement_template_repo_load (PGconn             *conn,
                                                         const char         *name,
                                                         const char         *language,
                                                         int                 version,
                                                         GError            **error);
CstStatementTemplate *cst_statement_template_repo_load_version_id (PGconn  *conn,
                                                                    gint64   version_id,
                                                                    GError **error);
gboolean              cst_statement_template_repo_save (PGconn               *conn,
                                                         CstStatementTemplate *tpl,
                                                         const char           *note,
                                                         GError              **error);
gboolean              cst_statement_template_repo_seed (PGconn  *conn,
                                                         guint   *n_added,
                                                         GError **error);

/* On a CstConnection's worker thread, for the views. */
void                  cst_statement_template_repo_load_current_async  (CstConnection        *connection,
                                                                        const char           *name,
                                                                        const char * const   *languages,
                                                                        GCancellable         *cancellable,
                                                                        GAsyncReadyCallback   callback,
                                                                        gpointer              user_data);
GPtrArray            *cst_statement_template_repo_load_current_finish (CstConnection        *connection,
                                                                        GAsyncResult         *result,
                                                                        GError              **error);
void                  cst_statement_template_repo_save_async          (CstConnection        *connection,
                                                                        GPtrArray            *templates,
                                                                        const char           *note,
                                                                        GCancellable         *cancellable,
                                                                        GAsyncReadyCallback   callback,
                                                                        gpointer              user_data);
GPtrArray            *cst_statement_template_repo_save_finish         (CstConnection        *connection,
                                                                        GAsyncResult         *result,
                                                                        GError              **error);

G_END_DECLS
