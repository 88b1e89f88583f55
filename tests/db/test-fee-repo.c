/* test-fee-repo.c — schedules and invoices in the real database: seed
 * loading, versioned edits by an administrator only, immutable invoices,
 * overrides that need a reason and land in the audit log, adjustments */
#include "config.h"

#include "cst-test-db.h"
#include "cst-test-async.h"

static CstTestDb *db;

static CstFeeQuote *
quote_pa_attorney (CstFeeScheduleSet *set)
{
  g_autoptr(GError) error = NULL;
  CstFeeRequest r;
  CstFeeQuote *quote;

  cst_fee_request_init (&r);
  g_assert_true (cst_fee_request_set_jurisdiction (&r, "PA", NULL));
  g_assert_true (cst_input_parse_date ("2025-06-02", &r.received, NULL));
  r.requester = CST_FEE_REQUESTER_ATTORNEY;
  r.purpose = CST_FEE_PURPOSE_PERSONAL_INJURY;
  r.pages = 100;
  r.delivery = CST_FEE_DELIVERY_MAIL;
  r.postage_cents = 400;
  quote = cst_fee_engine_quote (set, &r, &error);
  g_assert_no_error (error);
  return quote;
}

/* A personal-injury attorney's request in Pennsylvania received on
 * 2025-06-02, which quote_pa_attorney() quotes; @owner dates it. */
static CstRequest *
add_pa_attorney_request (PGconn     *conn,
                         PGconn     *owner,
                         const char *mrn)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (conn, mrn, "Counsel", CST_REQUESTER_ATTORNEY, "PA");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));

  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET received_date = '2025-06-02' WHERE id = $1", 1,
                       (const char *[]) { id });
  return g_steal_pointer (&request);
}

