/* fuzz-fee-schedule.c — the fee-schedule loader
 * (cst_fee_schedule_set_new_from_data, app/core/fees/cst-fee-schedule.c): the
 * .ini format of resources/seed/fee-schedules.ini, which the hospital's
 * administrators edit and import
 *
 * Beyond not crashing:
 *   - a file is either loaded or refused with a CST_ERROR, never both or
 *     neither;
 *   - every loaded schedule, written out as text (what the Fee schedules
 *     view shows an administrator to edit) loads again and writes out the
 *     same text: an edit that changes nothing changes nothing;
 *   - quoting from a loaded set, for a third party and for the patient, on
 *     the first day of each schedule, either refuses with a CST_ERROR or
 *     gives a total of at least zero cents that is the sum of its lines,
 *     each line naming a schedule of the set that is in effect that day.
 */
#include "config.h"

#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-fee-engine.h"
#include "custodian/cst-fee-quote.h"
#include "custodian/cst-fee-schedule.h"
#include "fuzz.h"

/* Quoting every schedule of a large input would make each run slow. */
#define MAX_QUOTED_SCHEDULES 6

/* cst_fee_request_init reads today's date, loading the local time zone
 * each time (3 % of a run); the harness sets the date itself, so the
 * defaults are taken once. */
static const CstFeeRequest *
request_defaults (void)
{
  static CstFeeRequest defaults;
  static gboolean done;

  if (!done)
    {
      cst_fee_request_init (&defaults);
      done = TRUE;
    }
  return &defaults;
}

/* Texts already shown to round-trip.  Whether a text loads again and
 * writes the same text depends on the text alone (it begins with the
 * schedule's [key]), and a mutated input mostly repeats its parent's
 * schedules, so each is re-read once rather than on every run: a third of
 * the time of a run.  Emptied when full, to bound the memory. */
#define MAX_CHECKED_TEXTS 20000

static GHashTable *checked_texts;

static void
check_round_trip (const CstFeeSchedule *schedule)
{
  g_autofree char *text = cst_fee_schedule_to_text (schedule);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) again = NULL;
  g_autofree char *text_again = NULL;

  if (checked_texts == NULL)
    checked_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_contains (checked_texts, text))
    return;
  again = cst_fee_schedule_new_from_text (text, &error);
  g_assert_no_error (error);
  text_again = cst_fee_schedule_to_text (again);
  g_assert_cmpstr (text_again, ==, text);
  g_assert_cmpstr (cst_fee_schedule_get_key (again), ==, cst_fee_schedule_get_key (schedule));
  if (g_hash_table_size (checked_texts) >= MAX_CHECKED_TEXTS)
    g_hash_table_remove_all (checked_texts);
  g_hash_table_add (checked_texts, g_steal_pointer (&text));
}

static void
check_quote (CstFeeScheduleSet   *set,
             const CstFeeRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeQuote) quote = cst_fee_engine_quote (set, request, &error);
  gint64 sum = 0;

  if (quote == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == CST_ERROR);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (cst_fee_quote_get_total_cents (quote), >=, 0);
  for (guint i = 0; i < cst_fee_quote_get_n_lines (quote); i++)
    {
      const CstFeeLine *line = cst_fee_quote_get_line (quote, i);
      const char *version = cst_fee_line_get_schedule_version (line);
      const char *at = version ? strchr (version, '@') : NULL;
      g_autofree char *key = NULL;
      CstFeeSchedule *schedule;

      sum += cst_fee_line_get_amount_cents (line);
      g_assert_nonnull (cst_fee_line_get_description (line));
      if (version == NULL)
        continue;
      g_assert_nonnull (at);
      key = g_strndup (version, at - version);
      schedule = cst_fee_schedule_set_lookup (set, key);
      g_assert_nonnull (schedule);
      g_assert_true (cst_fee_schedule_covers_date (schedule, &request->received));
    }
  g_assert_cmpint (sum, ==, cst_fee_quote_get_total_cents (quote));
}

/* Returns whether it quoted: not for a schedule whose jurisdiction and
 * first day are those of the previous one (the set is sorted by both), as
 * the same requests would give the same quotes. */
static gboolean
check_quotes (CstFeeScheduleSet    *set,
              const CstFeeSchedule *schedule,
              const CstFeeSchedule *previous)
{
  const char *jurisdiction = cst_fee_schedule_get_jurisdiction (schedule);
  CstFeeRequest request;
  GDate from, to, previous_from;

  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  cst_fee_schedule_get_effective (schedule, &from, &to);
  if (jurisdiction == NULL || strlen (jurisdiction) != 2 || !g_date_valid (&from))
    return FALSE;
  if (previous != NULL &&
      g_str_equal (cst_fee_schedule_get_jurisdiction (previous), jurisdiction))
    {
      cst_fee_schedule_get_effective (previous, &previous_from, &to);
      if (g_date_compare (&previous_from, &from) == 0)
        return FALSE;
    }
  request = *request_defaults ();
  memcpy (request.jurisdiction, jurisdiction, 3);
  request.received = from;
  request.requester = CST_FEE_REQUESTER_ATTORNEY;
  request.format = CST_FEE_FORMAT_PAPER;
  request.pages = 137;
  request.years = 3;
  request.certified = TRUE;
  check_quote (set, &request);

  request.requester = CST_FEE_REQUESTER_PATIENT;
  request.format = CST_FEE_FORMAT_ELECTRONIC;
  request.maintained_electronically = TRUE;
  request.certified = FALSE;
  request.pages = 12;
  check_quote (set, &request);
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_data ((const char *) data,
                                                                          (gssize) size, &error);
  GPtrArray *schedules;
  guint quoted = 0;

  g_assert_true ((set == NULL) == (error != NULL));
  if (set == NULL)
    {
      g_assert_true (error->domain == CST_ERROR);
      g_assert_true (error->message != NULL && *error->message != '\0');
      return 0;
    }
  schedules = cst_fee_schedule_set_get_schedules (set);
  for (guint i = 0; i < schedules->len; i++)
    {
      const CstFeeSchedule *schedule = g_ptr_array_index (schedules, i);

      check_round_trip (schedule);
      if (quoted < MAX_QUOTED_SCHEDULES &&
          check_quotes (set, schedule, i > 0 ? g_ptr_array_index (schedules, i - 1) : NULL))
        quoted++;
    }
  return 0;
}
