/* test-statement-cli.c — `custodian-cli statement render`: the PDF and
 * JSON files, defects with line and column, usage errors, and the
 * template taken from the database when there is one */
#include "config.h"

#include <string.h>

#include "custodian/cst-estimate.h"
#include "custodian/cst-statement-estimate.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"
#include "cst-test-policy.h"

static char *sample;

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-statement-cli-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

/* --offline: the shipped template; the hospital's details are still the
 * facility's, from the database. */
static void
test_render_offline (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *pdf = temp_path ("out.pdf");
  g_autofree char *json_path = temp_path ("summary.json");
  g_autofree char *err = NULL;
  g_autofree char *head = NULL;
  g_autofree char *json = NULL;
  int rc = cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render", sample, "--offline",
                "--output", pdf, "--json", json_path,
                "--patient", "José Núñez", "--account", "ACC-1", "--statement-date", "2025-03-31",
                "--due-date", "2025-04-30", NULL);

  g_assert_cmpint (rc, ==, 0);
  g_assert_null (strstr (err, "from the database"));
  cst_test_file_assert_private (pdf);
  cst_test_file_assert_private (json_path);
  g_assert_true (g_file_get_contents (pdf, &head, NULL, NULL));
  g_assert_true (g_str_has_prefix (head, "%PDF-"));
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"amount_due_cents\":137596"));
  g_assert_nonnull (strstr (json, "\"due_date\":\"2025-04-30\""));
  g_assert_nonnull (strstr (json, "\"key\":\"imaging\""));
  g_assert_nonnull (strstr (json, "\"flesch_kincaid_grade\":"));
  g_assert_null (strstr (json, "Núñez"));
}

/* The summary counts in words with their own plurals: a one-line bill
 * is "1 line in 1 category", the sample "27 lines in 6 categories". */
