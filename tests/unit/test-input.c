/* test-input.c — parsing what people type */
#include "config.h"

#include <custodian/custodian.h>

static void
test_parse_date_valid (void)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  g_assert_true (cst_input_parse_date (" 2024-02-29 ", &date, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_date_get_year (&date), ==, 2024);
  g_assert_cmpuint (g_date_get_month (&date), ==, 2);
  g_assert_cmpuint (g_date_get_day (&date), ==, 29);
  {
    g_autofree char *text = cst_input_format_date (&date);
    g_assert_cmpstr (text, ==, "2024-02-29");
  }
}

static void
test_parse_date_malformed (void)
{
  const char *bad[] = { "", "2023-02-29", "2024-13-01", "24-01-01", "2024/01/01",
                        "01-02-2024", "2024-1-1", "tomorrow", "2024-01-01x", "1700-01-01" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      GDate date;

      g_assert_false (cst_input_parse_date (bad[i], &date, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
      g_assert_nonnull (error->message);
    }
}

static void
test_received_date_not_future (void)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  cst_input_today (&date);
  g_assert_true (cst_input_check_received_date (&date, NULL));
  g_date_add_days (&date, 1);
  g_assert_false (cst_input_check_received_date (&date, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "future"));
}

/* Today is the local zone's: a TZ set while the process runs is followed
 * at once (the zone is kept between calls, issue 24).  The two zones are
 * 26 hours apart, so their dates always differ. */
static void
test_today_follows_tz (void)
{
  const char *zones[] = { "Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Kiritimati" };
  g_autofree char *saved = g_strdup (g_getenv ("TZ"));
  GDate first, date, expected;

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (zones[i]);
      g_autoptr(GDateTime) now = NULL;

      g_assert_nonnull (zone);
      g_setenv ("TZ", zones[i], TRUE);
      cst_input_today (&date);
      now = g_date_time_new_now (zone);
      cst_input_date_of (now, &expected);
      g_assert_cmpint (g_date_compare (&date, &expected), ==, 0);
      if (i == 0)
        first = date;
      else if (i == 1)
        g_assert_cmpint (g_date_compare (&date, &first), <, 0);
    }
  if (saved != NULL)
    g_setenv ("TZ", saved, TRUE);
  else
    g_unsetenv ("TZ");
}

static void
test_jurisdiction (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_input_check_jurisdiction ("NY", NULL));
  g_assert_true (cst_input_check_jurisdiction ("PR", NULL));
  g_assert_false (cst_input_is_jurisdiction ("ny"));
  g_assert_false (cst_input_is_jurisdiction ("ZZ"));
  g_assert_false (cst_input_is_jurisdiction (NULL));
  g_assert_false (cst_input_check_jurisdiction ("XX", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "XX"));
  g_assert_cmpuint (g_strv_length ((GStrv) cst_input_list_jurisdictions ()), ==, 56);
}

static void
test_blank (void)
{
  g_assert_true (cst_input_is_blank (NULL));
  g_assert_true (cst_input_is_blank (" \t\n\u00a0"));
  g_assert_false (cst_input_is_blank (" x "));
}

static void
test_parse_money (void)
{
  static const struct { const char *text; gint64 cents; } good[] = {
    { "12", 1200 }, { "-3.89", -389 }, { "$1,250.00", 125000 }, { " +0.5 ", 50 },
    { "\xe2\x88\x92" "4,50", -450 }, { "1,234", 123400 }, { "1,234,567.8", 123456780 },
  };
  static const char *const bad[] = { "", "-", "$", "abc", "1.234", "1..2", "12$", "1e3", "--1",
                                     ".5", "99999999999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 cents = 0;

      g_assert_true (cst_input_parse_money (good[i].text, &cents, &error));
      g_assert_no_error (error);
      g_assert_cmpint (cents, ==, good[i].cents);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 cents = 0;

      if (cst_input_parse_money (bad[i], &cents, &error))
        g_error ("“%s” was read as %" G_GINT64_FORMAT " cents", bad[i], cents);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    }
}

/* The CSV guard (OWASP "CSV Injection"): what a spreadsheet could run,
 * after white space and in fullwidth forms too (issue 25), and what it
 * shows as text. */
static void
test_starts_formula (void)
{
  static const char *const formulas[] = {
    "=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "|calc",
    " =HYPERLINK(\"http://evil.example\")", "  +1", "\n-2", "\t @x", " |calc",
    "\xc2\xa0=1+1",                       /* no-break space, then = */
    "\xe3\x80\x80=1+1",                  /* ideographic space, then = */
    "\xef\xbc\x9d" "1+1",                 /* ＝ */
    "\xef\xbc\x8b" "1", "\xef\xbc\x8d" "1", "\xef\xbc\xa0" "SUM(A1)", /* ＋ － ＠ */
    "\xef\xbd\x9c" "calc",                /* ｜ */
    " \xef\xbc\x9d" "1+1",                /* space, then ＝ */
    "\xef\xb9\xa6" "1+1",                 /* ﹦ */
  };
  static const char *const text[] = {
    "", "   ", "Refund", "1 Pa. Code 1", "Courtesy discount, policy 4.2", " plain", "a=b", "x|y",
    "'=1+1", "\xe2\x80\x94 dash", "100", "\xef\xbc\x91",   /* — dash; fullwidth digit one */
  };

  g_assert_false (cst_input_starts_formula (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (formulas); i++)
    if (!cst_input_starts_formula (formulas[i]))
      g_error ("“%s” was not taken for a formula", formulas[i]);
  for (guint i = 0; i < G_N_ELEMENTS (text); i++)
    if (cst_input_starts_formula (text[i]))
      g_error ("“%s” was taken for a formula", text[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/input/date/valid", test_parse_date_valid);
  g_test_add_func ("/input/date/malformed", test_parse_date_malformed);
  g_test_add_func ("/input/date/not-future", test_received_date_not_future);
  g_test_add_func ("/input/date/today-follows-tz", test_today_follows_tz);
  g_test_add_func ("/input/jurisdiction", test_jurisdiction);
  g_test_add_func ("/input/blank", test_blank);
  g_test_add_func ("/input/money", test_parse_money);
  g_test_add_func ("/input/starts-formula", test_starts_formula);
  return g_test_run ();
}
