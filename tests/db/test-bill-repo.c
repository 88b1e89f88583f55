/* test-bill-repo.c — bills and statement templates against the real
 * database: round trip with accents, template versioning, the record of
 * which version a statement used, append-only versions, roles, audit */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"
#include "cst-test-async.h"

static CstTestDb *db;
static CstStatementRules *rules;

static CstBill *
sample_bill (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sample-bill-1.csv", NULL);
  g_autoptr(GError) error = NULL;
  CstBill *bill = cst_bill_import_file (path, 0, NULL, &error);

  g_assert_no_error (error);
  cst_bill_set_text (&bill->patient_name, "José Núñez");
  cst_bill_set_text (&bill->guarantor_name, "Zoë Ångström");
  cst_bill_set_text (&bill->account_number, "ACC-2025-0042");
  cst_bill_set_text (&bill->payer_name, "Acme PPO");
  cst_bill_set_text (&bill->claim_number, "CLM-77");
  g_date_set_dmy (&bill->statement_date, 31, 3, 2025);
  g_date_set_dmy (&bill->due_date, 30, 4, 2025);
  bill->patient_payments_cents = 5000;
  cst_bill_fill_defaults (bill, NULL);
  return bill;
}

static gpointer
row_text (const PGresult *res,
          int             row)
{
  return g_strdup_printf ("%s:%s", cst_db_value (res, row, 0), cst_db_value (res, row, 1));
}

/* The repos' two shared steps: a bigint parameter as text, and every row
 * of a result made into an element, in order (none for no rows). */
static void
test_collect_rows (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_billing");
  g_autofree char *base = cst_db_int_param (G_GINT64_CONSTANT (-9007199254740993));
  const char *params[] = { base };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT g, $1::bigint + g FROM generate_series (1, 3) g "
                                         "ORDER BY g", 1, params, &error);
  g_autoptr(PGresult) none = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) no_rows = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (base, ==, "-9007199254740993");
  rows = cst_db_collect_rows (res, row_text, g_free);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "1:-9007199254740992");
  g_assert_cmpstr (g_ptr_array_index (rows, 2), ==, "3:-9007199254740990");

  none = cst_db_exec (conn, "SELECT 1, 2 WHERE false", 0, NULL, &error);
  g_assert_no_error (error);
  no_rows = cst_db_collect_rows (none, row_text, g_free);
  g_assert_nonnull (no_rows);
  g_assert_cmpuint (no_rows->len, ==, 0);
}

