/* test-statement-engine.c — the simplification engine against the
 * statement-spec's worked numbers, plus credit balances, claim-level
 * payments, reversals, duplicates, plans, readability by hand, Spanish,
 * templates and the JSON summary */
#include "config.h"

#include <math.h>
#include <string.h>

#include <custodian/custodian.h>

#define HEADER "service_date,revenue_code,cpt_hcpcs,description,units,charge_cents," \
               "insurer_paid_cents,adjustment_cents,patient_resp_cents\n"

static CstStatementRules *rules;

static void
set_date (GDate *date,
          guint  year,
          guint  month,
          guint  day)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

static CstBill *
bill_from_text (const char         *text,
                gsize               length,
                CstBillImportFlags  flags)
{
  g_autoptr(GError) error = NULL;
  CstBill *bill = cst_bill_import_csv (text, length, flags, NULL, &error);

  g_assert_no_error (error);
  cst_bill_set_text (&bill->patient_name, "José Núñez");
  cst_bill_set_text (&bill->account_number, "A-1001");
  cst_bill_set_text (&bill->payer_name, "Acme PPO");
  cst_bill_set_text (&bill->claim_number, "CLM-77");
  set_date (&bill->statement_date, 2025, 3, 31);
  set_date (&bill->due_date, 2025, 4, 30);
  cst_bill_fill_defaults (bill, NULL);
  return bill;
}

static CstBill *
sample_bill (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  return bill_from_text (data, length, 0);
}

static CstStatement *
simplify (CstBill    *bill,
          const char *language)
{
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", language, NULL);
  g_autoptr(GError) error = NULL;
  CstStatement *st;

  g_assert_nonnull (tpl);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}

static gboolean
prose_contains (CstStatement *st,
                const char   *fragment)
{
  for (guint i = 0; i < st->prose->len; i++)
    if (strstr (g_ptr_array_index (st->prose, i), fragment))
      return TRUE;
  return FALSE;
}

/* statement-spec 7.5: the worked table, row by row, in this order. */
static void
test_sample_worked_numbers (void)
{
  static const struct
  {
    const char *key, *label;
    gint64 charges, paid, discounts, owe;
  } expected[] = {
    { "imaging", "X-rays and scans", 743200, 96091, 623086, 24023 },
    { "emergency", "Emergency room", 284500, 11040, 170700, 102760 },
    { "medicines", "Medicines and IV fluids", 153200, 26312, 120310, 6578 },
    { "lab", "Lab tests", 113900, 11242, 99848, 2810 },
    { "heart-lung-nerve", "Heart, lung and nerve tests", 28500, 5700, 21375, 1425 },
    { "supplies", "Medical supplies", 13100, 0, 13100, 0 },
  };
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatement) st = simplify (bill, "en");
  g_autoptr(GArray) lines = NULL;

  g_assert_cmpuint (st->categories->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const CstStatementCategory *c = g_ptr_array_index (st->categories, i);

      g_assert_cmpstr (c->key, ==, expected[i].key);
      g_assert_cmpstr (c->label, ==, expected[i].label);
      g_assert_cmpint (c->charges_cents, ==, expected[i].charges);
      g_assert_cmpint (c->insurer_paid_cents, ==, expected[i].paid);
      g_assert_cmpint (c->adjustment_cents, ==, expected[i].discounts);
      g_assert_cmpint (c->patient_resp_cents, ==, expected[i].owe);
    }
  g_assert_cmpint (st->total_charges_cents, ==, 1336400);
  g_assert_cmpint (st->total_insurer_paid_cents, ==, 150385);
  g_assert_cmpint (st->total_adjustment_cents, ==, 1048419);
  g_assert_cmpint (st->total_patient_resp_cents, ==, 137596);
  g_assert_cmpint (st->amount_due_cents, ==, 137596);
  g_assert_cmpint (st->detail_total_cents, ==, 1336400);
  g_assert_true (st->reconciled);
  g_assert_cmpint (st->status, ==, CST_STATUS_NEW_BILL);
  g_assert_cmpuint (st->items->len, ==, 27);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_POSSIBLE_DUPLICATE), ==, 0);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_UNKNOWN_REVENUE_CODE), ==, 0);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_NOT_RECONCILED), ==, 0);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_OFTEN_NOT_COVERED), ==, 0);

  /* The ER category's source lines: just the first CSV row. */
  lines = cst_statement_lines_for_category (st, "emergency");
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpuint (g_array_index (lines, guint, 0), ==, 0);

  /* Waterfall: charges − insurance − discount = you owe. */
  g_assert_cmpuint (st->waterfall->len, ==, 4);
  g_assert_cmpint (((CstWaterfallRow *) g_ptr_array_index (st->waterfall, 3))->amount_cents, ==, 137596);
  g_assert_cmpstr (((CstWaterfallRow *) g_ptr_array_index (st->waterfall, 0))->label, ==,
                   "Hospital charges");
  g_assert_true (prose_contains (st, "Please pay by April 30, 2025."));

  /* 12 months: 11 × $114.66 and a last payment of $114.70. */
  g_assert_cmpuint (st->plans->len, ==, 3);
  {
    const CstPaymentPlan *plan = g_ptr_array_index (st->plans, 2);
    g_assert_cmpuint (plan->months, ==, 12);
    g_assert_cmpint (plan->monthly_cents, ==, 11466);
    g_assert_cmpint (plan->last_cents, ==, 11470);
  }
}

static void
test_plain_descriptions (void)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatement) st = simplify (bill, "en");
  CstBillLine ct = { .revenue_code = "0350", .description = (char *) "HC CT ABD&PELV W/CONTRAST" };
  CstBillLine rb = { .revenue_code = "0120", .description = (char *) "HC R&B SEMI-PVT MED/SURG" };
  CstBillLine addl = { .revenue_code = "0360", .description = (char *) "HC OR TIME LVL 3 EA ADDL 15MIN" };
  g_autofree char *a = cst_statement_rules_plain_description (rules, &ct, "en");
  g_autofree char *b = cst_statement_rules_plain_description (rules, &rb, "en");
  g_autofree char *c = cst_statement_rules_plain_description (rules, &addl, "en");
  g_autofree char *d = cst_statement_rules_plain_description (rules, &ct, "es");
  gboolean found_ct = FALSE, found_famotidine = FALSE;

  g_assert_cmpstr (a, ==, "CT scan belly (abdomen) and pelvis with contrast");
  g_assert_cmpstr (b, ==, "Room and board semi-private medical/surgical unit");
  g_assert_cmpstr (c, ==, "Or time level 3 each additional 15min");
  g_assert_nonnull (cst_statement_rules_review_note (rules, "0637"));
  g_assert_nonnull (cst_statement_rules_review_note (rules, "0990"));
  g_assert_null (cst_statement_rules_review_note (rules, "0636"));
  g_assert_cmpuint (cst_statement_rules_category_rank (rules, "review"), ==, G_MAXUINT);
  g_assert_cmpstr (d, ==, "Tomografía abdomen y pelvis con contrast");
  for (guint i = 0; i < st->items->len; i++)
    {
      CstStatementItem *item = g_ptr_array_index (st->items, i);
      found_ct |= g_str_equal (item->description, "CT scan of belly and pelvis, with contrast dye") &&
                  g_str_equal (item->original, "HC CT ABD&PELV W/CONTRAST");
      found_famotidine |= g_str_equal (item->description, "Famotidine 20mg tablet");
    }
  g_assert_true (found_ct);
  g_assert_true (found_famotidine);
}

