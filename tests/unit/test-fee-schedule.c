/* test-fee-schedule.c — schedules as data: the seed loads and covers every
 * state of the reference, validation refuses nonsense with a clear
 * message, the text form round-trips, edits make new versions */
#include "config.h"

#include "cst-test-db.h"

#define BASE \
  "[S]\njurisdiction=PA\nrequesters=attorney\neffective-from=2025-01-01\n" \
  "confidence=C\ncitation=42 Pa.C.S. 6152\n"

static void
assert_invalid (const char *text,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_data (text, -1, &error);

  g_assert_null (set);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  if (!strstr (error->message, fragment))
    g_error ("“%s” not in “%s”", fragment, error->message);
}

static void
test_seed_covers_reference (void)
{
  const char *const states[] = { "FL", "TX", "CA", "NY", "IL", "PA", "OH", "GA", "NC", "WA", "MA", "MI", "US" };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_seed (&error);
  GPtrArray *all;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    g_assert_true (cst_fee_schedule_set_has_jurisdiction (set, states[i]));
  all = cst_fee_schedule_set_get_schedules (set);
  g_assert_cmpuint (all->len, >=, 30);
  for (guint i = 0; i < all->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (all, i);
      g_assert_false (cst_input_is_blank (cst_fee_schedule_get_citation (s)));
      g_assert_false (cst_input_is_blank (cst_fee_schedule_get_source (s)));
    }
  /* What the reference marks U ships flagged so. */
  g_assert_true (cst_fee_schedule_is_unconfirmed (cst_fee_schedule_set_lookup (set, "TX-hospital")));
  g_assert_true (cst_fee_schedule_is_unconfirmed (cst_fee_schedule_set_lookup (set, "PA-benefits-flat")));
  g_assert_true (cst_fee_schedule_is_unconfirmed (cst_fee_schedule_set_lookup (set, "PA-2025")));  /* electronic */
  g_assert_true (cst_fee_schedule_is_unconfirmed (cst_fee_schedule_set_lookup (set, "FL-hospital")));
  g_assert_false (cst_fee_schedule_is_unconfirmed (cst_fee_schedule_set_lookup (set, "IL-2024")));
  g_assert_cmpint (cst_fee_schedule_set_get_default_method (set), ==, CST_FEE_METHOD_HIPAA_AVERAGE);
}

static void
test_validation (void)
{
  /* Overlapping effective dates for the same requests. */
  assert_invalid (BASE "paper=1-:100\n"
                  "[T]\njurisdiction=PA\nrequesters=attorney;insurer\neffective-from=2025-06-01\n"
                  "confidence=C\ncitation=x\npaper=1-:90\n", "overlap");
  /* Tiers with a gap, an overlap, a closed end, a backwards tier. */
  assert_invalid (BASE "paper=1-20:194;22-:50\n", "pages 21–21 without a rate");
  assert_invalid (BASE "paper=1-20:194;15-:50\n", "overlap at page 15");
  assert_invalid (BASE "paper=1-20:194;21-60:50\n", "open-ended");
  assert_invalid (BASE "paper=5-:194\n", "pages 1–4");
  assert_invalid (BASE "paper=1-20:194;21-10:5;11-:3\n", "ends before it starts");
  /* Negative and absurd amounts. */
  assert_invalid (BASE "paper=1-:100\nrequest-fee-cents=-5\n", "negative");
  assert_invalid (BASE "paper=1-20:-194;21-:50\n", "negative");
  assert_invalid (BASE "paper=1-:100\ncertification-cents=99999999999\n", "limit");
  assert_invalid (BASE "paper=1-:ten\n", "whole number");
  /* Missing essentials, unknown keys and values. */
  assert_invalid ("[S]\njurisdiction=PA\nrequesters=attorney\neffective-from=2025-01-01\nconfidence=C\npaper=1-:1\n",
                  "citation");
  assert_invalid ("[S]\njurisdiction=PA\nrequesters=attorney\nconfidence=C\ncitation=x\npaper=1-:1\n",
                  "effective-from");
  assert_invalid (BASE "pages=1-:100\n", "unknown key “pages”");
  assert_invalid (BASE "paper=1-:100\nrequesters=lawyer\n", "lawyer");
  assert_invalid (BASE "paper=1-:100\neffective-to=2024-01-01\n", "before effective-from");
  assert_invalid (BASE "paper=1-:100\neffective-to=2025-02-30\n", "YYYY-MM-DD");
  assert_invalid (BASE "electronic=50%\n", "paper tiers are missing");
  assert_invalid (BASE "postage=actual\n", "at least one format");
  assert_invalid ("[S]\njurisdiction=ZZ\nrequesters=all\neffective-from=2025-01-01\nconfidence=C\ncitation=x\npaper=1-:1\n",
                  "ZZ");
  /* OCR's flat fee may not exceed $6.50. */
  assert_invalid ("[H]\nkind=hipaa\njurisdiction=US\neffective-from=2016-01-01\nconfidence=C\n"
                  "citation=45 CFR 164.524\nflat-cents=700\n", "$6.50");
  /* Two HIPAA schedules in force at once. */
  assert_invalid ("[H]\nkind=hipaa\njurisdiction=US\neffective-from=2016-01-01\nconfidence=C\ncitation=x\n"
                  "[I]\nkind=hipaa\njurisdiction=US\neffective-from=2020-01-01\nconfidence=C\ncitation=x\n",
                  "overlap");
  /* Not a key file at all. */
  assert_invalid ("this is not = [a schedule", "cannot be read");
}

