/* test-fee-purpose.c — the request's purpose and the fee method's inputs
 * reach the engine (issue 17), in the window as a clerk uses it: choosing
 * "Benefits claim" makes a New York copy free (Public Health Law 18, 2017
 * amendment); the actual-cost inputs change the total as they are typed;
 * a patient's directive to a third party is quoted as the engine's
 * patient-directive (state schedule, Ciox note), not as "other". */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "cst-fee-quote-panel.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
#include "cst-window.h"
#include "cst-renderer.h"

static CstTestDb *db;

typedef struct
{
  CstRequestStore  *store;
  CstWindow        *window;
  CstRequestDetail *detail;
  CstFeeQuotePanel *panel;
} Fixture;

static CstRequest *
add_request (const char       *mrn,
             const char       *state,
             CstRequesterKind  kind)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) draft = cst_request_new ();
  g_autoptr(GError) error = NULL;
  GDate today, birth;
  CstRequest *request;

  cst_input_today (&today);
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, 2, 3, 1970);
  g_object_set (draft, "patient-mrn", mrn, "patient-family-name", "Doe", "patient-given-name", "Jo",
                "patient-birth-date", &birth, "requester-name", "Requester", "requester-kind", kind,
                "received-date", &today, "jurisdiction", state, "purpose", "Disability claim (SSA)",
                "format", CST_FORMAT_PAPER, "page-count", 10, NULL);
  request = cst_request_repo_create (owner, draft, &error);
  g_assert_no_error (error);
  return request;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");

  f->window = cst_test_gui_open_window (clerk, &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->panel = CST_FEE_QUOTE_PANEL (cst_request_detail_get_fee_panel (f->detail));
  cst_request_list_page_set_scope (CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window)),
                                   CST_LIST_SCOPE_ALL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
}

static gboolean
panel_ready (gpointer data)
{
  return cst_fee_quote_panel_is_ready (data);
}

typedef struct
{
  CstFeeQuotePanel *panel;
  gint64            total;   /* -1: waiting for no quote */
} TotalWait;

static gboolean
total_is (gpointer data)
{
  TotalWait *w = data;
  CstFeeQuote *quote = cst_fee_quote_panel_get_quote (w->panel);

  if (w->total < 0)
    return quote == NULL;
  return quote != NULL && cst_fee_quote_get_total_cents (quote) == w->total;
}

static void
wait_total (Fixture *f,
            gint64   total)
{
  TotalWait w = { f->panel, total };

  if (!cst_test_gui_wait_until (total_is, &w))
    {
      CstFeeQuote *quote = cst_fee_quote_panel_get_quote (f->panel);

      g_error ("expected %" G_GINT64_FORMAT ", have %" G_GINT64_FORMAT " (%s)", total,
               quote ? cst_fee_quote_get_total_cents (quote) : -1, cst_fee_quote_panel_get_message (f->panel));
    }
}

/* Selects the store's copy of @request and waits for its quote panel. */
static void
show (Fixture    *f,
      CstRequest *request)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  CstRequest *listed;

  /* The store LISTENs since it loaded: the new request arrives by its
   * NOTIFY first, before the reload below, as in the window. */
  g_assert_true (cst_test_db_wait_listed (f->store, cst_request_get_id (request), 15));
  cst_request_store_load_async (f->store, NULL, NULL, NULL);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_store_loaded, f->store));
  listed = cst_request_store_lookup (f->store, cst_request_get_id (request));
  g_assert_nonnull (listed);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, page));
  cst_request_list_page_select (page, listed);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  g_assert_true (cst_test_gui_wait_until (panel_ready, f->panel));
}

static gboolean
notes_mention (CstFeeQuote *quote,
               const char  *fragment)
{
  GPtrArray *notes = cst_fee_quote_get_notes (quote);

  for (guint i = 0; notes && i < notes->len; i++)
    if (strstr (g_ptr_array_index (notes, i), fragment))
      return TRUE;
  return FALSE;
}

/* New York: a patient's 10 paper pages cost the lesser of the HIPAA fee
 * and 75¢ a page (Public Health Law 18(2)(e)); for a government benefit
 * claim, nothing. */
static void
test_purpose_reaches_engine (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = add_request ("PURPOSE-1", "NY", CST_REQUESTER_PATIENT);
  CstFeeQuote *quote;

  show (f, request);
  cst_fee_quote_panel_select_method (f->panel, CST_FEE_METHOD_HIPAA_AVERAGE);
  wait_total (f, 550);   /* the shipped average-cost placeholder ($5 + 10 × 5¢), under the state's 10 × 75¢ */
  cst_request_detail_set_purpose_code (f->detail, CST_FEE_PURPOSE_BENEFITS_CLAIM);
  wait_total (f, 0);
  quote = cst_fee_quote_panel_get_quote (f->panel);
  g_assert_cmpint (cst_fee_quote_get_method (quote), ==, CST_FEE_METHOD_NO_CHARGE);
  g_assert_cmpstr (cst_fee_quote_get_schedule_version (quote), ==, "NY-benefits-free@1");
  g_assert_nonnull (cst_fee_quote_find_line (quote, "exemption"));
  cst_request_detail_set_purpose_code (f->detail, CST_FEE_PURPOSE_PERSONAL_INJURY);
  wait_total (f, 550);
}

