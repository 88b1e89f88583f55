/* test-facilities.c — a health system's facilities (issue 22, 0080):
 * each clerk sees and changes only the requests, invoices and records of
 * the facilities they work for, as ordinary logins of two facilities; the
 * system-wide administrator and auditor see all; a login named nowhere
 * works for the default facility; each facility numbers its requests with
 * its own prefix and keeps its own actual-cost defaults and service
 * target. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

typedef struct
{
  PGconn *admin;
  PGconn *main_clerk;    /* named nowhere: the default facility */
  PGconn *north_clerk;   /* a member of NORTH only */
  CstRequest *main_request;
  CstRequest *north_request;
} Fixture;

static gint64
count (PGconn     *conn,
       const char *sql)
{
  return cst_test_db_int (conn, sql, 0, NULL);
}

/* One set of facilities, logins and requests for the whole program, made
 * by the first test; the tests run in order, the memberships' last. */
static Fixture fixture;

static Fixture *
fixture_get (void)
{
  Fixture *f = &fixture;
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *north = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *main_login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstFacility) draft = cst_facility_new ();
  g_autoptr(CstFacility) added = NULL;
  g_autoptr(GError) error = NULL;

  if (f->admin != NULL)
    return f;

  f->admin = cst_test_connect (admin);
  f->north_clerk = cst_test_connect (north);
  f->main_clerk = cst_test_connect (main_login);
  g_free (draft->code);
  draft->code = g_strdup ("NORTH");
  g_free (draft->request_prefix);
  draft->request_prefix = g_strdup ("NOR");
  draft->service_target_days = 5;
  draft->cost_labor_minutes = 20;
  draft->cost_hourly_rate_cents = 2400;
  draft->cost_supplies_cents = 150;
  cst_facility_set (draft, CST_FACILITY_NAME, "North Clinic");
  cst_facility_set (draft, CST_FACILITY_ADDRESS, "9 Pine Road\nNorthtown, CA 95501");
  cst_facility_set (draft, CST_FACILITY_PHONE, "(555) 010-0900");
  cst_facility_set (draft, CST_FACILITY_PAY_TEXT, "Send a check payable to North Clinic.");
  cst_facility_set (draft, CST_FACILITY_DEFAULT_STATE, "CA");
  added = cst_facility_add (f->admin, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (added->code, ==, "NORTH");
  g_assert_false (added->is_default);
  g_assert_true (cst_facility_set_member (f->admin, PQuser (f->north_clerk), "NORTH", TRUE, &error));
  g_assert_no_error (error);

  f->main_request = cst_test_db_add_request (f->main_clerk, "FAC-MAIN");
  f->north_request = cst_test_db_add_request_for (f->north_clerk, "FAC-NORTH", "Ann Lee",
                                                  CST_REQUESTER_PATIENT, "CA");
  return f;
}

static void
fixture_free (void)
{
  Fixture *f = &fixture;

  g_clear_object (&f->main_request);
  g_clear_object (&f->north_request);
  g_clear_pointer (&f->admin, PQfinish);
  g_clear_pointer (&f->main_clerk, PQfinish);
  g_clear_pointer (&f->north_clerk, PQfinish);
}

static char *
text_of (CstRequest *request,
         const char *property)
{
  char *value = NULL;

  g_object_get (request, property, &value, NULL);
  return value;
}

/* Each request belongs to its clerk's facility and carries its prefix. */
static void
test_requests_belong (void)
{
  Fixture *f = fixture_get ();
  g_autofree char *main_code = text_of (f->main_request, "facility-code");
  g_autofree char *north_code = text_of (f->north_request, "facility-code");

  g_assert_cmpstr (main_code, ==, "MAIN");
  g_assert_cmpstr (north_code, ==, "NORTH");
  g_assert_true (g_str_has_prefix (cst_request_get_reference (f->main_request), "ROI-"));
  g_assert_true (g_str_has_prefix (cst_request_get_reference (f->north_request), "NOR-"));
}

