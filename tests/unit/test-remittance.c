/* test-remittance.c — the payer's remittance: the sample 835 and the
 * sample CARIN ExplanationOfBenefit give the same claim to the cent;
 * unbalanced and malformed remittances are refused with the position;
 * a mutation fuzz of both parsers */
#include "config.h"

#include <string.h>

#include <custodian/custodian.h>

static char *
read_sample (const char *name,
             gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  return contents;
}

static CstRemittance *
parse_sample (const char *name)
{
  gsize length;
  g_autofree char *data = read_sample (name, &length);
  g_autoptr(GError) error = NULL;
  CstRemittance *remittance = cst_remittance_parse (data, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (remittance);
  return remittance;
}

/* The sample's numbers, by hand from the 835: CLP and the two CAS. */
static void
assert_sample_claim (CstRemittance *remittance)
{
  const CstRemittanceClaim *claim;
  CstRemittanceSummary s;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_ascii_strcasecmp (remittance->payer, "Example Health Plan"), ==, 0);
  claim = cst_remittance_find_claim (remittance, "CLM20250320001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (claim->payer_claim_number, ==, "CLM20250320001");
  cst_remittance_claim_summarize (claim, &s);
  g_assert_cmpint (s.charge_cents, ==, 1336400);
  g_assert_cmpint (s.insurance_paid_cents, ==, 150385);
  g_assert_cmpint (s.adjustments_cents, ==, 1048419);
  g_assert_cmpint (s.patient_responsibility_cents, ==, 137596);
  g_assert_cmpint (claim->patient_responsibility_cents, ==, 137596);
  g_assert_cmpint (s.deductible_cents, ==, 100000);
  g_assert_cmpint (s.coinsurance_cents, ==, 27596);
  g_assert_cmpint (s.copay_cents, ==, 10000);
  g_assert_cmpint (s.other_patient_cents, ==, 0);
  g_assert_cmpint (s.charge_cents - s.insurance_paid_cents - s.adjustments_cents, ==,
                   s.patient_responsibility_cents);
}

static void
test_835_sample (void)
{
  g_autoptr(CstRemittance) remittance = parse_sample ("sample-bill-1.835");
  const CstRemittanceClaim *claim = g_ptr_array_index (remittance->claims, 0);

  g_assert_cmpuint (remittance->claims->len, ==, 1);
  g_assert_cmpstr (claim->patient_control_number, ==, "ACCT-0001");
  g_assert_cmpstr (claim->status, ==, "1");
  g_assert_cmpuint (claim->adjustments->len, ==, 4);
  assert_sample_claim (remittance);
  g_assert_true (cst_remittance_find_claim (remittance, "ACCT-0001", NULL) == claim);
}

static void
test_eob_sample (void)
{
  g_autoptr(CstRemittance) remittance = parse_sample ("sample-bill-1.eob.json");

  g_assert_cmpuint (remittance->claims->len, ==, 1);
  assert_sample_claim (remittance);
}

/* Both files, one claim: every summary field and every adjustment equal. */
static void
test_same_remittance (void)
{
  g_autoptr(CstRemittance) x12 = parse_sample ("sample-bill-1.835");
  g_autoptr(CstRemittance) eob = parse_sample ("sample-bill-1.eob.json");
  const CstRemittanceClaim *a = g_ptr_array_index (x12->claims, 0);
  const CstRemittanceClaim *b = g_ptr_array_index (eob->claims, 0);
  CstRemittanceSummary sa, sb;

  cst_remittance_claim_summarize (a, &sa);
  cst_remittance_claim_summarize (b, &sb);
  g_assert_cmpmem (&sa, sizeof sa, &sb, sizeof sb);
  g_assert_cmpstr (a->payer_claim_number, ==, b->payer_claim_number);
  g_assert_cmpint (g_ascii_strcasecmp (x12->payer, eob->payer), ==, 0);
  g_assert_cmpuint (a->adjustments->len, ==, b->adjustments->len);
  for (guint i = 0; i < a->adjustments->len; i++)
    {
      const CstRemittanceAdjustment *x = g_ptr_array_index (a->adjustments, i);
      const CstRemittanceAdjustment *y = g_ptr_array_index (b->adjustments, i);

      g_assert_cmpstr (x->group, ==, y->group);
      g_assert_cmpstr (x->reason, ==, y->reason);
      g_assert_cmpint (x->amount_cents, ==, y->amount_cents);
    }
}

static char *
sample_with (const char *name,
             const char *old,
             const char *new)
{
  gsize length;
  g_autofree char *data = read_sample (name, &length);
  g_auto(GStrv) parts = g_strsplit (data, old, 2);

  g_assert_nonnull (parts[1]);
  return g_strjoin (new, parts[0], parts[1], NULL);
}

static void
assert_refused (const char *data,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRemittance) remittance = cst_remittance_parse (data, strlen (data), &error);

  g_assert_null (remittance);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not name “%s”", error->message, expected);
}

