/* cst-fee-schedule.c — fee schedules: parsing, validation, lookup
 *
 * One parser serves the seed file, the database (a row becomes the same
 * key/value pairs) and the admin's edits, so every path refuses the same
 * nonsense with the same message.  Each schedule is checked alone (tiers
 * without gaps, no negative or absurd amounts, a citation), then the set
 * as a whole (one active version per key, no two schedules that could
 * both price one request on one day).
 */
#define G_LOG_DOMAIN "cst-fee-schedule"

#include "config.h"

#include <inttypes.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "cst-fee-private.h"

#define SEED_PATH RESOURCE_BASE "/seed/fee-schedules.ini"

/* ---------------------------------------------------------------- nicks */

static const char *const provider_nicks[] = { "hospital", "physician" };
static const char *const requester_nicks[] = {
  "patient", "personal-representative", "patient-directive", "attorney",
  "insurer", "provider", "government", "other"
};
static const char *const purpose_nicks[] = {
  "benefits-claim", "personal-injury", "continuing-care", "subpoena", "other"
};
static const char *const format_nicks[] = { "paper", "electronic", "media", "microform" };
static const char *const delivery_nicks[] = { "pickup", "mail", "email", "portal", "fax" };
/* The fee method's codes: what an invoice stores (the invoices table's
 * CHECK lists them), the JSON and CSV outputs write, and the labels below
 * name.  Where only a HIPAA method can stand (a HIPAA schedule's
 * default-method, custodian-cli's --method, the default-fee-method
 * setting) it is written without the HIPAA_PREFIX: "actual", "average",
 * "flat". */
static const char *const method_nicks[] = {
  "default", "hipaa-actual", "hipaa-average", "hipaa-flat", "state-schedule", "no-charge"
};
#define HIPAA_PREFIX "hipaa-"
static const char *const kind_nicks[] = { "fee", "exemption", "exclusion", "hipaa", "facility" };

G_STATIC_ASSERT (G_N_ELEMENTS (provider_nicks) == CST_FEE_N_PROVIDERS);
G_STATIC_ASSERT (G_N_ELEMENTS (requester_nicks) == CST_FEE_N_REQUESTERS);
G_STATIC_ASSERT (G_N_ELEMENTS (purpose_nicks) == CST_FEE_N_PURPOSES);
G_STATIC_ASSERT (G_N_ELEMENTS (format_nicks) == CST_FEE_N_FORMATS);
G_STATIC_ASSERT (G_N_ELEMENTS (delivery_nicks) == CST_FEE_N_DELIVERIES);

static gboolean
nick_lookup (const char *const *nicks,
             guint              n,
             const char        *nick,
             int               *value)
{
  if (nick == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_str_equal (nicks[i], nick))
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

#define DEFINE_NICKS(Name, name, Type, table)                               \
  const char *                                                              \
  cst_fee_##name##_to_nick (Type value)                                     \
  {                                                                         \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (table), NULL);      \
    return table[value];                                                    \
  }                                                                         \
  gboolean                                                                  \
  cst_fee_##name##_from_nick (const char *nick,                             \
                              Type       *value)                            \
  {                                                                         \
    int v;                                                                  \
    if (!nick_lookup (table, G_N_ELEMENTS (table), nick, &v))               \
      return FALSE;                                                         \
    *value = (Type) v;                                                      \
    return TRUE;                                                            \
  }

DEFINE_NICKS (Provider, provider, CstFeeProvider, provider_nicks)
DEFINE_NICKS (Requester, requester, CstFeeRequester, requester_nicks)
DEFINE_NICKS (Purpose, purpose, CstFeePurpose, purpose_nicks)
DEFINE_NICKS (Format, format, CstFeeFormat, format_nicks)
DEFINE_NICKS (Delivery, delivery, CstFeeDelivery, delivery_nicks)

const char *
cst_fee_method_to_nick (CstFeeMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (method_nicks), NULL);
  return method_nicks[method];
}

/* A HIPAA method's code without its prefix, as a HIPAA schedule names its
 * default method. */
static const char *
method_to_hipaa_nick (CstFeeMethod method)
{
  const char *nick = cst_fee_method_to_nick (method);

  return g_str_has_prefix (nick, HIPAA_PREFIX) ? nick + strlen (HIPAA_PREFIX) : nick;
}

/**
 * cst_fee_method_from_nick:
 * @nick: a method's code ("hipaa-flat"), or a HIPAA method's without the
 *   "hipaa-" ("flat")
 *
 * Returns: whether @nick names a method
 */
gboolean
cst_fee_method_from_nick (const char   *nick,
                          CstFeeMethod *method)
{
  int v;

  if (nick == NULL)
    return FALSE;
  for (v = 0; v < CST_FEE_N_METHODS; v++)
    if (g_str_equal (nick, method_nicks[v]) ||
        (g_str_has_prefix (method_nicks[v], HIPAA_PREFIX) &&
         g_str_equal (nick, method_nicks[v] + strlen (HIPAA_PREFIX))))
      {
        *method = (CstFeeMethod) v;
        return TRUE;
      }
  return FALSE;
}

/* The labels, in enum order like the nicks. */
static const char *const provider_labels[] = { N_("Hospital"), N_("Physician's office") };
static const char *const requester_labels[] = {
  N_("Patient"), N_("Personal representative"), N_("Third party named by the patient"),
  N_("Attorney"), N_("Insurer"), N_("Provider"), N_("Government agency"), N_("Other"),
};
static const char *const purpose_labels[] = {
  N_("Benefits claim"), N_("Personal injury"), N_("Continuing care"), N_("Subpoena"),
  N_("Other purpose"),
};
static const char *const format_labels[] = {
  N_("Paper"), N_("Electronic"), N_("Portable media"), N_("Microform"),
};
static const char *const delivery_labels[] = {
  N_("Pickup"), N_("Mail"), N_("Secure email"), N_("Patient portal"), N_("Fax"),
};
static const char *const method_labels[] = {
  N_("The hospital's HIPAA method"), N_("Actual cost"), N_("Average cost"), N_("Flat fee"),
  N_("State schedule"), N_("No charge"),
};

G_STATIC_ASSERT (G_N_ELEMENTS (provider_labels) == CST_FEE_N_PROVIDERS);
G_STATIC_ASSERT (G_N_ELEMENTS (requester_labels) == CST_FEE_N_REQUESTERS);
G_STATIC_ASSERT (G_N_ELEMENTS (purpose_labels) == CST_FEE_N_PURPOSES);
G_STATIC_ASSERT (G_N_ELEMENTS (format_labels) == CST_FEE_N_FORMATS);
G_STATIC_ASSERT (G_N_ELEMENTS (delivery_labels) == CST_FEE_N_DELIVERIES);
G_STATIC_ASSERT (G_N_ELEMENTS (method_labels) == CST_FEE_N_METHODS);
G_STATIC_ASSERT (G_N_ELEMENTS (method_nicks) == CST_FEE_N_METHODS);

#define DEFINE_LABEL(name, Type, table)                                      \
  const char *                                                              \
  cst_fee_##name##_get_label (Type value)                                   \
  {                                                                         \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (table), "");        \
    return _(table[value]);                                                 \
  }

DEFINE_LABEL (provider, CstFeeProvider, provider_labels)
DEFINE_LABEL (requester, CstFeeRequester, requester_labels)
DEFINE_LABEL (purpose, CstFeePurpose, purpose_labels)
DEFINE_LABEL (format, CstFeeFormat, format_labels)
DEFINE_LABEL (delivery, CstFeeDelivery, delivery_labels)
DEFINE_LABEL (method, CstFeeMethod, method_labels)