static void
test_bill_roundtrip (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstBill) loaded = NULL;
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(CstStatement) before = NULL;
  g_autoptr(CstStatement) after = NULL;
  g_autoptr(GError) error = NULL;
  CstBillLine *extra = cst_bill_line_new ();
  gint64 id;

  /* A line with accents, quotes and an apostrophe, to go through SQL. */
  *extra = *(CstBillLine *) g_ptr_array_index (bill->lines, 20);
  extra->description = g_strdup ("HC MEDICINA ORAL \"NIÑO\" O'BRIEN; DROP TABLE bills;--");
  extra->charge_cents = extra->adjustment_cents = 0;
  g_ptr_array_add (bill->lines, extra);

  id = cst_bill_repo_insert (conn, bill, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (bill->id, ==, id);

  loaded = cst_bill_repo_get (conn, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->patient_name, ==, "José Núñez");
  g_assert_cmpstr (loaded->guarantor_name, ==, "Zoë Ångström");
  g_assert_cmpstr (loaded->account_number, ==, "ACC-2025-0042");
  g_assert_cmpint (loaded->visit_type, ==, CST_VISIT_EMERGENCY);
  g_assert_cmpint (g_date_compare (&loaded->admit_date, &bill->admit_date), ==, 0);
  g_assert_cmpint (g_date_get_day (&loaded->discharge_date), ==, 15);
  g_assert_cmpint (g_date_compare (&loaded->due_date, &bill->due_date), ==, 0);
  g_assert_cmpint (loaded->patient_payments_cents, ==, 5000);
  g_assert_cmpuint (loaded->lines->len, ==, 28);
  for (guint i = 0; i < loaded->lines->len; i++)
    {
      const CstBillLine *a = g_ptr_array_index (bill->lines, i);
      const CstBillLine *b = g_ptr_array_index (loaded->lines, i);

      g_assert_cmpstr (a->description, ==, b->description);
      g_assert_cmpstr (a->revenue_code, ==, b->revenue_code);
      g_assert_cmpstr (a->cpt_hcpcs, ==, b->cpt_hcpcs);
      g_assert_cmpint (a->charge_cents, ==, b->charge_cents);
      g_assert_cmpint (a->patient_resp_cents, ==, b->patient_resp_cents);
      g_assert_cmpint (a->units, ==, b->units);
      g_assert_cmpuint (a->source_line, ==, b->source_line);
      g_assert_cmpint (g_date_compare (&a->service_date, &b->service_date), ==, 0);
    }

  before = cst_statement_new (bill, rules, tpl, NULL);
  after = cst_statement_new (loaded, rules, tpl, NULL);
  g_assert_cmpint (after->amount_due_cents, ==, 137596 - 5000);
  g_assert_cmpint (after->amount_due_cents, ==, before->amount_due_cents);
  g_assert_cmpint (after->total_charges_cents, ==, 1336400);

  {
    g_autoptr(GPtrArray) bills = cst_bill_repo_list (conn, &error);
    gboolean found = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < bills->len; i++)
      {
        CstBill *listed = g_ptr_array_index (bills, i);
        if (listed->id == id)
          {
            found = TRUE;
            g_assert_cmpstr (listed->patient_name, ==, "José Núñez");
            g_assert_cmpuint (listed->lines->len, ==, 0);
          }
      }
    g_assert_true (found);
  }
}

/* The visit's first statement date is kept (0078), so a stored bill's
 * statement ages: 90 days on, the final notice; without it, never. */
static void
test_first_statement_date (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstBill) undated = sample_bill ();
  g_autoptr(CstBill) loaded = NULL;
  g_autoptr(CstBill) loaded_undated = NULL;
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", "en", NULL);
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  bill->first_statement_date = bill->statement_date;
  g_date_subtract_days (&bill->first_statement_date, 90);
  id = cst_bill_repo_insert (conn, bill, &error);
  g_assert_no_error (error);
  loaded = cst_bill_repo_get (conn, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_date_valid (&loaded->first_statement_date));
  g_assert_cmpint (g_date_compare (&loaded->first_statement_date, &bill->first_statement_date), ==, 0);
  st = cst_statement_new (loaded, rules, tpl, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st->variant, ==, CST_VARIANT_FINAL_NOTICE);

  id = cst_bill_repo_insert (conn, undated, &error);
  g_assert_no_error (error);
  loaded_undated = cst_bill_repo_get (conn, id, &error);
  g_assert_no_error (error);
  g_assert_false (g_date_valid (&loaded_undated->first_statement_date));

  /* The database refuses a first statement after this one. */
  {
    g_autoptr(PGresult) res = PQexec (conn, "UPDATE bills SET first_statement_date = statement_date + 1");
    g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
    g_assert_nonnull (strstr (PQresultErrorMessage (res), "bills_first_statement_not_after"));
  }
}