static void
test_credit_balance (void)
{
  const char *text = HEADER
    "2025-05-02,0450,99283,HC ED VISIT LVL 3,1,120000,80000,30000,10000\n";
  g_autoptr(CstBill) bill = bill_from_text (text, strlen (text), 0);
  g_autoptr(CstStatement) st = NULL;
  const CstWaterfallRow *last;

  bill->patient_payments_cents = 25000;   /* a $250 copay, more than owed */
  st = simplify (bill, "en");
  g_assert_cmpint (st->balance_cents, ==, -15000);
  g_assert_cmpint (st->credit_cents, ==, 15000);
  g_assert_cmpint (st->amount_due_cents, ==, 0);
  g_assert_cmpint (st->status, ==, CST_STATUS_CREDIT);
  g_assert_cmpuint (st->plans->len, ==, 0);
  g_assert_true (st->reconciled);
  last = g_ptr_array_index (st->waterfall, st->waterfall->len - 1);
  g_assert_cmpstr (last->key, ==, "how-credit");
  g_assert_cmpint (last->amount_cents, ==, 15000);
  g_assert_true (prose_contains (st, "We owe you $150.00."));
}

static void
test_claim_level_payment (void)
{
  const char *text = HEADER
    "2025-06-09,0120,,HC R&B SEMI-PVT MED/SURG,3,900000,,,\n"
    "2025-06-09,0250,,HC FAMOTIDINE 20MG TAB,2,2400,,,\n"
    "2025-06-10,0360,,HC OR TIME LVL 3 1ST 30MIN,1,450000,,,\n";
  g_autoptr(CstBill) bill = bill_from_text (text, strlen (text), CST_BILL_IMPORT_CLAIM_LEVEL);
  g_autoptr(CstStatement) st = NULL;
  g_autofree char *json = NULL;

  bill->visit_type = CST_VISIT_INPATIENT;
  bill->claim_insurer_paid_cents = 1000000;
  bill->claim_adjustment_cents = 252400;
  st = simplify (bill, "en");
  g_assert_true (st->claim_level);
  g_assert_cmpint (st->total_charges_cents, ==, 1352400);
  g_assert_cmpint (st->total_insurer_paid_cents, ==, 1000000);
  g_assert_cmpint (st->total_adjustment_cents, ==, 252400);
  g_assert_cmpint (st->total_patient_resp_cents, ==, 100000);
  g_assert_cmpint (st->amount_due_cents, ==, 100000);
  g_assert_true (st->reconciled);
  /* No invented per-category split: charges only. */
  for (guint i = 0; i < st->categories->len; i++)
    {
      CstStatementCategory *c = g_ptr_array_index (st->categories, i);
      g_assert_cmpint (c->insurer_paid_cents, ==, 0);
      g_assert_cmpint (c->patient_resp_cents, ==, 0);
    }
  g_assert_true (prose_contains (st, "as a whole, not line by line"));
  json = cst_statement_to_json (st);
  g_assert_nonnull (strstr (json, "\"claim_level_payment\":true"));
  g_assert_nonnull (strstr (json, "\"insurer_paid_cents\":null"));
}

static void
test_reversal_netting (void)
{
  const char *text = HEADER
    "2025-03-14,0636,J2405,HC ONDANSETRON HCL INJ 1MG,4,7500,600,6750,150\n"
    "2025-03-14,0636,J2405,HC ONDANSETRON HCL INJ 1MG,-4,-7500,-600,-6750,-150\n"
    "2025-03-14,0636,J2405,HC ONDANSETRON HCL INJ 1MG,2,3750,300,3375,75\n"
    "2025-03-14,0301,80053,HC COMPRE METABOLIC PANEL,3,93600,8985,82368,2247\n"
    "2025-03-14,0301,80053,HC COMPRE METABOLIC PANEL,-1,-31200,-2995,-27456,-749\n"
    "2025-03-15,0730,93005,HC EKG TRACING ONLY,-1,-28500,-5700,-21375,-1425\n";
  g_autoptr(CstBill) bill = bill_from_text (text, strlen (text), 0);
  g_autoptr(CstStatement) st = simplify (bill, "en");
  CstStatementItem *panel = NULL, *ondansetron = NULL;

  g_assert_true (st->reconciled);
  /* The cancelled ondansetron line disappears; rebill, panel and the
   * unmatched EKG credit remain. */
  g_assert_cmpuint (st->items->len, ==, 3);
  for (guint i = 0; i < st->items->len; i++)
    {
      CstStatementItem *item = g_ptr_array_index (st->items, i);
      if (g_str_equal (item->cpt_hcpcs, "80053"))
        panel = item;
      if (g_str_equal (item->cpt_hcpcs, "J2405"))
        ondansetron = item;
    }
  g_assert_nonnull (panel);
  g_assert_cmpint (panel->charge_cents, ==, 62400);
  g_assert_cmpint (panel->units, ==, 2);
  g_assert_cmpuint (panel->lines->len, ==, 2);
  g_assert_cmpint (ondansetron->charge_cents, ==, 3750);
  g_assert_cmpuint (ondansetron->lines->len, ==, 1);
  g_assert_cmpint (st->total_charges_cents, ==, 3750 + 62400 - 28500);
  g_assert_cmpint (st->detail_total_cents, ==, st->total_charges_cents);
  /* Both original lines stay in the category's source lines. */
  g_assert_cmpuint (cst_statement_find_category (st, "medicines")->lines->len, ==, 3);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_UNMATCHED_REVERSAL), ==, 1);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_POSSIBLE_DUPLICATE), ==, 0);
}