/* The request list as @conn reads it, whole and its first rows: @n rows,
 * each of @code's facility unless @code is NULL. */
static void
assert_listed (PGconn     *conn,
               guint       n,
               const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = cst_request_repo_list (conn, NULL, &error);
  g_autoptr(GPtrArray) first = NULL;

  g_assert_no_error (error);
  first = cst_request_repo_list_first (conn, NULL, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, n);
  g_assert_cmpuint (first->len, ==, n);
  for (guint i = 0; code != NULL && i < n; i++)
    {
      g_autofree char *listed = text_of (g_ptr_array_index (all, i), "facility-code");

      g_assert_cmpstr (listed, ==, code);
    }
}

/* How many requests request_ids_by_reference() gives @conn for a word
 * of @request's reference, as the search of older requests asks. */
static gint64
references_found (PGconn     *conn,
                  CstRequest *request)
{
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", cst_request_get_reference (request));
  const char *params[] = { pattern };

  return cst_test_db_int (conn, "SELECT count(*) FROM request_ids_by_reference($1)", 1, params);
}

/* A clerk of one facility neither sees nor changes the other's requests;
 * the administrator and the auditor see both. */
static void
test_clerks_see_their_facility (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) seen = NULL;
  g_autofree char *north_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               cst_request_get_id (f->north_request));
  const char *params[] = { north_id };
  g_autoptr(PGresult) res = NULL;

  g_assert_cmpint (count (f->main_clerk, "SELECT count(*) FROM roi_requests"), ==, 1);
  g_assert_cmpint (count (f->north_clerk, "SELECT count(*) FROM roi_requests"), ==, 1);
  g_assert_cmpint (count (f->admin, "SELECT count(*) FROM roi_requests"), ==, 2);
  g_assert_cmpint (count (auditor, "SELECT count(*) FROM roi_requests"), ==, 2);

  /* The list and its first rows name the login's facilities to the
   * planner: the same rows as the policy lets through, all of them for the
   * administrator. */
  assert_listed (f->main_clerk, 1, "MAIN");
  assert_listed (f->north_clerk, 1, "NORTH");
  assert_listed (f->admin, 2, NULL);

  /* The search of older requests by reference runs as the tables' owner
   * (0125), so it applies the facility rule itself: another facility's
   * reference finds nothing. */
  g_assert_cmpint (references_found (f->main_clerk, f->north_request), ==, 0);
  g_assert_cmpint (references_found (f->north_clerk, f->north_request), ==, 1);
  g_assert_cmpint (references_found (f->admin, f->north_request), ==, 1);
  g_assert_cmpint (references_found (auditor, f->north_request), ==, 1);
  g_assert_cmpint (references_found (f->main_clerk, f->main_request), ==, 1);

  seen = cst_request_repo_get (f->main_clerk, cst_request_get_id (f->north_request), &error);
  g_assert_null (seen);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An UPDATE of the other facility's request finds no row. */
  res = cst_db_exec (f->main_clerk,
                     "UPDATE roi_requests SET assignee = 'me' WHERE id = $1 RETURNING id",
                     1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 0);
  g_assert_cmpint (cst_test_db_int_for_id (f->admin,
                     "SELECT count(*) FROM roi_requests WHERE id = $1 AND assignee IS NULL",
                     cst_request_get_id (f->north_request)), ==, 1);
}

/* A clerk cannot file a request at a facility they do not work for. */
static void
test_clerk_cannot_file_elsewhere (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(CstRequest) draft = cst_test_db_request_draft ("FAC-ELSE", "Ann Lee",
                                                           CST_REQUESTER_PATIENT, "CA");
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (draft, "facility-code", "NORTH", NULL);
  created = cst_request_repo_create (f->main_clerk, draft, &error);
  g_assert_null (created);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_object_set (draft, "facility-code", "NOWHERE", NULL);
  created = cst_request_repo_create (f->main_clerk, draft, &error);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_assert_cmpint (count (f->admin, "SELECT count(*) FROM roi_requests"), ==, 2);
}

