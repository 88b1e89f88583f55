/* test-estimate-dialog.c — making an estimate in the app, and the
 * workbench on the login's facility and the stored assistance policy.
 *
 * The estimate dialog reads the price list in effect from the database
 * off the main loop (as a clerk); services found by search and added with
 * quantities give the hand-computed amounts, self-pay and insured; a code
 * with only an algorithm for the plan is refused, naming it, and there is
 * nothing to save; saving writes the PDF and the JSON, private, as the
 * CLI does, and from the workbench the saved estimate becomes the visit's
 * estimate.  The workbench prints the facility the clerk works for (not
 * the default one) and screens under the policy an administrator stored.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cst-estimate-dialog.h"
#include "cst-statement-workbench.h"
#include "cst-test-db.h"
#include "cst-test-policy.h"
#include "cst-test-file.h"
#include "cst-test-gui.h"
#include "cst-test-pdf.h"

#include <custodian/custodian.h>

static CstTestDb *db;

static void
set_day (GDate *date,
         guint  day,
         guint  month,
         guint  year)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* Billing stores the sample price list once, in effect from 2026-01-01. */
static void
store_sample_prices (void)
{
  static gboolean stored;
  g_autofree char *path = NULL;
  g_autoptr(CstPriceList) list = NULL;
  g_autoptr(PGconn) billing = NULL;
  g_autoptr(GError) error = NULL;
  GDate from;

  if (stored)
    return;
  path = g_test_build_filename (G_TEST_DIST, "data", "sample-standard-charges.csv", NULL);
  list = cst_price_list_import_file (path, NULL, &error);
  g_assert_no_error (error);
  billing = cst_test_db_connect_as (db, "custodian_billing");
  set_day (&from, 1, 1, 2026);
  g_assert_cmpint (cst_price_list_repo_store (billing, list, &from, &error), >, 0);
  g_assert_no_error (error);
  stored = TRUE;
}

static gboolean
dialog_ready (gpointer dialog)
{
  return !cst_estimate_dialog_is_loading (dialog);
}

/* A dialog as a clerk, the price list read. */
static CstEstimateDialog *
open_dialog (CstConnection *connection)
{
  CstEstimateDialog *dialog = cst_estimate_dialog_new (NULL, connection);

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (cst_test_gui_wait_until (dialog_ready, dialog));
  return dialog;
}

static CstConnection *
clerk_connection (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");

  return cst_connection_new (login);
}