static void
test_summary_plurals (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *csv = temp_path ("one-line.csv");
  g_autofree char *pdf = temp_path ("one-line.pdf");
  g_autofree char *sample_pdf = temp_path ("sample.pdf");
  g_autofree char *out = NULL;
  g_autofree char *sample_out = NULL;
  const char *text = "service_date,revenue_code,cpt_hcpcs,description,units,charge_cents,"
                     "insurer_paid_cents,adjustment_cents,patient_resp_cents\n"
                     "2025-03-14,0450,99284,ED,1,100,0,0,100\n";

  g_assert_true (g_file_set_contents (csv, text, -1, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", login, "statement", "render", csv,
                                     "--offline", "--output", pdf, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Statement: 1 line in 1 category;"));
  g_assert_cmpint (cst_test_cli_run (NULL, &sample_out, NULL, "--database", login, "statement", "render",
                                     sample, "--offline", "--output", sample_pdf, NULL), ==, 0);
  g_assert_nonnull (strstr (sample_out, "Statement: 27 lines in 6 categories;"));
}

static void
test_defects_and_usage (void)
{
  g_autofree char *csv = temp_path ("bad.csv");
  g_autofree char *pdf = temp_path ("never.pdf");
  g_autofree char *err = NULL;
  const char *text = "service_date,revenue_code,cpt_hcpcs,description,units,charge_cents,"
                     "insurer_paid_cents,adjustment_cents,patient_resp_cents\n"
                     "2025-03-14,0450,99284,ED,1,100,0,0,100\n"
                     "2025-02-30,0450,99284,ED,1,100,0,0,100\n";

  g_assert_true (g_file_set_contents (csv, text, -1, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "statement", "render", csv, "--offline", "--output", pdf, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "line 3, column 1 (service_date)"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "statement", "render", sample, "--offline", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "statement", "render", sample, "--output", pdf, "--language", "fr",
                        NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "statement", "render", "--output", pdf, NULL), ==, 2);
}

/* No facility details to be had: no statement, and the reason. */
static void
test_facility_needed (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstFacility) blank = cst_facility_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *pdf = temp_path ("never.pdf");
  g_autofree char *err = NULL;

  cst_facility_set (blank, CST_FACILITY_DEFAULT_STATE, "NY");
  g_assert_true (cst_facility_save (owner, blank, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render", sample,
                                     "--output", pdf, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "facility's name is not filled in"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* --facility CODE: the statement prints that facility's details, not
 * the default facility's, for a billing login of that facility. */
static void
test_facility_chosen (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(PGconn) admin_conn = cst_db_connect (admin, NULL);
  g_autoptr(PGconn) billing = cst_db_connect (login, NULL);
  g_autoptr(CstFacility) draft = cst_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autofree char *pdf = temp_path ("south.pdf");
  g_autofree char *err = NULL, *err2 = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *all = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_free (draft->code);
  draft->code = g_strdup ("SOUTH");
  cst_facility_set (draft, CST_FACILITY_NAME, "South Bay Hospital");
  cst_facility_set (draft, CST_FACILITY_ADDRESS, "5 Harbor Way\nSouthport, TX 77001");
  cst_facility_set (draft, CST_FACILITY_PHONE, "(555) 010-0555");
  cst_facility_set (draft, CST_FACILITY_PAY_TEXT, "Pay South Bay Hospital by check.");
  cst_facility_set (draft, CST_FACILITY_PAY_LINK, "https://pay.south.example");
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, "TX");
  added = cst_facility_add (admin_conn, draft, &error);
  g_assert_no_error (error);
  g_assert_true (cst_facility_set_member (admin_conn, PQuser (billing), "SOUTH", TRUE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render",
                                     sample, "--offline", "--facility", "SOUTH", "--output", pdf,
                                     NULL), ==, 0);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  all = cst_test_pdf_text (doc);
  text = cst_test_pdf_squash (all);
  g_assert_nonnull (strstr (text, "SouthBayHospital"));
  g_assert_null (strstr (text, "CustodianGeneralHospital"));

  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err2, "--database", login, "statement", "render",
                                     sample, "--facility", "NOWHERE", "--output", pdf, NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "NOWHERE"));
}

static void
test_template_from_database (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *pdf = temp_path ("db.pdf");
  g_autofree char *json_path = temp_path ("db.json");
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  int rc = cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render", sample, "--output", pdf,
                "--json", json_path, "--language", "es", NULL);

  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (err, "version 1 from the database"));
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"template_version\":1"));
  g_assert_nonnull (strstr (json, "\"language\":\"es\""));
}

/* Renders the sample bill with a remittance; returns the JSON summary and
 * the PDF's text without white space. */
static int
render_with_remittance (const char  *remittance,
                        const char  *language,
                        const char  *claim,
                        char       **json,
                        char       **text,
                        char       **err)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", remittance, NULL);
  g_autofree char *pdf = temp_path ("out.pdf");
  g_autofree char *json_path = temp_path ("summary.json");
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *all = NULL;
  gsize length;
  int rc = cst_test_cli_run (NULL, NULL, err, "--database", login, "statement", "render", sample, "--offline",
                             "--output", pdf, "--json", json_path, "--language", language,
                             "--remittance", path, claim ? "--claim" : NULL, claim, NULL);

  if (rc != 0)
    return rc;
  g_assert_true (g_file_get_contents (json_path, json, NULL, NULL));
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  all = cst_test_pdf_text (doc);
  *text = cst_test_pdf_squash (all);
  return rc;
}

static void
assert_sample_remittance (const char *json)
{
  const char *remittance = strstr (json, "\"remittance\":");

  g_assert_nonnull (remittance);
  g_assert_nonnull (strstr (remittance, "\"claim\":\"CLM20250320001\""));
  g_assert_nonnull (strstr (remittance, "\"insurance_paid_cents\":150385"));
  g_assert_nonnull (strstr (remittance, "\"adjustments_cents\":1048419"));
  g_assert_nonnull (strstr (remittance, "\"patient_responsibility_cents\":137596"));
  g_assert_nonnull (strstr (remittance, "\"deductible_cents\":100000"));
  g_assert_nonnull (strstr (remittance, "\"coinsurance_cents\":27596"));
  g_assert_nonnull (strstr (remittance, "\"copay_cents\":10000"));
  g_assert_nonnull (strstr (remittance, "\"other_patient_cents\":0"));
}

