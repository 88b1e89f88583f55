/* test-packet-review.c — the second person's check in the request view,
 * as clerks: the reviewer sees each document with the patient's name and
 * MRN beside it, sensitive kinds flagged, the packet's pages and the fee;
 * the assembler's own approval is refused by the database and said so; a
 * returned packet shows its reason; every redaction shows with its
 * reason; another clerk's approval makes the request ready. */
#include "config.h"

#include <adwaita.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-redaction.h"

#include "cst-packet-review-panel.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
#include "cst-test-records.h"
#include "cst-window.h"
#include "cst-renderer.h"

static CstTestDb *db;

typedef struct
{
  char                 *assembler;   /* a clerk's login: adds, builds, submits */
  char                 *reviewer;    /* another clerk's */
  char                 *dir;
  CstRequestStore      *store;
  CstWindow            *window;
  CstPacketReviewPanel *panel;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->assembler = cst_test_db_create_login (db, "custodian_clerk");
  f->reviewer = cst_test_db_create_login (db, "custodian_clerk");
  f->dir = g_dir_make_tmp ("cst-packet-review-gui-XXXXXX", NULL);
}

static void
close_window (Fixture *f)
{
  if (f->window != NULL)
    cst_test_gui_close_window (&f->window, &f->store);
  f->panel = NULL;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  close_window (f);
  cst_test_records_remove (f->dir);
  g_free (f->dir);
  g_free (f->assembler);
  g_free (f->reviewer);
}

static gboolean
panel_settled (gpointer data)
{
  return cst_packet_review_panel_is_loaded (data) && !cst_packet_review_panel_is_busy (data);
}

static CstPacketReviewState wanted_state;

static gboolean
panel_in_wanted_state (gpointer data)
{
  return panel_settled (data) && cst_packet_review_panel_get_state (data) == wanted_state;
}

/* A request the assembler filled with two documents (one of a sensitive
 * kind), built, and sent to its quality check. */
static CstRequest *
submitted_request (Fixture    *f,
                   const char *mrn)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) desk = cst_db_connect (f->assembler, NULL);
  g_autoptr(CstRequest) added = cst_test_db_add_request (owner, mrn);
  g_autoptr(CstRequest) request = cst_request_repo_get (desk, cst_request_get_id (added), NULL);
  g_autofree char *discharge = cst_test_records_pdf (f->dir, "discharge.pdf", 3, "Discharge");
  g_autofree char *notes = cst_test_records_pdf (f->dir, "notes.pdf", 2, "Notes");
  g_autofree char *packet = g_build_filename (f->dir, "packet.pdf", NULL);
  const char *first[] = { discharge, NULL };
  const char *second[] = { notes, NULL };
  g_autoptr(GPtrArray) a = NULL, b = NULL;
  g_autoptr(CstPacketBuild) built = NULL;
  g_autoptr(GError) error = NULL;
  CstRequest *moved;

  request = cst_test_db_move_along (desk, g_steal_pointer (&request), CST_STATUS_IN_PROGRESS);
  a = cst_packet_add (desk, cst_request_get_id (request), first, NULL, NULL, &error);
  g_assert_no_error (error);
  b = cst_packet_add (desk, cst_request_get_id (request), second, "Psychotherapy notes", NULL, &error);
  g_assert_no_error (error);
  /* A box the assembler proposes (no redaction right): the reviewer sees
   * it with its reason, not applied. */
  {
    const CstRedactionBox box = { 72, 90, 200, 14 };
    const CstRecordDocument *doc = g_ptr_array_index (b, 0);

    g_assert_cmpint (cst_redaction_add (desk, doc->id, 2, &box, "other_person", NULL, "box", FALSE,
                                        &error), >, 0);
    g_assert_no_error (error);
  }
  built = cst_packet_build (desk, cst_request_get_id (request), packet, NULL, &error);
  g_assert_no_error (error);
  /* The records set the request's page count (0067): read it again. */
  g_clear_object (&request);
  request = cst_request_repo_get (desk, cst_request_get_id (added), &error);
  g_assert_no_error (error);
  moved = cst_request_repo_move (desk, request, CST_STATUS_QUALITY_CHECK, NULL, &error);
  g_assert_no_error (error);
  return moved;
}

static void
open_request_as (Fixture    *f,
                 const char *login,
                 CstRequest *request)
{
  CstRequestDetail *detail;

  close_window (f);
  f->window = cst_test_gui_open_window (login, &f->store);
  detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->panel = CST_PACKET_REVIEW_PANEL (cst_test_gui_find_descendant (GTK_WIDGET (detail),
                                                                    CST_TYPE_PACKET_REVIEW_PANEL));
  g_assert_nonnull (f->panel);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));
  wanted_state = CST_PACKET_REVIEW_SUBMITTED;
  g_assert_true (cst_test_gui_wait_until (panel_in_wanted_state, f->panel));
}

