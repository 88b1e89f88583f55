/* cst-packet-review.h — the second person's check of a records packet
 *
 * For a request with record documents the workflow's quality check is the
 * review of its packet (migration 0068): sending the request to its
 * quality check submits the last build; a reviewer who did not assemble
 * it approves it (the request becomes ready) or returns it with a reason
 * (back to in progress).  The database refuses an approval by the
 * assembler and a release of a packet changed since its approval.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef enum
{
  CST_PACKET_REVIEW_NONE,        /* never sent to its quality check */
  CST_PACKET_REVIEW_SUBMITTED,   /* waiting for a second person */
  CST_PACKET_REVIEW_APPROVED,
  CST_PACKET_REVIEW_RETURNED,    /* with its reason */
  CST_PACKET_REVIEW_WITHDRAWN,   /* taken back to work without a decision */
} CstPacketReviewState;

const char *cst_packet_review_state_get_label (CstPacketReviewState state);

/* A request's last review, and the build it is about. */
typedef struct
{
  gint64                id;             /* 0 when state is NONE */
  gint64                request_id;
  gint64                build_id;
  CstPacketReviewState  state;
  gboolean              current;        /* the packet is still what was submitted */
  char                 *assembled_by;   /* who recorded the build */
  char                 *submitted_by;
  GDateTime            *submitted_at;
  char                 *decided_by;     /* NULL while submitted */
  GDateTime            *decided_at;
  char                 *reason;         /* a returned packet's */
  char                 *sha256;         /* the build's */
  guint                 pages;
  guint                 record_pages;
} CstPacketReview;

void cst_packet_review_free (CstPacketReview *review);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPacketReview, cst_packet_review_free)

/* What a reviewer looks at beside the documents (cst_packet_list()). */
typedef struct
{
  CstPacketReview *review;
  char            *patient_name;     /* "Family, Given" */
  char            *patient_mrn;
  GDate           *records_from;     /* the request's range; NULL when open */
  GDate           *records_to;
  gboolean         has_fee;          /* an invoice was issued */
  gint64           fee_cents;        /* its total, adjustments included */
  GPtrArray       *documents;        /* #CstRecordDocument, release order */
  GPtrArray       *redactions;       /* #CstRedaction, every state (cst_redaction_list()) */
} CstPacketReviewSheet;

void cst_packet_review_sheet_free (CstPacketReviewSheet *sheet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPacketReviewSheet, cst_packet_review_sheet_free)

/* Whether a document kind is one the law treats apart (substance use
 * disorder, psychotherapy, HIV, mental health, genetic, reproductive). */
gboolean cst_packet_review_kind_is_sensitive (const char *kind);

/* Whether a document's service dates fall outside the request's range. */
gboolean cst_packet_review_dates_outside (const GDate *service_from,
                                          const GDate *service_to,
                                          const GDate *records_from,
                                          const GDate *records_to);

CstPacketReview      *cst_packet_review_get          (PGconn          *conn,
                                                      gint64           request_id,
                                                      GError         **error);
CstPacketReviewSheet *cst_packet_review_sheet        (PGconn          *conn,
                                                      gint64           request_id,
                                                      GError         **error);
void                  cst_packet_review_sheet_async  (CstConnection   *connection,
                                                      gint64           request_id,
                                                      GCancellable    *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer         user_data);
CstPacketReviewSheet *cst_packet_review_sheet_finish (CstConnection   *connection,
                                                      GAsyncResult    *result,
                                                      GError         **error);

/* Approves (@reason NULL) or returns (@reason given) the packet waiting
 * for the request's quality check.  Returns the review as it stands
 * after, or NULL with @error set (CST_ERROR_PERMISSION_DENIED for the
 * assembler's own approval). */
CstPacketReview      *cst_packet_review_decide       (PGconn          *conn,
                                                      gint64           request_id,
                                                      const char      *reason,
                                                      GError         **error);
void                  cst_packet_review_decide_async (CstConnection   *connection,
                                                      gint64           request_id,
                                                      const char      *reason,
                                                      GCancellable    *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer         user_data);
CstPacketReview      *cst_packet_review_decide_finish (CstConnection  *connection,
                                                       GAsyncResult   *result,
                                                       GError        **error);
CstPacketReview      *cst_packet_review_decide_at    (const char      *conninfo,
                                                      const char      *reference,
                                                      const char      *reason,
                                                      GError         **error);

G_END_DECLS
