/* test-request-safeguards.c — the request view's two clocks side by side
 * (legal deadline with its extension, the department's target), the
 * repeat-request link and supervisor flag, and the personal
 * representative's authority: Verify is withheld until the authority is
 * recorded, by this clerk, and then moves the request on. */
#include "config.h"

#include <adwaita.h>

#include "cst-due-badge.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-request-safeguards.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

typedef struct
{
  char                 *clerk;
  CstRequestStore      *store;
  CstWindow            *window;
  CstRequestDetail     *detail;
  CstRequestSafeguards *safeguards;
} Fixture;

static gboolean
safeguards_loaded (gpointer data)
{
  return cst_request_safeguards_is_loaded (data);
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

/* The window, opened once the test's requests exist. */
static void
start_window (Fixture *f)
{
  f->window = cst_test_gui_open_window (f->clerk, &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->safeguards = CST_REQUEST_SAFEGUARDS (cst_request_detail_get_safeguards (f->detail));
}

static void
open_request (Fixture    *f,
              CstRequest *request)
{
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  if (!cst_test_gui_wait_until (safeguards_loaded, f->safeguards))
    g_error ("Safeguards not loaded: %s", cst_request_safeguards_get_message (f->safeguards));
}

static char *
date_in (int days)
{
  GDate date;

  cst_input_today (&date);
  if (days >= 0)
    g_date_add_days (&date, days);
  else
    g_date_subtract_days (&date, -days);
  /* gtk_test_init() runs the tests in en_US.UTF-8, where the window
   * writes dates MM/DD/YYYY. */
  return g_strdup_printf ("%02u/%02u/%04u", g_date_get_month (&date), g_date_get_day (&date),
                          g_date_get_year (&date));
}

/* Legal deadline and service target side by side, each with its date and
 * what is left; the extension moves only the legal one. */
static void
test_two_clocks (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) plain = NULL;
  g_autoptr(CstRequest) extended = NULL;
  g_autofree char *legal_due = date_in (3);
  g_autofree char *service_due = date_in (-17);
  g_autofree char *extended_due = date_in (20);
  g_autofree char *today = date_in (0);
  const char *legal, *service;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autoptr(CstRequest) fresh = NULL;
    g_autoptr(GError) error = NULL;
    GDate now;

    plain = cst_test_db_add_request (conn, "CLOCK-1");
    cst_test_db_set_received (conn, plain, 27);
    fresh = cst_test_db_add_request (conn, "CLOCK-2");
    cst_input_today (&now);
    extended = cst_extension_take (conn, fresh, &now, "Records stored off site", "en", NULL, NULL, &error);
    g_assert_no_error (error);
    cst_test_db_set_received (conn, extended, 40);
  }
  start_window (f);

  open_request (f, plain);
  legal = cst_request_safeguards_get_legal_text (f->safeguards);
  service = cst_request_safeguards_get_service_text (f->safeguards);
  g_assert_nonnull (strstr (legal, legal_due));
  g_assert_nonnull (strstr (legal, "3 days left"));
  g_assert_null (strstr (legal, "extended"));
  /* The department's 10-day target, from the same received date. */
  g_assert_nonnull (strstr (service, service_due));
  g_assert_nonnull (strstr (service, "missed by 17 days"));

  open_request (f, extended);
  legal = cst_request_safeguards_get_legal_text (f->safeguards);
  g_assert_nonnull (strstr (legal, extended_due));
  g_assert_nonnull (strstr (legal, "20 days left"));
  g_assert_nonnull (strstr (legal, "extended on"));
  g_assert_nonnull (strstr (legal, today));
  g_assert_nonnull (strstr (cst_request_safeguards_get_service_text (f->safeguards), "missed by 30 days"));
}

/* The clock by state and by who asks (issue 23): California's 15 days,
 * sooner than HIPAA's and said so, with no extension to offer; an
 * attorney's request, no legal deadline at all; a New York patient's,
 * HIPAA's 30 days and the extension offered. */