static void
test_835_unbalanced (void)
{
  g_autofree char *paid = sample_with ("sample-bill-1.835", "*1503.85*1375.96", "*1503.86*1375.96");
  g_autofree char *pr = sample_with ("sample-bill-1.835", "*1375.96*12", "*1375.95*12");

  assert_refused (paid, "835 segment 15 (CLP), element CLP04: claim “ACCT-0001” does not balance");
  assert_refused (paid, "$11,860.14");
  assert_refused (pr, "835 segment 15 (CLP), element CLP05");
}

static void
test_835_malformed (void)
{
  g_autofree char *amount = sample_with ("sample-bill-1.835", "CAS*CO*45*10484.19", "CAS*CO*45*10484.1x");
  g_autofree char *group = sample_with ("sample-bill-1.835", "CAS*CO*", "CAS*XX*");
  g_autofree char *cents = sample_with ("sample-bill-1.835", "*13364*", "*13364.001*");
  g_autofree char *no_pcn = sample_with ("sample-bill-1.835", "CLP*ACCT-0001*", "CLP**");
  g_autofree char *cut = sample_with ("sample-bill-1.835", "IEA*1*000000101~", "IEA*1*000000101");

  assert_refused (amount, "835 segment 16 (CAS), element CAS03: “10484.1x” is not an amount");
  assert_refused (group, "835 segment 16 (CAS), element CAS01");
  assert_refused (cents, "835 segment 15 (CLP), element CLP03");
  assert_refused (no_pcn, "835 segment 15 (CLP), element CLP01");
  assert_refused (cut, "835 segment 23 (IEA): the segment has no terminator");
  assert_refused ("ISA*00*short~", "complete ISA header");
  assert_refused ("hello", "neither an X12 835");
}

static void
test_eob_unbalanced (void)
{
  g_autofree char *paid = sample_with ("sample-bill-1.eob.json", "\"value\": 10484.19", "\"value\": 10484.18");
  g_autofree char *member = sample_with ("sample-bill-1.eob.json", "\"value\": 1375.96", "\"value\": 1375.97");

  assert_refused (paid, "ExplanationOfBenefit at $.total[0].amount: the claim does not balance");
  assert_refused (member, "ExplanationOfBenefit at $.total[7].amount: the member liability is $1,375.97");
}

static void
test_eob_malformed (void)
{
  g_autofree char *fraction = sample_with ("sample-bill-1.eob.json", "\"value\": 275.96", "\"value\": 275.965");
  g_autofree char *text = sample_with ("sample-bill-1.eob.json", "\"value\": 100.0", "\"value\": \"100\"");
  g_autofree char *broken = sample_with ("sample-bill-1.eob.json", "\"total\": [", "\"total\": [[");
  g_autofree char *kind = sample_with ("sample-bill-1.eob.json", "\"ExplanationOfBenefit\"", "\"Claim\"");
  g_autofree char *twice = sample_with ("sample-bill-1.eob.json", "\"code\": \"benefit\"",
                                        "\"code\": \"submitted\"");

  assert_refused (fraction, "ExplanationOfBenefit at $.total[5].amount: the amount is not a whole number of cents");
  assert_refused (text, "ExplanationOfBenefit at $.total[6].amount");
  assert_refused (broken, "not valid JSON");
  assert_refused (kind, "not an ExplanationOfBenefit");
  /* The charge given twice: refused (it leaked the first path before). */
  assert_refused (twice, "ExplanationOfBenefit at $.total[1].amount: this total’s category appears twice");
}

static void
test_decimal (void)
{
  gint64 cents = 0;

  g_assert_true (cst_remittance_parse_decimal ("1503.85", 7, &cents));
  g_assert_cmpint (cents, ==, 150385);
  g_assert_true (cst_remittance_parse_decimal ("-.5", 3, &cents));
  g_assert_cmpint (cents, ==, -50);
  g_assert_true (cst_remittance_parse_decimal ("12.100", 6, &cents));
  g_assert_cmpint (cents, ==, 1210);
  g_assert_false (cst_remittance_parse_decimal ("12.101", 6, &cents));
  g_assert_false (cst_remittance_parse_decimal ("", 0, &cents));
  g_assert_false (cst_remittance_parse_decimal (".", 1, &cents));
  g_assert_false (cst_remittance_parse_decimal ("1e3", 3, &cents));
  g_assert_false (cst_remittance_parse_decimal ("1234567890123456", 16, &cents));
}

