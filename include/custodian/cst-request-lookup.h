/* cst-request-lookup.h — a request found by its reference on a new
 * connection: custodian-cli's way into every model call that takes a
 * request's id (the *_at functions) */
#pragma once

#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

PGconn *cst_request_connect (const char  *conninfo,
                             const char  *reference,
                             gint64      *request_id,
                             GError     **error);

G_END_DECLS