static void
test_seed_and_load (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(CstFeeScheduleSet) seed = cst_fee_schedule_set_new_from_seed (NULL);
  g_autoptr(CstFeeScheduleSet) stored = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  guint added = 0;

  /* Migrating installed the shipped schedules; installing again adds
   * nothing. */
  g_assert_true (cst_fee_repo_install_seed (owner, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 0);

  /* A clerk reads the schedules and quotes from them... */
  stored = cst_fee_repo_load_schedules (clerk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_fee_schedule_set_get_schedules (stored)->len, ==,
                    cst_fee_schedule_set_get_schedules (seed)->len);
  quote = quote_pa_attorney (stored);
  g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, 14914);
  g_assert_true (cst_fee_schedule_is_unconfirmed (cst_fee_schedule_set_lookup (stored, "TX-hospital")));

  /* ...but cannot install or edit them. */
  g_assert_false (cst_fee_repo_install_seed (clerk, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
}

/* Issue 17: a schedule a later Custodian ships reaches a database on the
 * next `db migrate` (install), unless it would overlap amounts an
 * administrator entered meanwhile for the same requests: then it is left
 * out and the administrator's stay in force, so quoting keeps working. */
static void
test_install_new_period (void)
{
  g_autoptr(CstTestDb) own = cst_test_db_new ();
  g_autofree char *admin_info = cst_test_db_create_login (own, "custodian_admin");
  g_autoptr(PGconn) admin = cst_db_connect (admin_info, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) entered = NULL;
  g_autoptr(CstFeeSchedule) saved = NULL;
  g_autoptr(CstFeeScheduleSet) shipped = NULL;
  g_autoptr(CstFeeScheduleSet) stored = NULL;
  guint added = 0, skipped = 0;

#define IL(key, from, to, cents) \
  "[" key "]\njurisdiction=IL\nrequesters=all\neffective-from=" from "\neffective-to=" to "\n" \
  "confidence=C\ncitation=735 ILCS 5/8-2001\nrequest-fee-cents=" cents "\npaper=1-:100\n"
  entered = cst_fee_schedule_new_from_text (IL ("IL-2025-entered", "2025-01-01", "2025-12-31", "3500"), &error);
  g_assert_no_error (error);
  saved = cst_fee_repo_save_version (admin, entered, &error);
  g_assert_no_error (error);

  shipped = cst_fee_schedule_set_new_from_data (IL ("IL-2025", "2025-01-01", "2025-12-31", "3600")
                                                IL ("IL-2026", "2026-01-01", "2026-12-31", "3700"), -1, &error);
  g_assert_no_error (error);
  g_assert_true (cst_fee_repo_install_schedules (admin, shipped, &added, &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 1);     /* IL-2026 */
  g_assert_cmpuint (skipped, ==, 1);   /* IL-2025 would overlap IL-2025-entered */
#undef IL

  stored = cst_fee_repo_load_schedules (admin, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cst_fee_schedule_set_lookup (stored, "IL-2026"));
  g_assert_nonnull (cst_fee_schedule_set_lookup (stored, "IL-2025-entered"));
  g_assert_null (cst_fee_schedule_set_lookup (stored, "IL-2025"));

  /* Again: nothing new, nothing refused twice over. */
  g_assert_true (cst_fee_repo_install_schedules (admin, shipped, &added, &skipped, &error));
  g_assert_cmpuint (added, ==, 0);
}

static void
test_admin_versions (void)
{
  g_autofree char *admin_info = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) admin = cst_db_connect (admin_info, NULL);
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (admin, NULL);
  CstFeeSchedule *pa = cst_fee_schedule_set_lookup (set, "PA-2025");
  g_autofree char *text = cst_fee_schedule_to_text (pa);
  g_auto(GStrv) parts = g_strsplit (text, "request-fee-cents=2874", 2);
  g_autofree char *edited_text = g_strjoinv ("request-fee-cents=2900", parts);
  g_auto(GStrv) date_parts = g_strsplit (text, "effective-from=2025-01-01", 2);
  g_autofree char *overlapping_text = g_strjoinv ("effective-from=2023-06-01", date_parts);
  g_autoptr(CstFeeSchedule) edited = cst_fee_schedule_new_from_text (edited_text, NULL);
  g_autoptr(CstFeeSchedule) overlapping = cst_fee_schedule_new_from_text (overlapping_text, NULL);
  g_autoptr(CstFeeSchedule) saved = NULL;
  g_autoptr(CstFeeSchedule) refused = NULL;
  g_autoptr(CstFeeScheduleSet) after = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (edited);
  g_assert_nonnull (overlapping);

  /* Clerks and auditors may not edit schedules. */
  refused = cst_fee_repo_save_version (clerk, edited, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  refused = cst_fee_repo_save_version (auditor, edited, &error);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* An edit that would overlap PA-2023 is refused before it is saved. */
  refused = cst_fee_repo_save_version (admin, overlapping, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "overlap"));
  g_clear_error (&error);

  saved = cst_fee_repo_save_version (admin, edited, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_fee_schedule_get_version_label (saved), ==, "PA-2025@2");
  after = cst_fee_repo_load_schedules (clerk, &error);
  g_assert_no_error (error);
  quote = quote_pa_attorney (after);
  g_assert_cmpint (cst_fee_quote_get_total_cents (quote), ==, 14914 + 26);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "PA-2025@2");
  versions = cst_fee_repo_list_versions (auditor, "PA-2025", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);

  /* A saved version is history, even for the owner. */
  g_assert_false (cst_db_exec_command (owner, "UPDATE fee_schedules SET citation = 'x'", 0, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
}

static void
test_invoices (void)
{
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) clerk = cst_db_connect (clerk_info, NULL);
  g_autoptr(PGconn) auditor = cst_db_connect (auditor_info, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = add_pa_attorney_request (clerk, owner, "FEE-1");
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (clerk, NULL);
  g_autoptr(CstFeeQuote) quote = quote_pa_attorney (set);
  g_autoptr(CstFeeInvoice) invoice = NULL;
  g_autoptr(CstFeeInvoice) waived = NULL;
  g_autoptr(CstFeeInvoice) refused = NULL;
  g_autoptr(CstFeeInvoice) adjustment = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(PGresult) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id_text = NULL;
  gint64 request_id = cst_request_get_id (request);
  g_autofree char *request_text = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  g_autofree char *waived_text = NULL;
  const char *params[1];

  invoice = cst_fee_repo_issue_invoice (clerk, request_id, quote, CST_FEE_UNSET, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^INV-[0-9]{4}-[0-9]{6}$", invoice->number, 0, 0));
  /* 14914 at PA-2025@1, more after the admin test's edit. */
  g_assert_cmpint (invoice->total_cents, ==, cst_fee_quote_get_total_cents (quote));
  g_assert_cmpint (invoice->quoted_cents, ==, cst_fee_quote_get_total_cents (quote));
  g_assert_cmpstr (invoice->method, ==, "state-schedule");
  g_assert_nonnull (strstr (invoice->lines_json, "\"rule\": \"request-fee\""));
  g_assert_nonnull (strstr (invoice->justification_json, "\"schedule_version\": \"PA-2025@"));

  /* Issued means frozen: clerks hold no UPDATE grant, and the trigger
   * refuses even the owner. */
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, invoice->id);
  params[0] = id_text;
  g_assert_false (cst_db_exec_command (clerk, "UPDATE invoices SET total_cents = 0 WHERE id = $1",
                                       1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (owner, "UPDATE invoices SET total_cents = 0 WHERE id = $1",
                                       1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (owner, "DELETE FROM invoices WHERE id = $1", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_APPEND_ONLY);
  g_clear_error (&error);

  /* An override needs a reason — in the library, and in the database
   * (tests/db/test-invoice-trust.c tries the function itself). */
  refused = cst_fee_repo_issue_invoice (clerk, request_id, quote, 0, "  ", &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents, total_cents, "
    "lines, justification) VALUES ($1, 'state-schedule', 'PA', '2025-06-02', 0, 100, '[]', '{}')",
    1, (const char *[]) { request_text }, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* Lines that do not add up to the quote are refused by the trigger. */
  g_assert_false (cst_db_exec_command (owner,
    "INSERT INTO invoices (request_id, method, jurisdiction, received_date, quoted_cents, total_cents, "
    "lines, justification) VALUES ($1, 'state-schedule', 'PA', '2025-06-02', 100, 100, "
    "'[{\"amount_cents\": 99}]', '{}')",
    1, (const char *[]) { request_text }, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  waived = cst_fee_repo_issue_invoice (clerk, request_id, quote, 0, "Waived: patient hardship (policy 4.2)", &error);
  g_assert_no_error (error);
  g_assert_cmpint (waived->total_cents, ==, 0);
  waived_text = g_strdup_printf ("%" G_GINT64_FORMAT, waived->id);
  audit = cst_db_exec (auditor,
    "SELECT new_row->>'override_reason', actor FROM audit_log WHERE table_name = 'invoices' "
    "AND row_id = $1::bigint", 1, (const char *[]) { waived_text },
    &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (audit), ==, 1);
  g_assert_cmpstr (cst_db_value (audit, 0, 0), ==, "Waived: patient hardship (policy 4.2)");

  /* Corrections are new invoices. */
  adjustment = cst_fee_repo_issue_adjustment (clerk, invoice->id, -400, NULL, &error);
  g_assert_null (adjustment);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  adjustment = cst_fee_repo_issue_adjustment (clerk, invoice->id, -20000, "Refund", &error);
  g_assert_null (adjustment);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  adjustment = cst_fee_repo_issue_adjustment (clerk, invoice->id, -400, "Postage was not used: picked up", &error);
  g_assert_no_error (error);
  g_assert_cmpint (adjustment->total_cents, ==, -400);
  g_assert_cmpint (adjustment->adjusts_invoice_id, ==, invoice->id);
  g_assert_cmpstr (adjustment->method, ==, "adjustment");

  list = cst_fee_repo_list_invoices (auditor, request_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);

  /* Auditors read, never issue. */
  refused = cst_fee_repo_issue_invoice (auditor, request_id, quote, CST_FEE_UNSET, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
}

/* The invoice state a clerk's window reads, issues and adjusts. */
static void
test_async_invoices (void)
{
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *auditor_info = cst_test_db_create_login (db, "custodian_auditor");
  g_autoptr(PGconn) clerk_conn = cst_db_connect (clerk_info, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstConnection) clerk = cst_connection_new (clerk_info);
  g_autoptr(CstConnection) auditor = cst_connection_new (auditor_info);
  g_autoptr(CstRequest) request = add_pa_attorney_request (clerk_conn, owner, "FEE-ASYNC");
  gint64 request_id = cst_request_get_id (request);
  g_autoptr(GAsyncResult) loaded = NULL, none = NULL, issued = NULL, adjusted = NULL, refused = NULL,
                          cancelled = NULL, read = NULL;
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(CstFeeInvoiceState) state = NULL;
  g_autoptr(CstFeeInvoiceState) after = NULL;
  g_autoptr(CstFeeInvoiceState) seen = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  cst_fee_repo_load_schedules_async (clerk, NULL, cst_test_result_cb, &loaded);
  set = cst_fee_repo_load_schedules_finish (clerk, cst_test_wait_result (&loaded, 10), &error);
  g_assert_no_error (error);
  quote = quote_pa_attorney (set);

  /* No invoice yet: no state and no error. */
  cst_fee_repo_invoice_state_async (clerk, request_id, NULL, cst_test_result_cb, &none);
  g_assert_null (cst_fee_repo_invoice_state_finish (clerk, cst_test_wait_result (&none, 10), &error));
  g_assert_no_error (error);

  cst_fee_repo_issue_invoice_async (clerk, request_id, quote, NULL, cst_test_result_cb, &issued);
  state = cst_fee_repo_invoice_state_finish (clerk, cst_test_wait_result (&issued, 10), &error);
  g_assert_no_error (error);
  g_assert_nonnull (state);
  g_assert_cmpint (state->invoice->total_cents, ==, cst_fee_quote_get_total_cents (quote));
  g_assert_cmpint (state->owed_cents, ==, state->invoice->total_cents);
  g_assert_cmpuint (state->n_adjustments, ==, 0);

  /* An adjustment is summed into what is owed; the original stays. */
  cst_fee_repo_issue_adjustment_async (clerk, request_id, state->invoice->id, -400, "Picked up",
                                        NULL, cst_test_result_cb, &adjusted);
  after = cst_fee_repo_invoice_state_finish (clerk, cst_test_wait_result (&adjusted, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->invoice->id, ==, state->invoice->id);
  g_assert_cmpint (after->owed_cents, ==, state->invoice->total_cents - 400);
  g_assert_cmpuint (after->n_adjustments, ==, 1);

  /* The auditor reads the same state but may not adjust. */
  cst_fee_repo_invoice_state_async (auditor, request_id, NULL, cst_test_result_cb, &read);
  seen = cst_fee_repo_invoice_state_finish (auditor, cst_test_wait_result (&read, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen->owed_cents, ==, after->owed_cents);
  cst_fee_repo_issue_adjustment_async (auditor, request_id, state->invoice->id, -100, "No",
                                        NULL, cst_test_result_cb, &refused);
  g_assert_null (cst_fee_repo_invoice_state_finish (auditor, cst_test_wait_result (&refused, 10), &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* A view that has moved on cancels: the answer says so. */
  g_cancellable_cancel (cancellable);
  cst_fee_repo_invoice_state_async (clerk, request_id, cancellable, cst_test_result_cb, &cancelled);
  g_assert_null (cst_fee_repo_invoice_state_finish (clerk, cst_test_wait_result (&cancelled, 10), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The schedules window's jobs: versions listed, and saved by an
 * administrator only. */
static void
test_async_versions (void)
{
  g_autofree char *admin_info = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *clerk_info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) admin = cst_connection_new (admin_info);
  g_autoptr(CstConnection) clerk = cst_connection_new (clerk_info);
  g_autoptr(GAsyncResult) loaded = NULL, listed = NULL, saved = NULL, refused = NULL, relisted = NULL;
  g_autoptr(CstFeeScheduleSet) set = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(CstFeeSchedule) edited = NULL;
  g_autoptr(CstFeeSchedule) version = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  cst_fee_repo_load_schedules_async (admin, NULL, cst_test_result_cb, &loaded);
  set = cst_fee_repo_load_schedules_finish (admin, cst_test_wait_result (&loaded, 10), &error);
  g_assert_no_error (error);
  cst_fee_repo_list_versions_async (clerk, "TX-hospital", NULL, cst_test_result_cb, &listed);
  before = cst_fee_repo_list_versions_finish (clerk, cst_test_wait_result (&listed, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, >=, 1);

  text = cst_fee_schedule_to_text (cst_fee_schedule_set_lookup (set, "TX-hospital"));
  edited = cst_fee_schedule_new_from_text (text, &error);
  g_assert_no_error (error);
  cst_fee_repo_save_version_async (clerk, edited, NULL, cst_test_result_cb, &refused);
  g_assert_null (cst_fee_repo_save_version_finish (clerk, cst_test_wait_result (&refused, 10), &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  cst_fee_repo_save_version_async (admin, edited, NULL, cst_test_result_cb, &saved);
  version = cst_fee_repo_save_version_finish (admin, cst_test_wait_result (&saved, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_fee_schedule_get_version (version), ==,
                   cst_fee_schedule_get_version (g_ptr_array_index (before, 0)) + 1);
  cst_fee_repo_list_versions_async (clerk, "TX-hospital", NULL, cst_test_result_cb, &relisted);
  versions = cst_fee_repo_list_versions_finish (clerk, cst_test_wait_result (&relisted, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, before->len + 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fee/store/seed-and-load", test_seed_and_load);
  g_test_add_func ("/fee/store/install-new-period", test_install_new_period);
  g_test_add_func ("/fee/store/admin-versions", test_admin_versions);
  g_test_add_func ("/fee/store/invoices", test_invoices);
  g_test_add_func ("/fee/store/async-invoices", test_async_invoices);
  g_test_add_func ("/fee/store/async-versions", test_async_versions);
  return cst_test_db_run (&db);
}
