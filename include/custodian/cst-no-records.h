/* cst-no-records.h — answering "no records found" (migration 0043)
 *
 * The search scope is recorded by one person and signed off by another
 * before the request may be answered "no records found"; the database
 * enforces both, these say so first.
 */
#pragma once

#include <libpq-fe.h>

#include "custodian/cst-request.h"

G_BEGIN_DECLS

gboolean    cst_no_records_record_search (PGconn             *conn,
                                          CstRequest         *request,
                                          const char *const  *systems,
                                          const GDate        *from,
                                          const GDate        *to,
                                          const char *const  *locations,
                                          GError            **error);
/* Signs off the recorded search as the connection's user, who must not be
 * the one who searched. */
gboolean    cst_no_records_sign_off      (PGconn             *conn,
                                          CstRequest         *request,
                                          GError            **error);
gboolean    cst_no_records_is_signed_off (PGconn             *conn,
                                          CstRequest         *request,
                                          GError            **error);
/* Closes @request as denied, "no records found", with @reason (where to
 * direct the request, 164.524(d)(3)). */
CstRequest *cst_no_records_answer        (PGconn             *conn,
                                          CstRequest         *request,
                                          const char         *reason,
                                          GError            **error);

G_END_DECLS