static gboolean
results_settled (gpointer dialog)
{
  return g_list_model_get_n_items (cst_estimate_dialog_get_results (dialog)) == 1;
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Self-pay: the search finds the draw by name; cash prices 99284 $1,422.50
 * + 36415 $24.00 × 3 = $1,494.50; saved as PDF and JSON, both private. */
static void
test_self_pay_saved (void)
{
  g_autoptr(CstConnection) connection = clerk_connection ();
  CstEstimateDialog *dialog = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-estimate-XXXXXX", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "estimate.pdf", NULL);
  g_autofree char *json_path = g_build_filename (dir, "estimate.json", NULL);
  g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringObject) found = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *json = NULL, *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *forbidden[] = { "Ann Lee", NULL };
  CstEstimate *estimate;

  store_sample_prices ();
  dialog = open_dialog (connection);
  cst_estimate_dialog_set_search (dialog, "venipuncture");
  g_assert_true (cst_test_gui_wait_until (results_settled, dialog));
  found = g_list_model_get_item (cst_estimate_dialog_get_results (dialog), 0);
  g_assert_cmpstr (gtk_string_object_get_string (found), ==, "36415 — HC VENIPUNCTURE ROUTINE");

  g_assert_null (cst_estimate_dialog_get_estimate (dialog));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "99284", 1));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "36415", 2));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "36415", 1));
  g_assert_false (cst_estimate_dialog_add_service (dialog, "99999", 1));
  estimate = cst_estimate_dialog_get_estimate (dialog);
  g_assert_nonnull (estimate);
  g_assert_true (estimate->self_pay);
  g_assert_cmpuint (estimate->lines->len, ==, 2);
  g_assert_cmpint (estimate->gfe_total_cents, ==, 149450);
  g_assert_nonnull (strstr (cst_estimate_dialog_get_summary (dialog), "Good Faith Estimate total"));

  gtk_editable_set_text (GTK_EDITABLE (cst_test_gui_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW)),
                         "Ann Lee");
  g_assert_cmpstr (cst_estimate_dialog_get_estimate (dialog)->patient_name, ==, "Ann Lee");
  cst_estimate_dialog_save_to_async (dialog, pdf, cst_test_gui_keep_result, &saved);
  g_assert_true (cst_estimate_dialog_save_to_finish (dialog, cst_test_gui_wait_result (&saved), &error));
  g_assert_no_error (error);

  cst_test_file_assert_private (pdf_path);
  cst_test_file_assert_private (json_path);
  json = read_file (json_path);
  g_assert_nonnull (strstr (json, "\"gfe_total_cents\":149450"));
  g_assert_null (strstr (json, "Ann Lee"));
  doc = cst_test_pdf_open_file (pdf_path);
  text = cst_test_pdf_text (doc);
  g_assert_nonnull (strstr (text, "Good Faith Estimate"));
  g_assert_nonnull (strstr (text, "Patient: Ann Lee"));
  g_assert_nonnull (strstr (text, "right to dispute"));
  cst_test_pdf_assert_clean_metadata (doc, forbidden);
  /* Saved from the window, it is the tagged PDF too. */
  bytes = g_file_load_bytes (pdf, NULL, NULL, &error);
  g_assert_no_error (error);
  cst_test_pdf_assert_pdfua (bytes, "en", "Good Faith Estimate");

  g_unlink (pdf_path);
  g_unlink (json_path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The PPO visit of test-estimate: allowed $1,165.44, deductible $500.00,
 * coinsurance $133.08, copay $25.00; the patient pays $658.08, the plan
 * $507.36.  Then HMO Basic with 70450 (only an algorithm): refused,
 * naming the code, and nothing to save. */
static void
test_insured (void)
{
  g_autoptr(CstConnection) connection = clerk_connection ();
  const CstEstimateCoverage ppo = { "Example Health Plan", "PPO Gold", 50000, 2000, 2500, 300000 };
  const CstEstimateCoverage hmo = { "Sample Care", "HMO Basic", 0, 2000, 0, 999999 };
  const CstEstimateCoverage unknown = { "Nobody", "Nothing", 0, 0, 0, 0 };
  CstEstimateDialog *dialog;
  CstEstimate *estimate;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent/estimate.pdf");

  store_sample_prices ();
  dialog = open_dialog (connection);
  g_assert_true (cst_estimate_dialog_set_coverage (dialog, &ppo));
  g_assert_false (cst_estimate_dialog_set_coverage (dialog, &unknown));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "99284", 1));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "36415", 2));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "80053", 1));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "85025", 1));
  estimate = cst_estimate_dialog_get_estimate (dialog);
  g_assert_nonnull (estimate);
  g_assert_false (estimate->self_pay);
  g_assert_cmpint (estimate->allowed_cents, ==, 116544);
  g_assert_cmpint (estimate->deductible_cents, ==, 50000);
  g_assert_cmpint (estimate->coinsurance_cents, ==, 13308);
  g_assert_cmpint (estimate->copay_cents, ==, 2500);
  g_assert_cmpint (estimate->patient_cents, ==, 65808);
  g_assert_cmpint (estimate->plan_cents, ==, 50736);
  g_assert_true (gtk_widget_get_sensitive (cst_test_gui_find_button (GTK_WIDGET (dialog), "_Save…")));

  g_assert_true (cst_estimate_dialog_set_coverage (dialog, &hmo));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "70450", 1));
  g_assert_null (cst_estimate_dialog_get_estimate (dialog));
  g_assert_nonnull (strstr (cst_estimate_dialog_get_summary (dialog), "70450"));
  g_assert_false (gtk_widget_get_sensitive (cst_test_gui_find_button (GTK_WIDGET (dialog), "_Save…")));
  cst_estimate_dialog_save_to_async (dialog, nowhere, cst_test_gui_keep_result, &refused);
  g_assert_false (cst_estimate_dialog_save_to_finish (dialog, cst_test_gui_wait_result (&refused), &error));
  g_assert_nonnull (error);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
