/* cst-delivery.h — the produced format and the delivery proof
 * (migration 0047) */
#pragma once

#include <libpq-fe.h>

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

gboolean cst_delivery_record (PGconn             *conn,
                              CstRequest         *request,
                              const CstDelivery  *delivery,
                              GError            **error);

G_END_DECLS