/**
 * cst_fee_invoice_method_get_label:
 * @nick: an invoice's method as stored: a cst_fee_method_to_nick() code,
 *   or "adjustment" for an adjustment invoice
 *
 * Returns: the method in words, for the screen and the PDF; an unknown
 *   code as it is
 */
const char *
cst_fee_invoice_method_get_label (const char *nick)
{
  int v;

  if (nick_lookup (method_nicks, G_N_ELEMENTS (method_nicks), nick, &v))
    return cst_fee_method_get_label ((CstFeeMethod) v);
  if (g_strcmp0 (nick, "adjustment") == 0)
    return _("Adjustment");
  return nick ? nick : "";
}

/* The individual or a personal representative asking for their own
 * records: the HIPAA right of access (45 CFR 164.524; a personal
 * representative stands in the individual's shoes, 164.502(g)). */
gboolean
cst_fee_requester_is_individual (CstFeeRequester requester)
{
  return requester == CST_FEE_REQUESTER_PATIENT ||
         requester == CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE;
}

/* ---------------------------------------------------------------- fields */

enum
{
  F_VERSION, F_KIND, F_JURISDICTION, F_PROVIDERS, F_REQUESTERS, F_PURPOSES,
  F_EFFECTIVE_FROM, F_EFFECTIVE_TO, F_CONFIDENCE, F_CITATION, F_SOURCE, F_NOTE,
  F_CONDITION, F_REQUEST_FEE_CENTS, F_REQUEST_FEE_LABEL, F_PER_YEAR_CENTS,
  F_CERTIFICATION_CENTS, F_MINIMUM_CENTS, F_CAP_CENTS, F_ELECTRONIC_CAP_CENTS, F_POSTAGE, F_TAX_BASIS_POINTS,
  F_CLERICAL_RATE_CENTS, F_CLERICAL_PER_MINUTES, F_CLERICAL_ROUND_UP,
  F_PAPER, F_ELECTRONIC, F_MEDIA, F_MICROFORM,
  F_PAPER_CONFIDENCE, F_ELECTRONIC_CONFIDENCE, F_MEDIA_CONFIDENCE, F_MICROFORM_CONFIDENCE,
  F_FLAT_CENTS, F_DEFAULT_METHOD, F_SUPPLIES_PER_PAGE_CENTS, F_MEDIA_CENTS,
  N_FIELDS
};

static const CstFeeField fields[N_FIELDS] = {
  { "version", "version", CST_FEE_FIELD_INT },
  { "kind", "kind", CST_FEE_FIELD_TEXT },
  { "jurisdiction", "jurisdiction", CST_FEE_FIELD_TEXT },
  { "providers", "providers", CST_FEE_FIELD_LIST },
  { "requesters", "requesters", CST_FEE_FIELD_LIST },
  { "purposes", "purposes", CST_FEE_FIELD_LIST },
  { "effective-from", "effective_from", CST_FEE_FIELD_DATE },
  { "effective-to", "effective_to", CST_FEE_FIELD_DATE },
  { "confidence", "confidence", CST_FEE_FIELD_TEXT },
  { "citation", "citation", CST_FEE_FIELD_TEXT },
  { "source", "source", CST_FEE_FIELD_TEXT },
  { "note", "note", CST_FEE_FIELD_TEXT },
  { "condition", "condition", CST_FEE_FIELD_TEXT },
  { "request-fee-cents", "request_fee_cents", CST_FEE_FIELD_INT },
  { "request-fee-label", "request_fee_label", CST_FEE_FIELD_TEXT },
  { "per-year-cents", "per_year_cents", CST_FEE_FIELD_INT },
  { "certification-cents", "certification_cents", CST_FEE_FIELD_INT },
  { "minimum-cents", "minimum_cents", CST_FEE_FIELD_INT },
  { "cap-cents", "cap_cents", CST_FEE_FIELD_INT },
  { "electronic-cap-cents", "electronic_cap_cents", CST_FEE_FIELD_INT },
  { "postage", "postage", CST_FEE_FIELD_TEXT },
  { "tax-basis-points", "tax_basis_points", CST_FEE_FIELD_INT },
  { "clerical-rate-cents", "clerical_rate_cents", CST_FEE_FIELD_INT },
  { "clerical-per-minutes", "clerical_per_minutes", CST_FEE_FIELD_INT },
  { "clerical-round-up", "clerical_round_up", CST_FEE_FIELD_BOOL },
  { "paper", "paper", CST_FEE_FIELD_TEXT },
  { "electronic", "electronic", CST_FEE_FIELD_TEXT },
  { "media", "media", CST_FEE_FIELD_TEXT },
  { "microform", "microform", CST_FEE_FIELD_TEXT },
  { "paper-confidence", "paper_confidence", CST_FEE_FIELD_TEXT },
  { "electronic-confidence", "electronic_confidence", CST_FEE_FIELD_TEXT },
  { "media-confidence", "media_confidence", CST_FEE_FIELD_TEXT },
  { "microform-confidence", "microform_confidence", CST_FEE_FIELD_TEXT },
  { "flat-cents", "flat_cents", CST_FEE_FIELD_INT },
  { "default-method", "default_method", CST_FEE_FIELD_TEXT },
  { "supplies-per-page-cents", "supplies_per_page_cents", CST_FEE_FIELD_INT },
  { "media-cents", "media_cents", CST_FEE_FIELD_INT },
};

const CstFeeField *
cst_fee_schedule_fields (guint *n_fields)
{
  *n_fields = N_FIELDS;
  return fields;
}

static int
field_index (const char *key)
{
  for (int i = 0; i < N_FIELDS; i++)
    if (g_str_equal (fields[i].key, key))
      return i;
  return -1;
}

/* ---------------------------------------------------------------- life cycle */

static CstFeeSchedule *
schedule_new (const char *key)
{
  CstFeeSchedule *s = g_new0 (CstFeeSchedule, 1);

  g_atomic_ref_count_init (&s->ref);
  s->key = g_strdup (key);
  s->version = 1;
  s->kind = CST_FEE_SCHEDULE_FEE;
  s->providers = (1u << CST_FEE_N_PROVIDERS) - 1;
  s->purposes = (1u << CST_FEE_N_PURPOSES) - 1;
  s->postage = CST_FEE_POSTAGE_ACTUAL;
  s->clerical_per_minutes = 60;
  s->default_method = CST_FEE_METHOD_HIPAA_AVERAGE;
  return s;
}

CstFeeSchedule *
cst_fee_schedule_ref (CstFeeSchedule *schedule)
{
  g_return_val_if_fail (schedule != NULL, NULL);
  g_atomic_ref_count_inc (&schedule->ref);
  return schedule;
}

void
cst_fee_schedule_unref (CstFeeSchedule *schedule)
{
  if (schedule == NULL || !g_atomic_ref_count_dec (&schedule->ref))
    return;
  g_free (schedule->key);
  g_free (schedule->version_label);
  g_free (schedule->citation);
  g_free (schedule->source);
  g_free (schedule->note);
  g_free (schedule->request_fee_label);
  g_free (schedule);
}

/* ---------------------------------------------------------------- parsing */

static gboolean
fail (GError    **error,
      const char *key,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

/* Every message names the schedule and the key, so an admin editing one
 * of sixty schedules knows where to look. */
static gboolean
fail (GError    **error,
      const char *key,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("Fee schedule “%s”: %s"), key, message);
  return FALSE;
}

