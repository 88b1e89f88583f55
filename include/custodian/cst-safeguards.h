/* cst-safeguards.h — what the request view shows beside a request: its
 * service clock, repeats either way, and a representative's authority on
 * file, read in one go on a connection's worker */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-repeat.h"
#include "custodian/cst-representative.h"

G_BEGIN_DECLS

typedef struct
{
  guint                 service_days;       /* the department's own target */
  CstRepeat             repeat;             /* what @request repeats */
  GPtrArray            *repeated_by;        /* references of later requests repeating it */
  gint64                representative_id;  /* 0: none on file today, or no representative */
  CstRepresentativeInfo representative;     /* read when on file */
} CstSafeguards;

void           cst_safeguards_free      (CstSafeguards  *safeguards);
CstSafeguards *cst_safeguards_load      (PGconn         *conn,
                                         CstRequest     *request,
                                         GError        **error);

void           cst_safeguards_load_async   (CstConnection       *connection,
                                            CstRequest          *request,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CstSafeguards *cst_safeguards_load_finish  (CstConnection       *connection,
                                            GAsyncResult        *result,
                                            GError             **error);
void           cst_safeguards_record_representative_async  (CstConnection              *connection,
                                                            CstRequest                 *request,
                                                            CstRepresentativeAuthority  authority,
                                                            const char                 *document,
                                                            const GDate                *valid_until,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
CstSafeguards *cst_safeguards_record_representative_finish (CstConnection              *connection,
                                                            GAsyncResult               *result,
                                                            GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstSafeguards, cst_safeguards_free)

G_END_DECLS
