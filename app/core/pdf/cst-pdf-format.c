/* cst-pdf-format.c — dates as documents print them
 *
 * Money is cst_money_format() (custodian/cst-money.h), shared with every
 * other output.  Dates follow the document's language, not the process locale: a clerk
 * whose desktop is in English still prints a Spanish letter in Spanish.
 */
#define G_LOG_DOMAIN "cst-pdf"

#include "config.h"

#include <string.h>

#include "cst-pdf-private.h"

static const char *const months_en[12] = {
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
};

static const char *const months_es[12] = {
  "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
  "septiembre", "octubre", "noviembre", "diciembre",
};

/**
 * cst_pdf_format_date:
 * @language: (nullable): "en", "es", or %NULL for the process locale
 *
 * Returns: the date written out, or "" for an invalid or missing date
 */
char *
cst_pdf_format_date (const GDate *date,
                     const char  *language)
{
  guint month;
  char buffer[128];

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("");
  month = g_date_get_month (date) - 1;
  if (g_strcmp0 (language, "es") == 0)
    return g_strdup_printf ("%u de %s de %u", g_date_get_day (date), months_es[month],
                            g_date_get_year (date));
  if (g_strcmp0 (language, "en") == 0)
    return g_strdup_printf ("%s %u, %u", months_en[month], g_date_get_day (date),
                            g_date_get_year (date));
  if (g_date_strftime (buffer, sizeof buffer, "%x", date) > 0)
    return g_strdup (buffer);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}
