/* fuzz-input-date.c — cst_input_parse_date, the parser of typed dates
 *
 * Beyond not crashing: an accepted date is a real one, prints as exactly
 * ten characters and parses back to itself; a refusal always says why.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  GDate date;

  if (cst_input_parse_date (text, &date, &error))
    {
      g_autofree char *printed = cst_input_format_date (&date);
      GDate again;

      g_assert_no_error (error);
      g_assert_true (g_date_valid (&date));
      g_assert_cmpuint (strlen (printed), ==, 10);
      g_assert_true (cst_input_parse_date (printed, &again, NULL));
      g_assert_cmpint (g_date_compare (&date, &again), ==, 0);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == CST_ERROR);
      g_assert_cmpint (error->code, ==, CST_ERROR_INVALID_INPUT);
    }
  return 0;
}
