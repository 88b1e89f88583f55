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

static int
enum_from_nick (GType       type,
                const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  g_return_val_if_fail (value != NULL, 0);
  return value->value;
}

CstDeliveryProof *
cst_delivery_get (PGconn  *conn,
                  gint64   request_id,
                  GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT produced_format::text, format_name, mismatch_reason, delivery::text, tracking_number, "
    "email_message_id, pickup_signed_by, pickup_signed_on, recorded_by, recorded_at "
    "FROM release_deliveries WHERE request_id = $1::bigint", 1, params, error);
  CstDeliveryProof *proof;

  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  proof = g_new0 (CstDeliveryProof, 1);
  proof->produced_format = enum_from_nick (CST_TYPE_RECORD_FORMAT, cst_db_value (res, 0, 0));
  proof->format_name = g_strdup (cst_db_value (res, 0, 1));
  proof->mismatch_reason = g_strdup (cst_db_value (res, 0, 2));
  proof->delivery = enum_from_nick (CST_TYPE_DELIVERY_METHOD, cst_db_value (res, 0, 3));
  proof->tracking_number = g_strdup (cst_db_value (res, 0, 4));
  proof->email_message_id = g_strdup (cst_db_value (res, 0, 5));
  proof->pickup_signed_by = g_strdup (cst_db_value (res, 0, 6));
  proof->pickup_signed_on = cst_db_date (res, 0, 7);
  proof->recorded_by = g_strdup (cst_db_value (res, 0, 8));
  proof->recorded_at = cst_db_timestamp (res, 0, 9);
  return proof;
}

void
cst_delivery_proof_free (CstDeliveryProof *proof)
{
  if (proof == NULL)
    return;
  g_free (proof->format_name);
  g_free (proof->mismatch_reason);
  g_free (proof->tracking_number);
  g_free (proof->email_message_id);
  g_free (proof->pickup_signed_by);
  g_clear_pointer (&proof->pickup_signed_on, g_date_free);
  g_free (proof->recorded_by);
  g_clear_pointer (&proof->recorded_at, g_date_time_unref);
  g_free (proof);
}