static void
test_template_versions (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstStatementTemplate) v1 = NULL;
  g_autoptr(CstStatementTemplate) v2 = NULL;
  g_autoptr(CstStatementTemplate) again = NULL;
  g_autoptr(CstStatementTemplate) current = NULL;
  g_autoptr(CstStatementTemplate) sent = NULL;
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstStatement) st = NULL;
  g_autoptr(CstStatement) reproduced = NULL;
  g_autoptr(GError) error = NULL;
  guint added = 0;
  gint64 record;

  g_assert_true (cst_statement_template_repo_seed (conn, &added, &error));
  g_assert_no_error (error);
  g_assert_true (cst_statement_template_repo_seed (conn, &added, &error));
  g_assert_cmpuint (added, ==, 0);

  v1 = cst_statement_template_repo_load (conn, "standard", "en", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_statement_template_get_version (v1), ==, 1);

  /* Staff edit the wording; it becomes version 2. */
  v2 = cst_statement_template_copy (v1);
  cst_statement_template_set_string (v2, "wording", "pay-by", "Pay by {due_date}. Thank you!", NULL);
  g_assert_true (cst_statement_template_repo_save (conn, v2, "shorter", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_statement_template_get_version (v2), ==, 2);

  current = cst_statement_template_repo_load (conn, "standard", "en", 0, &error);
  g_assert_cmpint (cst_statement_template_get_version (current), ==, 2);
  g_assert_cmpstr (cst_statement_template_get_text (current, "pay-by"), ==,
                   "Pay by {due_date}. Thank you!");
  again = cst_statement_template_repo_load (conn, "standard", "en", 1, &error);
  g_assert_cmpstr (cst_statement_template_get_text (again, "pay-by"), ==,
                   "Please pay by {due_date}.");

  /* A statement made from version 1 is recorded with that version and
   * can be made again exactly, after version 2 exists. */
  g_assert_cmpint (cst_bill_repo_insert (conn, bill, &error), >, 0);
  st = cst_statement_new (bill, rules, again, &error);
  record = cst_bill_repo_record_statement (conn, st, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record, >, 0);
  sent = cst_statement_template_repo_load_version_id (
    conn, cst_statement_template_get_version_id (again), &error);
  g_assert_no_error (error);
  reproduced = cst_statement_new (bill, rules, sent, &error);
  g_clear_pointer (&reproduced, cst_statement_unref);
  reproduced = cst_bill_repo_reproduce_statement (conn, record, rules, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_statement_template_get_version (reproduced->template), ==, 1);
  g_assert_cmpint (reproduced->amount_due_cents, ==, st->amount_due_cents);
  g_assert_cmpuint (reproduced->prose->len, ==, st->prose->len);
  for (guint i = 0; i < st->prose->len; i++)
    g_assert_cmpstr (g_ptr_array_index (st->prose, i), ==, g_ptr_array_index (reproduced->prose, i));

  /* Spanish is its own template. */
  g_clear_pointer (&current, cst_statement_template_unref);
  current = cst_statement_template_repo_load (conn, "standard", "es", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_statement_template_get_language (current), ==, "es");
}

