/* test-locale-format.c — money and dates on screen follow the user's locale
 *
 * Needs the locales es_ES.UTF-8, en_US.UTF-8 and de_DE.UTF-8 (Debian's
 * locales-all, installed by build-aux/packages.sh): a missing one fails.
 */
#include "config.h"

#include <locale.h>

#include "custodian/custodian.h"

static void
use_locale (const char *name)
{
  if (setlocale (LC_ALL, name) == NULL)
    g_error ("The locale %s is not installed (apt-get install locales-all)", name);
}

static void
check_money (gint64      cents,
             const char *expected)
{
  g_autofree char *text = cst_locale_format_money (cents);

  g_assert_cmpstr (text, ==, expected);
}

static void
check_date (guint       day,
            guint       month,
            guint       year,
            const char *expected)
{
  g_autoptr(GDate) date = g_date_new_dmy (day, month, year);
  g_autofree char *text = cst_locale_format_date (date);

  g_assert_cmpstr (text, ==, expected);
}

/* @hour:@minute on 23 November 2026, in local time. */
static void
check_date_time (int         hour,
                 int         minute,
                 const char *expected)
{
  g_autoptr(GDateTime) time = g_date_time_new_local (2026, 11, 23, hour, minute, 30);
  g_autofree char *text = cst_locale_format_date_time (time);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_spanish (void)
{
  use_locale ("es_ES.UTF-8");
  check_money (123456, "1.234,56 $");
  check_money (5, "0,05 $");
  check_money (100000000, "1.000.000,00 $");
  check_money (-500, "-5,00 $");
  check_date (23, 11, 2026, "23/11/2026");
  check_date (1, 2, 1987, "01/02/1987");
  check_date_time (14, 5, "23/11/2026 14:05");
  check_date_time (9, 0, "23/11/2026 09:00");
  setlocale (LC_ALL, "C");
}

static void
test_us_english (void)
{
  use_locale ("en_US.UTF-8");
  check_money (123456, "$1,234.56");
  check_money (-500, "-$5.00");
  check_money (99, "$0.99");
  check_date (23, 11, 2026, "11/23/2026");
  check_date_time (14, 5, "11/23/2026 2:05 PM");
  check_date_time (9, 0, "11/23/2026 9:00 AM");
  setlocale (LC_ALL, "C");
}

static void
test_german (void)
{
  use_locale ("de_DE.UTF-8");
  check_money (123456789, "1.234.567,89 $");
  check_date (3, 4, 2025, "03.04.2025");
  check_date_time (14, 5, "23.11.2026 14:05");
  setlocale (LC_ALL, "C");
}

/* The C locale has no monetary conventions: the documents' format, and
 * ISO dates, which is what the tests and the entries use. */
static void
test_c_locale (void)
{
  use_locale ("C.UTF-8");
  check_money (123456, "$1,234.56");
  check_money (G_MININT64, "-$92,233,720,368,547,758.08");
  check_date (23, 11, 2026, "2026-11-23");
  check_date_time (14, 5, "2026-11-23 14:05");
  {
    g_autofree char *none = cst_locale_format_date (NULL);
    g_autofree char *no_time = cst_locale_format_date_time (NULL);
    g_assert_cmpstr (none, ==, "");
    g_assert_cmpstr (no_time, ==, "");
  }
}

/* LC_MONETARY and LC_TIME each decide their own part. */
static void
test_categories_apart (void)
{
  use_locale ("C.UTF-8");
  g_assert_nonnull (setlocale (LC_MONETARY, "es_ES.UTF-8"));
  check_money (123456, "1.234,56 $");
  check_date (23, 11, 2026, "2026-11-23");
  g_assert_nonnull (setlocale (LC_MONETARY, "C.UTF-8"));
  g_assert_nonnull (setlocale (LC_TIME, "es_ES.UTF-8"));
  check_money (123456, "$1,234.56");
  check_date (23, 11, 2026, "23/11/2026");
  setlocale (LC_ALL, "C");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/locale-format/spanish", test_spanish);
  g_test_add_func ("/locale-format/us-english", test_us_english);
  g_test_add_func ("/locale-format/german", test_german);
  g_test_add_func ("/locale-format/c-locale", test_c_locale);
  g_test_add_func ("/locale-format/categories-apart", test_categories_apart);
  return g_test_run ();
}