static void
test_rule_by_state (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) california = NULL;
  g_autoptr(CstRequest) attorney = NULL;
  g_autoptr(CstRequest) new_york = NULL;
  g_autofree char *due = date_in (12);
  GtkWidget *extend;
  const char *legal, *rule;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);

    california = cst_test_db_add_request_for (conn, "RULE-1", "Lucía Ortega", CST_REQUESTER_PATIENT, "CA");
    cst_test_db_set_received (conn, california, 3);
    attorney = cst_test_db_add_request_for (conn, "RULE-2", "Dana Whitlock, Esq.", CST_REQUESTER_ATTORNEY, "NY");
    new_york = cst_test_db_add_request (conn, "RULE-3");
  }
  start_window (f);
  extend = cst_request_detail_get_extend_button (f->detail);
  /* The list's badge names the rule in its tooltip. */
  {
    g_autofree char *ca_tip = cst_due_badge_describe_rule (california);
    g_autofree char *attorney_tip = cst_due_badge_describe_rule (attorney);

    g_assert_cmpstr (ca_tip, ==, "Legal deadline under Cal. Health & Safety Code 123110(b)");
    g_assert_cmpstr (attorney_tip, ==, "No law sets a deadline (45 CFR 164.508): only the department's target applies");
  }
  /* … written when the pointer rests on it: a tooltip set at each bind
   * asked the X server where the pointer was, for every row the list
   * bound at a search keystroke (bench/window). */
  {
    GtkWidget *badge = g_object_ref_sink (cst_due_badge_new ());

    cst_due_badge_set_request (CST_DUE_BADGE (badge), california);
    g_assert_true (gtk_widget_get_has_tooltip (badge));
    g_assert_null (gtk_widget_get_tooltip_text (badge));
    g_object_unref (badge);
  }

  open_request (f, california);
  legal = cst_request_safeguards_get_legal_text (f->safeguards);
  rule = cst_request_safeguards_get_legal_rule_text (f->safeguards);
  g_assert_nonnull (strstr (legal, due));
  g_assert_nonnull (strstr (legal, "12 days left"));
  g_assert_nonnull (strstr (rule, "Cal. Health & Safety Code 123110(b) applies: 15 days, "
                                  "sooner than 45 CFR 164.524(b)(2) (30 days)."));
  g_assert_false (gtk_widget_get_sensitive (extend));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (extend), "allows no extension"));

  open_request (f, attorney);
  legal = cst_request_safeguards_get_legal_text (f->safeguards);
  rule = cst_request_safeguards_get_legal_rule_text (f->safeguards);
  g_assert_cmpstr (legal, ==, "None: only the department's target applies");
  g_assert_nonnull (strstr (rule, "No legal deadline (45 CFR 164.508)"));
  g_assert_false (gtk_widget_get_sensitive (extend));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (extend), "nothing to extend"));

  open_request (f, new_york);
  g_assert_nonnull (strstr (cst_request_safeguards_get_legal_rule_text (f->safeguards),
                            "One extension of 30 more days"));
  g_assert_true (gtk_widget_get_sensitive (extend));
}

/* A second request for the same patient's own access while the first is
 * open: linked both ways and flagged, never merged away. */
static void
test_repeat_escalates (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) first = NULL;
  g_autoptr(CstRequest) again = NULL;
  g_autoptr(CstRequest) other = NULL;
  const char *text;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);

    first = cst_test_db_add_request (conn, "REPEAT-1");
    again = cst_test_db_add_request (conn, "REPEAT-1");
    other = cst_test_db_add_request (conn, "REPEAT-2");
  }
  start_window (f);

  open_request (f, again);
  text = cst_request_safeguards_get_repeat_text (f->safeguards);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, cst_request_get_reference (first)));
  g_assert_nonnull (strstr (text, "supervisor"));

  open_request (f, first);
  text = cst_request_safeguards_get_repeat_text (f->safeguards);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, cst_request_get_reference (again)));

  open_request (f, other);
  g_assert_null (cst_request_safeguards_get_repeat_text (f->safeguards));
}