static void
test_several_claims (void)
{
  g_autofree char *two = sample_with ("sample-bill-1.835", "SE*19*0001~",
                                      "CLP*ACCT-0002*1*100*80*20*12*CLM2~CAS*PR*3*20~SE*21*0001~");
  g_autoptr(CstRemittance) remittance = NULL;
  g_autoptr(GError) error = NULL;

  remittance = cst_remittance_parse (two, strlen (two), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (remittance->claims->len, ==, 2);
  g_assert_null (cst_remittance_find_claim (remittance, NULL, &error));
  g_assert_nonnull (strstr (error->message, "ACCT-0001, ACCT-0002"));
  g_assert_nonnull (cst_remittance_find_claim (remittance, "CLM2", NULL));
}

/* Adjustments after an SVC belong to that service line and still count in
 * the claim's balance; CLP05 may be left out (the PR sum stands for it). */
static void
test_service_lines (void)
{
  g_autofree char *lines = sample_with ("sample-bill-1.835",
                                        "CLP*ACCT-0001*1*13364*1503.85*1375.96*12*CLM20250320001*13*1~\nCAS*CO*45*10484.19~\nCAS*PR*1*1000**2*275.96**3*100~",
                                        "CLP*ACCT-0001*1*13364*1503.85**12*CLM20250320001*13*1~\n"
                                        "SVC*HC:99284*12000*1403.85~CAS*CO*45*9220.19~CAS*PR*1*1000**3*100*1*2*275.96~\n"
                                        "SVC*HC:36415*1364*100~CAS*CO*45*1264~");
  g_autofree char *off = sample_with ("sample-bill-1.835", "CAS*CO*45*10484.19", "SVC*HC:1*1*1~CAS*CO*45*10484.20");
  g_autoptr(CstRemittance) remittance = NULL;
  g_autoptr(GError) error = NULL;
  const CstRemittanceClaim *claim;
  CstRemittanceSummary s;

  remittance = cst_remittance_parse (lines, strlen (lines), &error);
  g_assert_no_error (error);
  claim = g_ptr_array_index (remittance->claims, 0);
  g_assert_cmpuint (claim->services->len, ==, 2);
  g_assert_cmpuint (claim->adjustments->len, ==, 0);
  g_assert_cmpstr (((CstRemittanceService *) g_ptr_array_index (claim->services, 0))->procedure, ==, "HC:99284");
  g_assert_cmpint (((CstRemittanceService *) g_ptr_array_index (claim->services, 1))->paid_cents, ==, 10000);
  g_assert_cmpint (claim->patient_responsibility_cents, ==, 137596);
  cst_remittance_claim_summarize (claim, &s);
  g_assert_cmpint (s.adjustments_cents, ==, 1048419);
  g_assert_cmpint (s.deductible_cents, ==, 100000);
  g_assert_cmpint (s.coinsurance_cents, ==, 27596);
  g_assert_cmpint (s.copay_cents, ==, 10000);
  assert_refused (off, "835 segment 15 (CLP), element CLP04");
}

/* Mutations of both samples (a byte changed, a span cut): each is read
 * and balances, or is refused with the position named. */
static void
test_mutations (void)
{
  const char *names[] = { "sample-bill-1.835", "sample-bill-1.eob.json" };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      gsize length;
      g_autofree char *sample = read_sample (names[n], &length);

      for (guint i = 0; i < 3000; i++)
        {
          g_autofree char *data = g_memdup2 (sample, length);
          gsize size = length;
          g_autoptr(GError) error = NULL;
          g_autoptr(CstRemittance) remittance = NULL;
          guint at = (guint) g_test_rand_int_range (0, (gint32) length);

          if (i % 2 == 0)
            data[at] = (char) g_test_rand_int_range (0, 256);
          else
            {
              guint span = (guint) g_test_rand_int_range (1, 40);
              size = at + MIN (span, length - at) <= length ? length - MIN (span, length - at) : length;
              memmove (data + at, data + at + (length - size), length - at - (length - size));
            }
          remittance = cst_remittance_parse (data, size, &error);
          if (remittance == NULL)
            {
              g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
              g_assert_true (strstr (error->message, "835 segment") || strstr (error->message, "ExplanationOfBenefit") ||
                             strstr (error->message, "neither"));
              continue;
            }
          for (guint c = 0; c < remittance->claims->len; c++)
            {
              CstRemittanceSummary s;

              cst_remittance_claim_summarize (g_ptr_array_index (remittance->claims, c), &s);
              g_assert_cmpint (s.charge_cents - s.insurance_paid_cents, ==,
                               s.adjustments_cents + s.patient_responsibility_cents);
            }
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/remittance/835-sample", test_835_sample);
  g_test_add_func ("/remittance/eob-sample", test_eob_sample);
  g_test_add_func ("/remittance/same-remittance", test_same_remittance);
  g_test_add_func ("/remittance/835-unbalanced", test_835_unbalanced);
  g_test_add_func ("/remittance/835-malformed", test_835_malformed);
  g_test_add_func ("/remittance/eob-unbalanced", test_eob_unbalanced);
  g_test_add_func ("/remittance/eob-malformed", test_eob_malformed);
  g_test_add_func ("/remittance/decimal", test_decimal);
  g_test_add_func ("/remittance/several-claims", test_several_claims);
  g_test_add_func ("/remittance/service-lines", test_service_lines);
  g_test_add_func ("/remittance/mutations", test_mutations);
  return g_test_run ();
}
