/* cst-delivery.h — the produced format and the delivery proof
 * (migration 0047) */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef struct
{
  CstRecordFormat    produced_format;
  const char        *format_name;       /* e.g. "PDF/A", "C-CDA"; may be NULL */
  const char        *mismatch_reason;   /* required when format or delivery differ */
  CstDeliveryMethod  delivery;
  const char        *tracking_number;   /* mail */
  const char        *email_message_id;  /* secure email */
  const char        *pickup_signed_by;  /* pickup */
  const GDate       *pickup_signed_on;  /* pickup */
} CstDelivery;

/* The proof as recorded, read back with who recorded it and when. */
typedef struct
{
  CstRecordFormat    produced_format;
  char              *format_name;       /* "" when none was named */
  char              *mismatch_reason;   /* NULL when none was needed */
  CstDeliveryMethod  delivery;
  char              *tracking_number;
  char              *email_message_id;
  char              *pickup_signed_by;
  GDate             *pickup_signed_on;
  char              *recorded_by;
  GDateTime         *recorded_at;
} CstDeliveryProof;

gboolean cst_delivery_record (PGconn             *conn,
                              CstRequest         *request,
                              const CstDelivery  *delivery,
                              GError            **error);
/* The proof recorded for @request_id, or NULL (error unset) when none is. */
CstDeliveryProof *cst_delivery_get        (PGconn            *conn,
                                           gint64             request_id,
                                           GError           **error);
void              cst_delivery_proof_free (CstDeliveryProof  *proof);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDeliveryProof, cst_delivery_proof_free)

G_END_DECLS