static gboolean
parse_int (const char *key,
           const char *name,
           const char *text,
           gint64      max,
           gint64     *out,
           GError    **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  gint64 value;

  if (!g_ascii_string_to_signed (trimmed, 10, G_MININT64, G_MAXINT64, &value, NULL))
    return fail (error, key, _("%s must be a whole number, not “%s”."), name, trimmed);
  if (value < 0)
    return fail (error, key, _("%s is negative (%" PRId64 "); amounts cannot be negative."),
                 name, value);
  if (value > max)
    return fail (error, key, _("%s is %" PRId64 ", above the limit of %" PRId64 "."),
                 name, value, max);
  *out = value;
  return TRUE;
}

/* Exactly YYYY-MM-DD in digits: sscanf alone also takes signs and spaces,
 * and "-025-12-31" became the year 65511, which is written out as a date
 * that does not load again (found by fuzzing). */
static gboolean
is_iso_date (const char *text)
{
  for (int i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? text[i] != '-' : !g_ascii_isdigit (text[i]))
      return FALSE;
  return text[10] == '\0';
}

static gboolean
parse_date (const char *key,
            const char *name,
            const char *text,
            guint32    *julian,
            GError    **error)
{
  unsigned y, m, d;
  GDate date;

  if (!is_iso_date (text) || sscanf (text, "%4u-%2u-%2u", &y, &m, &d) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return fail (error, key, _("%s must be a date written YYYY-MM-DD, not “%s”."), name, text);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  *julian = g_date_get_julian (&date);
  return TRUE;
}

static gboolean
parse_mask (const char        *key,
            const char        *name,
            const char        *text,
            const char *const *nicks,
            guint              n,
            guint             *mask,
            GError           **error)
{
  g_auto(GStrv) items = g_strsplit (text, ";", -1);
  guint result = 0;

  for (guint i = 0; items[i]; i++)
    {
      int value;
      char *item = g_strstrip (items[i]);

      if (*item == '\0')
        continue;
      if (g_str_equal (item, "all"))
        {
          result = (1u << n) - 1;
          continue;
        }
      if (!nick_lookup (nicks, n, item, &value))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) nicks);
          return fail (error, key, _("%s: unknown value “%s” (known: %s, or all)."),
                       name, item, known);
        }
      result |= 1u << value;
    }
  if (result == 0)
    return fail (error, key, _("%s is empty; name at least one, or all."), name);
  *mask = result;
  return TRUE;
}

static gboolean
parse_confidence (const char       *key,
                  const char       *name,
                  const char       *text,
                  CstFeeConfidence *out,
                  GError          **error)
{
  if (g_str_equal (text, "C") || g_str_equal (text, "S") || g_str_equal (text, "U"))
    {
      *out = (CstFeeConfidence) text[0];
      return TRUE;
    }
  return fail (error, key, _("%s must be C (confirmed), S (secondary source) or U (unconfirmed), not “%s”."),
               name, text);
}

static gboolean
parse_tier (const char *key,
            const char *name,
            char       *text,
            CstFeeTier *tier,
            GError    **error)
{
  char *colon = strchr (text, ':');
  char *dash;
  char *amount;
  g_autofree char *what = g_strdup_printf (_("%s tier “%s”"), name, text);

  if (colon == NULL || (dash = strchr (text, '-')) == NULL || dash > colon)
    return fail (error, key, _("%s is not written FIRST-LAST:CENTS, FIRST-:CENTS or FIRST-LAST:=CENTS."),
                 what);
  *colon = '\0';
  *dash = '\0';
  amount = g_strstrip (colon + 1);
  tier->flat = amount[0] == '=';
  if (tier->flat)
    amount++;
  if (!parse_int (key, what, text, CST_FEE_MAX_PAGES, &tier->first, error) ||
      !parse_int (key, what, amount, CST_FEE_MAX_AMOUNT_CENTS, &tier->cents, error))
    return FALSE;
  tier->last = 0;
  if (*g_strstrip (dash + 1) != '\0' &&
      !parse_int (key, what, dash + 1, CST_FEE_MAX_PAGES, &tier->last, error))
    return FALSE;
  return TRUE;
}

/* "1-20:194;21-60:144;61-:50" (cents per page; "=CENTS" for one amount
 * covering the whole tier), or "50%" of the paper tiers. */
static gboolean
parse_rates (const char        *key,
             const char        *name,
             const char        *text,
             CstFeeFormatRates *rates,
             GError           **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_auto(GStrv) items = NULL;

  rates->covered = TRUE;
  if (g_str_has_suffix (copy, "%"))
    {
      gint64 percent;

      copy[strlen (copy) - 1] = '\0';
      if (!parse_int (key, name, copy, CST_FEE_MAX_PERCENT, &percent, error))
        return FALSE;
      if (percent == 0)
        return fail (error, key, _("%s: 0%% of the paper rate; leave the format out instead."), name);
      rates->percent_of_paper = (int) percent;
      return TRUE;
    }
  items = g_strsplit (copy, ";", -1);
  for (guint i = 0; items[i]; i++)
    {
      if (*g_strstrip (items[i]) == '\0')
        continue;
      if (rates->n_tiers == CST_FEE_MAX_TIERS)
        return fail (error, key, _("%s has more than %d tiers."), name, CST_FEE_MAX_TIERS);
      if (!parse_tier (key, name, items[i], &rates->tiers[rates->n_tiers++], error))
        return FALSE;
    }
  if (rates->n_tiers == 0)
    return fail (error, key, _("%s has no tiers."), name);
  return TRUE;
}

