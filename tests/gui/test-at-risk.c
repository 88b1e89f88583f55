/* test-at-risk.c — requests within 5 days of their legal deadline, or past
 * it, are impossible to miss: the header counts them, the list filters to
 * them, the badge says it in words with an icon, and the first opening of
 * the day lists them in a dialog.  "At risk" is the model's clocks
 * (cst-clocks, the roi_request_clocks view): the legal deadline with its
 * extension, never the department's own target. */
#include "config.h"

#include <adwaita.h>

#include "cst-due-badge.h"
#include "cst-morning-summary.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;

/* Seeded once: the references by what they should be. */
static char *overdue_ref, *soon_ref, *edge_ref, *on_track_ref, *extended_ref, *cancelled_ref;

typedef struct
{
  CstRequestStore    *store;
  CstWindow          *window;
  CstRequestListPage *page;
} Fixture;

/* The patient's own request in New York (a 30-day legal clock), received
 * @days_ago; returns its reference. */
static char *
add_received (PGconn     *conn,
              const char *mrn,
              int         days_ago)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, mrn);

  cst_test_db_set_received (conn, request, days_ago);
  return g_strdup (cst_request_get_reference (request));
}

static void
seed (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) extended = NULL;
  g_autoptr(CstRequest) taken = NULL;
  g_autoptr(CstRequest) cancelled = NULL;
  g_autoptr(CstRequest) moved = NULL;
  GDate today;

  overdue_ref = add_received (conn, "RISK-1", 40);   /* 10 days late */
  soon_ref = add_received (conn, "RISK-2", 27);      /* 3 days left */
  edge_ref = add_received (conn, "RISK-3", 25);      /* 5 days left: still at risk */
  on_track_ref = add_received (conn, "RISK-4", 24);  /* 6 days left */

  /* Extended with its notice: 60 days from receipt, 20 left. */
  cst_input_today (&today);
  extended = cst_test_db_add_request (conn, "RISK-5");
  taken = cst_extension_take (conn, extended, &today, "Records stored off site", "en", NULL, NULL,
                              &error);
  g_assert_no_error (error);
  cst_test_db_set_received (conn, taken, 40);
  extended_ref = g_strdup (cst_request_get_reference (taken));

  /* Late but closed: nothing left to do. */
  cancelled = cst_test_db_add_request (conn, "RISK-6");
  cst_test_db_set_received (conn, cancelled, 45);
  {
    g_autoptr(CstRequest) fresh = cst_request_repo_get (conn, cst_request_get_id (cancelled), &error);

    g_assert_no_error (error);
    moved = cst_request_repo_move (conn, fresh, CST_STATUS_CANCELLED, "Withdrawn by the patient",
                                   &error);
    g_assert_no_error (error);
  }
  cancelled_ref = g_strdup (cst_request_get_reference (moved));
}

static CstRequest *
find_in (GListModel *model,
         const char *reference)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CstRequest) request = g_list_model_get_item (model, i);
      if (g_str_equal (cst_request_get_reference (request), reference))
        return g_steal_pointer (&request);
    }
  return NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = cst_test_gui_open_window_as (db, "custodian_clerk", &f->store);
  f->page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
}

static gboolean
shows (GListModel *model,
       const char *reference)
{
  g_autoptr(CstRequest) request = find_in (model, reference);
  return request != NULL;
}

/* The header, the filter and the database's view agree on which requests
 * are at risk; an extension moves the legal deadline, a closed request is
 * never at risk. */
static void
test_header_and_filter (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  GListModel *visible = cst_request_list_page_get_visible (f->page);
  GtkLabel *counts;
  guint overdue = cst_request_list_page_count_scope (f->page, CST_LIST_SCOPE_OVERDUE);
  guint soon = cst_request_list_page_count_scope (f->page, CST_LIST_SCOPE_DUE_SOON);
  guint at_risk = cst_request_list_page_count_scope (f->page, CST_LIST_SCOPE_AT_RISK);

  g_assert_cmpuint (overdue, ==, 1);
  g_assert_cmpuint (soon, ==, 2);
  g_assert_cmpuint (at_risk, ==, overdue + soon);
  g_assert_cmpint (cst_clocks_count_at_risk (conn, &error), ==, at_risk);
  g_assert_no_error (error);

  /* In the header, on screen (test-list-layout checks it is not cut). */
  counts = GTK_LABEL (cst_window_get_counts_label (f->window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (counts)));
  g_assert_cmpstr (gtk_label_get_label (counts), ==, "1 overdue · 2 due soon");

  cst_request_list_page_set_scope (f->page, CST_LIST_SCOPE_AT_RISK);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, f->page));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 3);
  g_assert_true (shows (visible, overdue_ref));
  g_assert_true (shows (visible, soon_ref));
  g_assert_true (shows (visible, edge_ref));
  g_assert_false (shows (visible, on_track_ref));
  g_assert_false (shows (visible, extended_ref));
  g_assert_false (shows (visible, cancelled_ref));
}

