/* cst-release.h — releasing a request: status, disclosure and documents at once */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-delivery.h"
#include "custodian/cst-document.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef struct
{
  CstRequest *request;        /* as stored, now released */
  gint64      disclosure_id;  /* its row in the accounting of disclosures */
  GBytes     *cover_letter;
  GBytes     *invoice;        /* NULL when no invoice was issued */
} CstRelease;

void        cst_release_free (CstRelease               *release);
CstRelease *cst_release_run  (PGconn                   *conn,
                              CstRequest               *request,
                              const char               *language,
                              const CstDocumentOptions *options,
                              GError                  **error);

gboolean    cst_release_record_particulars (PGconn            *conn,
                                            CstRequest        *request,
                                            GPtrArray         *withheld,
                                            const CstDelivery *delivery,
                                            GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRelease, cst_release_free)

G_END_DECLS