static gboolean
apply_field (CstFeeSchedule *s,
             int             field,
             const char     *value,
             GError        **error)
{
  const char *name = fields[field].key;
  const char *k = s->key;
  gint64 n = 0;
  int v;

  switch (field)
    {
    case F_VERSION:
      if (!parse_int (k, name, value, G_MAXINT32, &n, error))
        return FALSE;
      s->version = (int) n;
      return TRUE;
    case F_KIND:
      if (!nick_lookup (kind_nicks, G_N_ELEMENTS (kind_nicks), value, &v))
        return fail (error, k, _("kind must be fee, exemption, exclusion, hipaa or facility, not “%s”."), value);
      s->kind = (CstFeeScheduleKind) v;
      return TRUE;
    case F_JURISDICTION:
      if (!g_str_equal (value, "US") && !cst_input_is_jurisdiction (value))
        return fail (error, k, _("“%s” is not a US state or territory code (or US for federal)."), value);
      memcpy (s->jurisdiction, value, 3);
      return TRUE;
    case F_PROVIDERS:
      return parse_mask (k, name, value, provider_nicks, CST_FEE_N_PROVIDERS, &s->providers, error);
    case F_REQUESTERS:
      return parse_mask (k, name, value, requester_nicks, CST_FEE_N_REQUESTERS, &s->requesters, error);
    case F_PURPOSES:
      return parse_mask (k, name, value, purpose_nicks, CST_FEE_N_PURPOSES, &s->purposes, error);
    case F_EFFECTIVE_FROM:
      return parse_date (k, name, value, &s->from, error);
    case F_EFFECTIVE_TO:
      return parse_date (k, name, value, &s->to, error);
    case F_CONFIDENCE:
      return parse_confidence (k, name, value, &s->confidence, error);
    case F_CITATION:
      g_free (s->citation);
      s->citation = g_strdup (value);
      return TRUE;
    case F_SOURCE:
      g_free (s->source);
      s->source = g_strdup (value);
      return TRUE;
    case F_NOTE:
      g_free (s->note);
      s->note = g_strdup (value);
      return TRUE;
    case F_CONDITION:
      if (!g_str_equal (value, "indigent"))
        return fail (error, k, _("condition must be indigent, not “%s”."), value);
      s->indigent_only = TRUE;
      return TRUE;
    case F_REQUEST_FEE_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->request_fee_cents, error);
    case F_REQUEST_FEE_LABEL:
      g_free (s->request_fee_label);
      s->request_fee_label = g_strdup (value);
      return TRUE;
    case F_PER_YEAR_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->per_year_cents, error);
    case F_CERTIFICATION_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->certification_cents, error);
    case F_MINIMUM_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->minimum_cents, error);
    case F_CAP_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->cap_cents, error);
    case F_ELECTRONIC_CAP_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->electronic_cap_cents, error);
    case F_POSTAGE:
      if (g_str_equal (value, "actual"))
        s->postage = CST_FEE_POSTAGE_ACTUAL;
      else if (g_str_equal (value, "included"))
        s->postage = CST_FEE_POSTAGE_INCLUDED;
      else
        return fail (error, k, _("postage must be actual or included, not “%s”."), value);
      return TRUE;
    case F_TAX_BASIS_POINTS:
      return parse_int (k, name, value, CST_FEE_MAX_TAX_BP, &s->tax_basis_points, error);
    case F_CLERICAL_RATE_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->clerical_rate_cents, error);
    case F_CLERICAL_PER_MINUTES:
      if (!parse_int (k, name, value, 24 * 60, &s->clerical_per_minutes, error))
        return FALSE;
      if (s->clerical_per_minutes == 0)
        return fail (error, k, _("clerical-per-minutes must be at least 1."));
      return TRUE;
    case F_CLERICAL_ROUND_UP:
      if (g_str_equal (value, "true") || g_str_equal (value, "t"))
        s->clerical_round_up = TRUE;
      else if (g_str_equal (value, "false") || g_str_equal (value, "f"))
        s->clerical_round_up = FALSE;
      else
        return fail (error, k, _("clerical-round-up must be true or false, not “%s”."), value);
      return TRUE;
    case F_PAPER:
    case F_ELECTRONIC:
    case F_MEDIA:
    case F_MICROFORM:
      return parse_rates (k, name, value, &s->formats[field - F_PAPER], error);
    case F_PAPER_CONFIDENCE:
    case F_ELECTRONIC_CONFIDENCE:
    case F_MEDIA_CONFIDENCE:
    case F_MICROFORM_CONFIDENCE:
      return parse_confidence (k, name, value,
                               &s->formats[field - F_PAPER_CONFIDENCE].confidence, error);
    case F_FLAT_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->flat_cents, error);
    case F_DEFAULT_METHOD:
      if (!cst_fee_method_from_nick (value, &s->default_method) ||
          s->default_method < CST_FEE_METHOD_HIPAA_ACTUAL ||
          s->default_method > CST_FEE_METHOD_HIPAA_FLAT)
        return fail (error, k, _("default-method must be actual, average or flat, not “%s”."), value);
      return TRUE;
    case F_SUPPLIES_PER_PAGE_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->supplies_per_page_cents, error);
    case F_MEDIA_CENTS:
      return parse_int (k, name, value, CST_FEE_MAX_AMOUNT_CENTS, &s->media_cents, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
validate_tiers (const CstFeeSchedule    *s,
                const char              *name,
                const CstFeeFormatRates *rates,
                GError                 **error)
{
  gint64 next = 1;

  if (!rates->covered || rates->percent_of_paper > 0)
    return TRUE;
  for (int i = 0; i < rates->n_tiers; i++)
    {
      const CstFeeTier *t = &rates->tiers[i];

      if (t->first > next)
        return fail (error, s->key, _("%s tiers leave pages %" PRId64 "–%" PRId64
                                      " without a rate."), name, next, t->first - 1);
      if (t->first < next)
        return fail (error, s->key, _("%s tiers overlap at page %" PRId64 "."), name, t->first);
      if (t->last != 0 && t->last < t->first)
        return fail (error, s->key, _("%s tier %" PRId64 "–%" PRId64
                                      " ends before it starts."), name, t->first, t->last);
      if (t->last == 0 && i != rates->n_tiers - 1)
        return fail (error, s->key, _("%s: only the last tier may be open-ended."), name);
      next = t->last + 1;
    }
  if (rates->tiers[rates->n_tiers - 1].last != 0)
    return fail (error, s->key, _("%s tiers end at page %" PRId64
                                  "; the last tier must be open-ended (FIRST-:CENTS)."),
                 name, rates->tiers[rates->n_tiers - 1].last);
  return TRUE;
}

static gboolean
schedule_validate (CstFeeSchedule *s,
                   const guint8   *seen,
                   GError        **error)
{
  gboolean any_format = FALSE;

  if (!seen[F_JURISDICTION])
    return fail (error, s->key, _("jurisdiction is missing."));
  if (!seen[F_REQUESTERS] && s->kind != CST_FEE_SCHEDULE_HIPAA)
    return fail (error, s->key, _("requesters is missing."));
  if (!seen[F_EFFECTIVE_FROM])
    return fail (error, s->key, _("effective-from is missing; every schedule is effective-dated."));
  if (!seen[F_CONFIDENCE])
    return fail (error, s->key, _("confidence is missing (C, S or U)."));
  if (cst_input_is_blank (s->citation))
    return fail (error, s->key, _("citation is missing; every amount needs its legal source."));
  if (s->version < 1)
    return fail (error, s->key, _("version must be 1 or more."));
  if (s->to != 0 && s->to < s->from)
    return fail (error, s->key, _("effective-to is before effective-from."));
  if ((s->kind == CST_FEE_SCHEDULE_HIPAA) != g_str_equal (s->jurisdiction, "US"))
    return fail (error, s->key, _("the HIPAA schedule, and only it, has jurisdiction US."));
  if (s->kind == CST_FEE_SCHEDULE_HIPAA)
    {
      s->requesters = (1u << CST_FEE_REQUESTER_PATIENT) | (1u << CST_FEE_REQUESTER_PERSONAL_REPRESENTATIVE);
      if (s->flat_cents > CST_FEE_HIPAA_FLAT_CEILING_CENTS)
        return fail (error, s->key, _("flat-cents is %" PRId64 "; OCR's flat fee may not exceed $6.50 (650)."),
                     s->flat_cents);
    }
  for (int f = 0; f < CST_FEE_N_FORMATS; f++)
    {
      const CstFeeFormatRates *rates = &s->formats[f];

      if (!rates->covered)
        continue;
      any_format = TRUE;
      if (rates->percent_of_paper > 0 && (f == CST_FEE_FORMAT_PAPER || !s->formats[0].covered ||
                                          s->formats[0].percent_of_paper > 0))
        return fail (error, s->key, _("%s is a percentage of the paper rate, but the paper tiers are missing."),
                     fields[F_PAPER + f].key);
      if (!validate_tiers (s, fields[F_PAPER + f].key, rates, error))
        return FALSE;
    }
  if ((s->kind == CST_FEE_SCHEDULE_FEE || s->kind == CST_FEE_SCHEDULE_FACILITY) && !any_format)
    return fail (error, s->key, _("a fee schedule needs rates for at least one format (paper, electronic, media, microform)."));
  if (s->clerical_rate_cents > 0 && s->clerical_per_minutes == 0)
    return fail (error, s->key, _("clerical-per-minutes must be at least 1."));
  g_free (s->version_label);
  s->version_label = g_strdup_printf ("%s@%d", s->key, s->version);
  return TRUE;
}

static gboolean
key_is_valid (const char *key)
{
  if (key == NULL || !g_ascii_isalnum (key[0]) || strlen (key) > 64)
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* values[] is indexed like fields[]; NULL or blank means absent. */
static CstFeeSchedule *
schedule_from_values (const char         *key,
                      const char *const  *values,
                      GError            **error)
{
  g_autoptr(CstFeeSchedule) s = NULL;
  guint8 seen[N_FIELDS] = { 0 };

  if (!key_is_valid (key))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a usable schedule name: use letters, digits, “-”, “_” and “.”, "
                     "at most 64 characters, starting with a letter or digit."), key ? key : "");
      return NULL;
    }
  s = schedule_new (key);
  /* Kind first: its defaults shape how the rest is checked. */
  if (values[F_KIND] && !apply_field (s, F_KIND, values[F_KIND], error))
    return NULL;
  for (int i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *value = values[i] ? g_strstrip (g_strdup (values[i])) : NULL;

      if (value == NULL || *value == '\0')
        continue;
      seen[i] = 1;
      if (i != F_KIND && !apply_field (s, i, value, error))
        return NULL;
    }
  if (!schedule_validate (s, seen, error))
    return NULL;
  return g_steal_pointer (&s);
}

