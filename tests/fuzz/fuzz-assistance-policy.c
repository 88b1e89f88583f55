/* fuzz-assistance-policy.c — cst_assistance_policy_new_from_data, the
 * hospital's financial-assistance policy file, and the screenings made
 * with what it accepts
 *
 * Beyond not crashing: a file is either a policy or refused with a
 * CST_ERROR; an accepted policy's AGB is 1 to 10000 basis points; every
 * screening on it either is refused (no table that day) or finds a band
 * whose discount is 0 to 100 and an income percentage consistent with the
 * guideline, and never a larger discount for a larger income.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-error.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAssistancePolicy) policy = cst_assistance_policy_new_from_data ((const char *) data, size, &error);
  guint last_discount = 100;
  GDate on;

  g_assert_true ((policy == NULL) == (error != NULL));
  if (policy == NULL)
    {
      g_assert_true (error->domain == CST_ERROR);
      return 0;
    }
  g_assert_cmpuint (cst_assistance_policy_get_agb_basis_points (policy), >=, 1);
  g_assert_cmpuint (cst_assistance_policy_get_agb_basis_points (policy), <=, 10000);
  g_date_clear (&on, 1);
  g_date_set_dmy (&on, 1, 7, 2026);
  for (gint64 income = 0; income <= G_GINT64_CONSTANT (20000000); income += 1000000)
    {
      g_auto(CstAssistanceScreening) screening = { 0 };
      g_autoptr(GError) screen_error = NULL;

      if (!cst_assistance_screen (policy, 3, income, &on, &screening, &screen_error))
        {
          g_assert_true (screen_error->domain == CST_ERROR);
          return 0;
        }
      g_assert_cmpint (screening.guideline_cents, >, 0);
      g_assert_cmpuint (screening.discount_percent, <=, 100);
      g_assert_true ((screening.kind == CST_ASSISTANCE_NOT_ELIGIBLE) == (screening.discount_percent == 0));
      g_assert_cmpint ((gint64) screening.percent_of_guideline * screening.guideline_cents, <=, income * 100);
      g_assert_cmpuint (screening.discount_percent, <=, last_discount);
      last_discount = screening.discount_percent;
    }
  return 0;
}