static void
test_disjoint_is_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = NULL;

  /* Same requests, consecutive years; and an exemption overlapping a fee
   * schedule (a free copy wins). */
  set = cst_fee_schedule_set_new_from_data (
    BASE "paper=1-:100\neffective-to=2025-12-31\n"
    "[T]\njurisdiction=PA\nrequesters=attorney\neffective-from=2026-01-01\nconfidence=C\ncitation=x\npaper=1-:110\n"
    "[F]\nkind=exemption\njurisdiction=PA\nrequesters=all\npurposes=benefits-claim\n"
    "effective-from=2020-01-01\nconfidence=S\ncitation=y\n", -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);
}

static void
test_round_trip_and_versions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_seed (&error);
  GPtrArray *all = cst_fee_schedule_set_get_schedules (set);
  CstFeeSchedule *pa = cst_fee_schedule_set_lookup (set, "PA-2025");
  g_autofree char *text = NULL;
  g_autofree char *edited_text = NULL;
  g_autoptr(CstFeeSchedule) edited = NULL;
  g_autoptr(CstFeeSchedule) renamed = NULL;

  for (guint i = 0; i < all->len; i++)
    {
      CstFeeSchedule *s = g_ptr_array_index (all, i);
      g_autofree char *once = cst_fee_schedule_to_text (s);
      g_autoptr(CstFeeSchedule) again = cst_fee_schedule_new_from_text (once, &error);
      g_autofree char *twice = NULL;

      g_assert_no_error (error);
      twice = cst_fee_schedule_to_text (again);
      g_assert_cmpstr (once, ==, twice);
    }

  text = cst_fee_schedule_to_text (pa);
  g_assert_nonnull (strstr (text, "paper=1-20:194;21-60:144;61-:50"));
  edited_text = g_strjoinv ("request-fee-cents=2999", (char *[]) { NULL });
  {
    g_auto(GStrv) parts = g_strsplit (text, "request-fee-cents=2874", 2);
    g_free (edited_text);
    edited_text = g_strjoinv ("request-fee-cents=2999", parts);
  }
  edited = cst_fee_schedule_new_version (pa, edited_text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_fee_schedule_get_version (edited), ==, 2);
  g_assert_cmpstr (cst_fee_schedule_get_version_label (edited), ==, "PA-2025@2");

  {
    g_auto(GStrv) parts = g_strsplit (text, "[PA-2025]", 2);
    g_autofree char *renamed_text = g_strjoinv ("[PA-2026]", parts);
    renamed = cst_fee_schedule_new_version (pa, renamed_text, &error);
    g_assert_null (renamed);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  }
}