/* The model's two clocks say the same as the badge. */
static void
test_clocks_agree_with_badge (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) soon = find_in (G_LIST_MODEL (f->store), soon_ref);
  g_autoptr(CstRequest) extended = find_in (G_LIST_MODEL (f->store), extended_ref);
  g_autoptr(CstRequest) late = find_in (G_LIST_MODEL (f->store), overdue_ref);
  guint service_days = cst_clocks_get_service_days (conn, NULL);
  GtkWidget *badge = g_object_ref_sink (cst_due_badge_new ());
  GtkWidget *icon;
  CstClocks clocks;
  GDate today;

  cst_input_today (&today);
  g_assert_cmpuint (service_days, >, 0);
  cst_clocks_compute (soon, service_days, &today, &clocks);
  g_assert_true (clocks.at_risk);
  g_assert_cmpint (clocks.legal_days_left, ==, 3);
  cst_clocks_compute (extended, service_days, &today, &clocks);
  g_assert_false (clocks.at_risk);
  g_assert_cmpint (clocks.legal_days_left, ==, 20);
  /* The department's target passed long ago; the legal deadline has not. */
  g_assert_cmpint (clocks.service_days_left, <, 0);

  /* Words and an icon, not colour alone. */
  cst_due_badge_set_request (CST_DUE_BADGE (badge), late);
  icon = gtk_widget_get_first_child (badge);
  g_assert_true (GTK_IS_IMAGE (icon));
  g_assert_true (gtk_widget_get_visible (icon));
  g_assert_cmpstr (cst_test_gui_shown_text (gtk_widget_get_next_sibling (icon)), ==,
                   "Overdue by 10 days");
  cst_due_badge_set_request (CST_DUE_BADGE (badge), extended);
  g_assert_false (gtk_widget_get_visible (icon));
  g_object_unref (badge);
}

static char *
iso (const GDate *date)
{
  char buffer[16];

  g_date_strftime (buffer, sizeof buffer, "%Y-%m-%d", date);
  return g_strdup (buffer);
}

/* Once a day: the first opening lists the requests at risk, most urgent
 * first, remembers the day, and "Show Them" filters the list to them. */
static void
test_morning_summary (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.custodian.Custodian");
  g_autofree char *today_text = NULL;
  g_autofree char *stored = NULL;
  GtkWindow *dialog;
  const char *body;
  GDate today, yesterday, long_ago;

  cst_input_today (&today);
  today_text = iso (&today);
  g_settings_set_string (settings, CST_MORNING_SUMMARY_KEY, "");
  dialog = cst_morning_summary_maybe_present (GTK_WINDOW (f->window), f->page, G_LIST_MODEL (f->store),
                                              settings, &today);
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (body, "3 requests"));
  g_assert_nonnull (strstr (body, overdue_ref));
  g_assert_nonnull (strstr (body, soon_ref));
  g_assert_nonnull (strstr (body, edge_ref));
  g_assert_null (strstr (body, on_track_ref));
  g_assert_null (strstr (body, extended_ref));
  /* Most urgent first. */
  g_assert_true (strstr (body, overdue_ref) < strstr (body, soon_ref));
  g_assert_true (strstr (body, soon_ref) < strstr (body, edge_ref));
  stored = g_settings_get_string (settings, CST_MORNING_SUMMARY_KEY);
  g_assert_cmpstr (stored, ==, today_text);

  cst_request_list_page_set_scope (f->page, CST_LIST_SCOPE_ALL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "show");
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, f->page));
  g_assert_cmpuint (g_list_model_get_n_items (cst_request_list_page_get_visible (f->page)), ==, 3);

  /* Not again the same day. */
  g_assert_null (cst_morning_summary_maybe_present (GTK_WINDOW (f->window), f->page,
                                                    G_LIST_MODEL (f->store), settings, &today));

  /* The next day it comes back. */
  yesterday = today;
  g_date_subtract_days (&yesterday, 1);
  {
    g_autofree char *text = iso (&yesterday);
    g_settings_set_string (settings, CST_MORNING_SUMMARY_KEY, text);
  }
  dialog = cst_morning_summary_maybe_present (GTK_WINDOW (f->window), f->page, G_LIST_MODEL (f->store),
                                              settings, &today);
  g_assert_nonnull (dialog);
  gtk_window_destroy (dialog);

  /* A day when nothing was at risk: no dialog, but the day is noted. */
  long_ago = today;
  g_date_subtract_days (&long_ago, 60);
  g_assert_null (cst_morning_summary_maybe_present (GTK_WINDOW (f->window), f->page,
                                                    G_LIST_MODEL (f->store), settings, &long_ago));
  {
    g_autofree char *text = iso (&long_ago);
    g_autofree char *noted = g_settings_get_string (settings, CST_MORNING_SUMMARY_KEY);
    g_assert_cmpstr (noted, ==, text);
  }
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  seed ();
  g_test_add ("/at-risk/header-and-filter", Fixture, NULL, fixture_setup, test_header_and_filter,
              fixture_teardown);
  g_test_add ("/at-risk/clocks-agree-with-badge", Fixture, NULL, fixture_setup,
              test_clocks_agree_with_badge, fixture_teardown);
  g_test_add ("/at-risk/morning-summary", Fixture, NULL, fixture_setup, test_morning_summary,
              fixture_teardown);
  status = g_test_run ();
  g_free (overdue_ref);
  g_free (soon_ref);
  g_free (edge_ref);
  g_free (on_track_ref);
  g_free (extended_ref);
  g_free (cancelled_ref);
  cst_test_db_free (db);
  return status;
}
