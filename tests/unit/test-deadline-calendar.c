/* test-deadline-calendar.c — the deadline arithmetic without a database:
 * the federal and Washington holidays computed from their statutes match
 * the dates OPM and RCW 1.16.050 publish, business days skip weekends and
 * holidays, the shipped rules choose HIPAA or the shorter state clock, and
 * a rule set that would leave the deadline to chance is refused */
#include "config.h"

#include <glib.h>
#include <string.h>

#include <custodian/cst-deadline.h>
#include <custodian/cst-error.h>
#include <custodian/cst-input.h>

static void
parse (const char *text,
       GDate      *date)
{
  g_assert_true (cst_input_parse_date (text, date, NULL));
}

/* OPM's published federal holidays (observed dates), 2024-2030
 * (https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/). */
static const char *const federal[] = {
  "2024-01-01", "2024-01-15", "2024-02-19", "2024-05-27", "2024-06-19", "2024-07-04",
  "2024-09-02", "2024-10-14", "2024-11-11", "2024-11-28", "2024-12-25",
  "2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
  "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25",
  "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
  "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25",
  "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05",
  "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-31",
  "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04",
  "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25",
  "2029-01-01", "2029-01-15", "2029-02-19", "2029-05-28", "2029-06-19", "2029-07-04",
  "2029-09-03", "2029-10-08", "2029-11-12", "2029-11-22", "2029-12-25",
  "2030-01-01", "2030-01-21", "2030-02-18", "2030-05-27", "2030-06-19", "2030-07-04",
  "2030-09-02", "2030-10-14", "2030-11-11", "2030-11-28", "2030-12-25",
};

static gboolean
listed (const GDate *date)
{
  for (guint i = 0; i < G_N_ELEMENTS (federal); i++)
    {
      GDate d;

      parse (federal[i], &d);
      if (g_date_compare (&d, date) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Every day of 2024-2030 is a holiday exactly when OPM lists it. */
static void
test_federal_holidays (void)
{
  GDate day, end;
  guint n = 0;

  parse ("2024-01-01", &day);
  parse ("2030-12-31", &end);
  for (; g_date_compare (&day, &end) <= 0; g_date_add_days (&day, 1))
    {
      gboolean holiday = cst_deadline_is_holiday (&day, CST_DEADLINE_HOLIDAYS_FEDERAL);

      if (holiday != listed (&day))
        {
          g_autofree char *text = cst_input_format_date (&day);
          g_error ("%s: computed %s, OPM says %s", text, holiday ? "holiday" : "work day",
                   holiday ? "work day" : "holiday");
        }
      n += holiday;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (federal));
}

/* Washington keeps no Columbus Day but the Friday after Thanksgiving. */
static void
test_washington_holidays (void)
{
  GDate d;

  parse ("2026-10-12", &d);
  g_assert_true (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_FEDERAL));
  g_assert_false (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_WA));
  parse ("2026-11-27", &d);
  g_assert_false (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_FEDERAL));
  g_assert_true (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_WA));
  parse ("2026-11-26", &d);
  g_assert_true (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_WA));
  /* Juneteenth: federal since 2021, Washington's since 2022. */
  parse ("2021-06-18", &d);
  g_assert_true (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_FEDERAL));
  g_assert_false (cst_deadline_is_holiday (&d, CST_DEADLINE_HOLIDAYS_WA));
}