static void
assert_period (const CstFeeSchedule *s,
               const char           *from,
               const char           *to)
{
  GDate f, t;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  cst_fee_schedule_get_effective (s, &f, &t);
  from_text = cst_input_format_date (&f);
  to_text = cst_input_format_date (&t);
  g_assert_cmpstr (from_text, ==, from);
  g_assert_cmpstr (to_text, ==, to);
}

static CstFeeSchedule *
next_of (CstFeeScheduleSet *set,
         const char        *key)
{
  g_autoptr(GError) error = NULL;
  CstFeeSchedule *next = cst_fee_schedule_dup_next_period (cst_fee_schedule_set_lookup (set, key),
                                                           &error);

  g_assert_no_error (error);
  return next;
}

/* A state's amounts for the next year start as a copy of this year's: a
 * new name and period, the same rules, unconfirmed until entered. */
static void
test_next_period (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_seed (&error);
  g_autoptr(CstFeeSchedule) il = next_of (set, "IL-2024");
  g_autoptr(CstFeeSchedule) ga = next_of (set, "GA-2024");
  g_autoptr(CstFeeSchedule) pa = next_of (set, "PA-2023");
  g_autoptr(CstFeeSchedule) oh = next_of (set, "OH-2009-patient");
  g_autoptr(CstFeeSchedule) open_ended = NULL;
  g_autoptr(GPtrArray) with_next = g_ptr_array_new ();
  g_autoptr(CstFeeScheduleSet) extended = NULL;
  g_autofree char *text = cst_fee_schedule_to_text (il);
  GPtrArray *all = cst_fee_schedule_set_get_schedules (set);

  g_assert_cmpstr (cst_fee_schedule_get_key (il), ==, "IL-2025");
  assert_period (il, "2025-01-01", "2025-12-31");
  g_assert_true (cst_fee_schedule_is_unconfirmed (il));
  g_assert_nonnull (strstr (cst_fee_schedule_get_note (il), "IL-2024"));
  g_assert_nonnull (strstr (text, "paper=1-25:130;26-50:87;51-:43"));
  g_assert_nonnull (strstr (text, "request-fee-cents=3472"));
  /* A July-to-June year stays one; a leap year keeps its last day. */
  g_assert_cmpstr (cst_fee_schedule_get_key (ga), ==, "GA-2025");
  assert_period (ga, "2025-07-01", "2026-06-30");
  g_assert_cmpstr (cst_fee_schedule_get_key (pa), ==, "PA-2024");
  assert_period (pa, "2024-01-01", "2024-12-31");
  g_assert_cmpstr (cst_fee_schedule_get_key (oh), ==, "OH-2009-patient-2010");

  /* It fits after the old one: the set with it added is valid. */
  for (guint i = 0; i < all->len; i++)
    g_ptr_array_add (with_next, g_ptr_array_index (all, i));
  g_ptr_array_add (with_next, il);
  extended = cst_fee_schedule_set_new (with_next, &error);
  g_assert_no_error (error);

  open_ended = cst_fee_schedule_dup_next_period (cst_fee_schedule_set_lookup (set, "OH-ssa-free"),
                                                 &error);
  g_assert_null (open_ended);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

/* Mangled schedule text is refused, never crashes, never half-loads. */
static void
test_fuzz_parser (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_seed (&error);
  g_autofree char *text = cst_fee_schedule_to_text (cst_fee_schedule_set_lookup (set, "GA-2024"));
  gsize len = strlen (text);
  const char alphabet[] = "0123456789-:;=%[]\n#aZ\xc3\xa9 ";

  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *mangled = g_strdup (text);
      g_autoptr(GError) err = NULL;
      g_autoptr(CstFeeSchedule) s = NULL;
      guint edits = g_rand_int_range (rand, 1, 6);

      for (guint e = 0; e < edits; e++)
        mangled[g_rand_int_range (rand, 0, len)] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      s = cst_fee_schedule_new_from_text (mangled, &err);
      g_assert_true ((s == NULL) != (err == NULL));
      if (err)
        g_assert_true (err->domain == CST_ERROR);
    }
}

static gboolean
lists (GPtrArray  *expiring,
       const char *key)
{
  for (guint i = 0; i < expiring->len; i++)
    if (g_str_equal (cst_fee_schedule_get_key (g_ptr_array_index (expiring, i)), key))
      return TRUE;
  return FALSE;
}

