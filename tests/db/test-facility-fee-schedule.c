/* test-facility-fee-schedule.c — a facility's own fee schedule (issues 22
 * and 17, 0091): two facilities of one state, each with its own hospital
 * schedule, quote their clerks' requests with their own amounts and never
 * the neighbour's; a facility without one never borrows a claimed one;
 * only an administrator chooses it, and only a kind=facility schedule; the
 * server refuses an invoice priced with another facility's schedule.  Every
 * other path that quotes takes the request's (or the login's) facility's
 * schedule too: the fee report's re-quote, `fee quote`, and the warning of
 * states nothing prices. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"

static CstTestDb *db;

typedef struct
{
  char   *admin_info;
  char   *north_info;
  char   *south_info;
  PGconn *admin;
  PGconn *north_clerk;   /* a member of NORTH only */
  PGconn *south_clerk;   /* a member of SOUTH only */
  PGconn *main_clerk;    /* named nowhere: the default facility */
} Fixture;

static Fixture fixture;

static void
add_facility (PGconn     *admin,
              const char *code,
              const char *prefix)
{
  g_autoptr(CstFacility) draft = cst_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autoptr(GError) error = NULL;

  g_free (draft->code);
  draft->code = g_strdup (code);
  g_free (draft->request_prefix);
  draft->request_prefix = g_strdup (prefix);
  cst_facility_set (draft, CST_FACILITY_NAME, code);
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, "NC");
  added = cst_facility_add (admin, draft, &error);
  g_assert_no_error (error);
}

/* A North Carolina hospital schedule for attorneys at @paper. */
static void
save_hospital_schedule (PGconn     *conn,
                        const char *key,
                        const char *paper)
{
  g_autofree char *text = g_strdup_printf ("[%s]\nkind=facility\njurisdiction=NC\nrequesters=attorney\n"
                                           "effective-from=2020-01-01\nconfidence=C\n"
                                           "citation=Hospital policy %s\npaper=%s\n", key, key, paper);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) schedule = cst_fee_schedule_new_from_text (text, &error);
  g_autoptr(CstFeeSchedule) saved = NULL;

  g_assert_no_error (error);
  saved = cst_fee_repo_save_version (conn, schedule, &error);
  g_assert_no_error (error);
}

static Fixture *
fixture_get (void)
{
  Fixture *f = &fixture;
  g_autofree char *main_login = NULL;
  g_autoptr(GError) error = NULL;

  if (f->admin != NULL)
    return f;
  f->admin_info = cst_test_db_create_login (db, "custodian_admin");
  f->north_info = cst_test_db_create_login (db, "custodian_clerk");
  f->south_info = cst_test_db_create_login (db, "custodian_clerk");
  main_login = cst_test_db_create_login (db, "custodian_clerk");
  f->admin = cst_test_connect (f->admin_info);
  f->north_clerk = cst_test_connect (f->north_info);
  f->south_clerk = cst_test_connect (f->south_info);
  f->main_clerk = cst_test_connect (main_login);
  add_facility (f->admin, "NORTH", "NOR");
  add_facility (f->admin, "SOUTH", "SOU");
  g_assert_true (cst_facility_set_member (f->admin, PQuser (f->north_clerk), "NORTH", TRUE, &error));
  g_assert_true (cst_facility_set_member (f->admin, PQuser (f->south_clerk), "SOUTH", TRUE, &error));
  g_assert_no_error (error);
  /* Two hospital schedules of one state, for the same requests. */
  save_hospital_schedule (f->admin, "NORTH-NC", "1-:25");
  save_hospital_schedule (f->admin, "SOUTH-NC", "1-:10");
  return f;
}

static void
fixture_free (void)
{
  Fixture *f = &fixture;

  g_clear_pointer (&f->admin_info, g_free);
  g_clear_pointer (&f->north_info, g_free);
  g_clear_pointer (&f->south_info, g_free);
  g_clear_pointer (&f->admin, PQfinish);
  g_clear_pointer (&f->north_clerk, PQfinish);
  g_clear_pointer (&f->south_clerk, PQfinish);
  g_clear_pointer (&f->main_clerk, PQfinish);
}

