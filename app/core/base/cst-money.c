/* cst-money.c — money as documents, reports, CSV and the CLI print it
 *
 * Money is only ever integer cents: the dollars and cents are split with
 * integer arithmetic, so no amount is ever rounded through a double.  The
 * windows follow the user's locale instead (cst-locale-format.c), and fall
 * back to this format where the locale has no monetary conventions.
 */
#define G_LOG_DOMAIN "cst-money"

#include "config.h"

#include <string.h>

#include "custodian/cst-money.h"

/**
 * cst_money_format:
 * @cents: an amount in US cents
 *
 * Returns: the amount in US dollars, e.g. "$1,234.56" and "-$5.00"
 */
char *
cst_money_format (gint64 cents)
{
  /* Negate in unsigned arithmetic: -G_MININT64 does not fit in a gint64. */
  guint64 magnitude = cents < 0 ? (guint64) 0 - (guint64) cents : (guint64) cents;
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude / 100);
  GString *text = g_string_new (cents < 0 ? "-$" : "$");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, digits[i]);
    }
  g_string_append_printf (text, ".%02u", (guint) (magnitude % 100));
  return g_string_free (text, FALSE);
}