/* Invoices are their request's facility's: the other facility's clerk
 * neither sees them nor issues one through the owner's function, which
 * row-level security does not see. */
static void
test_invoices_follow_the_request (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(CstFeeScheduleSet) set = cst_fee_repo_load_schedules (f->main_clerk, NULL);
  g_autoptr(CstFeeQuote) quote = NULL;
  g_autoptr(CstFeeInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;
  CstFeeRequest fee;

  g_object_set (f->north_request, "page-count", 12, NULL);
  cst_test_db_issue_invoice (f->north_clerk, f->north_request, CST_FEE_METHOD_HIPAA_FLAT);
  g_assert_cmpint (count (f->north_clerk, "SELECT count(*) FROM invoices"), ==, 1);
  g_assert_cmpint (count (f->admin, "SELECT count(*) FROM invoices i JOIN facilities f"
                                    " ON f.id = i.facility_id WHERE f.code = 'NORTH'"), ==, 1);
  g_assert_cmpint (count (f->main_clerk, "SELECT count(*) FROM invoices"), ==, 0);

  g_assert_true (cst_request_fee_fill (f->north_request, CST_FEE_METHOD_HIPAA_FLAT, &fee, &error));
  quote = cst_fee_engine_quote (set, &fee, &error);
  g_assert_no_error (error);
  invoice = cst_fee_repo_issue_invoice (f->main_clerk, cst_request_get_id (f->north_request), quote,
                                        cst_fee_quote_get_total_cents (quote), NULL, &error);
  g_assert_null (invoice);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (count (f->admin, "SELECT count(*) FROM invoices"), ==, 1);
}

/* The text of @kind for @request, made by @conn's login and read back. */
static char *
document_text (PGconn          *conn,
               CstRequest      *request,
               CstDocumentKind  kind)
{
  CstDocumentOptions options = { CST_PDF_PAPER_LETTER, { NULL, NULL, NULL, NULL },
                                 NULL, NULL, NULL, NULL, NULL };
  g_autoptr(CstInvoice) invoice = cst_invoice_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;

  cst_invoice_add_line (invoice, "Search and retrieval", 1, 1500, 1500, NULL, NULL);
  pdf = cst_document_repo_render (conn, kind, request, "en",
                                  kind == CST_DOCUMENT_INVOICE ? invoice : NULL, &options,
                                  NULL, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  return cst_test_pdf_squash (text);
}

/* A request's letters and invoices carry its facility's letterhead, made
 * by that facility's clerk: NORTH's, not the default facility's. */
static void
test_documents_carry_the_facility (void)
{
  Fixture *f = fixture_get ();
  const CstDocumentKind kinds[] = { CST_DOCUMENT_COVER_LETTER, CST_DOCUMENT_INVOICE };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *north = document_text (f->north_clerk, f->north_request, kinds[i]);
      g_autofree char *main = document_text (f->main_clerk, f->main_request, kinds[i]);

      g_assert_nonnull (strstr (north, "NorthClinic"));
      g_assert_nonnull (strstr (north, "9PineRoad"));
      g_assert_null (strstr (north, "CustodianGeneralHospital"));
      g_assert_nonnull (strstr (main, "CustodianGeneralHospital"));
      g_assert_null (strstr (main, "NorthClinic"));
    }
}

/* So does a payment's receipt (NORTH's invoice: invoices-follow-the-request). */
static void
test_receipt_carries_the_facility (void)
{
  Fixture *f = fixture_get ();
  CstPaymentEntry entry = { .amount_cents = 100, .method = CST_PAYMENT_METHOD_CHECK };
  g_autoptr(CstPayment) payment = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  g_autoptr(GError) error = NULL;

  payment = cst_payment_record (f->north_clerk, cst_request_get_id (f->north_request), &entry,
                                &error);
  g_assert_no_error (error);
  pdf = cst_payment_receipt_render (f->north_clerk, cst_request_get_id (f->north_request),
                                    payment->id, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "NorthClinic"));
  g_assert_null (strstr (squashed, "CustodianGeneralHospital"));
}