/* An attorney's request for 100 pages in North Carolina, for no purpose
 * the state prices: the hospital's own schedule is the charge. */
static CstRequest *
attorney_request (PGconn     *clerk,
                  const char *mrn)
{
  CstRequest *request = cst_test_db_add_request_for (clerk, mrn, "Lee & Park LLP", CST_REQUESTER_ATTORNEY, "NC");

  g_object_set (request, "page-count", 100, "format", CST_FORMAT_PAPER, NULL);
  return request;
}

/* The quote @clerk's desk makes for @request, or NULL with @error. */
static CstFeeQuote *
quote_as (PGconn      *clerk,
          CstRequest  *request,
          GError     **error)
{
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (clerk, error);
  CstFeeRequest fee;

  if (set == NULL || !cst_request_fee_fill_checked (clerk, request, CST_FEE_METHOD_DEFAULT, &fee, error))
    return NULL;
  return cst_fee_engine_quote (set, &fee, error);
}

static void
test_admin_chooses (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_assert_false (cst_fee_facility_set_schedule (f->north_clerk, "NORTH", "NORTH-NC", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  /* A state's schedule is not the hospital's own. */
  g_assert_false (cst_fee_facility_set_schedule (f->admin, "NORTH", "NC-90-411", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cst_fee_facility_set_schedule (f->admin, "NOWHERE", "NORTH-NC", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cst_fee_facility_set_schedule (f->admin, "NORTH", "NORTH-NC", &error));
  g_assert_true (cst_fee_facility_set_schedule (f->admin, "SOUTH", "SOUTH-NC", &error));
  g_assert_no_error (error);
  g_assert_true (cst_fee_facility_get_schedule (f->north_clerk, "NORTH", &key, &error));
  g_assert_cmpstr (key, ==, "NORTH-NC");
}

/* Each facility's clerk quotes with that facility's amounts. */
static void
test_each_quotes_its_own (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(CstRequest) north = attorney_request (f->north_clerk, "FEE-NORTH");
  g_autoptr(CstRequest) south = attorney_request (f->south_clerk, "FEE-SOUTH");
  g_autoptr(GError) north_error = NULL;
  g_autoptr(GError) south_error = NULL;
  g_autoptr(CstFeeQuote) north_quote = quote_as (f->north_clerk, north, &north_error);
  g_autoptr(CstFeeQuote) south_quote = quote_as (f->south_clerk, south, &south_error);

  g_assert_no_error (north_error);
  g_assert_no_error (south_error);
  g_assert_cmpint (cst_fee_quote_get_total_cents (north_quote), ==, 100 * 25);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (north_quote), ==, "NORTH-NC@1");
  g_assert_cmpint (cst_fee_quote_get_total_cents (south_quote), ==, 100 * 10);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (south_quote), ==, "SOUTH-NC@1");
}

/* A facility without a schedule of its own does not borrow a neighbour's:
 * the refusal tells the administrator what to enter. */
static void
test_no_borrowing (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(CstRequest) request = attorney_request (f->main_clerk, "FEE-MAIN");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeQuote) quote = quote_as (f->main_clerk, request, &error);

  g_assert_null (quote);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "kind=facility"));
}

/* Whatever the client quoted, the server issues an invoice only at the
 * request's facility's own hospital schedule. */
static void
test_server_refuses_neighbours (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(CstRequest) request = attorney_request (f->north_clerk, "FEE-NORTH-2");
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (f->north_clerk, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeQuote) borrowed = NULL;
  g_autoptr(CstFeeQuote) own = NULL;
  g_autoptr(CstFeeInvoice) refused = NULL;
  g_autoptr(CstFeeInvoice) issued = NULL;
  CstFeeRequest fee;

  g_assert_true (cst_request_fee_fill_checked (f->north_clerk, request, CST_FEE_METHOD_DEFAULT, &fee, &error));
  g_assert_true (cst_fee_request_set_facility_schedule (&fee, "SOUTH-NC", &error));
  borrowed = cst_fee_engine_quote (set, &fee, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (borrowed), ==, "SOUTH-NC@1");
  refused = cst_fee_repo_issue_invoice (f->north_clerk, cst_request_get_id (request), borrowed,
                                        cst_fee_quote_get_total_cents (borrowed), NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "another facility"));
  g_clear_error (&error);

  own = quote_as (f->north_clerk, request, &error);
  issued = cst_fee_repo_issue_invoice (f->north_clerk, cst_request_get_id (request), own,
                                       cst_fee_quote_get_total_cents (own), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (issued->total_cents, ==, 100 * 25);
  g_assert_cmpint (cst_test_db_int (f->admin, "SELECT count(*) FROM invoices"
                                              " WHERE quote_inputs->>'facility_schedule' = 'NORTH-NC'", 0, NULL),
                   ==, 1);
}