workbench_idle (gpointer workbench)
{
  return !cst_statement_workbench_is_rendering (workbench);
}

static CstStatementWorkbench *
workbench_with_sample_bill (CstConnection *connection)
{
  CstStatementWorkbench *workbench = cst_statement_workbench_new (NULL);
  g_autofree char *bill = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (bill);
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(GError) error = NULL;

  cst_statement_workbench_set_connection (workbench, connection);
  gtk_window_present (GTK_WINDOW (workbench));
  cst_statement_workbench_import_file_async (workbench, file, NULL, cst_test_gui_keep_result, &imported);
  g_assert_true (cst_statement_workbench_import_file_finish (workbench, cst_test_gui_wait_result (&imported),
                                                             &error));
  g_assert_no_error (error);
  return workbench;
}

static gboolean
has_estimate (gpointer workbench)
{
  CstStatement *statement = cst_statement_workbench_get_statement (workbench);

  return statement != NULL && statement->has_estimate && !cst_statement_workbench_is_rendering (workbench);
}

/* From the workbench: the estimate saved is the visit's estimate, and the
 * statement compares with it ($1,375.96 billed, $1,494.50 estimated). */
static void
test_from_workbench (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  CstStatementWorkbench *workbench;
  CstEstimateDialog *dialog;
  g_autofree char *dir = g_dir_make_tmp ("cst-estimate-XXXXXX", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "visit.pdf", NULL);
  g_autofree char *json_path = g_build_filename (dir, "visit.json", NULL);
  g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;
  CstStatement *statement;

  store_sample_prices ();
  workbench = workbench_with_sample_bill (connection);
  dialog = CST_ESTIMATE_DIALOG (cst_statement_workbench_new_estimate (workbench));
  g_assert_true (cst_test_gui_wait_until (dialog_ready, dialog));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "99284", 1));
  g_assert_true (cst_estimate_dialog_add_service (dialog, "36415", 3));
  cst_estimate_dialog_save_to_async (dialog, pdf, cst_test_gui_keep_result, &saved);
  g_assert_true (cst_estimate_dialog_save_to_finish (dialog, cst_test_gui_wait_result (&saved), &error));
  g_assert_no_error (error);
  g_assert_true (cst_test_wait_until (has_estimate, workbench, 60));
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_true (statement->estimate_self_pay);
  g_assert_cmpint (statement->estimate_cents, ==, 149450);
  g_assert_cmpint (statement->estimate_difference_cents, ==, 137596 - 149450);

  g_unlink (pdf_path);
  g_unlink (json_path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (workbench));
}

typedef struct
{
  CstStatementWorkbench *workbench;
  const char            *code;
} WantFacility;

static gboolean
facility_is (gpointer data)
{
  WantFacility *want = data;
  const CstFacility *facility = cst_statement_workbench_get_facility (want->workbench);

  return facility != NULL && g_strcmp0 (facility->code, want->code) == 0;
}

static void
add_north (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstFacility) draft = cst_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autoptr(GError) error = NULL;
  static gboolean done;

  if (done)
    return;
  g_free (draft->code);
  draft->code = g_strdup ("NORTH");
  g_free (draft->request_prefix);
  draft->request_prefix = g_strdup ("NOR");
  cst_facility_set (draft, CST_FACILITY_NAME, "North Clinic");
  cst_facility_set (draft, CST_FACILITY_ADDRESS, "9 Pine Road\nNorthtown, CA 95501");
  cst_facility_set (draft, CST_FACILITY_PHONE, "(555) 010-0900");
  cst_facility_set (draft, CST_FACILITY_PAY_TEXT, "Send a check payable to North Clinic.");
  cst_facility_set (draft, CST_FACILITY_PAY_LINK, "https://pay.north.example/");
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, "CA");
  added = cst_facility_add (admin, draft, &error);
  g_assert_no_error (error);
  done = TRUE;
}

