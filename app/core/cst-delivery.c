/* cst-delivery.c — the produced format and the delivery proof
 *
 * The individual's chosen form and format bind the release (45 CFR
 * 164.524(c)(2)); the database refuses a different one without the agreed
 * reason, and refuses a delivery without its proof (migration 0047).
 */
#define G_LOG_DOMAIN "cst-delivery"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-delivery.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-input.h"

gboolean
cst_delivery_record (PGconn             *conn,
                     CstRequest         *request,
                     const CstDelivery  *delivery,
                     GError            **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *signed_on = NULL;
  const char *params[9];

  if (delivery->pickup_signed_on != NULL)
    signed_on = cst_input_format_date (delivery->pickup_signed_on);
  params[0] = id;
  params[1] = cst_enum_to_nick (CST_TYPE_RECORD_FORMAT, delivery->produced_format);
  params[2] = delivery->format_name != NULL ? delivery->format_name : "";
  params[3] = delivery->mismatch_reason;
  params[4] = cst_enum_to_nick (CST_TYPE_DELIVERY_METHOD, delivery->delivery);
  params[5] = delivery->tracking_number;
  params[6] = delivery->email_message_id;
  params[7] = delivery->pickup_signed_by;
  params[8] = signed_on;
  return cst_db_exec_command (conn,
    "INSERT INTO release_deliveries (request_id, produced_format, format_name, mismatch_reason, "
    "delivery, tracking_number, email_message_id, pickup_signed_by, pickup_signed_on) "
    "VALUES ($1::bigint, $2::record_format, $3, $4, $5::delivery_method, $6, $7, $8, $9::date)",
    9, params, error);
}