/* The 835 and the ExplanationOfBenefit of the same claim: the same
 * remittance in the JSON and the same reconciliation line in the PDF,
 * in English and in Spanish. */
static void
test_render_remittance (void)
{
  const char *files[] = { "sample-bill-1.835", "sample-bill-1.eob.json" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *json = NULL, *text = NULL, *err = NULL;
      g_autofree char *json_es = NULL, *text_es = NULL, *err_es = NULL;
      const char *payer;

      g_assert_cmpint (render_with_remittance (files[i], "en", NULL, &json, &text, &err), ==, 0);
      assert_sample_remittance (json);
      payer = strstr (strstr (json, "\"remittance\":"), "\"payer\":\"");
      g_assert_nonnull (payer);
      /* The 835 spells the payer in capitals, the EOB does not. */
      g_assert_cmpint (g_ascii_strncasecmp (payer, "\"payer\":\"Example Health Plan\"", 29), ==, 0);
      g_assert_nonnull (strstr (text, "Whyyouowethis"));
      g_assert_nonnull (strstr (text, "Charges$13,364.00−insurancepaid$1,503.85−adjustments$10,484.19=youowe$1,375.96."));
      g_assert_nonnull (strstr (text, "Deductible$1,000.00:"));
      g_assert_nonnull (strstr (text, "Coinsurance$275.96:"));
      g_assert_nonnull (strstr (text, "Copay$100.00:"));
      g_assert_nonnull (strstr (text, "CO-45:Thechargesaremorethanthepriceyourplanagreedwithus"));

      g_assert_cmpint (render_with_remittance (files[i], "es", "CLM20250320001", &json_es, &text_es, &err_es), ==, 0);
      assert_sample_remittance (json_es);
      g_assert_nonnull (strstr (text_es, "Porquédebeestacantidad"));
      g_assert_nonnull (strstr (text_es, "Cargos$13,364.00−pagóelseguro$1,503.85−ajustes$10,484.19=usteddebe$1,375.96."));
      g_assert_nonnull (strstr (text_es, "Deducible$1,000.00:"));
    }
}

/* A remittance for another claim (its charge differs from the bill's) is
 * refused naming both amounts; so is an unknown --claim. */
static void
test_remittance_mismatch (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.835", NULL);
  g_autofree char *data = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *other = NULL;
  g_autofree char *other_path = temp_path ("other.835");
  g_autofree char *json = NULL, *text = NULL, *err = NULL, *err2 = NULL;
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *pdf = temp_path ("out.pdf");
  int rc;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  parts = g_strsplit (data, "CLP*ACCT-0001*1*13364*1503.85*1375.96", 2);
  other = g_strconcat (parts[0], "CLP*ACCT-0001*1*13365*1503.85*1375.96", parts[1], NULL);
  {
    g_auto(GStrv) cas = g_strsplit (other, "CAS*CO*45*10484.19", 2);
    g_free (other);
    other = g_strconcat (cas[0], "CAS*CO*45*10485.19", cas[1], NULL);
  }
  g_assert_true (g_file_set_contents (other_path, other, -1, NULL));
  rc = cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render", sample, "--offline",
                         "--output", pdf, "--remittance", other_path, NULL);
  g_assert_cmpint (rc, !=, 0);
  g_assert_nonnull (strstr (err, "$13,365.00"));
  g_assert_nonnull (strstr (err, "$13,364.00"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));

  rc = cst_test_cli_run (NULL, NULL, &err2, "--database", login, "statement", "render", sample, "--offline",
                         "--output", pdf, "--remittance", path, "--claim", "NO-SUCH", NULL);
  g_assert_cmpint (rc, !=, 0);
  g_assert_nonnull (strstr (err2, "NO-SUCH"));
  g_assert_nonnull (strstr (err2, "ACCT-0001"));
}

