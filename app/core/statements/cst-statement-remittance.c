/* cst-statement-remittance.c — "why you owe this": a statement explained
 * by the payer's remittance for its claim
 *
 * The sentences are in the statement's language, not the desk's, so both
 * languages are data here (as the CARC wording in cst-remittance.c), not
 * gettext.  The reconciliation line is exact to the cent: charges −
 * insurance paid − adjustments = what the patient owes, all from the
 * remittance, which balances by construction (its parsers refuse one
 * that does not).
 */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-error.h"
#include "custodian/cst-money.h"
#include "custodian/cst-statement.h"

/* Refuses a claim whose total charge is not the bill's. */
gboolean
cst_statement_set_remittance (CstStatement  *st,
                              CstRemittance *remittance,
                              const char    *claim_id,
                              GError       **error)
{
  const CstRemittanceClaim *claim = cst_remittance_find_claim (remittance, claim_id, error);

  if (claim == NULL)
    return FALSE;
  if (claim->charge_cents != st->total_charges_cents)
    {
      g_autofree char *claimed = cst_money_format (claim->charge_cents);
      g_autofree char *billed = cst_money_format (st->total_charges_cents);

      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The remittance’s claim is for %s in charges, but the bill’s charges total %s: it is not this bill’s claim."),
                   claimed, billed);
      return FALSE;
    }
  g_clear_pointer (&st->remittance, cst_remittance_unref);
  st->remittance = cst_remittance_ref (remittance);
  st->remittance_claim = claim;
  return TRUE;
}

typedef struct
{
  const char *en;
  const char *es;
} Wording;

static const Wording heading = { "Why you owe this", "Por qué debe esta cantidad" };
static const Wording paid = { "{payer} paid {amount} for claim {claim}.",
                              "{payer} pagó {amount} por el reclamo {claim}." };
static const Wording written_off = { "{amount} was written off: you do not owe it.",
                                     "Se descontaron {amount}: usted no los debe." };
static const Wording owe = { "You owe {amount} under your plan:", "Según su plan, usted debe {amount}:" };
static const Wording deductible = { "Deductible {amount}: what you pay each year before your plan pays.",
                                    "Deducible {amount}: lo que paga cada año antes de que pague su plan." };
static const Wording coinsurance = { "Coinsurance {amount}: your percentage share of the cost after the deductible.",
                                     "Coseguro {amount}: su porcentaje del costo después del deducible." };
static const Wording copay = { "Copay {amount}: the fixed amount your plan sets for this kind of visit.",
                               "Copago {amount}: la cantidad fija que su plan fija para este tipo de visita." };
static const Wording other = { "Other {amount}: costs your plan says are yours, such as services it does not cover.",
                               "Otros {amount}: costos que su plan le asigna, como servicios que no cubre." };
static const Wording reconciliation = { "Charges {charges} − insurance paid {paid} − adjustments {adjustments} = you owe {owed}.",
                                        "Cargos {charges} − pagó el seguro {paid} − ajustes {adjustments} = usted debe {owed}." };
static const Wording plan = { "your plan", "su plan" };

static const char *
say (CstStatement  *st,
     const Wording *wording)
{
  return g_strcmp0 (st->language, "es") == 0 ? wording->es : wording->en;
}

static void
add (GPtrArray     *lines,
     CstStatement  *st,
     const Wording *wording,
     GHashTable    *values)
{
  g_ptr_array_add (lines, cst_format_placeholders (say (st, wording), values));
}

static void
set_money (GHashTable *values,
           const char *key,
           gint64      cents)
{
  g_hash_table_insert (values, g_strdup (key), cst_money_format (cents));
}

/* Why each write-off: one sentence per distinct reason, not PR. */
static void
add_reasons (GPtrArray    *lines,
             CstStatement *st,
             GPtrArray    *adjustments,
             GHashTable   *seen)
{
  for (guint i = 0; i < adjustments->len; i++)
    {
      const CstRemittanceAdjustment *a = g_ptr_array_index (adjustments, i);
      g_autofree char *key = g_strconcat (a->group, "-", a->reason, NULL);
      g_autofree char *why = NULL;

      if (g_str_equal (a->group, "PR") || g_hash_table_contains (seen, key))
        continue;
      why = cst_remittance_reason_text (a->group, a->reason, st->language);
      g_ptr_array_add (lines, g_strdup_printf ("%s: %s", key, why));
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
}

static void
add_patient_part (GPtrArray     *lines,
                  CstStatement  *st,
                  const Wording *wording,
                  gint64         cents,
                  GHashTable    *values)
{
  if (cents == 0)
    return;
  set_money (values, "amount", cents);
  add (lines, st, wording, values);
}

/* The section's heading, then its sentences in order; empty without a
 * remittance. */
GPtrArray *
cst_statement_remittance_lines (CstStatement *st)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const CstRemittanceClaim *claim = st->remittance_claim;
  CstRemittanceSummary s;

  if (claim == NULL)
    return lines;
  cst_remittance_claim_summarize (claim, &s);
  g_ptr_array_add (lines, g_strdup (say (st, &heading)));
  g_hash_table_insert (values, g_strdup ("payer"), g_strdup (st->remittance->payer ? st->remittance->payer
                                                                                   : say (st, &plan)));
  g_hash_table_insert (values, g_strdup ("claim"), g_strdup (claim->payer_claim_number ? claim->payer_claim_number
                                                                                       : claim->patient_control_number));
  set_money (values, "amount", s.insurance_paid_cents);
  add (lines, st, &paid, values);
  set_money (values, "amount", s.adjustments_cents);
  add (lines, st, &written_off, values);
  add_reasons (lines, st, claim->adjustments, seen);
  for (guint i = 0; i < claim->services->len; i++)
    add_reasons (lines, st, ((CstRemittanceService *) g_ptr_array_index (claim->services, i))->adjustments, seen);
  set_money (values, "amount", s.patient_responsibility_cents);
  add (lines, st, &owe, values);
  add_patient_part (lines, st, &deductible, s.deductible_cents, values);
  add_patient_part (lines, st, &coinsurance, s.coinsurance_cents, values);
  add_patient_part (lines, st, &copay, s.copay_cents, values);
  add_patient_part (lines, st, &other, s.other_patient_cents, values);
  set_money (values, "charges", s.charge_cents);
  set_money (values, "paid", s.insurance_paid_cents);
  set_money (values, "adjustments", s.adjustments_cents);
  set_money (values, "owed", s.charge_cents - s.insurance_paid_cents - s.adjustments_cents);
  add (lines, st, &reconciliation, values);
  return lines;
}