/* Actual cost: 10 minutes at $24.00 an hour and 50¢ of supplies is $4.50,
 * under New York's $7.50; 5 minutes, $2.50.  The inputs are shown only for
 * the actual-cost method. */
static void
test_actual_cost_inputs (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = add_request ("PURPOSE-2", "NY", CST_REQUESTER_PATIENT);

  show (f, request);
  cst_fee_quote_panel_select_method (f->panel, CST_FEE_METHOD_HIPAA_AVERAGE);
  g_assert_false (cst_fee_quote_panel_shows_actual_cost (f->panel));
  cst_fee_quote_panel_select_method (f->panel, CST_FEE_METHOD_HIPAA_ACTUAL);
  g_assert_true (cst_fee_quote_panel_shows_actual_cost (f->panel));
  cst_fee_quote_panel_set_actual_cost (f->panel, 10, 2400, 50);
  wait_total (f, 450);
  g_assert_cmpint (cst_fee_quote_get_method (cst_fee_quote_panel_get_quote (f->panel)), ==,
                   CST_FEE_METHOD_HIPAA_ACTUAL);
  cst_fee_quote_panel_set_actual_cost (f->panel, 5, 2400, 50);
  wait_total (f, 250);
}

/* The actual-cost inputs start from the request's facility's defaults,
 * the hospital's (0080), not the desk's: 10 minutes at $24.00 and 50¢ is
 * $4.50 with nothing typed. */
static void
test_facility_cost_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = add_request ("PURPOSE-5", "NY", CST_REQUESTER_PATIENT);

  cst_test_db_exec_ok (owner, "UPDATE facilities SET cost_labor_minutes = 10,"
                              " cost_hourly_rate_cents = 2400, cost_supplies_cents = 50"
                              " WHERE is_default", 0, NULL);
  show (f, request);
  cst_fee_quote_panel_select_method (f->panel, CST_FEE_METHOD_HIPAA_ACTUAL);
  wait_total (f, 450);
  cst_test_db_exec_ok (owner, "UPDATE facilities SET cost_labor_minutes = 0,"
                              " cost_hourly_rate_cents = 0, cost_supplies_cents = 0"
                              " WHERE is_default", 0, NULL);
}

/* Texas: the individual's directive to a third party is the engine's
 * patient-directive: the state schedule, with the Ciox note; the same
 * request from "other" carries no such note. */
static void
test_patient_directive (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) directive = add_request ("PURPOSE-3", "TX", CST_REQUESTER_PATIENT_DIRECTIVE);
  g_autoptr(CstRequest) other = add_request ("PURPOSE-4", "TX", CST_REQUESTER_OTHER);
  g_autoptr(CstFeeQuote) directive_quote = NULL;
  CstFeeQuote *quote;

  show (f, directive);
  wait_total (f, 3000);   /* Tex. Health & Safety Code 241.154(b): $30 covers the first 10 pages */
  directive_quote = cst_fee_quote_ref (cst_fee_quote_panel_get_quote (f->panel));
  g_assert_cmpint (cst_fee_quote_get_method (directive_quote), ==, CST_FEE_METHOD_STATE_SCHEDULE);
  g_assert_true (notes_mention (directive_quote, "Ciox"));

  show (f, other);
  wait_total (f, 3000);
  quote = cst_fee_quote_panel_get_quote (f->panel);
  g_assert_false (notes_mention (quote, "Ciox"));
}

int
main (int argc, char **argv)
{
  int status;

  cst_renderer_prepare ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  db = cst_test_db_new ();
  g_test_add ("/fee-purpose/purpose-reaches-engine", Fixture, NULL, fixture_setup,
              test_purpose_reaches_engine, fixture_teardown);
  g_test_add ("/fee-purpose/actual-cost-inputs", Fixture, NULL, fixture_setup,
              test_actual_cost_inputs, fixture_teardown);
  g_test_add ("/fee-purpose/facility-cost-defaults", Fixture, NULL, fixture_setup,
              test_facility_cost_defaults, fixture_teardown);
  g_test_add ("/fee-purpose/patient-directive", Fixture, NULL, fixture_setup,
              test_patient_directive, fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