static void
test_duplicates_flagged_not_dropped (void)
{
  const char *text = HEADER
    "2025-03-14,0250,,\"HC \"\"SPECIAL\"\" \\ KIT\",1,900,0,900,0\n"
    "2025-03-14,0300,36415,HC VENIPUNCTURE ROUTINE,1,4800,768,3840,192\n"
    "2025-03-14,0250,,\"HC \"\"SPECIAL\"\" \\ KIT\",1,900,0,900,0\n"
    "2025-03-15,0300,36415,HC VENIPUNCTURE ROUTINE,1,4800,768,3840,192\n"
    "2025-03-14,0999,,HC GUEST TRAY,1,1500,0,0,1500\n"
    "2025-03-14,0559,,HC MYSTERY,1,1000,0,0,1000\n";
  g_autoptr(CstBill) bill = bill_from_text (text, strlen (text), 0);
  g_autoptr(CstStatement) st = simplify (bill, "en");
  g_autofree char *json = NULL;
  CstStatementFlag *flag = NULL;

  g_assert_cmpuint (st->items->len, ==, 6);
  g_assert_cmpint (st->total_charges_cents, ==, 900 * 2 + 4800 * 2 + 1500 + 1000);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_POSSIBLE_DUPLICATE), ==, 1);
  for (guint i = 0; i < st->flags->len; i++)
    if (((CstStatementFlag *) g_ptr_array_index (st->flags, i))->kind == CST_FLAG_POSSIBLE_DUPLICATE)
      flag = g_ptr_array_index (st->flags, i);
  g_assert_cmpuint (flag->lines->len, ==, 2);
  g_assert_cmpuint (g_array_index (flag->lines, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (flag->lines, guint, 1), ==, 2);
  /* 0559 (055x) is not in the table: it goes to Other and is flagged. */
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_UNKNOWN_REVENUE_CODE), ==, 1);
  g_assert_nonnull (cst_statement_find_category (st, "other"));
  g_assert_nonnull (cst_statement_find_category (st, "comfort"));
  /* The guest tray (099x) is flagged from the category's review note. */
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_OFTEN_NOT_COVERED), ==, 1);
  /* The JSON names the CSV lines and escapes the quotes and backslash. */
  json = cst_statement_to_json (st);
  g_assert_nonnull (strstr (json, "\"kind\":\"possible-duplicate\""));
  g_assert_nonnull (strstr (json, "\"lines\":[2,4]"));
  g_assert_nonnull (strstr (json, "HC \\\"SPECIAL\\\" \\\\ KIT"));
  g_assert_null (strstr (json, "Núñez"));
}

static void
test_total_line_cross_check (void)
{
  const char *good = HEADER
    "2025-03-14,0450,99284,HC ED VISIT LVL 4,1,284500,11040,170700,102760\n"
    "2025-03-14,0001,,TOTAL CHARGES,0,284500,11040,170700,102760\n";
  const char *bad = HEADER
    "2025-03-14,0450,99284,HC ED VISIT LVL 4,1,284500,11040,170700,102760\n"
    "2025-03-14,0001,,TOTAL CHARGES,0,284400,11040,170600,102760\n";
  g_autoptr(CstBill) good_bill = bill_from_text (good, strlen (good), 0);
  g_autoptr(CstBill) bad_bill = bill_from_text (bad, strlen (bad), 0);
  g_autoptr(CstStatement) ok = simplify (good_bill, "en");
  g_autoptr(CstStatement) differs = simplify (bad_bill, "en");

  g_assert_true (ok->reconciled);
  g_assert_cmpint (ok->total_charges_cents, ==, 284500);
  g_assert_cmpuint (ok->items->len, ==, 1);
  g_assert_false (differs->reconciled);
  g_assert_cmpuint (cst_statement_count_flags (differs, CST_FLAG_NOT_RECONCILED), ==, 1);
}

static void
test_financial_help_and_pending (void)
{
  const char *text = HEADER
    "2025-03-14,0450,99284,HC ED VISIT LVL 4,1,284500,11040,170700,102760\n";
  g_autoptr(CstBill) bill = bill_from_text (text, strlen (text), 0);
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) pending = NULL;

  bill->fap_adjustment_cents = 70700;
  bill->patient_payments_cents = 2760;
  st = simplify (bill, "en");
  g_assert_cmpint (st->total_contract_adjustment_cents, ==, 100000);
  g_assert_cmpint (st->total_fap_adjustment_cents, ==, 70700);
  g_assert_cmpint (st->amount_due_cents, ==, 100000);
  g_assert_cmpuint (st->waterfall->len, ==, 6);
  g_assert_true (st->reconciled);
  g_assert_true (prose_contains (st, "Financial help: money we take off"));

  bill->claim_status = CST_CLAIM_PENDING;
  pending = simplify (bill, "en");
  g_assert_cmpint (pending->status, ==, CST_STATUS_WAITING_FOR_INSURANCE);
  g_assert_cmpint (pending->amount_due_cents, ==, 0);
  g_assert_true (prose_contains (pending, "Do not pay yet."));
}

static void
test_payment_plans (void)
{
  CstPaymentPlan plan;

  /* No interest: ⌊1000 / 3⌋ = 333, last 333 + 1. */
  g_assert_true (cst_payment_plan_compute (1000, 3, 0, &plan));
  g_assert_cmpint (plan.monthly_cents, ==, 333);
  g_assert_cmpint (plan.last_cents, ==, 334);
  g_assert_cmpint (plan.total_cents, ==, 1000);
  g_assert_false (cst_payment_plan_compute (0, 3, 0, &plan));
  g_assert_false (cst_payment_plan_compute (2, 3, 0, &plan));

  /* 12% a year (1% a month) on $1,200.00 over 12 months: the textbook
   * annuity is 120000 × 0.01 / (1 − 1.01^−12) = 10661.85, so the smallest
   * whole-cent payment that clears it is 10662 and the last is smaller. */
  g_assert_true (cst_payment_plan_compute (120000, 12, 1200, &plan));
  g_assert_cmpint (plan.monthly_cents, ==, 10662);
  g_assert_cmpint (plan.last_cents, <=, 10662);
  g_assert_cmpint (plan.total_cents, ==, 10662 * 11 + plan.last_cents);
  g_assert_cmpint (plan.total_cents, >, 120000);
}

static void
assert_close (double value,
              double expected)
{
  g_assert_cmpfloat (fabs (value - expected), <, 0.0001);
}

