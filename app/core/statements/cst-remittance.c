/* cst-remittance.c — the remittance structure both parsers fill, its
 * summary, the exact decimal reader they share and the CARC wording
 */
#define G_LOG_DOMAIN "cst-remittance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-remittance.h"

G_DEFINE_BOXED_TYPE (CstRemittance, cst_remittance, cst_remittance_ref, cst_remittance_unref)

CstRemittance *
cst_remittance_new (void)
{
  CstRemittance *remittance = g_new0 (CstRemittance, 1);

  g_atomic_ref_count_init (&remittance->ref_count);
  remittance->claims = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_remittance_claim_free);
  return remittance;
}

CstRemittance *
cst_remittance_ref (CstRemittance *remittance)
{
  g_atomic_ref_count_inc (&remittance->ref_count);
  return remittance;
}

void
cst_remittance_unref (CstRemittance *remittance)
{
  if (!g_atomic_ref_count_dec (&remittance->ref_count))
    return;
  g_free (remittance->payer);
  g_ptr_array_unref (remittance->claims);
  g_free (remittance);
}

void
cst_remittance_adjustment_free (CstRemittanceAdjustment *adjustment)
{
  g_free (adjustment->reason);
  g_free (adjustment);
}

static GPtrArray *
adjustments_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cst_remittance_adjustment_free);
}

CstRemittanceClaim *
cst_remittance_claim_new (void)
{
  CstRemittanceClaim *claim = g_new0 (CstRemittanceClaim, 1);

  claim->adjustments = adjustments_new ();
  claim->services = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_remittance_service_free);
  return claim;
}

void
cst_remittance_claim_free (CstRemittanceClaim *claim)
{
  g_free (claim->patient_control_number);
  g_free (claim->payer_claim_number);
  g_free (claim->status);
  g_ptr_array_unref (claim->adjustments);
  g_ptr_array_unref (claim->services);
  g_free (claim);
}

CstRemittanceService *
cst_remittance_service_new (void)
{
  CstRemittanceService *service = g_new0 (CstRemittanceService, 1);

  service->adjustments = adjustments_new ();
  return service;
}

void
cst_remittance_service_free (CstRemittanceService *service)
{
  g_free (service->procedure);
  g_ptr_array_unref (service->adjustments);
  g_free (service);
}

void
cst_remittance_add_adjustment (GPtrArray  *adjustments,
                               const char *group,
                               const char *reason,
                               gint64      amount_cents)
{
  CstRemittanceAdjustment *adjustment = g_new0 (CstRemittanceAdjustment, 1);

  g_strlcpy (adjustment->group, group, sizeof adjustment->group);
  adjustment->reason = g_strdup (reason);
  adjustment->amount_cents = amount_cents;
  g_ptr_array_add (adjustments, adjustment);
}

static void
summarize_adjustments (GPtrArray            *adjustments,
                       CstRemittanceSummary *summary)
{
  for (guint i = 0; i < adjustments->len; i++)
    {
      const CstRemittanceAdjustment *a = g_ptr_array_index (adjustments, i);

      if (!g_str_equal (a->group, "PR"))
        {
          summary->adjustments_cents += a->amount_cents;
          continue;
        }
      summary->patient_responsibility_cents += a->amount_cents;
      if (g_strcmp0 (a->reason, "1") == 0)
        summary->deductible_cents += a->amount_cents;
      else if (g_strcmp0 (a->reason, "2") == 0)
        summary->coinsurance_cents += a->amount_cents;
      else if (g_strcmp0 (a->reason, "3") == 0)
        summary->copay_cents += a->amount_cents;
      else
        summary->other_patient_cents += a->amount_cents;
    }
}

void
cst_remittance_claim_summarize (const CstRemittanceClaim *claim,
                                CstRemittanceSummary     *summary)
{
  memset (summary, 0, sizeof *summary);
  summary->charge_cents = claim->charge_cents;
  summary->insurance_paid_cents = claim->paid_cents;
  summarize_adjustments (claim->adjustments, summary);
  for (guint i = 0; i < claim->services->len; i++)
    summarize_adjustments (((CstRemittanceService *) g_ptr_array_index (claim->services, i))->adjustments,
                           summary);
}

/* "1503.85", "-12", ".5", "13364.00": at most 15 whole digits (no
 * overflow) and cents; further decimals only when they are zeros. */
