/* test-facility-fee-schedule.c — a facility's own fee schedule (issues 22
 * and 17, 0091): two facilities of one state, each with its own hospital
 * schedule, quote their clerks' requests with their own amounts and never
 * the neighbour's; a facility without one never borrows a claimed one;
 * only an administrator chooses it, and only a kind=facility schedule; the
 * server refuses an invoice priced with another facility's schedule. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"

static CstTestDb *db;

typedef struct
{
  char   *admin_info;
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
  g_autofree char *north = NULL, *south = NULL, *main_login = NULL;
  g_autoptr(GError) error = NULL;

  if (f->admin != NULL)
    return f;
  f->admin_info = cst_test_db_create_login (db, "custodian_admin");
  north = cst_test_db_create_login (db, "custodian_clerk");
  south = cst_test_db_create_login (db, "custodian_clerk");
  main_login = cst_test_db_create_login (db, "custodian_clerk");
  f->admin = cst_test_connect (f->admin_info);
  f->north_clerk = cst_test_connect (north);
  f->south_clerk = cst_test_connect (south);
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
  g_test_add_func ("/facility-fee-schedule/cli", test_cli);

  status = cst_test_db_run (&db);
  fixture_free ();
  return status;
}
