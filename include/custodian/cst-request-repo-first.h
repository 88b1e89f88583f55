/* cst-request-repo-first.h — the first screenful of the request list
 * and the whole list as compact rows (blocking calls, on the thread that
 * owns @conn) */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"
#include "custodian/cst-request-rows.h"

G_BEGIN_DECLS

GPtrArray *cst_request_repo_list_first (PGconn       *conn,
                                        const GDate  *closed_since,
                                        guint         limit,
                                        GError      **error);

char           *cst_request_repo_visible_facilities (PGconn       *conn,
                                                     GError      **error);
CstRequestRows *cst_request_repo_list_rows          (PGconn       *conn,
                                                     const char   *facilities,
                                                     const GDate  *closed_since,
                                                     GError      **error);
CstRequestRows *cst_request_repo_list_first_rows    (PGconn       *conn,
                                                     const char   *facilities,
                                                     const GDate  *closed_since,
                                                     guint         limit,
                                                     GError      **error);

G_END_DECLS