static char *
bates_prefix (PGconn     *conn,
              CstRequest *request)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = PQexecParams (conn,
    "SELECT prefix || '/' || first_number FROM allocate_bates($1, 3)", 1, NULL, params, NULL,
    NULL, 0);

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    return NULL;
  return g_strdup (PQgetvalue (res, 0, 0));
}

/* A packet is numbered from its request's facility's counter (0083):
 * NORTH's prefix and its own first number, whatever the default facility
 * handed out; a clerk cannot take a range for another facility's request. */
static void
test_bates_per_facility (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *main_range = NULL, *north_range = NULL, *refused = NULL;

  cst_test_db_exec_ok (owner, "UPDATE bates_counters c SET prefix = CASE f.code WHEN 'NORTH' THEN"
                              " 'NOR' ELSE 'MAIN' END, next_number = CASE f.code WHEN 'NORTH'"
                              " THEN 1 ELSE 500 END FROM facilities f WHERE f.id = c.facility_id",
                       0, NULL);
  main_range = bates_prefix (f->main_clerk, f->main_request);
  north_range = bates_prefix (f->north_clerk, f->north_request);
  g_assert_cmpstr (main_range, ==, "MAIN/500");
  g_assert_cmpstr (north_range, ==, "NOR/1");
  refused = bates_prefix (f->north_clerk, f->main_request);
  g_assert_null (refused);
  g_assert_cmpint (count (f->admin, "SELECT count(*) FROM bates_ranges r JOIN facilities f"
                                    " ON f.id = r.facility_id WHERE f.code = 'NORTH'"), ==, 1);
}

/* Only an administrator names members; a clerk named a member of NORTH
 * too then sees both facilities' requests. */