static void
assert_added (const char          *from,
              guint                days,
              gboolean             business,
              CstDeadlineHolidays  holidays,
              const char          *expected)
{
  GDate start, due;
  g_autofree char *text = NULL;

  parse (from, &start);
  cst_deadline_add_days (&start, days, business, holidays, &due);
  text = cst_input_format_date (&due);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_add_days (void)
{
  /* Calendar days: the day of receipt is day 0; weekends count. */
  assert_added ("2026-06-05", 15, FALSE, CST_DEADLINE_HOLIDAYS_FEDERAL, "2026-06-20");
  assert_added ("2026-06-05", 0, TRUE, CST_DEADLINE_HOLIDAYS_FEDERAL, "2026-06-05");
  /* Friday 2026-11-20 + 15 business days skips two weekends' worth and
   * Thanksgiving (11-26): 11-23..25, 27, 30, 12-1..4, 7..11, 14. */
  assert_added ("2026-11-20", 15, TRUE, CST_DEADLINE_HOLIDAYS_FEDERAL, "2026-12-14");
  /* Washington also skips the Friday after: one more day. */
  assert_added ("2026-11-20", 15, TRUE, CST_DEADLINE_HOLIDAYS_WA, "2026-12-15");
  /* Received on a Saturday: Monday is business day 1. */
  assert_added ("2026-06-06", 1, TRUE, CST_DEADLINE_HOLIDAYS_FEDERAL, "2026-06-08");
  /* Across New Year's Day kept on Friday 2027-12-31 (2028-01-01 a Saturday). */
  assert_added ("2027-12-30", 1, TRUE, CST_DEADLINE_HOLIDAYS_FEDERAL, "2028-01-03");
}

static void
assert_governs (CstDeadlineRuleSet *set,
                const char         *state,
                CstDeadlineClass    klass,
                CstFeeFormat        format,
                const char         *received,
                const char         *rule,
                const char         *due,
                int                 extension_days)
{
  CstDeadline deadline;
  GDate day;
  g_autofree char *label = NULL;
  g_autofree char *due_text = NULL;

  parse (received, &day);
  g_assert_true (cst_deadline_rule_set_govern (set, state, klass, format, &day, &deadline));
  label = cst_deadline_rule_dup_version_label (deadline.rule);
  g_assert_cmpstr (label, ==, rule);
  due_text = g_date_valid (&deadline.due) ? cst_input_format_date (&deadline.due) : NULL;
  g_assert_cmpstr (due_text, ==, due);
  g_assert_cmpint (cst_deadline_rule_get_extension_days (deadline.rule), ==, extension_days);
}

static void
test_shipped_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDeadlineRuleSet) set = cst_deadline_rule_set_new_from_seed (&error);
  CstDeadline deadline;
  GDate day;
  g_autofree char *why = NULL;

  g_assert_no_error (error);
  /* The shorter state clock governs the individual, and says why. */
  assert_governs (set, "CA", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "CA-patient@1", "2026-06-20", 0);
  assert_governs (set, "TX", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_ELECTRONIC, "2026-11-20",
                  "TX-electronic@1", "2026-12-14", 0);
  /* Texas paper: no state clock shipped, HIPAA's 30 days. */
  assert_governs (set, "TX", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_PAPER, "2026-11-20",
                  "US-HIPAA-access@1", "2026-12-20", 30);
  /* Illinois: the same 30 days and extension; the state's rule is named. */
  assert_governs (set, "IL", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "IL-patient@1", "2026-07-05", 30);
  /* Ohio's 30 business days are later than HIPAA's 30 calendar days. */
  assert_governs (set, "OH", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "US-HIPAA-access@1", "2026-07-05", 30);
  /* The directive has HIPAA's clock, not California's. */
  assert_governs (set, "CA", CST_DEADLINE_DIRECTIVE, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "US-HIPAA-access@1", "2026-07-05", 30);
  /* Third parties: none, except where a state sets one. */
  assert_governs (set, "NY", CST_DEADLINE_THIRD_PARTY, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "US-authorization@1", NULL, 0);
  assert_governs (set, "CA", CST_DEADLINE_LEGAL_PROCESS, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "US-legal-process@1", NULL, 0);
  assert_governs (set, "OH", CST_DEADLINE_THIRD_PARTY, CST_FEE_FORMAT_PAPER, "2026-10-15",
                  "OH-all@1", "2026-11-30", 0);
  /* A jurisdiction with no state row still has HIPAA's. */
  assert_governs (set, "AL", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_PAPER, "2026-06-05",
                  "US-HIPAA-access@1", "2026-07-05", 30);

  parse ("2026-06-05", &day);
  cst_deadline_rule_set_govern (set, "CA", CST_DEADLINE_INDIVIDUAL, CST_FEE_FORMAT_PAPER, &day, &deadline);
  why = cst_deadline_describe (&deadline);
  g_assert_nonnull (strstr (why, "123110"));
  g_assert_nonnull (strstr (why, "164.524(b)(2)"));
  g_assert_nonnull (strstr (why, "No extension"));
  g_assert_cmpint (cst_deadline_class_for (CST_FEE_REQUESTER_ATTORNEY, CST_FEE_PURPOSE_SUBPOENA), ==,
                   CST_DEADLINE_LEGAL_PROCESS);
}

static void
test_refused_sets (void)
{
  static const char *const bad[] = {
    /* Two rules for the same requesters on the same days. */
    "[A]\njurisdiction=CA\nclasses=individual\neffective-from=2020-01-01\ndays=15\nconfidence=S\ncitation=x\n"
    "[B]\njurisdiction=CA\nclasses=individual;third-party\neffective-from=2025-01-01\ndays=10\nconfidence=S\ncitation=y\n",
    "[A]\njurisdiction=CA\nclasses=all\neffective-from=2020-01-01\ndays=15\ncount=weekdays\nconfidence=S\ncitation=x\n",
    "[A]\njurisdiction=CA\nclasses=all\neffective-from=2020-01-01\ndays=none\nextension-days=30\nconfidence=S\ncitation=x\n",
    "[A]\njurisdiction=CA\nclasses=everyone\neffective-from=2020-01-01\ndays=15\nconfidence=S\ncitation=x\n",
    "[A]\njurisdiction=CA\nclasses=all\neffective-from=2020-01-01\ndays=15\nconfidence=S\n",
    "[A]\njurisdiction=CA\nclasses=all\neffective-from=2020-01-01\ndays=0\nconfidence=S\ncitation=x\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CstDeadlineRuleSet) set = cst_deadline_rule_set_new_from_data (bad[i], -1, &error);

      g_assert_null (set);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deadline/federal-holidays", test_federal_holidays);
  g_test_add_func ("/deadline/washington-holidays", test_washington_holidays);
  g_test_add_func ("/deadline/add-days", test_add_days);
  g_test_add_func ("/deadline/shipped-rules", test_shipped_rules);
  g_test_add_func ("/deadline/refused-sets", test_refused_sets);
  return g_test_run ();
}