/* @clerk's request for @mrn, its page count stored (the report reads it),
 * invoiced at the quote its desk makes. */
static gint64
invoiced_request (PGconn     *clerk,
                  const char *mrn)
{
  g_autoptr(CstRequest) draft = attorney_request (clerk, mrn);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) request = cst_request_repo_save (clerk, draft, &error);
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(CstFeeInvoice) invoice = NULL;

  g_assert_no_error (error);
  quote = quote_as (clerk, request, &error);
  g_assert_no_error (error);
  invoice = cst_fee_repo_issue_invoice (clerk, cst_request_get_id (request), quote,
                                        cst_fee_quote_get_total_cents (quote), NULL, &error);
  g_assert_no_error (error);
  return cst_request_get_id (request);
}

typedef struct
{
  gint64 request_id;
  gint64 maximum_cents;   /* -1 until the report shows the request */
} Maximum;

static gboolean
keep_maximum (const CstFeeReportRow *row,
              gpointer               user_data,
              GError               **error)
{
  Maximum *wanted = user_data;

  if (row->request_id == wanted->request_id)
    wanted->maximum_cents = row->maximum_cents;
  return TRUE;
}

/* The legal maximum @clerk's fee report gives @request_id. */
static gint64
reported_maximum (PGconn *clerk,
                  gint64  request_id)
{
  CstFeeReportFilter filter = { 0 };
  Maximum wanted = { request_id, -1 };
  g_autoptr(GError) error = NULL;

  g_date_clear (&filter.from, 1);
  g_date_clear (&filter.to, 1);
  g_date_set_dmy (&filter.from, 1, G_DATE_JANUARY, 2000);
  g_date_set_dmy (&filter.to, 31, G_DATE_DECEMBER, 2100);
  g_assert_true (cst_fee_report_run (clerk, &filter, keep_maximum, &wanted, NULL, &error));
  g_assert_no_error (error);
  return wanted.maximum_cents;
}

/* The fee report quotes each request again with its facility's own
 * schedule: each facility's maximum is its own amount, not "cannot be
 * recomputed" and not the neighbour's. */
static void
test_report_requotes_its_own (void)
{
  Fixture *f = fixture_get ();
  gint64 north = invoiced_request (f->north_clerk, "FEE-REPORT-NORTH");
  gint64 south = invoiced_request (f->south_clerk, "FEE-REPORT-SOUTH");

  g_assert_cmpint (reported_maximum (f->north_clerk, north), ==, 100 * 25);
  g_assert_cmpint (reported_maximum (f->south_clerk, south), ==, 100 * 10);
}

/* `fee quote` for a hypothetical request quotes with the login's own
 * facility's schedule, or --facility's; a clerk cannot borrow a facility
 * it does not work for. */
