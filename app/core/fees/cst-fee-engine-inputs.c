/* cst-fee-engine-inputs.c — what the fee engine was asked, as an invoice
 * records it
 *
 * An invoice keeps its quote's CstFeeRequest as a flat JSON object
 * (invoices.quote_inputs), so that the auditors' fee report can ask the
 * engine again and catch an invoice whose amount the engine never quoted.
 * The keys are fixed: enumerations by their nicks, the received date as
 * YYYY-MM-DD, amounts and counts as integers (-1 for "not given").  The
 * server compares "jurisdiction", "received" and "requester" with the
 * request's own before it issues the invoice (0058).
 */
#define G_LOG_DOMAIN "cst-fee-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-error.h"
#include "custodian/cst-fee-engine.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-input.h"
#include "custodian/cst-json-writer.h"

typedef enum
{
  INPUT_JURISDICTION,
  INPUT_DATE,
  INPUT_INT,
  INPUT_BOOL,
  INPUT_PROVIDER,
  INPUT_REQUESTER,
  INPUT_PURPOSE,
  INPUT_FORMAT,
  INPUT_DELIVERY,
  INPUT_METHOD,
  INPUT_SCHEDULE_KEY,
} InputKind;

typedef struct
{
  const char *key;
  InputKind   kind;
  gsize       offset;
} InputField;

#define FIELD(key, kind, member) { key, kind, G_STRUCT_OFFSET (CstFeeRequest, member) }

static const InputField fields[] = {
  FIELD ("jurisdiction", INPUT_JURISDICTION, jurisdiction),
  FIELD ("received", INPUT_DATE, received),
  FIELD ("requester", INPUT_REQUESTER, requester),
  FIELD ("provider", INPUT_PROVIDER, provider),
  FIELD ("purpose", INPUT_PURPOSE, purpose),
  FIELD ("format", INPUT_FORMAT, format),
  FIELD ("maintained_electronically", INPUT_BOOL, maintained_electronically),
  FIELD ("pages", INPUT_INT, pages),
  FIELD ("years", INPUT_INT, years),
  FIELD ("certified", INPUT_BOOL, certified),
  FIELD ("delivery", INPUT_DELIVERY, delivery),
  FIELD ("postage_cents", INPUT_INT, postage_cents),
  FIELD ("method", INPUT_METHOD, method),
  FIELD ("labor_minutes", INPUT_INT, labor_minutes),
  FIELD ("hourly_rate_cents", INPUT_INT, hourly_rate_cents),
  FIELD ("supplies_cents", INPUT_INT, supplies_cents),
  FIELD ("search_minutes", INPUT_INT, search_minutes),
  FIELD ("summary_minutes", INPUT_INT, summary_minutes),
  FIELD ("summary_agreed", INPUT_BOOL, summary_agreed),
  FIELD ("inspection_only", INPUT_BOOL, inspection_only),
  FIELD ("indigent", INPUT_BOOL, indigent),
  /* Recorded since 0091; an older invoice's quote had none. */
  FIELD ("facility_schedule", INPUT_SCHEDULE_KEY, facility_schedule),
};

/**
 * cst_fee_request_input_keys:
 *
 * Returns: (transfer none): the keys of cst_fee_request_to_json(), in
 *   order, NULL-terminated; no value ever becomes part of one
 */
const char *const *
cst_fee_request_input_keys (void)
{
  static const char **keys;

  if (g_once_init_enter (&keys))
    {
      const char **list = g_new0 (const char *, G_N_ELEMENTS (fields) + 1);

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        list[i] = fields[i].key;
      g_once_init_leave (&keys, list);
    }
  return keys;
}