static gboolean
can_advance (Fixture *f)
{
  return cst_request_detail_get_advance_hint (f->detail) == NULL;
}

static gboolean
verified (gpointer data)
{
  return cst_request_get_status (data) == CST_STATUS_AUTHORIZATION_VERIFIED;
}

/* A son with a health-care power of attorney: Verify waits for his
 * authority to be recorded, then treats him as the patient. */
static void
test_representative_authority (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *id = NULL;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    request = cst_test_db_add_request_for (conn, "REP-1", "Mateo Núñez",
                                           CST_REQUESTER_PERSONAL_REPRESENTATIVE, "NY");
  }
  id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  start_window (f);
  open_request (f, request);

  g_assert_nonnull (strstr (cst_request_safeguards_get_representative_text (f->safeguards), "Not on file"));
  g_assert_false (can_advance (f));
  g_assert_nonnull (strstr (cst_request_detail_get_advance_hint (f->detail), "representative"));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.advance", NULL);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (cst_request_get_status (cst_request_detail_get_request (f->detail)), ==,
                   CST_STATUS_RECEIVED);

  /* No document named: refused before anything is stored. */
  cst_request_safeguards_record_representative (f->safeguards, CST_AUTHORITY_HEALTH_CARE_POA, "  ", NULL);
  g_assert_nonnull (cst_request_safeguards_get_message (f->safeguards));

  cst_request_safeguards_record_representative (f->safeguards, CST_AUTHORITY_HEALTH_CARE_POA,
                                                "Durable power of attorney for health care, 2024-03-01",
                                                NULL);
  if (!cst_test_gui_wait_until (safeguards_loaded, f->safeguards))
    g_error ("Not recorded: %s", cst_request_safeguards_get_message (f->safeguards));
  g_assert_null (cst_request_safeguards_get_message (f->safeguards));
  g_assert_nonnull (strstr (cst_request_safeguards_get_representative_text (f->safeguards), "On file"));
  /* What is on file, not only that something is: its kind, the document
   * and its expiry (none given here), and who checked it. */
  {
    const char *text = cst_request_safeguards_get_representative_text (f->safeguards);

    g_assert_nonnull (strstr (text, "Health-care power of attorney"));
    g_assert_nonnull (strstr (text, "Durable power of attorney for health care, 2024-03-01"));
    g_assert_nonnull (strstr (text, "no expiry"));
    g_assert_nonnull (strstr (text, "checked by "));
  }
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autoptr(PGconn) clerk = cst_db_connect (f->clerk, NULL);
    g_autoptr(PGresult) who = cst_db_exec (clerk, "SELECT session_user", 0, NULL, NULL);
    const char *params[] = { id };
    g_autoptr(PGresult) res = cst_db_exec (conn,
      "SELECT p.authority, p.verified_by FROM personal_representatives p "
      "JOIN roi_requests r ON r.patient_id = p.patient_id WHERE r.id = $1::bigint", 1, params, NULL);

    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "health_care_poa");
    g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, PQgetvalue (who, 0, 0));
    g_assert_nonnull (strstr (cst_request_safeguards_get_representative_text (f->safeguards),
                              PQgetvalue (who, 0, 0)));
  }

  g_assert_true (can_advance (f));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.advance", NULL);
  g_assert_true (cst_test_gui_wait_until (verified, cst_request_detail_get_request (f->detail)));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add ("/safeguards/two-clocks", Fixture, NULL, fixture_setup, test_two_clocks, fixture_teardown);
  g_test_add ("/safeguards/rule-by-state", Fixture, NULL, fixture_setup, test_rule_by_state, fixture_teardown);
  g_test_add ("/safeguards/repeat-escalates", Fixture, NULL, fixture_setup, test_repeat_escalates,
              fixture_teardown);
  g_test_add ("/safeguards/representative-authority", Fixture, NULL, fixture_setup,
              test_representative_authority, fixture_teardown);
  return cst_test_db_run (&db);
}