#define SCHEDULE(key, requesters, from, to) \
  "[" key "]\njurisdiction=IL\nrequesters=" requesters "\neffective-from=" from "\n" \
  "effective-to=" to "\nconfidence=C\ncitation=735 ILCS 5/8-2001\npaper=1-:100\n"

/* Issue 17: a schedule that ends within the window with nothing after it
 * is listed with what to enter; one with a successor, one ending later,
 * and a gap in the past that later schedules closed are not.  A successor
 * for only some of its requesters leaves the others unpriced: listed. */
static void
test_expiring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeScheduleSet) set = cst_fee_schedule_set_new_from_data (
    SCHEDULE ("IL-2025", "attorney", "2025-01-01", "2025-12-31")
    SCHEDULE ("IL-2026", "attorney", "2026-01-01", "2026-12-31")
    SCHEDULE ("IL-2026-insurer", "insurer;provider", "2026-01-01", "2026-12-31")
    SCHEDULE ("IL-2027-insurer", "insurer", "2027-01-01", "2027-12-31")
    SCHEDULE ("IL-2024-other", "other", "2024-01-01", "2024-12-31")
    SCHEDULE ("IL-2026-other", "other", "2026-01-01", "2027-06-30")
    SCHEDULE ("IL-2023-government", "government", "2023-01-01", "2023-12-31"),
    -1, &error);
  g_autoptr(GPtrArray) expiring = NULL;
  g_autofree char *message = NULL;
  g_autofree char *ended = NULL;
  GDate today;

  g_assert_no_error (error);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 6, G_DATE_DECEMBER, 2026);
  expiring = cst_fee_schedule_set_list_expiring (set, &today, 60);
  g_assert_true (lists (expiring, "IL-2026"));
  g_assert_true (lists (expiring, "IL-2026-insurer"));      /* provider left without a price */
  g_assert_true (lists (expiring, "IL-2023-government"));   /* ended, nothing since */
  g_assert_false (lists (expiring, "IL-2025"));              /* IL-2026 follows it */
  g_assert_false (lists (expiring, "IL-2027-insurer"));      /* ends after the window */
  g_assert_false (lists (expiring, "IL-2024-other"));        /* a closed gap in the past */
  g_assert_false (lists (expiring, "IL-2026-other"));        /* ends after the window */
  g_assert_cmpuint (expiring->len, ==, 3);

  message = cst_fee_schedule_dup_expiry_message (cst_fee_schedule_set_lookup (set, "IL-2026"), &today);
  g_assert_nonnull (strstr (message, "IL ends"));
  g_assert_nonnull (strstr (message, "enter 2027's amounts"));
  g_assert_false (cst_fee_schedule_has_ended (cst_fee_schedule_set_lookup (set, "IL-2026"), &today));
  ended = cst_fee_schedule_dup_expiry_message (cst_fee_schedule_set_lookup (set, "IL-2023-government"), &today);
  g_assert_nonnull (strstr (ended, "IL ended"));
  g_assert_true (cst_fee_schedule_has_ended (cst_fee_schedule_set_lookup (set, "IL-2023-government"), &today));

  /* A shorter look ahead leaves the year-end ones out. */
  g_clear_pointer (&expiring, g_ptr_array_unref);
  expiring = cst_fee_schedule_set_list_expiring (set, &today, 10);
  g_assert_cmpuint (expiring->len, ==, 1);
  g_assert_true (lists (expiring, "IL-2023-government"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fee/schedule/seed-covers-reference", test_seed_covers_reference);
  g_test_add_func ("/fee/schedule/validation", test_validation);
  g_test_add_func ("/fee/schedule/disjoint-is-valid", test_disjoint_is_valid);
  g_test_add_func ("/fee/schedule/round-trip-and-versions", test_round_trip_and_versions);
  g_test_add_func ("/fee/schedule/next-period", test_next_period);
  g_test_add_func ("/fee/schedule/fuzz-parser", test_fuzz_parser);
  g_test_add_func ("/fee/schedule/expiring", test_expiring);
  return g_test_run ();
}
