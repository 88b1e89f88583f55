/* cst-bill-repo.h — bills and the statements sent from them in PostgreSQL
 *
 * Blocking calls on whatever thread owns @conn, like cst-request-repo.h.
 * The statement templates the statements are made from are kept by
 * cst-statement-template-repo.h.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-bill.h"
#include "custodian/cst-statement.h"

G_BEGIN_DECLS

gint64                cst_bill_repo_insert           (PGconn               *conn,
                                                       CstBill              *bill,
                                                       GError              **error);
CstBill              *cst_bill_repo_get              (PGconn               *conn,
                                                       gint64                id,
                                                       GError              **error);
GPtrArray            *cst_bill_repo_list             (PGconn               *conn,
                                                       GError              **error);
gint64                cst_bill_repo_record_statement (PGconn               *conn,
                                                       CstStatement         *statement,
                                                       GError              **error);
CstStatement         *cst_bill_repo_reproduce_statement (PGconn            *conn,
                                                          gint64             statement_id,
                                                          CstStatementRules *rules,
                                                          GError           **error);

G_END_DECLS
