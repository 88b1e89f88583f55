/* test-release-forms.c — the release-time forms in the request view:
 * "no records found" needs a recorded search signed off by a second person
 * (the searcher's own sign-off and an early answer are refused, another
 * clerk's sign-off lets the answer close the request).  Release asks for
 * confirmation in one dialog that gathers the withholdings (each recorded
 * with its category) and the format and delivery proof (offered only with
 * the agreed reason when the format differs), recorded with the release;
 * Cancel there, or in Issue Invoice's confirmation, changes nothing. */
#include "config.h"

#include <adwaita.h>

#include "cst-fee-quote-panel.h"
#include "cst-release-forms.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

typedef struct
{
  char             *clerk;
  CstRequestStore  *store;
  CstWindow        *window;
  CstRequestDetail *detail;
  CstReleaseForms  *forms;
} Fixture;

static gboolean
forms_idle (gpointer data)
{
  return cst_release_forms_is_idle (data);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clerk = cst_test_db_create_login (db, "custodian_clerk");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
  g_free (f->clerk);
}

/* A request in progress, created before the window opens. */
static CstRequest *
add_in_progress (const char *mrn)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);

  return cst_test_db_move_along (conn, cst_test_db_add_request (conn, mrn), CST_STATUS_IN_PROGRESS);
}

static void
start_window (Fixture    *f,
              CstRequest *request)
{
  f->window = cst_test_gui_open_window (f->clerk, &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->forms = CST_RELEASE_FORMS (cst_request_detail_get_release_forms (f->detail));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  g_assert_true (cst_test_gui_wait_until (forms_idle, f->forms));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->forms)));
}

/* Presses a form's button and waits for the database's answer. */
static const char *
press (CstReleaseForms *forms,
       const char      *action)
{
  gtk_widget_activate_action (GTK_WIDGET (forms), action, NULL);
  g_assert_true (cst_test_gui_wait_until (forms_idle, forms));
  return cst_release_forms_get_message (forms);
}

static char *
stored (CstRequest *request,
        const char *sql)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, 1, params, &error);

  g_assert_no_error (error);
  if (PQntuples (res) == 0)
    return NULL;
  return g_strdup (PQgetvalue (res, 0, 0));
}

static gboolean
showing (gpointer data)
{
  Fixture *f = data;
  CstRequest *shown = cst_request_detail_get_request (f->detail);

  gint64 want = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (f->detail), "want"));

  return shown != NULL && cst_request_get_id (shown) == want;
}

/* Opens @away, then @back again, as a clerk returning to a request; the
 * forms start empty and read what is recorded. */
static void
reselect (Fixture    *f,
          CstRequest *away,
          CstRequest *back)
{
  CstRequest *requests[] = { away, back };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_object_set_data (G_OBJECT (f->detail), "want", GSIZE_TO_POINTER (cst_request_get_id (requests[i])));
      g_assert_true (cst_window_open_request (f->window, cst_request_get_id (requests[i])));
      g_assert_true (cst_test_gui_wait_until (showing, f));
      g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
      g_assert_true (cst_test_gui_wait_until (forms_idle, f->forms));
    }
}

static char *
login_name (const char *conninfo)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, NULL);
  g_autoptr(PGresult) who = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);

  return g_strdup (PQgetvalue (who, 0, 0));
}

static gboolean
denied (gpointer data)
{
  return cst_request_get_status (data) == CST_STATUS_DENIED;
}