/* Readability on fixed texts, counted by hand with the spec's rules:
 *
 * (a) "The cat sat on the mat."  W = 6, S = 1, Syl = 6 ("the": one vowel
 *     group, final e is silent → 0 → at least 1).
 *     FKGL = 0.39·6 + 11.8·1 − 15.59 = 2.34 + 11.8 − 15.59 = −1.45
 *     FRE  = 206.835 − 1.015·6 − 84.6·1 = 116.145  (the wooorm vector)
 *
 * (b) "Your insurance paid part of this bill. You owe the rest."
 *     your 1, insurance 3 (exception list), paid 1, part 1, of 1, this 1,
 *     bill 1 | you 1, owe 1 (o·e, silent e), the 1, rest 1
 *     W = 11, S = 2, Syl = 13;  W/S = 5.5, Syl/W = 1.181818…
 *     FKGL = 2.145 + 13.945454… − 15.59 = 0.500454…
 *     FRE  = 206.835 − 5.5825 − 99.981818… = 101.270681…
 *
 * (c) "Dr. Smith says you owe $1,375.96 today."  "Dr." does not end the
 *     sentence; "$1,375.96" is one word of one syllable; dr 1 (no vowel →
 *     at least 1), smith 1, says 1 (ay), you 1, owe 1, amount 1, today 2
 *     W = 7, S = 1, Syl = 8
 *     FKGL = 0.39·7 + 11.8·8/7 − 15.59 = 2.73 + 13.485714… − 15.59 = 0.625714…
 *     FRE  = 206.835 − 7.105 − 96.685714… = 103.044285…
 *
 * (d) "Comprehensive reimbursement documentation necessitates considerable
 *     administrative deliberation."  comprehensive 5 groups − silent e = 4,
 *     reimbursement 4 (ei·u·e·e), documentation 5 (o·u·e·a·io),
 *     necessitates 5, considerable 5 − 1 + 1 (-ble) = 5, administrative
 *     6 − 1 = 5, deliberation 5.   W = 7, S = 1, Syl = 33, polysyllables 7
 *     FKGL = 2.73 + 11.8·33/7 − 15.59 = 2.73 + 55.628571… − 15.59 = 42.768571…
 *     FRE  = 206.835 − 7.105 − 84.6·33/7 = 206.835 − 7.105 − 398.828571… = −199.098571…
 *     SMOG = 1.043·√(7·30/1) + 3.1291 = 1.043·14.491377… + 3.1291 = 18.243606…
 */
static void
test_readability_by_hand (void)
{
  CstReadability r;

  cst_readability_score_text ("The cat sat on the mat.", "en", &r);
  g_assert_cmpuint (r.words, ==, 6);
  g_assert_cmpuint (r.syllables, ==, 6);
  assert_close (r.grade, -1.45);
  assert_close (r.reading_ease, 116.145);

  cst_readability_score_text ("Your insurance paid part of this bill. You owe the rest.", "en", &r);
  g_assert_cmpuint (r.words, ==, 11);
  g_assert_cmpuint (r.sentences, ==, 2);
  g_assert_cmpuint (r.syllables, ==, 13);
  assert_close (r.grade, 0.39 * 5.5 + 11.8 * 13.0 / 11.0 - 15.59);
  assert_close (r.grade, 0.500454);
  assert_close (r.reading_ease, 101.270682);

  cst_readability_score_text ("Dr. Smith says you owe $1,375.96 today.", "en", &r);
  g_assert_cmpuint (r.words, ==, 7);
  g_assert_cmpuint (r.sentences, ==, 1);
  g_assert_cmpuint (r.syllables, ==, 8);
  assert_close (r.grade, 0.625714);
  assert_close (r.reading_ease, 103.044286);

  cst_readability_score_text ("Comprehensive reimbursement documentation necessitates "
                              "considerable administrative deliberation.", "en", &r);
  g_assert_cmpuint (r.syllables, ==, 33);
  g_assert_cmpuint (r.polysyllables, ==, 7);
  assert_close (r.grade, 42.768571);
  assert_close (r.reading_ease, -199.098571);
  assert_close (r.smog, 18.243606);

  /* The spec's test vector: 13 words, 26 syllables, 1 sentence. */
  cst_readability_from_counts (13, 1, 26, &r);
  assert_close (r.grade, 13.08);
  assert_close (r.reading_ease, 24.44);

  /* Line breaks end bullet items. */
  cst_readability_score_text ("Pay online\nPay by phone", "en", &r);
  g_assert_cmpuint (r.sentences, ==, 2);
  g_assert_cmpuint (r.words, ==, 5);

  /* Flesch is English only: other languages are counted, not scored. */
  cst_readability_score_text ("Du schuldest nichts.", "de", &r);
  g_assert_false (r.scored);
  g_assert_cmpuint (r.words, ==, 3);
}

/* Spanish syllables by the rules of Spanish, not English vowel groups:
 * diphthongs (ciu-dad, gue-rra, pin-güi-no, muy), hiatus of two strong
 * vowels (le-er, a-é-re-o, re-em-bol-so) or a stressed í/ú (dí-a,
 * pa-ís), and "y" a consonant before a vowel (a-yu-da). */
static void
test_spanish_syllables (void)
{
  static const struct { const char *word; guint syllables; } cases[] = {
    { "día", 2 }, { "país", 2 }, { "aéreo", 4 }, { "muy", 1 }, { "y", 1 }, { "hay", 1 },
    { "ciudad", 2 }, { "guerra", 2 }, { "pingüino", 3 }, { "leer", 2 }, { "Uruguay", 3 },
    { "ayuda", 3 }, { "reembolso", 4 }, { "seguro", 3 }, { "financiera", 4 },
    { "que", 1 }, { "ahora", 3 }, { "Pérez", 2 }, { "factura", 3 }, { "envía", 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].word);
      g_assert_cmpuint (cst_readability_count_syllables_es (cases[i].word), ==, cases[i].syllables);
    }
}

/* Spanish readability computed by hand:
 *   "Usted no debe nada por ahora."  us-ted no de-be na-da por a-ho-ra:
 *     W = 6, S = 1, Syl = 2+1+2+2+1+3 = 11
 *     Szigriszt-Pazos = 206.835 − 62.3·11/6 − 6/1 = 206.835 − 114.216667 − 6 = 86.618333
 *     Fernández Huerta = 206.84 − 0.60·(100·11/6) − 1.02·(100·1/6) = 206.84 − 110 − 17 = 79.84
 *   "El hospital le envía esta factura. Su seguro pagó una parte."
 *     el hos-pi-tal le en-ví-a es-ta fac-tu-ra = 6 words, 13 syllables
 *     su se-gu-ro pa-gó u-na par-te            = 5 words, 10 syllables
 *     W = 11, S = 2, Syl = 23
 *     Szigriszt-Pazos = 206.835 − 62.3·23/11 − 11/2 = 206.835 − 130.263636 − 5.5 = 71.071364
 *     Fernández Huerta = 206.84 − 0.60·2300/11 − 1.02·200/11 = 206.84 − 1584/11 = 62.84
 *   The English formula on the same counts would say grade 0.39·5.5 + 11.8·23/11 − 15.59
 *   = 11.27: Spanish words are longer in syllables, which is why Flesch does not fit. */