CstFeeSchedule *
cst_fee_schedule_new_from_keyfile (GKeyFile    *keyfile,
                                   const char  *group,
                                   GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) keys = g_key_file_get_keys (keyfile, group, NULL, &local);
  char *values[N_FIELDS] = { NULL };
  CstFeeSchedule *s = NULL;
  gboolean ok = TRUE;

  if (keys == NULL)
    return fail (error, group, "%s", local->message), NULL;
  for (guint i = 0; keys[i] && ok; i++)
    {
      int f = field_index (keys[i]);

      if (f < 0)
        ok = fail (error, group, _("unknown key “%s”."), keys[i]);
      else if (values[f] == NULL &&
               (values[f] = g_key_file_get_string (keyfile, group, keys[i], &local)) == NULL)
        ok = fail (error, group, _("%s: %s"), keys[i], local->message);
    }
  if (ok)
    s = schedule_from_values (group, (const char *const *) values, error);
  for (int i = 0; i < N_FIELDS; i++)
    g_free (values[i]);
  return s;
}

/* ---------------------------------------------------------------- writing */

static char *
mask_to_string (guint              mask,
                const char *const *nicks,
                guint              n)
{
  GString *out = g_string_new (NULL);

  if (mask == (1u << n) - 1)
    return g_string_free (g_string_append (out, "all"), FALSE);
  for (guint i = 0; i < n; i++)
    if (mask & (1u << i))
      g_string_append_printf (out, "%s%s", out->len ? ";" : "", nicks[i]);
  return g_string_free (out, FALSE);
}

static char *
rates_to_string (const CstFeeFormatRates *rates)
{
  GString *out;

  if (!rates->covered)
    return NULL;
  if (rates->percent_of_paper > 0)
    return g_strdup_printf ("%d%%", rates->percent_of_paper);
  out = g_string_new (NULL);
  for (int i = 0; i < rates->n_tiers; i++)
    {
      const CstFeeTier *t = &rates->tiers[i];

      g_string_append_printf (out, "%s%" G_GINT64_FORMAT "-", i ? ";" : "", t->first);
      if (t->last)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, t->last);
      g_string_append_printf (out, ":%s%" G_GINT64_FORMAT, t->flat ? "=" : "", t->cents);
    }
  return g_string_free (out, FALSE);
}

static char *
date_to_string (guint32 julian)
{
  GDate date;

  if (julian == 0)
    return NULL;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return cst_input_format_date (&date);
}

static char *
int_or_null (gint64 value)
{
  return value ? g_strdup_printf ("%" G_GINT64_FORMAT, value) : NULL;
}

static char *
confidence_or_null (CstFeeConfidence c)
{
  return c ? g_strdup_printf ("%c", (char) c) : NULL;
}

/* The canonical text of one field, or NULL when it has its default. */
static char *
field_to_string (const CstFeeSchedule *s,
                 int                   field)
{
  switch (field)
    {
    case F_VERSION: return g_strdup_printf ("%d", s->version);
    case F_KIND: return g_strdup (kind_nicks[s->kind]);
    case F_JURISDICTION: return g_strdup (s->jurisdiction);
    case F_PROVIDERS: return mask_to_string (s->providers, provider_nicks, CST_FEE_N_PROVIDERS);
    case F_REQUESTERS: return mask_to_string (s->requesters, requester_nicks, CST_FEE_N_REQUESTERS);
    case F_PURPOSES: return mask_to_string (s->purposes, purpose_nicks, CST_FEE_N_PURPOSES);
    case F_EFFECTIVE_FROM: return date_to_string (s->from);
    case F_EFFECTIVE_TO: return date_to_string (s->to);
    case F_CONFIDENCE: return confidence_or_null (s->confidence);
    case F_CITATION: return g_strdup (s->citation);
    case F_SOURCE: return g_strdup (s->source);
    case F_NOTE: return g_strdup (s->note);
    case F_CONDITION: return s->indigent_only ? g_strdup ("indigent") : NULL;
    case F_REQUEST_FEE_CENTS: return int_or_null (s->request_fee_cents);
    case F_REQUEST_FEE_LABEL: return g_strdup (s->request_fee_label);
    case F_PER_YEAR_CENTS: return int_or_null (s->per_year_cents);
    case F_CERTIFICATION_CENTS: return int_or_null (s->certification_cents);
    case F_MINIMUM_CENTS: return int_or_null (s->minimum_cents);
    case F_CAP_CENTS: return int_or_null (s->cap_cents);
    case F_ELECTRONIC_CAP_CENTS: return int_or_null (s->electronic_cap_cents);
    case F_POSTAGE: return g_strdup (s->postage == CST_FEE_POSTAGE_INCLUDED ? "included" : "actual");
    case F_TAX_BASIS_POINTS: return int_or_null (s->tax_basis_points);
    case F_CLERICAL_RATE_CENTS: return int_or_null (s->clerical_rate_cents);
    case F_CLERICAL_PER_MINUTES:
      return s->clerical_rate_cents ? int_or_null (s->clerical_per_minutes) : NULL;
    case F_CLERICAL_ROUND_UP: return s->clerical_round_up ? g_strdup ("true") : NULL;
    case F_PAPER: case F_ELECTRONIC: case F_MEDIA: case F_MICROFORM:
      return rates_to_string (&s->formats[field - F_PAPER]);
    case F_PAPER_CONFIDENCE: case F_ELECTRONIC_CONFIDENCE:
    case F_MEDIA_CONFIDENCE: case F_MICROFORM_CONFIDENCE:
      return confidence_or_null (s->formats[field - F_PAPER_CONFIDENCE].confidence);
    case F_FLAT_CENTS: return int_or_null (s->flat_cents);
    case F_DEFAULT_METHOD:
      return s->kind == CST_FEE_SCHEDULE_HIPAA ? g_strdup (method_to_hipaa_nick (s->default_method)) : NULL;
    case F_SUPPLIES_PER_PAGE_CENTS: return int_or_null (s->supplies_per_page_cents);
    case F_MEDIA_CENTS: return int_or_null (s->media_cents);
    default: g_assert_not_reached ();
    }
}

CstFeeSchedule *
cst_fee_schedule_new_from_values (const char        *key,
                                  const char *const *values,
                                  GError           **error)
{
  return schedule_from_values (key, values, error);
}

char *
cst_fee_schedule_field_to_string (const CstFeeSchedule *schedule,
                                  guint                 field)
{
  g_return_val_if_fail (field < N_FIELDS, NULL);
  return field_to_string (schedule, (int) field);
}