static void
test_no_records_second_person (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = add_in_progress ("REL-1");
  g_autoptr(CstRequest) elsewhere = add_in_progress ("REL-1B");
  g_autofree char *other = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *searcher = login_name (f->clerk);
  g_autofree char *second = login_name (other);
  g_autofree char *status = NULL;
  g_autofree char *no_records = NULL;
  const char *message;

  start_window (f, request);

  /* A malformed date: nothing is sent. */
  cst_release_forms_set_field (f->forms, "systems", "EHR, Document archive");
  cst_release_forms_set_field (f->forms, "from", "2010-13-01");
  cst_release_forms_set_field (f->forms, "to", "2026-01-01");
  cst_release_forms_set_field (f->forms, "locations", "Main campus, Off-site storage");
  message = press (f->forms, "release.record-search");
  g_assert_nonnull (strstr (message, "Searched from"));
  g_assert_null (stored (request, "SELECT id FROM no_records_searches WHERE request_id = $1::bigint"));

  cst_release_forms_set_field (f->forms, "from", "2010-01-01");
  message = press (f->forms, "release.record-search");
  g_assert_cmpstr (message, ==, "Search recorded. A second person must sign it off.");
  {
    g_autofree char *systems = stored (request, "SELECT array_to_string(systems_searched, '|') "
                                                "FROM no_records_searches WHERE request_id = $1::bigint");
    g_assert_cmpstr (systems, ==, "EHR|Document archive");
  }

  /* The searcher cannot sign off their own search, nor answer without it. */
  message = press (f->forms, "release.sign-off");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "Search signed off.");
  cst_release_forms_answer_no_records (f->forms, "Try Demo Clinic, which may hold them");
  g_assert_true (cst_test_gui_wait_until (forms_idle, f->forms));
  g_assert_nonnull (strstr (cst_release_forms_get_message (f->forms), "second person"));
  status = stored (request, "SELECT status FROM roi_requests WHERE id = $1::bigint");
  g_assert_cmpstr (status, ==, "in_progress");

  /* A second clerk signs off from their own session. */
  {
    g_autoptr(CstConnection) connection = cst_connection_new (other);
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autoptr(CstRequest) copy = cst_request_repo_get (conn, cst_request_get_id (request), NULL);
    GtkWidget *window = gtk_window_new ();
    CstReleaseForms *theirs = g_object_new (CST_TYPE_RELEASE_FORMS, NULL);

    gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (theirs));
    cst_release_forms_set_connection (theirs, connection);
    cst_release_forms_set_request (theirs, copy);
    gtk_window_present (GTK_WINDOW (window));
    g_assert_true (cst_test_gui_wait_until (forms_idle, theirs));
    g_assert_cmpstr (press (theirs, "release.sign-off"), ==, "Search signed off.");
    g_assert_nonnull (strstr (cst_release_forms_get_no_records_status (theirs), "signed off"));
    gtk_window_destroy (GTK_WINDOW (window));
  }

  /* Back to the request: the recorded search shows, with its scope, who
   * searched and who signed off; another request shows none. */
  reselect (f, request, elsewhere);
  g_assert_cmpstr (cst_release_forms_get_no_records_status (f->forms), ==,
                   "Record the search, then have a second person sign it off.");
  reselect (f, elsewhere, request);
  {
    const char *shown = cst_release_forms_get_no_records_status (f->forms);
    g_autofree char *by = g_strdup_printf ("Search recorded by %s ", searcher);
    g_autofree char *signed_by = g_strdup_printf ("signed off by %s ", second);

    g_assert_nonnull (strstr (shown, by));
    /* Typed as YYYY-MM-DD, shown as the locale writes dates (en_US in tests). */
    g_assert_nonnull (strstr (shown, "EHR, Document archive, from 01/01/2010 to 01/01/2026"));
    g_assert_nonnull (strstr (shown, "Main campus, Off-site storage"));
    g_assert_nonnull (strstr (shown, signed_by));
  }

  /* Now the answer closes the request, and the view shows it. */
  cst_release_forms_answer_no_records (f->forms, "Try Demo Clinic, which may hold them");
  if (!cst_test_gui_wait_until (denied, cst_request_detail_get_request (f->detail)))
    g_error ("Not answered: %s", cst_release_forms_get_message (f->forms));
  g_free (status);
  status = stored (request, "SELECT status FROM roi_requests WHERE id = $1::bigint");
  no_records = stored (request, "SELECT no_records FROM roi_requests WHERE id = $1::bigint");
  g_assert_cmpstr (status, ==, "denied");
  g_assert_cmpstr (no_records, ==, "t");
}

/* A request ready for release, created before the window opens. */
static CstRequest *
add_ready (const char *mrn)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);

  return cst_test_db_move_along (conn, cst_test_db_add_request (conn, mrn), CST_STATUS_READY);
}