static void
test_cli_quote (void)
{
  Fixture *f = fixture_get ();
  g_autofree char *north_out = NULL, *north_err = NULL;
  g_autofree char *south_out = NULL, *south_err = NULL;
  g_autofree char *admin_out = NULL, *admin_err = NULL;
  g_autofree char *borrow_out = NULL, *borrow_err = NULL;

  g_assert_cmpint (cst_test_cli_run (f->north_info, &north_out, &north_err, "fee", "quote", "--state", "NC",
                                     "--requester", "attorney", "--pages", "100", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (north_out, "\"NORTH-NC@1\""));
  g_assert_nonnull (strstr (north_out, "\"total_cents\":2500"));
  g_assert_cmpint (cst_test_cli_run (f->south_info, &south_out, &south_err, "fee", "quote", "--state", "NC",
                                     "--requester", "attorney", "--pages", "100", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (south_out, "\"SOUTH-NC@1\""));
  g_assert_nonnull (strstr (south_out, "\"total_cents\":1000"));
  /* An administrator names the facility. */
  g_assert_cmpint (cst_test_cli_run (f->admin_info, &admin_out, &admin_err, "fee", "quote", "--state", "NC",
                                     "--requester", "attorney", "--pages", "100", "--facility", "SOUTH",
                                     "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (admin_out, "\"SOUTH-NC@1\""));
  g_assert_cmpint (cst_test_cli_run (f->north_info, &borrow_out, &borrow_err, "fee", "quote", "--state", "NC",
                                     "--requester", "attorney", "--pages", "100", "--facility", "SOUTH",
                                     NULL), ==, 1);
  g_assert_nonnull (strstr (borrow_err, "not a facility this login works for"));
  g_assert_null (strstr (borrow_out, "SOUTH-NC"));
}

/* The state's line of the warning of requests nothing prices, as @clerk's
 * dashboard has it, or NULL. */
static char *
unpriced_line (PGconn     *clerk,
               const char *state)
{
  g_autoptr(CstFeeExpiring) expiring = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s law", state);
  GDate today;

  cst_input_today (&today);
  expiring = cst_fee_expiring_load (clerk, &today, CST_FEE_EXPIRY_WARN_DAYS, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < expiring->unpriced->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (expiring->unpriced, i), prefix))
      return g_strdup (g_ptr_array_index (expiring->unpriced, i));
  return NULL;
}

/* Each clerk is warned of its own facility's gaps: NORTH's schedule prices
 * its attorneys, and the default facility, which has none of its own, is
 * not reassured by its neighbours' schedules. */
static void
test_unpriced_by_facility (void)
{
  Fixture *f = fixture_get ();
  g_autofree char *north = unpriced_line (f->north_clerk, "NC");
  g_autofree char *main_line = unpriced_line (f->main_clerk, "NC");

  g_test_message ("NORTH: %s\nMAIN: %s", north, main_line);
  g_assert_nonnull (main_line);
  g_assert_nonnull (strstr (main_line, "attorney"));
  g_assert_null (strstr (main_line, "NORTH"));
  g_assert_nonnull (north);
  g_assert_null (strstr (north, "attorney"));
  g_assert_nonnull (strstr (north, "NORTH-NC"));
}

/* `facility set --fee-schedule` and `facility show`; "" takes it away. */
static void
test_cli (void)
{
  Fixture *f = fixture_get ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cst_test_cli_run (f->admin_info, &out, &err, "facility", "set", "--facility", "MAIN",
                                     "--fee-schedule", "NC-90-411", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not a hospital schedule"));
  g_assert_cmpint (cst_test_cli_run (f->admin_info, &out2, &err2, "facility", "set", "--facility", "SOUTH",
                                     "--fee-schedule", "", NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "(none of its own)"));
  g_assert_cmpint (cst_test_cli_run (f->admin_info, &out3, &err3, "facility", "show", "--facility", "NORTH",
                                     NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "NORTH-NC"));
  /* SOUTH-NC now belongs to no facility: one without its own uses it. */
  request = attorney_request (f->main_clerk, "FEE-MAIN-2");
  quote = quote_as (f->main_clerk, request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "SOUTH-NC@1");
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/facility-fee-schedule/admin-chooses", test_admin_chooses);
  g_test_add_func ("/facility-fee-schedule/each-quotes-its-own", test_each_quotes_its_own);
  g_test_add_func ("/facility-fee-schedule/no-borrowing", test_no_borrowing);
  g_test_add_func ("/facility-fee-schedule/server-refuses-neighbours", test_server_refuses_neighbours);
  g_test_add_func ("/facility-fee-schedule/report-requotes-its-own", test_report_requotes_its_own);
  g_test_add_func ("/facility-fee-schedule/cli-quote", test_cli_quote);
  g_test_add_func ("/facility-fee-schedule/unpriced-by-facility", test_unpriced_by_facility);
  g_test_add_func ("/facility-fee-schedule/cli", test_cli);

  status = cst_test_db_run (&db);
  fixture_free ();
  return status;
}
