/* cst-request-repo-first.h — the first screenful of the request list
 * (blocking call, on the thread that owns @conn) */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

GPtrArray *cst_request_repo_list_first (PGconn       *conn,
                                        const GDate  *closed_since,
                                        guint         limit,
                                        GError      **error);

G_END_DECLS
