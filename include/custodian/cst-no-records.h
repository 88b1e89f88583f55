/* cst-no-records.h — answering "no records found" (migration 0043)
 *
 * The search scope is recorded by one person and signed off by another
 * before the request may be answered "no records found"; the database
 * enforces both, these say so first.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

/* A recorded search as read back, with who searched and who signed off. */
typedef struct
{
  GStrv      systems;
  GDate     *from;
  GDate     *to;
  GStrv      locations;
  char      *searched_by;
  GDateTime *searched_at;
  char      *signed_off_by;   /* NULL until signed off */
  GDateTime *signed_off_at;
} CstNoRecordsSearch;

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
/* The search recorded for @request_id, or NULL (error unset) when none is. */
CstNoRecordsSearch *cst_no_records_get         (PGconn              *conn,
                                                gint64               request_id,
                                                GError             **error);
void                cst_no_records_search_free (CstNoRecordsSearch  *search);
/* Closes @request as denied, "no records found", with @reason (where to
 * direct the request, 164.524(d)(3)). */
CstRequest *cst_no_records_answer        (PGconn             *conn,
                                          CstRequest         *request,
                                          const char         *reason,
                                          GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstNoRecordsSearch, cst_no_records_search_free)

G_END_DECLS