/* A one-line self-pay bill of $1,500.00 (or, @insured, one insurance
 * paid $100.00 of and the patient owes $1,400.00) compared with an estimate
 * of @estimate_cents; the JSON summary and page text back. */
static void
render_with_estimate (const char  *login,
                      gboolean     self_pay,
                      gint64       estimate_cents,
                      gboolean     insured,
                      char       **json,
                      char       **text)
{
  g_autofree char *csv = temp_path ("self-pay.csv");
  g_autofree char *estimate = temp_path ("estimate.json");
  g_autofree char *pdf = temp_path ("statement.pdf");
  g_autofree char *json_path = temp_path ("statement.json");
  g_autofree char *estimate_json = self_pay
    ? g_strdup_printf ("{\"self_pay\":true,\"gfe_total_cents\":%" G_GINT64_FORMAT ",\"lines\":[]}\n", estimate_cents)
    : g_strdup_printf ("{\"self_pay\":false,\"patient_cents\":%" G_GINT64_FORMAT ",\"lines\":[]}\n", estimate_cents);
  const char *line = insured ? "2025-03-14,0450,99284,ED visit,1,150000,10000,0,140000\n"
                             : "2025-03-14,0450,99284,ED visit,1,150000,0,0,150000\n";
  g_autofree char *bill = g_strconcat ("service_date,revenue_code,cpt_hcpcs,description,units,charge_cents,"
                                       "insurer_paid_cents,adjustment_cents,patient_resp_cents\n", line, NULL);
  g_autofree char *all = NULL, *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  gsize length;

  g_assert_true (g_file_set_contents (csv, bill, -1, NULL));
  g_assert_true (g_file_set_contents (estimate, estimate_json, -1, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, NULL, "--database", login, "statement", "render", csv, "--offline",
                                     "--output", pdf, "--json", json_path, "--estimate", estimate,
                                     "--statement-date", "2025-04-01", "--first-bill-date", "2025-03-20",
                                     insured ? "--payer" : NULL, "Acme PPO", NULL), ==, 0);
  g_assert_true (g_file_get_contents (json_path, json, NULL, NULL));
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  all = cst_test_pdf_text (doc);
  *text = cst_test_pdf_squash (all);
}

/* The dispute notice appears exactly when a self-pay bill is $400.00 or
 * more above the Good Faith Estimate: at $400.00 and above, never at
 * $399.99; never for an insured patient's bill; the comparison is said
 * plainly either way. */
static void
test_estimate_dispute_edges (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  const struct { gboolean self_pay; gint64 estimate; gboolean insured; gboolean notice; const char *says; } cases[] = {
    { TRUE, 110000, FALSE, TRUE, "Thisbillis$400.00morethantheestimate." },
    { TRUE, 110001, FALSE, FALSE, "Thisbillis$399.99morethantheestimate." },
    { TRUE, 50000, FALSE, TRUE, "Thisbillis$1,000.00morethantheestimate." },
    { TRUE, 150000, FALSE, FALSE, "Thisbillisthesameastheestimate." },
    { TRUE, 160000, FALSE, FALSE, "Thisbillis$100.00lessthantheestimate." },
    { TRUE, 50000, TRUE, FALSE, "Thisbillis$900.00morethantheestimate." },
    { FALSE, 90000, TRUE, FALSE, "Beforeyourcareweestimatedthatyouwouldpay$900.00.Thisbillasksyoutopay$1,400.00." },
  };

  /* The statement's threshold is the one the Good Faith Estimate prints. */
  g_assert_cmpint (CST_STATEMENT_DISPUTE_THRESHOLD_CENTS, ==, CST_GFE_DISPUTE_THRESHOLD_CENTS);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = NULL, *text = NULL;

      render_with_estimate (login, cases[i].self_pay, cases[i].estimate, cases[i].insured, &json, &text);
      g_test_message ("case %u: %s", i, json);
      g_assert_nonnull (strstr (text, "Yourestimateandthisbill"));
      g_assert_nonnull (strstr (text, cases[i].says));
      g_assert_cmpint (strstr (text, "Youhavetherighttodisputethisbill") != NULL, ==, cases[i].notice);
      g_assert_cmpint (strstr (json, "\"dispute_notice\":true") != NULL, ==, cases[i].notice);
      if (cases[i].notice)
        {
          /* 120 days after the first bill, 2025-03-20. */
          g_assert_nonnull (strstr (text, "StartbyJuly18,2025,120daysafteryourfirstbill."));
          g_assert_nonnull (strstr (json, "\"dispute_deadline\":\"2025-07-18\""));
        }
    }
}