/* A clerk of North Clinic only: the workbench prints North Clinic, not
 * the default facility.  An administrator starts on the default one and
 * moves to the facility the window asks for. */
static void
test_workbench_facility (void)
{
  g_autofree char *clerk_login = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *admin_login = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) clerk = NULL;
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstConnection) clerk_connection = cst_connection_new (clerk_login);
  g_autoptr(CstConnection) admin_connection = cst_connection_new (admin_login);
  g_autoptr(GError) error = NULL;
  WantFacility want;
  CstStatementWorkbench *workbench;
  CstStatement *statement;

  add_north ();
  clerk = PQconnectdb (clerk_login);
  g_assert_true (cst_facility_set_member (admin, PQuser (clerk), "NORTH", TRUE, &error));
  g_assert_no_error (error);

  workbench = workbench_with_sample_bill (clerk_connection);
  want = (WantFacility) { workbench, "NORTH" };
  g_assert_true (cst_test_wait_until (facility_is, &want, 60));
  g_assert_true (cst_test_wait_until (workbench_idle, workbench, 60));
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_cmpstr (cst_statement_template_get_facility (statement->template, "name"), ==, "North Clinic");
  gtk_window_destroy (GTK_WINDOW (workbench));

  workbench = workbench_with_sample_bill (admin_connection);
  want = (WantFacility) { workbench, "MAIN" };
  g_assert_true (cst_test_wait_until (facility_is, &want, 60));
  cst_statement_workbench_set_facility_code (workbench, "NORTH");
  want.code = "NORTH";
  g_assert_true (cst_test_wait_until (facility_is, &want, 60));
  g_assert_true (cst_test_wait_until (workbench_idle, workbench, 60));
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_cmpstr (cst_statement_template_get_facility (statement->template, "name"), ==, "North Clinic");
  gtk_window_destroy (GTK_WINDOW (workbench));
}

static gboolean
policy_read (gpointer workbench)
{
  return cst_statement_workbench_get_policy (workbench) != NULL;
}


/* An administrator stores a policy in effect from 2026-01-01: billing's
 * workbench screens under it.  The sample's $1,375.96 with 90% off (the
 * shipped policy gives 75%: $1,031.97, test-statement-workbench). */
static void
test_workbench_stored_policy (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autofree char *login = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autofree char *text = cst_test_policy_with_second_band (90);
  g_autoptr(GError) error = NULL;
  CstStatementWorkbench *workbench;
  CstStatement *statement;
  gint64 id;
  GDate from;

  set_day (&from, 1, 1, 2026);
  id = cst_assistance_policy_repo_store (admin, text, &from, NULL, &error);
  g_assert_no_error (error);
  workbench = workbench_with_sample_bill (connection);
  g_assert_true (cst_test_wait_until (policy_read, workbench, 60));
  g_assert_cmpint (cst_statement_workbench_get_policy (workbench)->id, ==, id);
  g_assert_true (cst_statement_workbench_screen (workbench, 4, 8000000));
  g_assert_true (cst_test_wait_until (workbench_idle, workbench, 60));
  statement = cst_statement_workbench_get_statement (workbench);
  g_assert_true (statement->assisted);
  g_assert_cmpint (statement->assistance_cents, >=, 123836);
  g_assert_cmpint (statement->assistance_cents, <=, 123837);
  g_assert_cmpint (statement->amount_due_cents, ==, 137596 - statement->assistance_cents);
  gtk_window_destroy (GTK_WINDOW (workbench));
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  g_test_add_func ("/estimate-dialog/self-pay-saved", test_self_pay_saved);
  g_test_add_func ("/estimate-dialog/insured", test_insured);
  g_test_add_func ("/estimate-dialog/from-workbench", test_from_workbench);
  g_test_add_func ("/estimate-dialog/workbench-facility", test_workbench_facility);
  g_test_add_func ("/estimate-dialog/workbench-stored-policy", test_workbench_stored_policy);
  db = cst_test_db_new ();
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