static void
test_spanish_readability_by_hand (void)
{
  CstReadability r;

  cst_readability_score_text ("Usted no debe nada por ahora.", "es", &r);
  g_assert_true (r.scored);
  g_assert_cmpint (r.formula, ==, CST_READABILITY_INFLESZ);
  g_assert_cmpuint (r.words, ==, 6);
  g_assert_cmpuint (r.sentences, ==, 1);
  g_assert_cmpuint (r.syllables, ==, 11);
  assert_close (r.perspicuity, 86.618333);
  assert_close (r.fernandez_huerta, 79.84);
  g_assert_cmpstr (cst_readability_inflesz_band (r.perspicuity), ==, "very easy");
  g_assert_true (cst_readability_meets_target (&r));

  cst_readability_score_text ("El hospital le envía esta factura. Su seguro pagó una parte.", "es", &r);
  g_assert_cmpuint (r.words, ==, 11);
  g_assert_cmpuint (r.sentences, ==, 2);
  g_assert_cmpuint (r.syllables, ==, 23);
  assert_close (r.perspicuity, 71.071364);
  assert_close (r.fernandez_huerta, 62.84);
  g_assert_cmpstr (cst_readability_inflesz_band (r.perspicuity), ==, "quite easy");

  /* Abbreviations do not end a sentence; ¿…? does. */
  cst_readability_score_text ("La Dra. Pérez le llamará. ¿Tiene preguntas?", "es", &r);
  g_assert_cmpuint (r.sentences, ==, 2);
  g_assert_cmpuint (r.words, ==, 7);

  /* Hard text fails the INFLESZ target of 55. */
  cst_readability_from_counts_es (10, 1, 35, &r);
  assert_close (r.perspicuity, 206.835 - 62.3 * 3.5 - 10.0);
  g_assert_cmpstr (cst_readability_inflesz_band (r.perspicuity), ==, "very difficult");
  g_assert_false (cst_readability_meets_target (&r));
}

static void
test_statement_readability (void)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatement) st = simplify (bill, "en");

  g_assert_true (st->readability.scored);
  g_assert_cmpuint (st->readability.words, >, 100);
  g_test_message ("sample statement: grade %.2f, ease %.2f, %u words",
                  st->readability.grade, st->readability.reading_ease, st->readability.words);
  /* The shipped template must pass its own gate (statement-spec 5). */
  g_assert_cmpfloat (st->readability.grade, <=, 8.0);
  g_assert_cmpfloat (st->readability.reading_ease, >=, 60.0);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_READABILITY), ==, 0);
}

static void
test_spanish_statement (void)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatement) st = simplify (bill, "es");
  const CstStatementCategory *first = g_ptr_array_index (st->categories, 0);
  gboolean found = FALSE;

  g_assert_cmpstr (st->language, ==, "es");
  g_assert_cmpstr (first->label, ==, "Radiografías y estudios de imagen");
  g_assert_cmpint (first->charges_cents, ==, 743200);
  g_assert_cmpint (st->amount_due_cents, ==, 137596);
  g_assert_cmpstr (((CstWaterfallRow *) g_ptr_array_index (st->waterfall, 0))->label, ==,
                   "Cargos del hospital");
  g_assert_true (prose_contains (st, "Por favor pague antes del 30 de abril de 2025."));
  for (guint i = 0; i < st->items->len; i++)
    found |= g_str_equal (((CstStatementItem *) g_ptr_array_index (st->items, i))->description,
                          "Tomografía del abdomen y la pelvis, con contraste");
  g_assert_true (found);
  /* Scored with the Spanish formula, and the shipped Spanish text passes. */
  g_assert_true (st->readability.scored);
  g_assert_cmpint (st->readability.formula, ==, CST_READABILITY_INFLESZ);
  g_test_message ("Spanish sample statement: Szigriszt-Pazos %.2f, Fernández Huerta %.2f, %u words",
                  st->readability.perspicuity, st->readability.fernandez_huerta, st->readability.words);
  g_assert_cmpfloat (st->readability.perspicuity, >=, CST_READABILITY_INFLESZ_TARGET);
  g_assert_cmpuint (cst_statement_count_flags (st, CST_FLAG_READABILITY), ==, 0);
}

/* The Spanish seed must say everything the English one says. */
static void
test_templates_complete (void)
{
  static const char *const groups[] = { "template", "facility", "wording", "notices" };
  g_autoptr(CstStatementTemplate) en = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(CstStatementTemplate) es = cst_statement_template_new_builtin ("standard", "es", NULL);
  gsize length = 0;
  g_autofree char *data = cst_statement_template_to_data (en, &length);
  g_autoptr(GKeyFile) file = g_key_file_new ();

  g_assert_true (g_key_file_load_from_data (file, data, length, 0, NULL));
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (file, groups[g], NULL, NULL);
      for (guint k = 0; keys[k]; k++)
        {
          const char *value = g_str_equal (groups[g], "wording")
                              ? cst_statement_template_get_text (es, keys[k])
                              : g_str_equal (groups[g], "notices")
                              ? cst_statement_template_get_notice (es, keys[k])
                              : "present";
          if (*cst_statement_template_get_text (en, keys[k]) != '\0' ||
              g_str_equal (groups[g], "notices"))
            g_assert_cmpstr (value, !=, "");
        }
    }
  g_assert_null (cst_statement_template_new_builtin ("fancy", "en", NULL));
}