static gboolean
no_dialog (gpointer data)
{
  Fixture *f = data;

  return cst_test_gui_message_dialog (GTK_WINDOW (f->window)) == NULL;
}

/* Presses Release in the request view: its confirmation opens. */
static AdwMessageDialog *
press_release (Fixture *f)
{
  AdwMessageDialog *dialog;

  g_assert_null (cst_test_gui_message_dialog (GTK_WINDOW (f->window)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.advance", NULL);
  dialog = cst_test_gui_message_dialog (GTK_WINDOW (f->window));
  g_assert_nonnull (dialog);
  return dialog;
}

static gboolean
released (gpointer data)
{
  return cst_request_get_status (data) == CST_STATUS_RELEASED;
}

static char *
count_of (CstRequest *request,
          const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE request_id = $1::bigint", table);
  return stored (request, sql);
}

/* Release asks first, saying what cannot be undone, and gathers in the
 * same dialog what was withheld and the format and delivery proof: Release
 * is offered once the proof is complete (another format than asked needs
 * the agreed reason), and records them with the release. */
static void
test_release_dialog (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = add_ready ("REL-2");
  g_autoptr(PGconn) clerk = cst_db_connect (f->clerk, NULL);
  g_autoptr(PGresult) who = cst_db_exec (clerk, "SELECT session_user", 0, NULL, NULL);
  AdwMessageDialog *dialog;
  int format = 0;
  CstRecordFormat other_format;

  g_object_get (request, "format", &format, NULL);
  other_format = format == CST_FORMAT_PAPER ? CST_FORMAT_ELECTRONIC : CST_FORMAT_PAPER;
  start_window (f, request);
  g_assert_cmpuint (cst_release_forms_get_n_withheld (f->forms), ==, 0);

  dialog = press_release (f);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), cst_request_get_reference (request)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be undone"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "disclosure"));
  g_assert_true (cst_release_forms_can_record_delivery (f->forms));

  /* Two withholdings: one added, one still typed when Release is pressed. */
  cst_release_forms_set_choice (f->forms, "withheld-reason", CST_WITHHELD_PSYCHOTHERAPY_NOTES);
  cst_release_forms_set_field (f->forms, "withheld-description", "Psychotherapy notes, 2024");
  g_signal_emit_by_name (cst_test_gui_find_button (GTK_WIDGET (dialog), "_Add Another"), "clicked");
  cst_release_forms_set_choice (f->forms, "withheld-reason", CST_WITHHELD_PART2);
  cst_release_forms_set_field (f->forms, "withheld-description", "Substance use treatment records");

  /* Another format than asked, by mail: the tracking number and the
   * agreed reason are needed before Release is offered. */
  cst_release_forms_set_choice (f->forms, "produced-format", other_format);
  cst_release_forms_set_choice (f->forms, "delivery", CST_DELIVERY_MAIL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "release"));
  cst_release_forms_set_field (f->forms, "tracking-number", "9400 1000 0000 0000 0000 00");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "release"));
  cst_release_forms_set_field (f->forms, "mismatch-reason", "Requester agreed by phone");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "release"));

  cst_test_gui_respond (dialog, "_Release");
  if (!cst_test_gui_wait_until (released, cst_request_detail_get_request (f->detail)))
    g_error ("Not released: %s", cst_release_forms_get_message (f->forms));
  g_assert_true (cst_test_gui_wait_until (no_dialog, f));
  {
    g_autofree char *status = stored (request, "SELECT status FROM roi_requests WHERE id = $1::bigint");
    g_autofree char *withheld = stored (request,
      "SELECT string_agg(reason || '|' || recorded_by, ',' ORDER BY id) FROM release_withholdings "
      "WHERE request_id = $1::bigint");
    g_autofree char *expected = g_strdup_printf ("psychotherapy_notes|%s,part2|%s", PQgetvalue (who, 0, 0),
                                                 PQgetvalue (who, 0, 0));
    g_autofree char *tracking = stored (request, "SELECT tracking_number || '|' || mismatch_reason "
                                                 "FROM release_deliveries WHERE request_id = $1::bigint");
    g_autofree char *disclosures = count_of (request, "disclosures");

    g_assert_cmpstr (status, ==, "released");
    g_assert_cmpstr (withheld, ==, expected);
    g_assert_cmpstr (tracking, ==, "9400 1000 0000 0000 0000 00|Requester agreed by phone");
    g_assert_cmpstr (disclosures, ==, "1");
  }
}