void
cst_fee_schedule_to_keyfile (const CstFeeSchedule *schedule,
                             GKeyFile             *keyfile)
{
  for (int i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *value = field_to_string (schedule, i);

      if (value != NULL)
        g_key_file_set_string (keyfile, schedule->key, fields[i].key, value);
    }
}

char *
cst_fee_schedule_to_text (const CstFeeSchedule *schedule)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  cst_fee_schedule_to_keyfile (schedule, keyfile);
  return g_key_file_to_data (keyfile, NULL, NULL);
}

/* The text of exactly one [group]. */
CstFeeSchedule *
cst_fee_schedule_new_from_text (const char  *text,
                                GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_auto(GStrv) groups = NULL;
  gsize n = 0;

  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The fee schedule cannot be read: %s"), local->message);
      return NULL;
    }
  groups = g_key_file_get_groups (keyfile, &n);
  if (n != 1)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Expected exactly one schedule ([name] group), found %u."), (guint) n);
      return NULL;
    }
  return cst_fee_schedule_new_from_keyfile (keyfile, groups[0], error);
}

/* An admin's edit: same key, next version; the old version stays for the
 * invoices that used it. */
CstFeeSchedule *
cst_fee_schedule_new_version (const CstFeeSchedule *schedule,
                              const char           *edited_text,
                              GError              **error)
{
  g_autoptr(CstFeeSchedule) edited = cst_fee_schedule_new_from_text (edited_text, error);

  if (edited == NULL)
    return NULL;
  if (!g_str_equal (edited->key, schedule->key))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("An edit of “%s” cannot rename it to “%s”; create a new schedule instead."),
                   schedule->key, edited->key);
      return NULL;
    }
  edited->version = schedule->version + 1;
  g_free (edited->version_label);
  edited->version_label = g_strdup_printf ("%s@%d", edited->key, edited->version);
  return g_steal_pointer (&edited);
}

/* The period after [start, end]: from the next day, as many whole months
 * as the old one ran when it did (a calendar year, a July-to-June year),
 * otherwise as many days. */
static void
next_period (const GDate *start,
             const GDate *end,
             GDate       *next_from,
             GDate       *next_to)
{
  *next_from = *end;
  g_date_add_days (next_from, 1);
  *next_to = *next_from;
  if (g_date_get_day (start) == g_date_get_day (next_from))
    {
      int months = ((int) g_date_get_year (next_from) - (int) g_date_get_year (start)) * 12 +
                   ((int) g_date_get_month (next_from) - (int) g_date_get_month (start));

      g_date_add_months (next_to, (guint) months);
    }
  else
    g_date_add_days (next_to, (guint) g_date_days_between (start, next_from));
  g_date_subtract_days (next_to, 1);
}

/* "IL-2024" → "IL-2025": the year the old period began, at the end of the
 * name, becomes the new one's; any other name gets the new year added. */
static char *
next_period_key (const char  *key,
                 const GDate *start,
                 const GDate *next_from)
{
  g_autofree char *old_year = g_strdup_printf ("-%04u", g_date_get_year (start));
  g_autofree char *stem = g_str_has_suffix (key, old_year)
                          ? g_strndup (key, strlen (key) - strlen (old_year)) : g_strdup (key);

  return g_strdup_printf ("%s-%04u", stem, g_date_get_year (next_from));
}

/**
 * cst_fee_schedule_dup_next_period:
 *
 * Starts the schedule for the period after @schedule's, for the amounts a
 * state publishes each year: the same rules and amounts under a new name,
 * dated from the day after @schedule ends for as long as it ran, and
 * marked unconfirmed (every quote from it says so) until an administrator
 * enters the published amounts and confirms them.
 *
 * Returns: (transfer full): the new schedule, not stored yet, or %NULL
 *   with @error set if @schedule has no end date
 */
CstFeeSchedule *
cst_fee_schedule_dup_next_period (const CstFeeSchedule *schedule,
                                  GError              **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_auto(GStrv) keys = NULL;
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;
  g_autofree char *note = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  GDate start, end, from, to;

  if (schedule->to == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” has no end date: it stays in effect until replaced, so there is no "
                     "next period to start."), schedule->key);
      return NULL;
    }
  cst_fee_schedule_get_effective (schedule, &start, &end);
  next_period (&start, &end, &from, &to);
  key = next_period_key (schedule->key, &start, &from);
  cst_fee_schedule_to_keyfile (schedule, keyfile);
  keys = g_key_file_get_keys (keyfile, schedule->key, NULL, NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_value (keyfile, schedule->key, keys[i], NULL);
      g_key_file_set_value (keyfile, key, keys[i], value);
    }
  g_key_file_remove_group (keyfile, schedule->key, NULL);
  from_text = cst_input_format_date (&from);
  to_text = cst_input_format_date (&to);
  g_key_file_set_string (keyfile, key, "effective-from", from_text);
  g_key_file_set_string (keyfile, key, "effective-to", to_text);
  g_key_file_set_string (keyfile, key, "confidence", "U");
  note = g_strdup_printf (_("Amounts copied from %s. Replace them with the amounts published for "
                            "this period, then set confidence=C."), schedule->key);
  g_key_file_set_string (keyfile, key, "note", note);
  text = g_key_file_to_data (keyfile, NULL, NULL);
  return cst_fee_schedule_new_from_text (text, error);
}

/* ---------------------------------------------------------------- getters */

const char *cst_fee_schedule_get_key (const CstFeeSchedule *s) { return s->key; }
int cst_fee_schedule_get_version (const CstFeeSchedule *s) { return s->version; }
const char *cst_fee_schedule_get_version_label (const CstFeeSchedule *s) { return s->version_label; }
CstFeeScheduleKind cst_fee_schedule_get_kind (const CstFeeSchedule *s) { return s->kind; }
const char *cst_fee_schedule_get_jurisdiction (const CstFeeSchedule *s) { return s->jurisdiction; }
CstFeeConfidence cst_fee_schedule_get_confidence (const CstFeeSchedule *s) { return s->confidence; }
const char *cst_fee_schedule_get_citation (const CstFeeSchedule *s) { return s->citation; }
const char *cst_fee_schedule_get_source (const CstFeeSchedule *s) { return s->source; }
const char *cst_fee_schedule_get_note (const CstFeeSchedule *s) { return s->note; }

/* Unconfirmed if the schedule or any of its formats is. */
gboolean
cst_fee_schedule_is_unconfirmed (const CstFeeSchedule *s)
{
  if (s->confidence == CST_FEE_CONFIDENCE_UNCONFIRMED)
    return TRUE;
  for (int f = 0; f < CST_FEE_N_FORMATS; f++)
    if (s->formats[f].confidence == CST_FEE_CONFIDENCE_UNCONFIRMED)
      return TRUE;
  return FALSE;
}

void
cst_fee_schedule_get_effective (const CstFeeSchedule *s,
                                GDate                *from,
                                GDate                *to)
{
  g_date_clear (from, 1);
  g_date_set_julian (from, s->from);
  g_date_clear (to, 1);
  if (s->to)
    g_date_set_julian (to, s->to);
}

static gboolean
covers_julian (const CstFeeSchedule *s,
               guint32               date)
{
  return date >= s->from && (s->to == 0 || date <= s->to);
}

gboolean
cst_fee_schedule_covers_date (const CstFeeSchedule *s,
                              const GDate          *date)
{
  return covers_julian (s, g_date_get_julian (date));
}

const CstFeeFormatRates *
cst_fee_schedule_rates (const CstFeeSchedule *s,
                        CstFeeFormat          format)
{
  return &s->formats[format];
}