static void
test_template_editing (void)
{
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(CstStatementTemplate) copy = NULL;
  g_autoptr(GError) error = NULL;
  const CstStatementSection without_help[] = { CST_SECTION_AMOUNT_DUE, CST_SECTION_DETAILS };
  const CstStatementSection short_one[] = { CST_SECTION_AMOUNT_DUE, CST_SECTION_HELP_PAYING };
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatement) st = NULL;
  guint n = 0;

  g_assert_false (cst_statement_template_set_sections (tpl, without_help, 2, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cst_statement_template_set_sections (tpl, short_one, 2, NULL));
  cst_statement_template_get_sections (tpl, &n);
  g_assert_cmpuint (n, ==, 2);
  cst_statement_template_set_string (tpl, "wording", "pay-by", "Pay us by {due_date}, please.", NULL);
  g_assert_cmpuint (cst_statement_template_get_color (tpl, "accent"), ==, 0x1D5C8C);
  /* A bad value is refused with a message; the old one stays. */
  g_assert_false (cst_statement_template_set_string (tpl, "template", "color-accent", "blue", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (cst_statement_template_get_color (tpl, "accent"), ==, 0x1D5C8C);
  g_assert_false (cst_statement_template_set_string (tpl, "template", "body-font-size", "40", NULL));
  g_assert_cmpfloat (cst_statement_template_get_font_size (tpl), ==, 11.0);

  copy = cst_statement_template_copy (tpl);
  st = cst_statement_new (bill, rules, copy, NULL);
  g_assert_true (prose_contains (st, "Pay us by April 30, 2025, please."));
  /* Only the two sections' prose is scored now. */
  g_assert_cmpuint (st->prose->len, ==, 2);
}

/* ---- Financial assistance and AGB (issue 21) ------------------------------ */

static CstAssistancePolicy *
default_policy (void)
{
  g_autoptr(GError) error = NULL;
  CstAssistancePolicy *policy = cst_assistance_policy_new_default (&error);

  g_assert_no_error (error);
  return policy;
}

static void
screen (CstAssistancePolicy    *policy,
        guint                   household,
        gint64                  income_cents,
        CstAssistanceScreening *screening)
{
  g_autoptr(GError) error = NULL;
  GDate on;

  set_date (&on, 2026, 6, 1);
  g_assert_true (cst_assistance_screen (policy, household, income_cents, &on, screening, &error));
  g_assert_no_error (error);
}

static void
assert_band (CstAssistancePolicy *policy,
             guint                household,
             gint64               income_cents,
             CstAssistanceKind    kind,
             guint                discount)
{
  g_auto(CstAssistanceScreening) screening = { 0 };

  screen (policy, household, income_cents, &screening);
  g_assert_cmpint (screening.kind, ==, kind);
  g_assert_cmpuint (screening.discount_percent, ==, discount);
}

/* The 2026 HHS table (91 FR 1797): $15,960 + $5,680 a person; the example
 * bands 200% free, 300% 75%, 400% 50%, each edge on the cent. */
static void
test_assistance_bands (void)
{
  g_autoptr(CstAssistancePolicy) policy = default_policy ();
  g_autoptr(GError) error = NULL;
  g_auto(CstAssistanceScreening) screening = { 0 };
  g_autofree char *said = NULL;
  gint64 guideline = 0;
  GDate on, before;

  set_date (&on, 2026, 1, 13);
  g_assert_true (cst_assistance_policy_guideline (policy, 1, &on, &guideline, NULL));
  g_assert_cmpint (guideline, ==, 1596000);
  g_assert_true (cst_assistance_policy_guideline (policy, 4, &on, &guideline, NULL));
  g_assert_cmpint (guideline, ==, 3300000);
  g_assert_true (cst_assistance_policy_guideline (policy, 8, &on, &guideline, NULL));
  g_assert_cmpint (guideline, ==, 5572000);
  g_assert_true (cst_assistance_policy_guideline (policy, 9, &on, &guideline, NULL));
  g_assert_cmpint (guideline, ==, 6140000);

  assert_band (policy, 1, 0, CST_ASSISTANCE_FREE, 100);
  assert_band (policy, 1, 3192000, CST_ASSISTANCE_FREE, 100);          /* exactly 200% */
  assert_band (policy, 1, 3192001, CST_ASSISTANCE_DISCOUNT, 75);
  assert_band (policy, 1, 4788000, CST_ASSISTANCE_DISCOUNT, 75);       /* exactly 300% */
  assert_band (policy, 1, 4788001, CST_ASSISTANCE_DISCOUNT, 50);
  assert_band (policy, 4, 13200000, CST_ASSISTANCE_DISCOUNT, 50);      /* exactly 400% of $33,000 */
  assert_band (policy, 4, 13200001, CST_ASSISTANCE_NOT_ELIGIBLE, 0);

  screen (policy, 4, 8000000, &screening);
  g_assert_cmpuint (screening.percent_of_guideline, ==, 242);
  g_assert_cmpint (screening.guideline_year, ==, 2026);
  g_assert_nonnull (strstr (screening.guideline_source, "91 FR 1797"));
  said = cst_assistance_screening_describe (&screening);
  g_assert_nonnull (strstr (said, "A household of 4 people with $80,000.00 a year is at 242% of "
                                  "the 2026 poverty guideline ($33,000.00)."));
  g_assert_nonnull (strstr (said, "75% discount"));

  /* Before the 2026 table took effect there is none shipped: refused. */
  set_date (&before, 2026, 1, 12);
  g_assert_false (cst_assistance_screen (policy, 1, 100, &before, &screening, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "2026-01-12"));
  g_clear_error (&error);
  g_assert_false (cst_assistance_screen (policy, 0, 100, &on, &screening, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
}

#define POLICY_HEAD "[policy]\nregion=contiguous\nagb-basis-points=5000\nbands=free\n" \
                    "plan-months=6;12\nplan-income-basis-points=500\nplan-minimum-monthly-cents=0\n" \
                    "[band free]\nup-to-percent=100\ndiscount-percent=100\n"

/* Tables are effective-dated: the newest in effect on the day wins. */
static void
test_assistance_policy_data (void)
{
  const char *text = POLICY_HEAD
    "[poverty-guidelines 2025]\neffective=2025-01-15\nsource=test 2025\n"
    "contiguous-first-cents=1565000\ncontiguous-additional-cents=550000\n"
    "[poverty-guidelines 2026]\neffective=2026-01-13\nsource=test 2026\n"
    "contiguous-first-cents=1596000\ncontiguous-additional-cents=568000\n";
  const char *unsourced = POLICY_HEAD
    "[poverty-guidelines 2026]\neffective=2026-01-13\n"
    "contiguous-first-cents=1596000\ncontiguous-additional-cents=568000\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAssistancePolicy) policy = cst_assistance_policy_new_from_data (text, strlen (text), &error);
  g_autoptr(CstAssistancePolicy) bad = NULL;
  gint64 guideline = 0;
  GDate day;

  g_assert_no_error (error);
  g_assert_cmpuint (cst_assistance_policy_get_agb_basis_points (policy), ==, 5000);
  set_date (&day, 2026, 1, 12);
  g_assert_true (cst_assistance_policy_guideline (policy, 2, &day, &guideline, NULL));
  g_assert_cmpint (guideline, ==, 2115000);
  set_date (&day, 2026, 1, 13);
  g_assert_true (cst_assistance_policy_guideline (policy, 2, &day, &guideline, NULL));
  g_assert_cmpint (guideline, ==, 2164000);

  bad = cst_assistance_policy_new_from_data (unsourced, strlen (unsourced), &error);
  g_assert_null (bad);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "[poverty-guidelines 2026] source"));
}

static CstBill *
self_pay_bill (gint64 charge_cents)
{
  g_autofree char *text = g_strdup_printf (HEADER "2026-03-14,0450,99284,HC ED VISIT LVL 4,1,%"
                                           G_GINT64_FORMAT ",0,0,%" G_GINT64_FORMAT "\n",
                                           charge_cents, charge_cents);
  CstBill *bill = bill_from_text (text, strlen (text), 0);

  g_clear_pointer (&bill->payer_name, g_free);
  return bill;
}

static CstStatement *
assisted (CstBill                      *bill,
          const CstAssistanceScreening *screening)
{
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(GError) error = NULL;
  CstStatement *st = cst_statement_new_assisted (bill, rules, tpl, screening, &error);

  g_assert_no_error (error);
  g_assert_true (st->reconciled);
  return st;
}

static const CstWaterfallRow *
waterfall_row (CstStatement *st,
               const char   *key)
{
  for (guint i = 0; i < st->waterfall->len; i++)
    {
      const CstWaterfallRow *row = g_ptr_array_index (st->waterfall, i);
      if (g_str_equal (row->key, key))
        return row;
    }
  return NULL;
}

/* $2,845.00 self-pay ER visit; AGB 42% = $1,194.90. */
static void
test_assistance_applied (void)
{
  g_autoptr(CstAssistancePolicy) policy = default_policy ();
  g_autoptr(CstBill) bill = self_pay_bill (284500);
  g_auto(CstAssistanceScreening) three_quarters = { 0 };
  g_auto(CstAssistanceScreening) half = { 0 };
  g_auto(CstAssistanceScreening) free_care = { 0 };
  g_auto(CstAssistanceScreening) none = { 0 };
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) capped = NULL;
  g_autoptr(CstStatement) free_st = NULL;
  g_autoptr(CstStatement) plain = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const CstWaterfallRow *row;

  /* 242%: 75% off, rounded up for the patient: $2,133.75 off, $711.25 left. */
  screen (policy, 4, 8000000, &three_quarters);
  st = assisted (bill, &three_quarters);
  g_assert_true (st->assisted);
  g_assert_cmpint (st->assistance_cents, ==, 213375);
  g_assert_cmpint (st->amount_due_cents, ==, 71125);
  g_assert_cmpint (st->agb_limit_cents, ==, 119490);
  g_assert_false (st->agb_capped);
  row = waterfall_row (st, "how-assistance");
  g_assert_nonnull (row);
  g_assert_cmpstr (row->label, ==, "Financial help for you");
  g_assert_cmpint (row->amount_cents, ==, 213375);
  lines = cst_statement_assistance_lines (st);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==,
                   "You qualify for financial help. We took 75% off what you owe: $2,133.75.");
  g_assert_cmpstr (g_ptr_array_index (lines, 1), ==,
                   "You will never pay more than $1,194.90 for this visit. That is what we "
                   "generally bill people who have insurance.");
  g_assert_true (prose_contains (st, "We took 75% off"));
  {
    g_autofree char *json = cst_statement_to_json (st);
    g_assert_nonnull (strstr (json, "\"assistance\":{\"discount_percent\":75,\"assistance_cents\":213375,"
                                    "\"agb_limit_cents\":119490,\"agb_capped\":false"));
  }

  /* 363%: 50% off would leave $1,422.50, above AGB: capped at $1,194.90. */
  screen (policy, 4, 12000000, &half);
  capped = assisted (bill, &half);
  g_assert_true (capped->agb_capped);
  g_assert_cmpint (capped->amount_due_cents, ==, 119490);
  g_assert_cmpint (capped->assistance_cents, ==, 284500 - 119490);

  /* 151%: free care; nothing is due. */
  screen (policy, 4, 5000000, &free_care);
  free_st = assisted (bill, &free_care);
  g_assert_cmpint (free_st->amount_due_cents, ==, 0);
  g_assert_cmpint (free_st->status, ==, CST_STATUS_PAID_IN_FULL);
  g_assert_true (prose_contains (free_st, "You qualify for free care"));

  /* Not eligible: the same statement as without a screening. */
  screen (policy, 1, 20000000, &none);
  plain = assisted (bill, &none);
  g_assert_false (plain->assisted);
  g_assert_cmpint (plain->amount_due_cents, ==, 284500);
  g_assert_null (waterfall_row (plain, "how-assistance"));
}