static void
test_memberships (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) members = NULL;

  g_assert_false (cst_facility_set_member (f->main_clerk, PQuser (f->main_clerk), "NORTH", TRUE,
                                           &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (count (f->main_clerk, "SELECT count(*) FROM roi_requests"), ==, 1);

  g_assert_true (cst_facility_set_member (f->admin, PQuser (f->main_clerk), "NORTH", TRUE, &error));
  g_assert_true (cst_facility_set_member (f->admin, PQuser (f->main_clerk), "MAIN", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->main_clerk, "SELECT count(*) FROM roi_requests"), ==, 2);
  members = cst_facility_members (f->admin, "NORTH", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_strv_length (members), ==, 2);

  /* Named a member of NORTH alone, the default facility is gone. */
  g_assert_true (cst_facility_set_member (f->admin, PQuser (f->main_clerk), "MAIN", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->main_clerk, "SELECT count(*) FROM roi_requests r JOIN facilities f"
                                         " ON f.id = r.facility_id WHERE f.code = 'MAIN'"), ==, 0);
}

/* The actual-cost defaults and service target are the facility's, read
 * by any of its clerks for a request's quote and clock. */
static void
test_facility_defaults (void)
{
  Fixture *f = fixture_get ();
  g_autoptr(CstFacility) north = NULL;
  g_autoptr(CstFacility) main = NULL;
  g_autoptr(CstFacility) hidden = NULL;
  g_autoptr(GError) error = NULL;

  north = cst_facility_load_for_request (f->north_clerk, cst_request_get_id (f->north_request),
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (north->code, ==, "NORTH");
  g_assert_cmpint (north->cost_labor_minutes, ==, 20);
  g_assert_cmpint (north->cost_hourly_rate_cents, ==, 2400);
  g_assert_cmpint (north->cost_supplies_cents, ==, 150);
  g_assert_cmpint (cst_test_db_int_for_id (f->north_clerk,
                     "SELECT service_due_date - (SELECT received_date FROM roi_requests WHERE id = $1)"
                     " FROM roi_request_clocks WHERE id = $1", cst_request_get_id (f->north_request)),
                   ==, 5);

  /* The clerk of the default facility does not get NORTH's letterhead. */
  hidden = cst_facility_load_for_request (f->main_clerk, cst_request_get_id (f->north_request),
                                          &error);
  g_assert_null (hidden);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The administrator changes the default facility's defaults; a clerk
   * may not. */
  main = cst_facility_load (f->admin, &error);
  g_assert_no_error (error);
  main->cost_hourly_rate_cents = 3000;
  g_assert_false (cst_facility_save_defaults (f->main_clerk, main, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (cst_facility_save_defaults (f->admin, main, &error));
  g_assert_no_error (error);
  g_clear_pointer (&main, cst_facility_free);
  main = cst_facility_load_for_request (f->main_clerk, cst_request_get_id (f->main_request), &error);
  g_assert_no_error (error);
  g_assert_cmpint (main->cost_hourly_rate_cents, ==, 3000);
}

/* custodian-cli facility add | list | grant | set --facility, as an
 * administrator; a clerk may list but not add. */
static void
test_cli (void)
{
  Fixture *f = fixture_get ();
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk_conn = cst_test_connect (clerk);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *out5 = NULL, *err5 = NULL;

  g_assert_cmpint (cst_test_cli_run (admin, &out, &err, "facility", "add", "--code", "SOUTH",
                                     "--name", "South Hospital", "--state", "TX",
                                     "--request-prefix", "STH", "--hourly-rate", "25.50", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "SOUTH"));
  g_assert_cmpint (cst_test_cli_run (clerk, &out2, &err2, "facility", "add", "--code", "WEST",
                                     "--state", "TX", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "Only an administrator"));
  g_assert_cmpint (cst_test_cli_run (clerk, &out3, &err3, "facility", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "NORTH"));
  g_assert_nonnull (strstr (out3, "South Hospital"));
  g_assert_null (strstr (out3, "WEST"));

  g_assert_cmpint (cst_test_cli_run (admin, &out4, &err4, "facility", "set", "--facility", "SOUTH",
                                     "--labor-minutes", "15", "--service-target", "7", NULL), ==, 0);
  g_assert_nonnull (strstr (out4, "15 min at $25.50/h"));

  /* The new clerk works for SOUTH alone once granted it: no request. */
  g_assert_cmpint (count (clerk_conn, "SELECT count(*) FROM roi_requests"), ==, 1);
  g_assert_cmpint (cst_test_cli_run (admin, &out5, &err5, "facility", "grant",
                                     "--login", PQuser (clerk_conn), "--facility", "SOUTH", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out5, "SOUTH"));
  g_assert_cmpint (count (clerk_conn, "SELECT count(*) FROM roi_requests"), ==, 0);
  g_assert_cmpint (count (f->admin, "SELECT cost_hourly_rate_cents FROM facilities"
                                    " WHERE code = 'SOUTH'"), ==, 2550);
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/facilities/requests-belong", test_requests_belong);
  g_test_add_func ("/facilities/clerks-see-their-facility", test_clerks_see_their_facility);
  g_test_add_func ("/facilities/clerk-cannot-file-elsewhere", test_clerk_cannot_file_elsewhere);
  g_test_add_func ("/facilities/invoices-follow-the-request", test_invoices_follow_the_request);
  g_test_add_func ("/facilities/defaults", test_facility_defaults);
  g_test_add_func ("/facilities/documents-carry-the-facility", test_documents_carry_the_facility);
  g_test_add_func ("/facilities/receipt-carries-the-facility", test_receipt_carries_the_facility);
  g_test_add_func ("/facilities/bates-per-facility", test_bates_per_facility);
  g_test_add_func ("/facilities/memberships", test_memberships);
  g_test_add_func ("/facilities/cli", test_cli);

  status = cst_test_db_run (&db);
  fixture_free ();
  return status;
}
