/* fuzz-bill-import.c — cst_bill_import_csv, the itemized-bill CSV parser
 *
 * Beyond not crashing: a file is either imported with no problems or
 * refused with at least one; every problem points at a line that exists
 * (1 .. number of line breaks + 1) and has a message; an imported line
 * keeps the money invariant (charge = paid + adjustment + patient).
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-bill.h"
#include "custodian/cst-error.h"
#include "fuzz.h"

static void
check (const uint8_t      *data,
       size_t              size,
       CstBillImportFlags  flags)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstBill) bill = cst_bill_import_csv ((const char *) data, size, flags, &problems, &error);
  guint n_lines = 1;

  for (size_t i = 0; i < size; i++)
    n_lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
  g_assert_true ((bill != NULL) == (problems->len == 0));
  g_assert_true ((bill != NULL) == (error == NULL));
  for (guint i = 0; i < problems->len; i++)
    {
      const CstCsvProblem *problem = g_ptr_array_index (problems, i);

      g_assert_cmpuint (problem->line, >=, 1);
      g_assert_cmpuint (problem->line, <=, n_lines);
      g_assert_true (problem->message != NULL && *problem->message != '\0');
    }
  if (bill == NULL)
    {
      g_assert_true (error->domain == CST_ERROR);
      return;
    }
  g_assert_cmpuint (bill->lines->len, >, 0);
  for (guint i = 0; i < bill->lines->len; i++)
    {
      const CstBillLine *line = g_ptr_array_index (bill->lines, i);

      g_assert_true (g_date_valid (&line->service_date));
      g_assert_cmpuint (strlen (line->revenue_code), ==, 4);
      if (!(flags & CST_BILL_IMPORT_CLAIM_LEVEL))
        g_assert_cmpint (line->charge_cents, ==, line->insurer_paid_cents +
                         line->adjustment_cents + line->patient_resp_cents);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check (data, size, CST_BILL_IMPORT_NONE);
  check (data, size, CST_BILL_IMPORT_CLAIM_LEVEL);
  return 0;
}