/* The estimate `estimate render --self-pay --json` writes is read as it
 * is; a file that is not one is refused, and no statement is made. */
static void
test_estimate_from_estimate_render (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *prices = g_test_build_filename (G_TEST_DIST, "data", "sample-standard-charges.csv", NULL);
  g_autofree char *gfe_pdf = temp_path ("gfe.pdf"), *gfe_json = temp_path ("gfe.json");
  g_autofree char *pdf = temp_path ("statement.pdf"), *json_path = temp_path ("s.json");
  g_autofree char *json = NULL, *err = NULL;

  g_assert_cmpint (cst_test_cli_run (NULL, NULL, NULL, "--database", login, "estimate", "render", "--prices", prices,
                                     "--service", "99284", "--self-pay", "--output", gfe_pdf, "--json", gfe_json,
                                     NULL), ==, 0);
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, NULL, "--database", login, "statement", "render", sample,
                                     "--offline", "--output", pdf, "--json", json_path, "--estimate", gfe_json,
                                     NULL), ==, 0);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  /* The cash price of 99284, $1,422.50; the sample bill asks $1,375.96. */
  g_assert_nonnull (strstr (json, "\"estimate_cents\":142250"));
  g_assert_nonnull (strstr (json, "\"difference_cents\":-4654"));
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render", sample,
                                     "--offline", "--output", pdf, "--estimate", sample, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not an estimate"));
}

/* Screened, aged: a self-pay $2,845.00 visit for a household of four with
 * $80,000.00 (242% of the 2026 guideline): 75% off, $711.25 due; 90 days
 * after the first statement it is the final notice, collections not
 * before day 120.  The discount is its own line of the PDF's "How we got
 * this amount". */
static void
test_render_assisted_final_notice (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *csv = temp_path ("assisted.csv");
  g_autofree char *pdf = temp_path ("assisted.pdf");
  g_autofree char *json_path = temp_path ("assisted.json");
  g_autofree char *json = NULL, *out = NULL, *err = NULL, *contents = NULL, *all = NULL, *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  gsize length;

  g_assert_true (g_file_set_contents (csv, "service_date,revenue_code,cpt_hcpcs,description,units,charge_cents,"
                                           "insurer_paid_cents,adjustment_cents,patient_resp_cents\n"
                                           "2026-01-01,0450,99284,ED visit,1,284500,0,0,284500\n", -1, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", login, "statement", "render", csv, "--offline",
                                     "--output", pdf, "--json", json_path, "--statement-date", "2026-04-01",
                                     "--first-bill-date", "2026-01-01", "--household", "4",
                                     "--income-cents", "8000000", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Financial assistance: A household of 4 people with $80,000.00 a year is at 242%"));
  g_assert_nonnull (strstr (out, "Final notice: not to collections before 2026-05-01."));
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"variant\":\"final-notice\""));
  g_assert_nonnull (strstr (json, "\"assistance_cents\":213375"));
  g_assert_nonnull (strstr (json, "\"amount_due_cents\":71125"));
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = cst_test_pdf_open (bytes);
  all = cst_test_pdf_text (doc);
  text = cst_test_pdf_squash (all);
  g_assert_nonnull (strstr (text, "Financialhelpforyou"));
  g_assert_nonnull (strstr (text, "$2,133.75"));

  /* A household of none is refused, and nothing is written. */
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", login, "statement", "render", csv, "--offline",
                                     "--output", pdf, "--household", "-1", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "household size"));
}