static const char *
enum_nick (const CstFeeRequest *r,
           const InputField    *f)
{
  switch (f->kind)
    {
    case INPUT_PROVIDER: return cst_fee_provider_to_nick (G_STRUCT_MEMBER (CstFeeProvider, r, f->offset));
    case INPUT_REQUESTER: return cst_fee_requester_to_nick (G_STRUCT_MEMBER (CstFeeRequester, r, f->offset));
    case INPUT_PURPOSE: return cst_fee_purpose_to_nick (G_STRUCT_MEMBER (CstFeePurpose, r, f->offset));
    case INPUT_FORMAT: return cst_fee_format_to_nick (G_STRUCT_MEMBER (CstFeeFormat, r, f->offset));
    case INPUT_DELIVERY: return cst_fee_delivery_to_nick (G_STRUCT_MEMBER (CstFeeDelivery, r, f->offset));
    case INPUT_METHOD: return cst_fee_method_to_nick (G_STRUCT_MEMBER (CstFeeMethod, r, f->offset));
    case INPUT_JURISDICTION:
    case INPUT_DATE:
    case INPUT_INT:
    case INPUT_BOOL:
    case INPUT_SCHEDULE_KEY:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * cst_fee_request_to_json:
 *
 * Returns: (transfer full): @request as one flat JSON object
 */
char *
cst_fee_request_to_json (const CstFeeRequest *request)
{
  GString *out = g_string_new (NULL);
  CstJsonWriter w;

  cst_json_writer_init (&w, out);
  cst_json_writer_begin_object (&w);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const InputField *f = &fields[i];

      cst_json_writer_key (&w, f->key);
      if (f->kind == INPUT_JURISDICTION)
        cst_json_writer_string (&w, request->jurisdiction);
      else if (f->kind == INPUT_DATE)
        {
          g_autofree char *date = cst_input_format_date (&request->received);
          cst_json_writer_string (&w, date);
        }
      else if (f->kind == INPUT_INT)
        cst_json_writer_int (&w, G_STRUCT_MEMBER (gint64, request, f->offset));
      else if (f->kind == INPUT_BOOL)
        cst_json_writer_bool (&w, G_STRUCT_MEMBER (gboolean, request, f->offset));
      else if (f->kind == INPUT_SCHEDULE_KEY)
        cst_json_writer_string (&w, request->facility_schedule);
      else
        cst_json_writer_string (&w, enum_nick (request, f));
    }
  cst_json_writer_end_object (&w);
  return g_string_free (out, FALSE);
}

static gboolean
set_enum (CstFeeRequest    *r,
          const InputField *f,
          const char       *nick)
{
  switch (f->kind)
    {
    case INPUT_PROVIDER:
      return cst_fee_provider_from_nick (nick, &G_STRUCT_MEMBER (CstFeeProvider, r, f->offset));
    case INPUT_REQUESTER:
      return cst_fee_requester_from_nick (nick, &G_STRUCT_MEMBER (CstFeeRequester, r, f->offset));
    case INPUT_PURPOSE:
      return cst_fee_purpose_from_nick (nick, &G_STRUCT_MEMBER (CstFeePurpose, r, f->offset));
    case INPUT_FORMAT:
      return cst_fee_format_from_nick (nick, &G_STRUCT_MEMBER (CstFeeFormat, r, f->offset));
    case INPUT_DELIVERY:
      return cst_fee_delivery_from_nick (nick, &G_STRUCT_MEMBER (CstFeeDelivery, r, f->offset));
    case INPUT_METHOD:
      return cst_fee_method_from_nick (nick, &G_STRUCT_MEMBER (CstFeeMethod, r, f->offset));
    case INPUT_JURISDICTION:
    case INPUT_DATE:
    case INPUT_INT:
    case INPUT_BOOL:
    case INPUT_SCHEDULE_KEY:
    default:
      return FALSE;
    }
}

static gboolean
set_field (CstFeeRequest    *r,
           const InputField *f,
           const char       *value)
{
  gint64 number;

  switch (f->kind)
    {
    case INPUT_JURISDICTION:
      return cst_fee_request_set_jurisdiction (r, value, NULL);
    case INPUT_DATE:
      return cst_input_parse_date (value, &r->received, NULL);
    case INPUT_INT:
      if (!g_ascii_string_to_signed (value, 10, -1, G_MAXINT64, &number, NULL))
        return FALSE;
      G_STRUCT_MEMBER (gint64, r, f->offset) = number;
      return TRUE;
    case INPUT_BOOL:
      if (!g_str_equal (value, "true") && !g_str_equal (value, "false"))
        return FALSE;
      G_STRUCT_MEMBER (gboolean, r, f->offset) = g_str_equal (value, "true");
      return TRUE;
    case INPUT_SCHEDULE_KEY:
      return cst_fee_request_set_facility_schedule (r, value, NULL);
    case INPUT_PROVIDER:
    case INPUT_REQUESTER:
    case INPUT_PURPOSE:
    case INPUT_FORMAT:
    case INPUT_DELIVERY:
    case INPUT_METHOD:
    default:
      return set_enum (r, f, value);
    }
}

/**
 * cst_fee_request_set_input:
 * @key: one of cst_fee_request_input_keys()
 * @value: (nullable): the key's value as text (PostgreSQL's ->> of the
 *   stored object); NULL leaves the field as it is
 *
 * Returns: FALSE, with @error, for an unknown key or a value that is not
 *   one of the key's
 */
gboolean
cst_fee_request_set_input (CstFeeRequest  *request,
                           const char     *key,
                           const char     *value,
                           GError        **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (key, fields[i].key) == 0)
      {
        if (value == NULL || set_field (request, &fields[i], value))
          return TRUE;
        g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                     _("The recorded quote input “%s” has the unknown value “%s”."), key, value);
        return FALSE;
      }
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("“%s” is not an input of the fee engine."), key ? key : "");
  return FALSE;
}
