/* fuzz-price-list.c — cst_price_list_import_csv, the CMS standard charges
 * importer, and the estimates computed from what it accepts
 *
 * Beyond not crashing: a file is either imported with no problems or
 * refused with at least one and a CST_ERROR; every problem points at a
 * line that exists and has a message; an imported list has items with
 * non-negative or absent (-1) amounts, each findable by its code; a
 * self-pay estimate of each item totals its unit price, and an insured
 * estimate on each item's first rate either is refused or splits the
 * allowed amount exactly between patient and plan.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-estimate.h"
#include "custodian/cst-price-list.h"
#include "fuzz.h"

static void
check_estimates (const CstPriceList *list,
                 const CstPriceItem *item)
{
  const CstEstimateService service = { item->code, 3 };
  g_autoptr(CstEstimate) gfe = cst_estimate_new_self_pay (list, &service, 1, NULL);

  if (gfe != NULL)
    g_assert_cmpint (gfe->gfe_total_cents, ==, 3 * (item->cash_cents >= 0 ? item->cash_cents
                                                                          : item->gross_cents));
  if (item->rates->len > 0)
    {
      const CstPriceRate *rate = g_ptr_array_index (item->rates, 0);
      const CstEstimateCoverage coverage = { rate->payer_name, rate->plan_name, 10000, 2000,
                                             1500, 50000 };
      g_autoptr(GError) error = NULL;
      g_autoptr(CstEstimate) e = cst_estimate_new_insured (list, &service, 1, &coverage, &error);

      g_assert_true ((e == NULL) == (error != NULL));
      if (e != NULL)
        {
          g_assert_cmpint (e->patient_cents + e->plan_cents, ==, e->allowed_cents);
          g_assert_cmpint (e->patient_cents, >=, 0);
          g_assert_cmpint (e->patient_cents, <=, MIN (e->allowed_cents, 50000));
        }
      else
        g_assert_true (rate->kind != CST_PRICE_RATE_DOLLAR);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPriceList) list = cst_price_list_import_csv ((const char *) data, size,
                                                            &problems, &error);
  guint n_lines = 1;

  for (size_t i = 0; i < size; i++)
    n_lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
  g_assert_true ((list != NULL) == (problems->len == 0));
  g_assert_true ((list != NULL) == (error == NULL));
  for (guint i = 0; i < problems->len; i++)
    {
      const CstCsvProblem *problem = g_ptr_array_index (problems, i);

      g_assert_cmpuint (problem->line, >=, 1);
      g_assert_cmpuint (problem->line, <=, n_lines);
      g_assert_true (problem->message != NULL && *problem->message != '\0');
    }
  if (list == NULL)
    {
      g_assert_true (error->domain == CST_ERROR);
      return 0;
    }
  g_assert_cmpuint (list->items->len, >, 0);
  for (guint i = 0; i < list->items->len && i < 50; i++)
    {
      const CstPriceItem *item = g_ptr_array_index (list->items, i);

      g_assert_true (cst_price_list_find (list, item->code) == item);
      g_assert_cmpint (item->gross_cents, >=, -1);
      g_assert_cmpint (item->cash_cents, >=, -1);
      check_estimates (list, item);
    }
  return 0;
}
