/* test-estimate-cli.c — `custodian-cli estimate render`: the JSON and the
 * PDF read back (tagged: PDF/UA claimed, all content marked) for an
 * insured patient and a self-pay one, a code priced only by an algorithm
 * refused by name, a bad price file refused with its line and column, and
 * usage errors.  No database: the command reads the price file directly. */
#include "config.h"

#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"

static char *sample;

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-estimate-cli-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static GBytes *
pdf_bytes (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static char *
pdf_text (const char *path)
{
  g_autoptr(GBytes) bytes = pdf_bytes (path);
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;

  doc = cst_test_pdf_open (bytes);
  text = cst_test_pdf_text (doc);
  return cst_test_pdf_squash (text);
}

/* The PPO visit of unit/test-estimate: allowed $1,165.44, deductible
 * $500.00, coinsurance floor(20% × $665.44) = $133.08, copay $25.00,
 * patient $658.08, plan $507.36. */
static void
test_insured (void)
{
  g_autofree char *pdf = temp_path ("estimate.pdf");
  g_autofree char *json_path = temp_path ("estimate.json");
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int rc = cst_test_cli_run (NULL, &out, NULL, "estimate", "render", "--prices", sample,
                             "--service", "99284", "--service", "36415x2", "--service", "80053",
                             "--service", "85025", "--payer", "Example Health Plan",
                             "--plan", "PPO Gold", "--deductible-remaining-cents", "50000",
                             "--coinsurance-percent", "20", "--copay-cents", "2500",
                             "--oop-remaining-cents", "300000", "--output", pdf,
                             "--json", json_path, NULL);

  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "$658.08"));
  cst_test_file_assert_private (pdf);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"allowed_cents\":116544"));
  g_assert_nonnull (strstr (json, "\"deductible_cents\":50000"));
  g_assert_nonnull (strstr (json, "\"coinsurance_cents\":13308"));
  g_assert_nonnull (strstr (json, "\"copay_cents\":2500"));
  g_assert_nonnull (strstr (json, "\"patient_cents\":65808"));
  g_assert_nonnull (strstr (json, "\"plan_cents\":50736"));
  g_assert_nonnull (strstr (json, "\"lines\":[{\"code\":\"99284\""));
  g_assert_null (strstr (json, "gfe_total_cents"));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Costestimate"));
  g_assert_nonnull (strstr (text, "Plan:ExampleHealthPlan,PPOGold"));
  g_assert_nonnull (strstr (text, "negotiatedrate$7.68×2"));
  g_assert_nonnull (strstr (text, "Youpay(estimate)$658.08"));
  g_assert_nonnull (strstr (text, "Yourplanpays(estimate)$507.36"));
  g_assert_nonnull (strstr (text, "roundeddowntothecent:$133.08"));
  /* The file written is the tagged PDF (unit/test-estimate reads its tree). */
  bytes = pdf_bytes (pdf);
  cst_test_pdf_assert_pdfua (bytes, "en", "Cost estimate");
  cst_test_pdf_assert_content_marked (bytes, "Page 1 of 1");
}

/* Self-pay: 70450 at its $1,560.00 cash price, twice = $3,120.00, with the
 * estimate's date and the $400 dispute right. */
static void
test_self_pay (void)
{
  g_autofree char *pdf = temp_path ("gfe.pdf");
  g_autofree char *json_path = temp_path ("gfe.json");
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int rc = cst_test_cli_run (NULL, NULL, NULL, "estimate", "render", "--prices", sample,
                             "--service", "70450x2", "--self-pay", "--date", "2026-03-02",
                             "--output", pdf, "--json", json_path, NULL);

  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"gfe_total_cents\":312000"));
  g_assert_nonnull (strstr (json, "\"basis\":\"discounted_cash\""));
  g_assert_null (strstr (json, "patient_cents"));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "GoodFaithEstimatetotal$3,120.00"));
  g_assert_nonnull (strstr (text, "Dateofthisestimate:March2,2026"));
  g_assert_nonnull (strstr (text, "Yourrighttodisputethebill"));
  g_assert_nonnull (strstr (text, "atleast$400.00morethanthisGoodFaithEstimate"));
  bytes = pdf_bytes (pdf);
  cst_test_pdf_assert_pdfua (bytes, "en", "Good Faith Estimate");
  cst_test_pdf_assert_content_marked (bytes, "Page 1 of 1");
}

static void
test_algorithm_refused (void)
{
  g_autofree char *pdf = temp_path ("refused.pdf");
  g_autofree char *err = NULL;
  int rc = cst_test_cli_run (NULL, NULL, &err, "estimate", "render", "--prices", sample,
                             "--service", "99284", "--service", "70450", "--payer", "Sample Care",
                             "--plan", "HMO Basic", "--deductible-remaining-cents", "0",
                             "--coinsurance-percent", "20", "--copay-cents", "0",
                             "--oop-remaining-cents", "100000", "--output", pdf, NULL);

  g_assert_cmpint (rc, ==, 1);
  g_assert_nonnull (strstr (err, "code 70450"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_bad_file (void)
{
  g_autofree char *csv = temp_path ("bad.csv");
  g_autofree char *pdf = temp_path ("bad.pdf");
  g_autofree char *err = NULL;
  const char *text = "hospital_name,last_updated_on,version\nH,2026-01-01,2.2.0\n"
                     "description,code|1,code|1|type,standard_charge|gross,"
                     "standard_charge|discounted_cash,payer_name,plan_name,"
                     "standard_charge|negotiated_dollar,standard_charge|negotiated_percentage,"
                     "standard_charge|negotiated_algorithm\n"
                     "ED,99284,CPT,2845.00,$1422.50,,,,,\n";

  g_assert_true (g_file_set_contents (csv, text, -1, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "estimate", "render", "--prices", csv,
                                     "--service", "99284", "--self-pay", "--output", pdf, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "line 4, column 5 (standard_charge|discounted_cash)"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_usage (void)
{
  g_autofree char *pdf = temp_path ("usage.pdf");
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "estimate", "render", "--prices", sample,
                                     "--service", "99284", "--payer", "Sample Care",
                                     "--output", pdf, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--oop-remaining-cents"));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err2, "estimate", "render", "--prices", sample,
                                     "--service", "99284x0", "--self-pay", "--output", pdf, NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err2, "99284x0"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sample = g_test_build_filename (G_TEST_DIST, "data", "sample-standard-charges.csv", NULL);
  g_test_add_func ("/estimate-cli/insured", test_insured);
  g_test_add_func ("/estimate-cli/self-pay", test_self_pay);
  g_test_add_func ("/estimate-cli/algorithm-refused", test_algorithm_refused);
  g_test_add_func ("/estimate-cli/bad-file", test_bad_file);
  g_test_add_func ("/estimate-cli/usage", test_usage);
  status = g_test_run ();
  g_free (sample);
  return status;
}
