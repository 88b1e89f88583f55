/* cst-db-private.h — what cst-db.c takes from cst-db-statements.c */
#pragma once

#include "custodian/cst-db.h"

G_BEGIN_DECLS

PGresult *_cst_db_exec_statement (PGconn            *conn,
                                  const char        *sql,
                                  int                n_params,
                                  const char *const *params,
                                  int                format);

G_END_DECLS
