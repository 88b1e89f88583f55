/* cst-db-private.h — what cst-db.c takes from cst-db-statements.c */
#pragma once

#include "custodian/cst-db.h"

G_BEGIN_DECLS

PGresult *_cst_db_exec_statement (PGconn            *conn,
                                  const char        *sql,
                                  int                n_params,
                                  const char *const *params,
                                  int                format);

/* A transaction's request notices kept for after its commit, and sent
 * then (resources/sql/0134-request-notices-after-commit.sql). */
#define CST_DB_DEFER_NOTICES_SQL \
  "SELECT set_config('custodian.notices_after_commit', 'on', true)"
#define CST_DB_SEND_NOTICES_SQL "SELECT send_request_notices()"

gboolean  _cst_db_mark_notices_after (PGconn         *conn);
gboolean  _cst_db_take_notices_after (PGconn         *conn);
void      _cst_db_check_notices_sent (const PGresult *sent);

G_END_DECLS