/* Financial help already on the bill counts toward the band's discount:
 * owed before any help $1,734.60; 75% off leaves $433.65; $707.00 was
 * taken off already, so the screening adds $593.95. */
static void
test_assistance_with_help_on_bill (void)
{
  const char *text = HEADER "2026-03-14,0450,99284,HC ED VISIT LVL 4,1,284500,11040,170700,102760\n";
  g_autoptr(CstAssistancePolicy) policy = default_policy ();
  g_autoptr(CstBill) bill = bill_from_text (text, strlen (text), 0);
  g_auto(CstAssistanceScreening) screening = { 0 };
  g_autoptr(CstStatement) st = NULL;

  bill->fap_adjustment_cents = 70700;
  screen (policy, 4, 8000000, &screening);
  st = assisted (bill, &screening);
  g_assert_cmpint (st->assistance_cents, ==, 59395);
  g_assert_cmpint (st->amount_due_cents, ==, 43365);
  g_assert_nonnull (waterfall_row (st, "how-fap"));
  g_assert_nonnull (waterfall_row (st, "how-assistance"));
}

/* Plans on an assisted balance follow the policy (6, 12, 24, 36 months, no
 * interest); the shortest the household can afford (5% of monthly
 * income) is marked, else the longest. */
static void
test_assistance_plans (void)
{
  g_autoptr(CstAssistancePolicy) policy = default_policy ();
  g_autoptr(CstBill) bill = self_pay_bill (2845000);
  g_auto(CstAssistanceScreening) four = { 0 };
  g_auto(CstAssistanceScreening) one = { 0 };
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) tight = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const CstPaymentPlan *plan;

  /* $711,250.00 owed... in cents: 711250; $333.33 a month affordable. */
  screen (policy, 4, 8000000, &four);
  g_assert_cmpint (four.affordable_monthly_cents, ==, 33333);
  st = assisted (bill, &four);
  g_assert_cmpint (st->amount_due_cents, ==, 711250);
  g_assert_cmpuint (st->plans->len, ==, 4);
  g_assert_cmpint (st->affordable_plan, ==, 2);
  plan = g_ptr_array_index (st->plans, 2);
  g_assert_cmpuint (plan->months, ==, 24);
  g_assert_cmpint (plan->monthly_cents, ==, 29635);
  g_assert_cmpuint (plan->apr_basis_points, ==, 0);
  lines = cst_statement_assistance_lines (st);
  g_assert_cmpstr (g_ptr_array_index (lines, lines->len - 1), ==,
                   "A plan that fits your income: 24 monthly payments of $296.35. There is no interest.");

  /* 206% for one person: $137.50 a month; even 36 months ($197.56) is
   * more, so the longest is offered. */
  screen (policy, 1, 3300000, &one);
  tight = assisted (bill, &one);
  g_assert_cmpint (tight->affordable_plan, ==, 3);
}

