/* test-statement-cli.c — `custodian-cli statement render`: the PDF and
 * JSON files, defects with line and column, usage errors, and the
 * template taken from the database when there is one */
#include "config.h"

#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"

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
  return g_test_run ();
}
