/* cst-locale-format.c — money and dates on screen, in the user's locale
 *
 * What the windows show follows LC_MONETARY and LC_TIME, so a clerk in a
 * Spanish or German locale reads "1.234,56 $" and "23/11/2026".  Documents
 * do not use this: they follow their own language (cst-pdf-format.c), and
 * text a person edits stays YYYY-MM-DD, which is what the entries parse.
 *
 * The amounts are always US dollars (the fees come from US law), so only
 * the separators, the grouping and where the symbol and sign go come from
 * the locale, never the currency.  In the C locale, which has no monetary
 * conventions, the documents' "$1,234.56" and ISO dates are kept.
 */
#define G_LOG_DOMAIN "cst-locale"

#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <string.h>

#include "custodian/cst-input.h"
#include "custodian/cst-locale-format.h"
#include "custodian/cst-money.h"

/* Digits of @units with the locale's thousands separator, following the
 * LC_MONETARY grouping string (each byte a group size, the last repeating,
 * CHAR_MAX for no further grouping). */
static char *
group_digits (guint64     units,
              const char *separator,
              const char *grouping)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, units);
  GString *text = g_string_new (NULL);
  gsize left = strlen (digits);
  gsize size = 0;
  GSList *groups = NULL;

  /* Cut groups from the right, then put them back in order. */
  while (left > 0)
    {
      if (*grouping != '\0' && *grouping != CHAR_MAX)
        size = (guchar) *grouping++;
      else if (*grouping == CHAR_MAX || size == 0)
        size = left;
      size = MIN (size, left);
      left -= size;
      groups = g_slist_prepend (groups, g_strndup (digits + left, size));
    }
  for (GSList *l = groups; l != NULL; l = l->next)
    {
      if (l != groups)
        g_string_append (text, separator);
      g_string_append (text, l->data);
    }
  g_slist_free_full (groups, g_free);
  return g_string_free (text, FALSE);
}

/* A locale field that glibc returns as a one-byte number. */
static int
langinfo_number (nl_item item)
{
  const char *value = nl_langinfo (item);

  return value != NULL && *value != CHAR_MAX ? (int) *value : -1;
}

/**
 * cst_locale_format_money:
 * @cents: an amount in US cents
 *
 * Returns: the amount as the user's LC_MONETARY writes dollars, e.g.
 *   "$1,234.56" (en_US), "1.234,56 $" (es_ES); "$1,234.56" in the C locale
 */
char *
cst_locale_format_money (gint64 cents)
{
  const char *point = nl_langinfo (MON_DECIMAL_POINT);
  const char *separator = nl_langinfo (MON_THOUSANDS_SEP);
  gboolean negative = cents < 0;
  /* Negate in unsigned arithmetic: -G_MININT64 does not fit in a gint64. */
  guint64 magnitude = negative ? (guint64) 0 - (guint64) cents : (guint64) cents;
  g_autofree char *units = NULL;
  g_autofree char *number = NULL;
  const char *sign;
  int precedes, space, position;

  if (point == NULL || *point == '\0')
    return cst_money_format (cents);

  units = group_digits (magnitude / 100, separator ? separator : "", nl_langinfo (MON_GROUPING));
  number = g_strdup_printf ("%s%s%02u", units, point, (guint) (magnitude % 100));
  precedes = langinfo_number (negative ? N_CS_PRECEDES : P_CS_PRECEDES);
  space = langinfo_number (negative ? N_SEP_BY_SPACE : P_SEP_BY_SPACE);
  position = negative ? langinfo_number (N_SIGN_POSN) : 1;
  sign = negative ? nl_langinfo (NEGATIVE_SIGN) : "";
  if (negative && (sign == NULL || *sign == '\0'))
    sign = "-";

  {
    g_autofree char *with_symbol = precedes == 0
      ? g_strconcat (number, space == 1 ? " " : "", "$", NULL)
      : g_strconcat ("$", space == 1 ? " " : "", number, NULL);

    switch (negative ? position : 1)
      {
      case 0:
        return g_strdup_printf ("(%s)", with_symbol);
      case 2:
        return g_strconcat (with_symbol, sign, NULL);
      case 3:  /* just before the symbol */
        return precedes == 0 ? g_strconcat (number, space == 1 ? " " : "", sign, "$", NULL)
                             : g_strconcat (sign, "$", space == 1 ? " " : "", number, NULL);
      case 4:  /* just after the symbol */
        return precedes == 0 ? g_strconcat (number, space == 1 ? " " : "", "$", sign, NULL)
                             : g_strconcat ("$", sign, space == 1 ? " " : "", number, NULL);
      default:
        return g_strconcat (sign, with_symbol, NULL);
      }
  }
}

static gboolean
is_c_locale (const char *name)
{
  return name == NULL || g_str_equal (name, "C") || g_str_equal (name, "POSIX") ||
         g_str_has_prefix (name, "C.");
}

/**
 * cst_locale_format_date:
 * @date: (nullable): a date
 *
 * Returns: @date as the user's LC_TIME writes a short date, always with a
 *   four-digit year (medical records go back decades): "11/23/2026"
 *   (en_US), "23/11/2026" (es_ES); YYYY-MM-DD in the C locale; "" for an
 *   invalid or missing date
 */
char *
cst_locale_format_date (const GDate *date)
{
  g_autofree char *format = NULL;
  char buffer[128];

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("");
  if (is_c_locale (setlocale (LC_TIME, NULL)))
    return cst_input_format_date (date);

  /* The locale's own order and separators, with %y widened to %Y. */
  {
    g_auto(GStrv) parts = g_strsplit (nl_langinfo (D_FMT), "%y", -1);
    format = g_strjoinv ("%Y", parts);
  }
  if (g_date_strftime (buffer, sizeof buffer, format, date) == 0)
    return cst_input_format_date (date);
  return g_strdup (buffer);
}

/* Hours and minutes as the locale's clock reads them: 12-hour where its
 * time format is ("2:05 PM", en_US), 24-hour elsewhere ("14:05"). */
static const char *
clock_format (void)
{
  const char *t_fmt = nl_langinfo (T_FMT);
  gboolean twelve_hour = (strstr (t_fmt, "%r") || strstr (t_fmt, "%I") || strstr (t_fmt, "%l")) &&
                         nl_langinfo (AM_STR)[0] != '\0';

  return twelve_hour ? "%-l:%M %p" : "%H:%M";
}

/**
 * cst_locale_format_date_time:
 * @time: (nullable): a moment, shown in local time
 *
 * Returns: the short date of cst_locale_format_date() and the time to the
 *   minute: "11/23/2026 2:05 PM" (en_US), "23/11/2026 14:05" (es_ES),
 *   "2026-11-23 14:05" in the C locale; "" for no time
 */
char *
cst_locale_format_date_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *date = NULL;
  g_autofree char *clock = NULL;
  GDate day;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  cst_input_date_of (local, &day);
  date = cst_locale_format_date (&day);
  clock = g_date_time_format (local, is_c_locale (setlocale (LC_TIME, NULL)) ? "%H:%M"
                                                                             : clock_format ());
  return g_strdup_printf ("%s %s", date, clock);
}