/* ---- Variants by the age of the balance ------------------------------------ */

static CstStatement *
aged (CstBill              *bill,
      CstStatementTemplate *tpl,
      guint                 age_days)
{
  g_autoptr(GError) error = NULL;
  CstStatement *st;

  set_date (&bill->first_statement_date, 2025, 1, 1);
  bill->statement_date = bill->first_statement_date;
  g_date_add_days (&bill->statement_date, age_days);
  bill->due_date = bill->statement_date;
  g_date_add_days (&bill->due_date, 30);
  st = cst_statement_new (bill, rules, tpl, &error);
  g_assert_no_error (error);
  return st;
}

static void
assert_variant (CstStatement        *st,
                CstStatementVariant  variant,
                CstStatementStatus   status)
{
  g_assert_cmpint (st->variant, ==, variant);
  g_assert_cmpint (st->status, ==, status);
  cst_statement_unref (st);
}

static void
test_variants_by_age (void)
{
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(CstStatementTemplate) short_wait = cst_statement_template_copy (tpl);
  g_autoptr(CstStatementTemplate) long_wait = cst_statement_template_copy (tpl);
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) later = NULL;
  g_autoptr(CstStatement) raised = NULL;
  g_autoptr(CstStatement) longer = NULL;
  g_autoptr(CstStatement) unknown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GDate expected;

  assert_variant (aged (bill, tpl, 0), CST_VARIANT_FIRST, CST_STATUS_NEW_BILL);
  assert_variant (aged (bill, tpl, 29), CST_VARIANT_FIRST, CST_STATUS_NEW_BILL);
  assert_variant (aged (bill, tpl, 30), CST_VARIANT_REMINDER, CST_STATUS_REMINDER);
  assert_variant (aged (bill, tpl, 59), CST_VARIANT_REMINDER, CST_STATUS_REMINDER);
  assert_variant (aged (bill, tpl, 60), CST_VARIANT_PAST_DUE, CST_STATUS_PAST_DUE);
  assert_variant (aged (bill, tpl, 89), CST_VARIANT_PAST_DUE, CST_STATUS_PAST_DUE);

  /* At 90 days, the final notice: collections from day 120 (May 1). */
  st = aged (bill, tpl, 90);
  g_assert_cmpint (st->variant, ==, CST_VARIANT_FINAL_NOTICE);
  g_assert_cmpint (st->age_days, ==, 90);
  set_date (&expected, 2025, 5, 1);
  g_assert_cmpint (g_date_compare (&st->collections_date, &expected), ==, 0);
  text = cst_statement_dup_variant_text (st);
  g_assert_cmpstr (text, ==, "This is our final notice. If you do not pay, set up a plan or apply "
                             "for financial help, we may send this bill to a collection agency on "
                             "or after May 1, 2025.");
  g_assert_true (prose_contains (st, "on or after May 1, 2025."));
  {
    g_autofree char *json = cst_statement_to_json (st);
    g_assert_nonnull (strstr (json, "\"variant\":\"final-notice\",\"age_days\":90,"
                                    "\"collections_date\":\"2025-05-01\""));
  }

  /* A final notice on day 100: not before 30 days after it (May 11). */
  later = aged (bill, tpl, 100);
  set_date (&expected, 2025, 5, 11);
  g_assert_cmpint (g_date_compare (&later->collections_date, &expected), ==, 0);

  /* The hospital's own wait: 60 is raised to 501(r)'s 120; 150 is kept. */
  g_assert_true (cst_statement_template_set_string (short_wait, "template", "collections-after-days", "60", &error));
  raised = aged (bill, short_wait, 90);
  set_date (&expected, 2025, 5, 1);
  g_assert_cmpint (g_date_compare (&raised->collections_date, &expected), ==, 0);
  g_assert_true (cst_statement_template_set_string (long_wait, "template", "collections-after-days", "150", &error));
  longer = aged (bill, long_wait, 90);
  set_date (&expected, 2025, 5, 31);
  g_assert_cmpint (g_date_compare (&longer->collections_date, &expected), ==, 0);
  g_assert_false (cst_statement_template_set_string (long_wait, "template", "reminder-after-days", "soon", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);

  /* Without the first statement's date: by number, never a final notice. */
  g_date_clear (&bill->first_statement_date, 1);
  bill->statement_sequence = 6;
  unknown = cst_statement_new (bill, rules, tpl, NULL);
  g_assert_cmpint (unknown->variant, ==, CST_VARIANT_PAST_DUE);
  g_assert_cmpint (unknown->age_days, ==, -1);
  g_assert_false (g_date_valid (&unknown->collections_date));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  rules = cst_statement_rules_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/statement/sample-worked-numbers", test_sample_worked_numbers);
  g_test_add_func ("/statement/plain-descriptions", test_plain_descriptions);
  g_test_add_func ("/statement/credit-balance", test_credit_balance);
  g_test_add_func ("/statement/claim-level-payment", test_claim_level_payment);
  g_test_add_func ("/statement/reversal-netting", test_reversal_netting);
  g_test_add_func ("/statement/duplicates-flagged", test_duplicates_flagged_not_dropped);
  g_test_add_func ("/statement/total-line", test_total_line_cross_check);
  g_test_add_func ("/statement/financial-help-and-pending", test_financial_help_and_pending);
  g_test_add_func ("/statement/payment-plans", test_payment_plans);
  g_test_add_func ("/statement/readability-by-hand", test_readability_by_hand);
  g_test_add_func ("/statement/readability-of-statement", test_statement_readability);
  g_test_add_func ("/statement/spanish-syllables", test_spanish_syllables);
  g_test_add_func ("/statement/spanish-readability-by-hand", test_spanish_readability_by_hand);
  g_test_add_func ("/statement/spanish", test_spanish_statement);
  g_test_add_func ("/statement/templates-complete", test_templates_complete);
  g_test_add_func ("/statement/template-editing", test_template_editing);
  g_test_add_func ("/statement/assistance-bands", test_assistance_bands);
  g_test_add_func ("/statement/assistance-policy-data", test_assistance_policy_data);
  g_test_add_func ("/statement/assistance-applied", test_assistance_applied);
  g_test_add_func ("/statement/assistance-with-help-on-bill", test_assistance_with_help_on_bill);
  g_test_add_func ("/statement/assistance-plans", test_assistance_plans);
  g_test_add_func ("/statement/variants-by-age", test_variants_by_age);
  status = g_test_run ();
  cst_statement_rules_unref (rules);
  return status;
}
