/* cst-remittance-eob.c — a FHIR ExplanationOfBenefit (CARIN Blue Button
 * profile) read into a CstRemittance, with json-glib
 *
 * One claim per ExplanationOfBenefit (a Bundle of them gives several).
 * The money comes from total[], by adjudication category: submitted is
 * the charge; paidtoprovider (else payment.amount, else benefit) the
 * insurance payment; discount a contractual write-off (CO-45); deductible,
 * coinsurance and copay the patient's PR-1, PR-2 and PR-3; noncovered the
 * patient's PR-96; priorpayerpaid OA-23.  memberliability, when sent,
 * must equal the patient's part.  Refusals name the JSON path.
 *
 * JSON numbers reach us as doubles from json-glib: an amount is accepted
 * only when it is exactly the double nearest a whole number of cents, and
 * the cents are then read from its two-decimal text, so no rounding ever
 * happens silently.
 */
#define G_LOG_DOMAIN "cst-remittance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-money.h"
#include "custodian/cst-remittance.h"

/* Dollars at most 10^13: far beyond any claim, and every cent is exact. */
#define AMOUNT_LIMIT 1e13

static gboolean refuse (GError **error, const char *path, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
refuse (GError     **error,
        const char  *path,
        const char  *format,
        ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("ExplanationOfBenefit at %s: %s"), path, reason);
  return FALSE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A Money's value in cents; @path names it in a refusal. */
static gboolean
read_money (JsonObject  *money,
            const char  *path,
            gint64      *cents,
            GError     **error)
{
  JsonNode *node = money ? json_object_get_member (money, "value") : NULL;
  const char *currency = member_string (money, "currency");
  char text[64];
  double value;

  if (currency != NULL && !g_str_equal (currency, "USD"))
    return refuse (error, path, _("the currency is “%s”, not USD."), currency);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return refuse (error, path, _("the amount has no number in “value”."));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 whole = json_node_get_int (node);

      if (whole > (gint64) AMOUNT_LIMIT || whole < -(gint64) AMOUNT_LIMIT)
        return refuse (error, path, _("the amount is out of range."));
      *cents = whole * 100;
      return TRUE;
    }
  if (json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return refuse (error, path, _("the amount’s “value” is not a number."));
  value = json_node_get_double (node);
  if (!isfinite (value) || fabs (value) >= AMOUNT_LIMIT)
    return refuse (error, path, _("the amount is out of range."));
  g_ascii_formatd (text, sizeof text, "%.2f", value);
  if (g_ascii_strtod (text, NULL) != value || !cst_remittance_parse_decimal (text, strlen (text), cents))
    return refuse (error, path, _("the amount is not a whole number of cents."));
  return TRUE;
}

/* The code of a CodeableConcept's first coding that has one. */
static const char *
concept_code (JsonObject *concept)
{
  JsonArray *codings = member_array (concept, "coding");

  for (guint i = 0; codings && i < json_array_get_length (codings); i++)
    {
      const char *code = member_string (array_object (codings, i), "code");
      if (code != NULL)
        return code;
    }
  return NULL;
}

typedef struct
{
  gboolean has_charge, has_paid, has_benefit, has_liability;
  gint64   charge, paid, benefit, liability;
  char    *charge_path;
  char    *liability_path;
} Totals;

static void
totals_clear (Totals *totals)
{
  g_free (totals->charge_path);
  g_free (totals->liability_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Totals, totals_clear)

static const struct
{
  const char *category;
  const char *group;
  const char *reason;
} adjustment_categories[] = {
  { "discount", "CO", "45" },
  { "deductible", "PR", "1" },
  { "coinsurance", "PR", "2" },
  { "copay", "PR", "3" },
  { "noncovered", "PR", "96" },
  { "priorpayerpaid", "OA", "23" },
};

/* A category given twice is refused rather than one of them kept: the two
 * amounts disagree or repeat, and either way the statement cannot say which
 * one the payer meant. */
static gboolean
read_total (CstRemittanceClaim *claim,
            Totals             *totals,
            const char         *category,
            const char         *path,
            gint64              cents,
            GError            **error)
{
  gboolean repeated = FALSE;

  if (g_str_equal (category, "submitted"))
    repeated = totals->has_charge, totals->has_charge = TRUE, totals->charge = cents;
  else if (g_str_equal (category, "paidtoprovider"))
    repeated = totals->has_paid, totals->has_paid = TRUE, totals->paid = cents;
  else if (g_str_equal (category, "benefit"))
    repeated = totals->has_benefit, totals->has_benefit = TRUE, totals->benefit = cents;
  else if (g_str_equal (category, "memberliability"))
    repeated = totals->has_liability, totals->has_liability = TRUE, totals->liability = cents;
  if (repeated)
    return refuse (error, path, _("this total’s category appears twice."));
  if (g_str_equal (category, "submitted"))
    totals->charge_path = g_strdup (path);
  else if (g_str_equal (category, "memberliability"))
    totals->liability_path = g_strdup (path);
  for (guint i = 0; i < G_N_ELEMENTS (adjustment_categories); i++)
    if (g_str_equal (category, adjustment_categories[i].category) && cents != 0)
      cst_remittance_add_adjustment (claim->adjustments, adjustment_categories[i].group,
                                     adjustment_categories[i].reason, cents);
  return TRUE;
}

static gboolean
read_totals (JsonObject         *eob,
             const char         *where,
             CstRemittanceClaim *claim,
             Totals             *totals,
             GError            **error)
{
  JsonArray *total = member_array (eob, "total");

  if (total == NULL || json_array_get_length (total) == 0)
    return refuse (error, where, _("there is no “total” to read the amounts from."));
  for (guint i = 0; i < json_array_get_length (total); i++)
    {
      JsonObject *entry = array_object (total, i);
      const char *category = concept_code (member_object (entry, "category"));
      g_autofree char *path = g_strdup_printf ("%s.total[%u].amount", where, i);
      gint64 cents;

      if (category == NULL)
        return refuse (error, path, _("the total has no category code."));
      if (!read_money (member_object (entry, "amount"), path, &cents, error))
        return FALSE;
      if (!read_total (claim, totals, category, path, cents, error))
        return FALSE;
    }
  if (!totals->has_charge)
    return refuse (error, where, _("no total has the category “submitted” (the claim’s charge)."));
  return TRUE;
}

static gboolean
read_paid (JsonObject         *eob,
           const char         *where,
           CstRemittanceClaim *claim,
           const Totals       *totals,
           GError            **error)
{
  JsonObject *payment = member_object (member_object (eob, "payment"), "amount");
  g_autofree char *path = g_strdup_printf ("%s.payment.amount", where);

  if (totals->has_paid)
    claim->paid_cents = totals->paid;
  else if (payment != NULL)
    return read_money (payment, path, &claim->paid_cents, error);
  else if (totals->has_benefit)
    claim->paid_cents = totals->benefit;
  else
    return refuse (error, where, _("neither a total “paidtoprovider” or “benefit” nor a payment gives what the plan paid."));
  return TRUE;
}

static void
read_identifiers (JsonObject         *eob,
                  CstRemittanceClaim *claim)
{
  JsonArray *identifiers = member_array (eob, "identifier");

  for (guint i = 0; identifiers && i < json_array_get_length (identifiers); i++)
    {
      JsonObject *identifier = array_object (identifiers, i);
      const char *type = concept_code (member_object (identifier, "type"));
      const char *value = member_string (identifier, "value");

      if (value == NULL)
        continue;
      if (g_strcmp0 (type, "pat") == 0 && claim->patient_control_number == NULL)
        claim->patient_control_number = g_strdup (value);
      else if (g_strcmp0 (type, "pat") != 0 && claim->payer_claim_number == NULL)
        claim->payer_claim_number = g_strdup (value);
    }
}

/* charge − payment = the adjustments, and memberliability (when sent)
 * is the patient's part of them. */
static gboolean
check_balance (const CstRemittanceClaim *claim,
               const Totals             *totals,
               GError                  **error)
{
  CstRemittanceSummary summary;

  cst_remittance_claim_summarize (claim, &summary);
  if (claim->charge_cents - claim->paid_cents != summary.adjustments_cents + summary.patient_responsibility_cents)
    {
      g_autofree char *charge = cst_money_format (claim->charge_cents);
      g_autofree char *paid = cst_money_format (claim->paid_cents);
      g_autofree char *difference = cst_money_format (claim->charge_cents - claim->paid_cents);
      g_autofree char *sum = cst_money_format (summary.adjustments_cents + summary.patient_responsibility_cents);

      return refuse (error, totals->charge_path,
                     _("the claim does not balance: submitted %s − paid %s = %s, but its adjustments add up to %s."),
                     charge, paid, difference, sum);
    }
  if (totals->has_liability && totals->liability != summary.patient_responsibility_cents)
    {
      g_autofree char *stated = cst_money_format (totals->liability);
      g_autofree char *sum = cst_money_format (summary.patient_responsibility_cents);

      return refuse (error, totals->liability_path,
                     _("the member liability is %s, but deductible, coinsurance, copay and non-covered add up to %s."),
                     stated, sum);
    }
  return TRUE;
}

static gboolean
read_eob (JsonObject     *eob,
          const char     *where,
          CstRemittance  *remittance,
          GError        **error)
{
  CstRemittanceClaim *claim;
  g_auto(Totals) totals = { 0 };
  const char *payer = member_string (member_object (eob, "insurer"), "display");

  if (g_strcmp0 (member_string (eob, "resourceType"), "ExplanationOfBenefit") != 0)
    return refuse (error, where, _("the resource is not an ExplanationOfBenefit."));
  claim = cst_remittance_claim_new ();
  g_ptr_array_add (remittance->claims, claim);
  if (payer != NULL && remittance->payer == NULL)
    remittance->payer = g_strdup (payer);
  read_identifiers (eob, claim);
  claim->status = g_strdup (member_string (eob, "outcome"));
  if (!read_totals (eob, where, claim, &totals, error) || !read_paid (eob, where, claim, &totals, error))
    return FALSE;
  claim->charge_cents = totals.charge;
  if (!check_balance (claim, &totals, error))
    return FALSE;
  claim->patient_responsibility_cents = totals.has_liability ? totals.liability : 0;
  if (!totals.has_liability)
    {
      CstRemittanceSummary summary;
      cst_remittance_claim_summarize (claim, &summary);
      claim->patient_responsibility_cents = summary.patient_responsibility_cents;
    }
  return TRUE;
}

static gboolean
read_bundle (JsonObject     *bundle,
             CstRemittance  *remittance,
             GError        **error)
{
  JsonArray *entries = member_array (bundle, "entry");

  for (guint i = 0; entries && i < json_array_get_length (entries); i++)
    {
      g_autofree char *where = g_strdup_printf ("entry[%u].resource", i);

      if (!read_eob (member_object (array_object (entries, i), "resource"), where, remittance, error))
        return FALSE;
    }
  return TRUE;
}

CstRemittance *
cst_remittance_parse_eob (const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(CstRemittance) remittance = cst_remittance_new ();
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;
  JsonObject *object;
  gboolean ok;

  if (length > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) length, &json_error))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("The ExplanationOfBenefit is not valid JSON: %s"),
                   json_error ? json_error->message : _("too large"));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return refuse (error, "$", _("the document is not a JSON object.")), NULL;
  object = json_node_get_object (root);
  if (g_strcmp0 (member_string (object, "resourceType"), "Bundle") == 0)
    ok = read_bundle (object, remittance, error);
  else
    ok = read_eob (object, "$", remittance, error);
  if (ok && remittance->claims->len == 0)
    ok = refuse (error, "$", _("the bundle holds no ExplanationOfBenefit."));
  return ok ? g_steal_pointer (&remittance) : NULL;
}