static gboolean
panel_ready (gpointer data)
{
  return cst_fee_quote_panel_is_ready (data) && cst_fee_quote_panel_get_quote (data) != NULL;
}

static gboolean
invoice_issued (gpointer data)
{
  return cst_fee_quote_panel_get_invoice_total (data) >= 0;
}

static gboolean
saved (gpointer data)
{
  return !cst_request_detail_get_dirty (data);
}

/* Cancel in either confirmation changes nothing: Release records no
 * withholding, delivery or disclosure and the request stays ready; Issue
 * Invoice issues none.  Confirmed, the invoice is issued. */
static void
test_cancel_changes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = add_ready ("REL-3");
  CstFeeQuotePanel *panel;
  AdwMessageDialog *dialog;
  const char *const tables[] = { "release_withholdings", "release_deliveries", "disclosures",
                                 "rendered_documents", "invoices" };

  start_window (f, request);
  dialog = press_release (f);
  cst_release_forms_set_choice (f->forms, "withheld-reason", CST_WITHHELD_NOT_HELD);
  cst_release_forms_set_field (f->forms, "withheld-description", "Imaging held by the clinic");
  cst_release_forms_set_choice (f->forms, "delivery", CST_DELIVERY_PORTAL);
  cst_release_forms_set_field (f->forms, "mismatch-reason", "Requester asked for the portal");
  cst_test_gui_respond (dialog, "_Cancel");
  g_assert_true (cst_test_gui_wait_until (no_dialog, f));
  for (int i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (cst_test_gui_wait_until (forms_idle, f->forms));
  g_assert_cmpint (cst_request_get_status (cst_request_detail_get_request (f->detail)), ==, CST_STATUS_READY);
  {
    g_autofree char *status = stored (request, "SELECT status FROM roi_requests WHERE id = $1::bigint");
    g_assert_cmpstr (status, ==, "ready");
  }
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *n = count_of (request, tables[i]);
      g_assert_cmpstr (n, ==, "0");
    }

  /* Issue Invoice asks too; Cancel issues nothing. */
  panel = CST_FEE_QUOTE_PANEL (cst_request_detail_get_fee_panel (f->detail));
  cst_request_detail_set_page_count (f->detail, 12);
  if (!cst_test_gui_wait_until (panel_ready, panel))
    g_error ("No quote: %s", cst_fee_quote_panel_get_message (panel));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.save", NULL);
  g_assert_true (cst_test_gui_wait_until (saved, f->detail));
  dialog = ADW_MESSAGE_DIALOG (cst_fee_quote_panel_ask_issue_invoice (panel));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "never changes"));
  cst_test_gui_respond (dialog, "_Cancel");
  g_assert_true (cst_test_gui_wait_until (no_dialog, f));
  for (int i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (cst_fee_quote_panel_get_invoice_total (panel), <, 0);
  {
    g_autofree char *n = count_of (request, "invoices");
    g_assert_cmpstr (n, ==, "0");
  }

  dialog = ADW_MESSAGE_DIALOG (cst_fee_quote_panel_ask_issue_invoice (panel));
  cst_test_gui_respond (dialog, "_Issue Invoice");
  g_assert_true (cst_test_gui_wait_until (invoice_issued, panel));
  {
    g_autofree char *n = count_of (request, "invoices");
    g_assert_cmpstr (n, ==, "1");
  }
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add ("/release-forms/no-records-second-person", Fixture, NULL, fixture_setup,
              test_no_records_second_person, fixture_teardown);
  g_test_add ("/release-forms/release-dialog", Fixture, NULL, fixture_setup,
              test_release_dialog, fixture_teardown);
  g_test_add ("/release-forms/cancel-changes-nothing", Fixture, NULL, fixture_setup,
              test_cancel_changes_nothing, fixture_teardown);
  return cst_test_db_run (&db);
}