gboolean
cst_remittance_parse_decimal (const char *text,
                              gsize       length,
                              gint64     *cents)
{
  const char *p = text, *end = text + length;
  gboolean negative = FALSE;
  gint64 whole = 0, fraction = 0;
  int n_whole = 0, n_fraction = -1;

  if (p < end && *p == '-')
    negative = TRUE, p++;
  for (; p < end; p++)
    {
      if (*p == '.' && n_fraction < 0)
        n_fraction = 0;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
      else if (n_fraction < 0 && n_whole < 15)
        whole = whole * 10 + (*p - '0'), n_whole++;
      else if (n_fraction < 0)
        return FALSE;
      else if (n_fraction < 2)
        fraction = fraction * 10 + (*p - '0'), n_fraction++;
      else if (*p != '0')
        return FALSE;
    }
  if (n_whole == 0 && n_fraction <= 0)
    return FALSE;
  for (int i = MAX (n_fraction, 0); i < 2; i++)
    fraction *= 10;
  *cents = (whole * 100 + fraction) * (negative ? -1 : 1);
  return TRUE;
}

static gboolean
looks_like_json (const char *data,
                 gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return data[i] == '{';
  return FALSE;
}

CstRemittance *
cst_remittance_parse (const char  *data,
                      gsize        length,
                      GError     **error)
{
  if (length >= 3 && memcmp (data, "ISA", 3) == 0)
    return cst_remittance_parse_835 (data, length, error);
  if (looks_like_json (data, length))
    return cst_remittance_parse_eob (data, length, error);
  g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
               _("The remittance is neither an X12 835 (it would start with ISA) nor a FHIR ExplanationOfBenefit (JSON)."));
  return NULL;
}

static gboolean
claim_has_id (const CstRemittanceClaim *claim,
              const char               *id)
{
  return g_strcmp0 (claim->patient_control_number, id) == 0 ||
         g_strcmp0 (claim->payer_claim_number, id) == 0;
}

const CstRemittanceClaim *
cst_remittance_find_claim (CstRemittance *remittance,
                           const char    *id,
                           GError       **error)
{
  g_autoptr(GString) choices = g_string_new (NULL);

  for (guint i = 0; i < remittance->claims->len; i++)
    {
      const CstRemittanceClaim *claim = g_ptr_array_index (remittance->claims, i);

      if (id != NULL ? claim_has_id (claim, id) : remittance->claims->len == 1)
        return claim;
      g_string_append_printf (choices, "%s%s", choices->len ? ", " : "",
                              claim->patient_control_number ? claim->patient_control_number
                                                            : claim->payer_claim_number);
    }
  if (id != NULL)
    g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                 _("The remittance has no claim “%s”; it has: %s."), id, choices->str);
  else
    g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                 _("The remittance holds several claims (%s); choose one with --claim."), choices->str);
  return NULL;
}

/* Plain words for the claim adjustment reason codes a patient meets most
 * (X12 CARC list).  Statement wording is in the statement's language, not
 * the desk's, so both languages are data here rather than gettext. */
static const struct
{
  const char *code;
  const char *en;
  const char *es;
} reasons[] = {
  { "1", "Deductible: the amount you pay each year before your plan starts to pay.",
         "Deducible: lo que usted paga cada año antes de que su plan empiece a pagar." },
  { "2", "Coinsurance: your share of the cost after the deductible, a percentage.",
         "Coseguro: su parte del costo después del deducible, un porcentaje." },
  { "3", "Copay: the fixed amount your plan asks you to pay for this kind of visit.",
         "Copago: la cantidad fija que su plan le pide pagar por este tipo de visita." },
  { "45", "The charges are more than the price your plan agreed with us; we do not bill you for the difference.",
          "Los cargos superan el precio que su plan acordó con nosotros; no le cobramos la diferencia." },
  { "97", "This service is paid as part of another service on this claim.",
          "Este servicio se paga como parte de otro servicio de este reclamo." },
  { "253", "Sequestration: a federal reduction of Medicare payments; we do not bill you for it.",
           "Secuestro: una reducción federal de los pagos de Medicare; no se la cobramos." },
  { "23", "Another payer already paid part of this claim.",
          "Otro pagador ya pagó parte de este reclamo." },
  { "96", "Your plan does not cover this service.",
          "Su plan no cubre este servicio." },
  { "50", "Your plan decided this service was not medically necessary.",
          "Su plan decidió que este servicio no era médicamente necesario." },
  { "204", "Your plan does not cover this service under your current benefits.",
           "Su plan no cubre este servicio con sus beneficios actuales." },
  { "94", "Your plan paid this claim in full or in part already.",
          "Su plan ya pagó este reclamo total o parcialmente." },
};

char *
cst_remittance_reason_text (const char *group,
                            const char *reason,
                            const char *language)
{
  gboolean spanish = g_strcmp0 (language, "es") == 0;

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_strcmp0 (reasons[i].code, reason) == 0)
      return g_strdup (spanish ? reasons[i].es : reasons[i].en);
  return g_strdup_printf (spanish ? "Ajuste %s-%s del plan (código de motivo %s)."
                                  : "Plan adjustment %s-%s (reason code %s).",
                          group, reason ? reason : "", reason ? reason : "");
}