static void
test_versions_append_only (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_statement_template_repo_seed (conn, NULL, &error));
  g_assert_false (cst_db_exec_command (conn, "UPDATE statement_template_versions SET body = 'x'",
                                       0, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (conn, "DELETE FROM statement_template_versions",
                                       0, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
  g_clear_error (&error);

  /* Billing, who writes the versions, is refused before the trigger. */
  {
    g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");

    g_assert_cmpint (cst_test_db_int (billing, "SELECT count(*) FROM statement_template_versions", 0, NULL), >, 0);
    g_assert_false (cst_db_exec_command (billing, "UPDATE statement_template_versions SET body = 'x'",
                                         0, NULL, &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
    g_assert_false (cst_db_exec_command (billing, "DELETE FROM statement_template_versions",
                                         0, NULL, &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  }
}

static void
test_roles_and_audit (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(CstBill) read_back = NULL;
  g_autoptr(CstStatementTemplate) tpl = cst_statement_template_new_builtin ("standard", "es", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) audit = NULL;
  gint64 id;

  id = cst_bill_repo_insert (owner, bill, &error);
  g_assert_no_error (error);

  g_assert_null (cst_bill_repo_get (clerk, id, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  read_back = cst_bill_repo_get (auditor, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read_back->patient_name, ==, "José Núñez");
  read_back->id = 0;
  g_assert_cmpint (cst_bill_repo_insert (auditor, read_back, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* Admins manage templates but do not read bills. */
  g_assert_true (cst_statement_template_repo_save (admin, tpl, "admin edit", &error));
  g_assert_no_error (error);
  g_assert_null (cst_bill_repo_get (admin, id, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  audit = cst_db_exec (owner, "SELECT count(*) FROM audit_log WHERE table_name IN "
                       "('bills', 'bill_lines', 'statement_template_versions')", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_db_int64 (audit, 0, 0), >=, 1 + 27 + 1);
}

static void
test_refused_bills (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstBill) bill = sample_bill ();
  g_autoptr(GError) error = NULL;

  cst_bill_set_text (&bill->account_number, NULL);
  g_assert_cmpint (cst_bill_repo_insert (conn, bill, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_null (cst_bill_repo_get (conn, 999999, NULL));
}

/* The workbench's way: the current templates of both languages, and a
 * save of one of them, on a connection's worker thread. */
static void
test_template_async (void)
{
  g_autofree char *billing_info = cst_test_db_create_login (db, "custodian_billing");
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(CstConnection) billing = cst_connection_new (billing_info);
  g_autoptr(CstConnection) auditor = cst_connection_new (auditor_info);
  const char *const languages[] = { "en", "es", NULL };
  g_autoptr(GAsyncResult) loaded = NULL, saved = NULL, refused = NULL, reloaded = NULL;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) edited = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_statement_template_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  CstStatementTemplate *es;
  int es_version;

  cst_statement_template_repo_load_current_async (billing, "standard", languages, NULL, cst_test_result_cb, &loaded);
  current = cst_statement_template_repo_load_current_finish (billing, cst_test_wait_result (&loaded, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (current->len, ==, 2);
  g_assert_cmpstr (cst_statement_template_get_language (g_ptr_array_index (current, 0)), ==, "en");
  g_assert_cmpstr (cst_statement_template_get_language (g_ptr_array_index (current, 1)), ==, "es");
  es = g_ptr_array_index (current, 1);
  es_version = cst_statement_template_get_version (es);
  g_assert_cmpint (es_version, >=, 1);

  /* Only the Spanish one is edited: only it gets a new version. */
  g_ptr_array_add (edited, NULL);
  g_ptr_array_add (edited, cst_statement_template_copy (es));
  g_assert_true (cst_statement_template_set_string (g_ptr_array_index (edited, 1), "wording", "title",
                                                    "Su estado de cuenta", &error));
  g_assert_no_error (error);

  /* An auditor may read but not store templates. */
  cst_statement_template_repo_save_async (auditor, edited, "test", NULL, cst_test_result_cb, &refused);
  g_assert_null (cst_statement_template_repo_save_finish (auditor, cst_test_wait_result (&refused, 10), &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  cst_statement_template_repo_save_async (billing, edited, "edited in a test", NULL, cst_test_result_cb, &saved);
  stored = cst_statement_template_repo_save_finish (billing, cst_test_wait_result (&saved, 10), &error);
  g_assert_no_error (error);
  g_assert_null (g_ptr_array_index (stored, 0));
  g_assert_cmpint (cst_statement_template_get_version (g_ptr_array_index (stored, 1)), ==, es_version + 1);

  cst_statement_template_repo_load_current_async (auditor, "standard", languages, NULL, cst_test_result_cb, &reloaded);
  after = cst_statement_template_repo_load_current_finish (auditor, cst_test_wait_result (&reloaded, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_statement_template_get_version (g_ptr_array_index (after, 0)), ==,
                   cst_statement_template_get_version (g_ptr_array_index (current, 0)));
  g_assert_cmpint (cst_statement_template_get_version (g_ptr_array_index (after, 1)), ==, es_version + 1);
  g_assert_cmpstr (cst_statement_template_get_text (g_ptr_array_index (after, 1), "title"), ==,
                   "Su estado de cuenta");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  rules = cst_statement_rules_new_default (NULL);
  g_test_add_func ("/bill-repo/collect-rows", test_collect_rows);
  g_test_add_func ("/bill-repo/roundtrip", test_bill_roundtrip);
  g_test_add_func ("/bill-repo/first-statement-date", test_first_statement_date);
  g_test_add_func ("/bill-repo/template-versions", test_template_versions);
  g_test_add_func ("/bill-repo/versions-append-only", test_versions_append_only);
  g_test_add_func ("/bill-repo/roles-and-audit", test_roles_and_audit);
  g_test_add_func ("/bill-repo/refused", test_refused_bills);
  g_test_add_func ("/bill-repo/template-async", test_template_async);
  status = g_test_run ();
  cst_statement_rules_unref (rules);
  cst_test_db_free (db);
  return status;
}
