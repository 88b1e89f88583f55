/* cst-test-policy.c — a financial-assistance policy other than the shipped one
 *
 * The shipped policy (resources/seed/financial-assistance.ini) with its
 * second band (201–300% of the poverty guideline, 75% off) giving another
 * discount: a household of four with $80,000 a year (242% in 2026) then
 * gets that discount, telling a stored policy from the shipped one.
 */
#include "config.h"

#include <gio/gio.h>

#include "cst-test-policy.h"

#define SECOND_BAND "[band discount-75]\nup-to-percent=300\ndiscount-percent="

char *
cst_test_policy_with_second_band (guint discount_percent)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (RESOURCE_BASE "/seed/financial-assistance.ini",
                                                     0, NULL);
  g_autofree char *text = NULL;
  g_autofree char *band = g_strdup_printf (SECOND_BAND "%u", discount_percent);
  g_auto(GStrv) parts = NULL;

  g_assert_nonnull (bytes);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  parts = g_strsplit (text, SECOND_BAND "75", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strjoin (band, parts[0], parts[1], NULL);
}
