/* cst-release.h — releasing a request: status, disclosure and documents at once */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-delivery.h"
#include "custodian/cst-document.h"
#include "custodian/cst-no-records.h"
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
const char *cst_release_desk_setup (CstDocumentOptions *options);
CstRelease *cst_release_run  (PGconn                   *conn,
                              CstRequest               *request,
                              const char               *language,
                              const CstDocumentOptions *options,
                              GError                  **error);

void        cst_release_prepare (PGconn                   *conn,
                                 CstRequest               *request,
                                 const char               *language,
                                 const CstDocumentOptions *options);
gboolean    cst_release_record_particulars (PGconn            *conn,
                                            CstRequest        *request,
                                            GPtrArray         *withheld,
                                            const CstDelivery *delivery,
                                            GError           **error);

/* What is on record towards a request's release (cst-release-on-file.c):
 * each _async below stores the clerk's entry, then reads this back, all on
 * the connection's worker; every one of them ends with
 * cst_release_on_file_finish(). */
typedef struct
{
  CstNoRecordsSearch *search;        /* NULL: none recorded */
  CstDeliveryProof   *proof;         /* NULL: none recorded */
  GPtrArray          *withholdings;  /* of CstWithholding */
  CstRequest         *answered;      /* the request as answered "no records found" */
} CstReleaseOnFile;

void              cst_release_on_file_free  (CstReleaseOnFile *on_file);
CstReleaseOnFile *cst_release_on_file_load  (PGconn           *conn,
                                             CstRequest       *request,
                                             GError          **error);

void              cst_release_on_file_load_async                (CstConnection       *connection,
                                                                 CstRequest          *request,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
void              cst_release_on_file_record_search_async       (CstConnection       *connection,
                                                                 CstRequest          *request,
                                                                 const char *const   *systems,
                                                                 const GDate         *from,
                                                                 const GDate         *to,
                                                                 const char *const   *locations,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
void              cst_release_on_file_sign_off_async            (CstConnection       *connection,
                                                                 CstRequest          *request,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
void              cst_release_on_file_answer_no_records_async   (CstConnection       *connection,
                                                                 CstRequest          *request,
                                                                 const char          *reason,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
void              cst_release_on_file_record_particulars_async  (CstConnection       *connection,
                                                                 CstRequest          *request,
                                                                 GPtrArray           *withheld,
                                                                 const CstDelivery   *delivery,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
CstReleaseOnFile *cst_release_on_file_finish                    (CstConnection       *connection,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRelease, cst_release_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstReleaseOnFile, cst_release_on_file_free)

G_END_DECLS