/* ---------------------------------------------------------------- sets */

static int
jurisdiction_slot (const char *code)
{
  if (code == NULL || !g_ascii_isupper (code[0]) || !g_ascii_isupper (code[1]) || code[2])
    return -1;
  return (code[0] - 'A') * 26 + (code[1] - 'A');
}

static int
compare_schedules (gconstpointer a,
                   gconstpointer b)
{
  const CstFeeSchedule *sa = *(CstFeeSchedule *const *) a;
  const CstFeeSchedule *sb = *(CstFeeSchedule *const *) b;
  int c = strcmp (sa->jurisdiction, sb->jurisdiction);

  if (c != 0)
    return c;
  if (sa->from != sb->from)
    return sa->from < sb->from ? -1 : 1;
  return strcmp (sa->key, sb->key);
}

static gboolean
dates_overlap (const CstFeeSchedule *a,
               const CstFeeSchedule *b)
{
  guint32 a_to = a->to ? a->to : G_MAXUINT32;
  guint32 b_to = b->to ? b->to : G_MAXUINT32;

  return a->from <= b_to && b->from <= a_to;
}

static const char *
first_nick (guint              mask,
            const char *const *nicks)
{
  for (guint i = 0; i < 32; i++)
    if (mask & (1u << i))
      return nicks[i];
  return "";
}

/* Fee schedules and exclusions decide what a request costs, so two of them
 * must never both match one request on one day.  Exemptions may overlap:
 * a free copy wins whatever else applies. */
static gboolean
check_overlap (const CstFeeSchedule *a,
               const CstFeeSchedule *b,
               GError              **error)
{
  gboolean a_prices = a->kind == CST_FEE_SCHEDULE_FEE || a->kind == CST_FEE_SCHEDULE_EXCLUSION;
  gboolean b_prices = b->kind == CST_FEE_SCHEDULE_FEE || b->kind == CST_FEE_SCHEDULE_EXCLUSION;
  guint requesters = a->requesters & b->requesters;
  guint purposes = a->purposes & b->purposes;
  g_autofree char *from = NULL;

  if (strcmp (a->jurisdiction, b->jurisdiction) != 0 || !dates_overlap (a, b))
    return TRUE;
  if (a->kind == CST_FEE_SCHEDULE_HIPAA && b->kind == CST_FEE_SCHEDULE_HIPAA)
    {
      from = date_to_string (MAX (a->from, b->from));
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("HIPAA schedules “%s” and “%s” overlap from %s; effective dates must not overlap."),
                   a->key, b->key, from);
      return FALSE;
    }
  /* A facility schedule stands beside the state's, and in a health
   * system beside the other facilities' own (0091): each facility quotes
   * with the one it chose, so two of them never disagree about one
   * request. */
  if (a->kind == CST_FEE_SCHEDULE_FACILITY || b->kind == CST_FEE_SCHEDULE_FACILITY)
    return TRUE;
  if (!a_prices || !b_prices || !(a->providers & b->providers) || !requesters || !purposes)
    return TRUE;
  from = date_to_string (MAX (a->from, b->from));
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("Fee schedules “%s” and “%s” both apply to %s %s requests for %s from %s: "
                 "their effective dates overlap."),
               a->key, b->key, a->jurisdiction, first_nick (requesters, requester_nicks),
               first_nick (purposes, purpose_nicks), from);
  return FALSE;
}

CstFeeScheduleSet *
cst_fee_schedule_set_ref (CstFeeScheduleSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_atomic_ref_count_inc (&set->ref);
  return set;
}

void
cst_fee_schedule_set_unref (CstFeeScheduleSet *set)
{
  if (set == NULL || !g_atomic_ref_count_dec (&set->ref))
    return;
  g_ptr_array_unref (set->schedules);
  g_clear_pointer (&set->claimed, g_hash_table_unref);
  g_free (set);
}

/**
 * cst_fee_schedule_set_new:
 * @schedules: (transfer none): CstFeeSchedule*, one active version per key
 *
 * Returns: (transfer full): the validated set, or NULL with @error naming
 *   the first conflict
 */
CstFeeScheduleSet *
cst_fee_schedule_set_new (GPtrArray  *schedules,
                          GError    **error)
{
  g_autoptr(CstFeeScheduleSet) set = g_new0 (CstFeeScheduleSet, 1);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  const CstFeeSchedule *hipaa = NULL;

  g_atomic_ref_count_init (&set->ref);
  set->schedules = g_ptr_array_new_full (schedules->len, (GDestroyNotify) cst_fee_schedule_unref);
  set->default_method = CST_FEE_METHOD_HIPAA_AVERAGE;
  for (guint i = 0; i < schedules->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (schedules, i);

      if (!g_hash_table_add (keys, s->key))
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("Fee schedule “%s” appears twice."), s->key);
          return NULL;
        }
      g_ptr_array_add (set->schedules, cst_fee_schedule_ref (s));
    }
  if (set->schedules->len > G_MAXUINT16)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("Too many fee schedules."));
      return NULL;
    }
  g_ptr_array_sort (set->schedules, compare_schedules);

  for (guint i = 0; i < set->schedules->len; i++)
    {
      const CstFeeSchedule *a = g_ptr_array_index (set->schedules, i);
      int slot = jurisdiction_slot (a->jurisdiction);

      for (guint j = i + 1; j < set->schedules->len; j++)
        if (!check_overlap (a, g_ptr_array_index (set->schedules, j), error))
          return NULL;
      if (set->index_count[slot]++ == 0)
        set->index_start[slot] = (guint16) i;
      if (a->kind == CST_FEE_SCHEDULE_HIPAA && (hipaa == NULL || a->from > hipaa->from))
        hipaa = a;
    }
  if (hipaa)
    set->default_method = hipaa->default_method;
  return g_steal_pointer (&set);
}

CstFeeScheduleSet *
cst_fee_schedule_set_new_from_data (const char  *data,
                                    gssize       length,
                                    GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) schedules = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_fee_schedule_unref);
  g_auto(GStrv) groups = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_key_file_load_from_data (keyfile, data, length, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The fee schedule data cannot be read: %s"), local->message);
      return NULL;
    }
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      CstFeeSchedule *s = cst_fee_schedule_new_from_keyfile (keyfile, groups[i], error);

      if (s == NULL)
        return NULL;
      g_ptr_array_add (schedules, s);
    }
  return cst_fee_schedule_set_new (schedules, error);
}