/* The policy in the database (0088): an administrator stores one with
 * 90% for the 201–300% band from 2026-01-01; `statement policy` names it
 * and --text prints it; billing's screening then follows it: $2,845.00
 * with 90% off, $284.50 due (the shipped policy: 75%, $711.25).  Billing
 * cannot store one; a file that is not a policy is refused, naming the
 * key, and nothing is stored. */
static void
test_stored_policy (void)
{
  g_autoptr(CstTestDb) db = cst_test_db_new ();
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *billing = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *policy = temp_path ("policy.ini");
  g_autofree char *broken = temp_path ("broken.ini");
  g_autofree char *csv = temp_path ("visit.csv");
  g_autofree char *pdf = temp_path ("visit.pdf");
  g_autofree char *json_path = temp_path ("visit.json");
  g_autofree char *text = cst_test_policy_with_second_band (90);
  g_autofree char *out = NULL, *err = NULL, *json = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  g_assert_true (g_file_set_contents (policy, text, -1, NULL));
  g_assert_true (g_file_set_contents (broken, "[policy]\nagb-basis-points=none\n", -1, NULL));
  g_assert_true (g_file_set_contents (csv, "service_date,revenue_code,cpt_hcpcs,description,units,charge_cents,"
                                           "insurer_paid_cents,adjustment_cents,patient_resp_cents\n"
                                           "2026-01-01,0450,99284,ED visit,1,284500,0,0,284500\n", -1, NULL));
  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", billing, "statement", "policy", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "the policy shipped with Custodian applies"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", billing, "statement", "policy-store", policy,
                                     "--effective-from", "2026-01-01", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "permission denied"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (NULL, NULL, &err, "--database", admin, "statement", "policy-store", broken,
                                     "--effective-from", "2026-01-01", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "agb-basis-points"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(*) FROM assistance_policies", 0, NULL), ==, 0);
  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", admin, "statement", "policy-store", policy,
                                     "--effective-from", "2026-01-01", "--note", "Board vote", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "stored, in effect from 2026-01-01"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", billing, "statement", "policy",
                                     "--date", "2026-04-01", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "in effect from 2026-01-01"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", billing, "statement", "policy", "--text",
                                     NULL), ==, 0);
  g_assert_cmpstr (out, ==, text);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cst_test_cli_run (NULL, &out, NULL, "--database", billing, "statement", "render", csv, "--offline",
                                     "--output", pdf, "--json", json_path, "--statement-date", "2026-04-01",
                                     "--household", "4", "--income-cents", "8000000", NULL), ==, 0);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"assistance_cents\":256050"));
  g_assert_nonnull (strstr (json, "\"amount_due_cents\":28450"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sample = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_test_add_func ("/statement-cli/render-offline", test_render_offline);
  g_test_add_func ("/statement-cli/summary-plurals", test_summary_plurals);
  g_test_add_func ("/statement-cli/defects-and-usage", test_defects_and_usage);
  g_test_add_func ("/statement-cli/template-from-database", test_template_from_database);
  g_test_add_func ("/statement-cli/facility-needed", test_facility_needed);
  g_test_add_func ("/statement-cli/facility-chosen", test_facility_chosen);
  g_test_add_func ("/statement-cli/render-remittance", test_render_remittance);
  g_test_add_func ("/statement-cli/remittance-mismatch", test_remittance_mismatch);
  g_test_add_func ("/statement-cli/estimate-dispute-edges", test_estimate_dispute_edges);
  g_test_add_func ("/statement-cli/assisted-final-notice", test_render_assisted_final_notice);
  g_test_add_func ("/statement-cli/estimate-from-estimate-render", test_estimate_from_estimate_render);
  g_test_add_func ("/statement-cli/stored-policy", test_stored_policy);
  return g_test_run ();
}
