/* check-seed-expiry.c — the shipped fee schedules cannot go stale silently
 *
 * Fails when a schedule in resources/seed/fee-schedules.ini ends within
 * CST_FEE_EXPIRY_WARN_DAYS of the day the tests run (the build) and no
 * shipped schedule follows it: a hospital installing this build would find
 * a state's requests unquotable within weeks.  Schedules that ended
 * already with nothing after them do not fail the test, but each must be
 * named in resources/seed/fee-sources.md, which says when its successor
 * was looked for and not found: nothing goes stale without a word.
 */
#include "config.h"

#include <string.h>

#include <custodian/cst-fee-expiry.h>
#include <custodian/cst-input.h>

static void
test_no_shipped_schedule_runs_out_soon (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (&error);
  g_autoptr(GPtrArray) expiring = NULL;
  g_autoptr(GString) soon = g_string_new (NULL);
  g_autofree char *sources_path = g_test_build_filename (G_TEST_DIST, "..", "resources", "seed", "fee-sources.md", NULL);
  g_autofree char *sources = NULL;
  GDate today;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (sources_path, &sources, NULL, &error));
  g_assert_no_error (error);
  cst_input_today (&today);
  expiring = cst_fee_schedule_set_list_expiring (seed, &today, CST_FEE_EXPIRY_WARN_DAYS);
  for (guint i = 0; i < expiring->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (expiring, i);
      g_autofree char *message = cst_fee_schedule_dup_expiry_message (s, &today);

      if (cst_fee_schedule_has_ended (s, &today))
        {
          g_test_message ("ended, no successor shipped: %s", message);
          if (strstr (sources, cst_fee_schedule_get_key (s)) == NULL)
            g_test_fail_printf ("%s ended with nothing after it, and resources/seed/fee-sources.md does not say "
                                "when its successor was looked for", cst_fee_schedule_get_key (s));
        }
      else
        g_string_append_printf (soon, "\n  %s", message);
    }
  if (soon->len > 0)
    g_test_fail_printf ("shipped fee schedules end within %d days with nothing after them; add the next "
                        "period's schedules to resources/seed/fee-schedules.ini:%s",
                        CST_FEE_EXPIRY_WARN_DAYS, soon->str);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data/seed-expiry", test_no_shipped_schedule_runs_out_soon);
  return g_test_run ();
}