GBytes *
cst_fee_schedule_seed_bytes (GError **error)
{
  return g_resources_lookup_data (SEED_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* The schedules shipped with Custodian, for when no database is reachable. */
CstFeeScheduleSet *
cst_fee_schedule_set_new_from_seed (GError **error)
{
  g_autoptr(GBytes) bytes = cst_fee_schedule_seed_bytes (error);
  gsize size = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return cst_fee_schedule_set_new_from_data (data, (gssize) size, error);
}

/**
 * cst_fee_schedule_set_get_schedules:
 *
 * Returns: (transfer none) (element-type CstFeeSchedule): sorted by
 *   jurisdiction and effective date
 */
GPtrArray *
cst_fee_schedule_set_get_schedules (CstFeeScheduleSet *set)
{
  return set->schedules;
}

CstFeeSchedule *
cst_fee_schedule_set_lookup (CstFeeScheduleSet *set,
                             const char        *key)
{
  for (guint i = 0; i < set->schedules->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (set->schedules, i);
      if (g_str_equal (s->key, key))
        return s;
    }
  return NULL;
}

CstFeeMethod
cst_fee_schedule_set_get_default_method (CstFeeScheduleSet *set)
{
  return set->default_method;
}

gboolean
cst_fee_schedule_set_has_jurisdiction (CstFeeScheduleSet *set,
                                       const char        *code)
{
  int slot = jurisdiction_slot (code);

  return slot >= 0 && set->index_count[slot] > 0;
}

static gboolean
selects (const CstFeeSchedule *s,
         CstFeeProvider        provider,
         CstFeeRequester       requester,
         CstFeePurpose         purpose)
{
  return (s->providers & (1u << provider)) && (s->requesters & (1u << requester)) &&
         (s->purposes & (1u << purpose));
}

/* A facility's own schedule is that facility's alone (0091): @own_key, the
 * request's facility's schedule, or, for a facility without one, the
 * hospital schedules no facility has claimed. */
static gboolean
hospital_schedule_for (CstFeeScheduleSet    *set,
                       const CstFeeSchedule *s,
                       const char           *own_key)
{
  if (own_key != NULL && own_key[0] != '\0')
    return g_str_equal (s->key, own_key);
  return set->claimed == NULL || !g_hash_table_contains (set->claimed, s->key);
}

/* Whether @s is of the kind asked for.  FEE also finds exclusions, which
 * price the same requests; FACILITY finds only the hospital schedules the
 * request's facility may use. */
static gboolean
kind_matches (CstFeeScheduleSet    *set,
              const CstFeeSchedule *s,
              CstFeeScheduleKind    kind,
              const char           *own_key)
{
  if (kind == CST_FEE_SCHEDULE_FACILITY)
    return s->kind == CST_FEE_SCHEDULE_FACILITY && hospital_schedule_for (set, s, own_key);
  return s->kind == kind || (kind == CST_FEE_SCHEDULE_FEE && s->kind == CST_FEE_SCHEDULE_EXCLUSION);
}

/* The engine's hot path: a linear scan of one jurisdiction's handful of
 * schedules, the first that applies. */
static const CstFeeSchedule *
find_in_slot (CstFeeScheduleSet *set,
              CstFeeScheduleKind kind,
              const char        *own_key,
              const char        *jurisdiction,
              CstFeeProvider     provider,
              CstFeeRequester    requester,
              CstFeePurpose      purpose,
              guint32            date,
              gboolean           indigent)
{
  int slot = jurisdiction_slot (jurisdiction);
  guint start, end;

  if (slot < 0)
    return NULL;
  start = set->index_start[slot];
  end = start + set->index_count[slot];
  for (guint i = start; i < end; i++)
    {
      const CstFeeSchedule *s = g_ptr_array_index (set->schedules, i);

      if (kind_matches (set, s, kind, own_key) && covers_julian (s, date) &&
          selects (s, provider, requester, purpose) && (!s->indigent_only || indigent))
        return s;
    }
  return NULL;
}

/* Not for hospital schedules: which of those a request may use depends
 * on its facility (0091), so they are found by
 * cst_fee_schedule_set_find_hospital() alone. */
const CstFeeSchedule *
cst_fee_schedule_set_find (CstFeeScheduleSet *set,
                           CstFeeScheduleKind kind,
                           const char        *jurisdiction,
                           CstFeeProvider     provider,
                           CstFeeRequester    requester,
                           CstFeePurpose      purpose,
                           guint32            date,
                           gboolean           indigent)
{
  g_return_val_if_fail (kind != CST_FEE_SCHEDULE_FACILITY, NULL);
  return find_in_slot (set, kind, NULL, jurisdiction, provider, requester, purpose, date, indigent);
}

const CstFeeSchedule *
cst_fee_schedule_set_find_hospital (CstFeeScheduleSet *set,
                                     const char        *own_key,
                                     const char        *jurisdiction,
                                     CstFeeProvider     provider,
                                     CstFeeRequester    requester,
                                     CstFeePurpose      purpose,
                                     guint32            date,
                                     gboolean           indigent)
{
  return find_in_slot (set, CST_FEE_SCHEDULE_FACILITY, own_key, jurisdiction, provider, requester,
                       purpose, date, indigent);
}

/* Called by the repository before the set is shared. */
void
cst_fee_schedule_set_claim (CstFeeScheduleSet *set,
                             const char        *key)
{
  if (set->claimed == NULL)
    set->claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (set->claimed, g_strdup (key));
}

const CstFeeSchedule *
cst_fee_schedule_set_find_hipaa (CstFeeScheduleSet *set,
                                 guint32            date)
{
  int slot = jurisdiction_slot ("US");

  for (guint i = set->index_start[slot]; i < (guint) set->index_start[slot] + set->index_count[slot]; i++)
    {
      const CstFeeSchedule *s = g_ptr_array_index (set->schedules, i);

      if (s->kind == CST_FEE_SCHEDULE_HIPAA && covers_julian (s, date))
        return s;
    }
  return NULL;
}

/* For the message when no schedule covers a date: the one that would
 * apply but for the date, latest first. */
const CstFeeSchedule *
cst_fee_schedule_set_latest_for (CstFeeScheduleSet *set,
                                 const char        *jurisdiction,
                                 CstFeeProvider     provider,
                                 CstFeeRequester    requester,
                                 CstFeePurpose      purpose)
{
  int slot = jurisdiction_slot (jurisdiction);
  const CstFeeSchedule *best = NULL;

  if (slot < 0)
    return NULL;
  for (guint i = set->index_start[slot]; i < (guint) set->index_start[slot] + set->index_count[slot]; i++)
    {
      const CstFeeSchedule *s = g_ptr_array_index (set->schedules, i);

      if (s->kind == CST_FEE_SCHEDULE_FEE && selects (s, provider, requester, purpose) &&
          (best == NULL || s->from > best->from))
        best = s;
    }
  return best;
}

/* ---------------------------------------------------------------- tiers for forms */

/**
 * cst_fee_tiers_parse:
 * @text: marginal tiers as the data file writes them, "1-20:194;21-:50"
 *
 * For a form that shows tiers as rows: the same parser and limits as the
 * schedule's.  A percentage of the paper tiers ("50%") is not tiers.
 *
 * Returns: (transfer full) (element-type CstFeeTierValue): the tiers, or
 *   NULL with @error saying what is wrong
 */
GArray *
cst_fee_tiers_parse (const char  *text,
                     GError     **error)
{
  CstFeeFormatRates rates = { 0 };
  GArray *tiers;

  if (text == NULL || strchr (text, '%') != NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("These amounts are a percentage of the paper tiers, not tiers of their own."));
      return NULL;
    }
  if (!parse_rates ("paper", _("Paper"), text, &rates, error))
    return NULL;
  tiers = g_array_sized_new (FALSE, TRUE, sizeof (CstFeeTierValue), (guint) rates.n_tiers);
  for (int i = 0; i < rates.n_tiers; i++)
    {
      CstFeeTierValue v = { rates.tiers[i].first, rates.tiers[i].last, rates.tiers[i].cents, rates.tiers[i].flat };

      g_array_append_val (tiers, v);
    }
  return tiers;
}

/* Returns: (transfer full): @tiers written as the data file writes them */
char *
cst_fee_tiers_to_string (const CstFeeTierValue *tiers,
                         guint                  n_tiers)
{
  CstFeeFormatRates rates = { .covered = TRUE };

  g_return_val_if_fail (n_tiers <= CST_FEE_MAX_TIERS, NULL);
  rates.n_tiers = (int) n_tiers;
  for (guint i = 0; i < n_tiers; i++)
    rates.tiers[i] = (CstFeeTier) { tiers[i].first, tiers[i].last, tiers[i].cents, tiers[i].flat };
  return rates_to_string (&rates);
}
