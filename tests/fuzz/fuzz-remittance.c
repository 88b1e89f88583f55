/* fuzz-remittance.c — cst_remittance_parse_835 and cst_remittance_parse_eob
 *
 * Beyond not crashing: a file is either read or refused with a message
 * that names where (an 835 segment or an ExplanationOfBenefit path); a
 * read remittance holds at least one claim, and every claim balances
 * (charge − payment = its adjustments) with the patient's part summed
 * from PR-1, PR-2, PR-3 and the other PR reasons.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-remittance.h"
#include "fuzz.h"

static void
check (CstRemittance *remittance,
       GError        *error,
       const char    *position)
{
  if (remittance == NULL)
    {
      g_assert_true (error != NULL && error->domain == CST_ERROR);
      g_assert_true (strstr (error->message, position) != NULL || strstr (error->message, "JSON") != NULL ||
                     strstr (error->message, "neither") != NULL);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (remittance->claims->len, >, 0);
  for (guint i = 0; i < remittance->claims->len; i++)
    {
      CstRemittanceSummary s;

      cst_remittance_claim_summarize (g_ptr_array_index (remittance->claims, i), &s);
      g_assert_cmpint (s.charge_cents - s.insurance_paid_cents, ==,
                       s.adjustments_cents + s.patient_responsibility_cents);
      g_assert_cmpint (s.patient_responsibility_cents, ==,
                       s.deductible_cents + s.coinsurance_cents + s.copay_cents + s.other_patient_cents);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) x12_error = NULL;
  g_autoptr(GError) eob_error = NULL;
  g_autoptr(GError) any_error = NULL;
  g_autoptr(CstRemittance) x12 = cst_remittance_parse_835 ((const char *) data, size, &x12_error);
  g_autoptr(CstRemittance) eob = cst_remittance_parse_eob ((const char *) data, size, &eob_error);
  g_autoptr(CstRemittance) any = cst_remittance_parse ((const char *) data, size, &any_error);

  check (x12, x12_error, "835 segment");
  check (eob, eob_error, "ExplanationOfBenefit");
  check (any, any_error, "");
  return 0;
}