/* The request view's Records group has read the packet's documents. */
static gboolean
detail_counted (gpointer data)
{
  return cst_request_detail_get_advance_hint (data) != NULL;
}

static CstRequestStatus
stored_status (CstRequest *request)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) now = cst_request_repo_get (owner, cst_request_get_id (request), NULL);

  return cst_request_get_status (now);
}

static void
test_review_in_the_request_view (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = submitted_request (f, "PRGUI-1");
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  GtkWidget *approve, *give_back;
  const char *message;

  /* The assembler: the view offers the check, the database refuses it. */
  open_request_as (f, f->assembler, request);
  /* The plain "Mark Ready" is not offered for a request with records: the
   * review decides, and the hint says so. */
  {
    CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
    GtkWidget *mark_ready;
    const char *hint;

    g_assert_true (cst_test_gui_wait_until (detail_counted, detail));
    hint = cst_request_detail_get_advance_hint (detail);
    g_assert_nonnull (hint);
    g_assert_nonnull (strstr (hint, "second person approves the packet"));
    mark_ready = cst_test_gui_find_button (GTK_WIDGET (detail), "Mark _Ready");
    g_assert_nonnull (mark_ready);
    g_assert_false (gtk_widget_is_sensitive (mark_ready));
  }
  approve = cst_test_gui_find_button (GTK_WIDGET (f->panel), "_Approve Packet");
  g_assert_nonnull (approve);
  g_assert_true (gtk_widget_get_sensitive (approve));
  g_signal_emit_by_name (approve, "clicked");
  g_assert_true (cst_packet_review_panel_is_busy (f->panel));
  g_assert_true (cst_test_gui_wait_until (panel_in_wanted_state, f->panel));
  message = cst_packet_review_panel_get_message (f->panel);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "second person"));
  g_assert_cmpint (stored_status (request), ==, CST_STATUS_QUALITY_CHECK);

  /* Another clerk sees what to check. */
  open_request_as (f, f->reviewer, request);
  text = cst_test_gui_collect_text (GTK_WIDGET (f->panel));
  g_assert_nonnull (strstr (text, "discharge.pdf"));
  g_assert_nonnull (strstr (text, "Núñez, José · MRN PRGUI-1"));
  g_assert_nonnull (strstr (text, "Sensitive"));
  g_assert_true (strstr (text, "Sensitive") > strstr (text, "notes.pdf"));
  g_assert_nonnull (strstr (text, "Packet: 6 pages, of which records: 5"));
  /* Every redaction with its reason (issue 19), after the documents. */
  g_assert_nonnull (strstr (text, "Proposed redaction: notes.pdf, page 2"));
  g_assert_nonnull (strstr (text, "Another person's information · not applied yet"));
  g_assert_true (strstr (text, "Proposed redaction") > strstr (text, "notes.pdf"));
  g_assert_nonnull (strstr (text, "Fee: "));

  /* Return needs a reason; then it shows the reason. */
  give_back = cst_test_gui_find_button (GTK_WIDGET (f->panel), "_Return with Reason");
  g_assert_nonnull (give_back);
  g_assert_false (gtk_widget_get_sensitive (give_back));
  cst_packet_review_panel_return (f->panel, "The notes need a separate authorization");
  wanted_state = CST_PACKET_REVIEW_RETURNED;
  g_assert_true (cst_test_gui_wait_until (panel_in_wanted_state, f->panel));
  after = cst_test_gui_collect_text (GTK_WIDGET (f->panel));
  g_assert_nonnull (strstr (after, "The notes need a separate authorization"));
  g_assert_false (gtk_widget_get_sensitive (approve = cst_test_gui_find_button (GTK_WIDGET (f->panel),
                                                                                "_Approve Packet")));
  g_assert_cmpint (stored_status (request), ==, CST_STATUS_IN_PROGRESS);
}

static void
test_second_clerk_approves (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = submitted_request (f, "PRGUI-2");

  open_request_as (f, f->reviewer, request);
  cst_packet_review_panel_approve (f->panel);
  wanted_state = CST_PACKET_REVIEW_APPROVED;
  g_assert_true (cst_test_gui_wait_until (panel_in_wanted_state, f->panel));
  g_assert_cmpstr (cst_packet_review_panel_get_message (f->panel), ==,
                   "Packet approved: the request is ready for release.");
  g_assert_cmpint (stored_status (request), ==, CST_STATUS_READY);
}

int
main (int argc, char **argv)
{
  int status;

  cst_renderer_prepare ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  db = cst_test_db_new ();
  g_test_add ("/packet-review/in-the-request-view", Fixture, NULL, fixture_setup,
              test_review_in_the_request_view, fixture_teardown);
  g_test_add ("/packet-review/second-clerk-approves", Fixture, NULL, fixture_setup,
              test_second_clerk_approves, fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
