/* test-authorization-checklist.c — the authorization checklist in the
 * request view, under a headless X server against the real database:
 * "Verify" is unavailable (and the database refuses it) while an element
 * is missing, the deficiency letter names that element, each finding is
 * saved with the clerk's login, and once every element is present or not
 * applicable Verify moves the request on.  Answering an element far down
 * keeps the view and the focus where they were; the signature offers no
 * "not applicable".  The individual's own request shows no checklist; an
 * authorization that expired blocks release. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <poppler.h>

#include "cst-authorization-checklist.h"
#include "cst-documents-dialog.h"
#include "cst-pdf-preview.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-file.h"
#include "cst-test-gui.h"
#include "cst-test-pdf.h"
#include "cst-window.h"

static CstTestDb *db;

typedef struct
{
  char            *clerk;   /* the clerk's conninfo */
  CstRequestStore *store;
  CstWindow       *window;
  CstRequestDetail *detail;
  CstAuthorizationChecklist *checklist;
} Fixture;

static gboolean
checklist_settled (gpointer data)
{
  return cst_authorization_checklist_is_loaded (data) && !cst_authorization_checklist_is_busy (data);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clerk = cst_test_db_create_login (db, "custodian_clerk");
}

/* The window, opened once the test's requests exist. */
static void
start_window (Fixture *f)
{
  f->window = cst_test_gui_open_window (f->clerk, &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->checklist = CST_AUTHORIZATION_CHECKLIST (cst_request_detail_get_checklist (f->detail));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
  g_free (f->clerk);
}

/* Opens @request (created before the window) in the request view, as if
 * picked from the list once the list has been filtered. */
static void
open_request (Fixture    *f,
              CstRequest *request)
{
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
can_advance (Fixture *f)
{
  GtkWidget *button = find_action_button (GTK_WIDGET (f->detail), "detail.advance");

  g_assert_nonnull (button);
  return gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button);
}

static CstRequestStatus
stored_status (CstRequest *request)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) stored = cst_request_repo_get (conn, cst_request_get_id (request), NULL);

  g_assert_nonnull (stored);
  return cst_request_get_status (stored);
}

static void
assert_database_refuses_verify (CstRequest *request)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };

  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET status = 'authorization_verified' WHERE id = $1::bigint",
    1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
}

static char *
session_user (const char *conninfo)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, NULL);
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);

  return g_strdup (PQgetvalue (res, 0, 0));
}

static const CstAuthorizationItem *
find_item (CstAuthorizationChecklist *checklist,
           const char                *code)
{
  for (guint i = 0; i < cst_authorization_checklist_get_n_items (checklist); i++)
    {
      const CstAuthorizationItem *item = cst_authorization_checklist_get_item (checklist, i);
      if (g_str_equal (item->code, code))
        return item;
    }
  return NULL;
}

static gboolean
preview_done (gpointer data)
{
  CstDocumentsDialog *dialog = data;
  CstPdfPreview *preview = CST_PDF_PREVIEW (cst_documents_dialog_get_preview (dialog));

  return !cst_documents_dialog_is_rendering (dialog) && cst_documents_dialog_get_message (dialog) == NULL &&
         !cst_pdf_preview_is_rendering (preview) && cst_pdf_preview_get_n_pages (preview) > 0;
}

/* The letter shown, saved as the clerk would: its PDF's text. */
static char *
saved_text (CstDocumentsDialog *dialog)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-letter-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PopplerDocument) pdf = NULL;
  char *text;

  cst_documents_dialog_save_to (dialog, file);
  cst_test_file_wait_for_pdf (path);
  pdf = cst_test_pdf_open_file (path);
  text = cst_test_pdf_text (pdf);
  g_unlink (path);
  g_rmdir (dir);
  return text;
}

/* The deficiency letter button opens the documents dialog on a letter that
 * names @label; returns after closing it. */
static void
check_deficiency_letter (Fixture    *f,
                         const char *label)
{
  CstDocumentsDialog *dialog = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  g_autofree char *start = g_strndup (label, 24);
  GList *toplevels;

  gtk_widget_activate_action (GTK_WIDGET (f->checklist), "checklist.deficiency-letter", NULL);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (CST_IS_DOCUMENTS_DIALOG (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (dialog);
  if (!cst_test_gui_wait_until (preview_done, dialog))
    g_error ("No letter: %s", cst_documents_dialog_get_message (dialog));
  text = saved_text (dialog);
  /* Table cells wrap: compare with line breaks as spaces. */
  flat = g_strdelimit (g_strdup (text), "\n", ' ');
  g_assert_nonnull (strstr (flat, start));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_verify_blocked_until_complete (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *login = session_user (f->clerk);
  const CstAuthorizationItem *expiration;
  guint n;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    request = cst_test_db_add_request_for (conn, "GUI-AUTH-1", "Demo Law Group",
                                           CST_REQUESTER_ATTORNEY, "NY");
  }
  start_window (f);
  open_request (f, request);
  g_assert_true (cst_test_gui_wait_until (checklist_settled, f->checklist));

  /* Shown, with the core elements, the sensitive categories and New
   * York's add-on; nothing checked yet, so Verify is not offered. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->checklist)));
  n = cst_authorization_checklist_get_n_items (f->checklist);
  g_assert_cmpuint (n, >=, 11);
  g_assert_nonnull (find_item (f->checklist, "ny_hiv"));
  g_assert_null (find_item (f->checklist, "ca_mental_health"));
  g_assert_false (cst_authorization_checklist_is_complete (f->checklist));
  g_assert_false (can_advance (f));
  g_assert_nonnull (cst_request_detail_get_advance_hint (f->detail));
  /* Nothing is recorded missing: no letter to send yet. */
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (f->checklist),
                                                               "checklist.deficiency-letter")));

  /* Every element present (sensitive ones not applicable) but one missing. */
  for (guint i = 0; i < n; i++)
    {
      const CstAuthorizationItem *item = cst_authorization_checklist_get_item (f->checklist, i);
      g_autofree char *code = g_strdup (item->code);
      CstAuthorizationFinding finding = g_str_equal (item->category, "sensitive")
                                        ? CST_AUTHORIZATION_NOT_APPLICABLE : CST_AUTHORIZATION_PRESENT;

      if (g_str_equal (code, "expiration"))
        finding = CST_AUTHORIZATION_MISSING;
      cst_authorization_checklist_set_finding (f->checklist, code, finding);
      g_assert_true (cst_test_gui_wait_until (checklist_settled, f->checklist));
      g_assert_null (cst_authorization_checklist_get_message (f->checklist));
    }
  expiration = find_item (f->checklist, "expiration");
  g_assert_cmpint (expiration->finding, ==, CST_AUTHORIZATION_MISSING);
  /* Who checked is the server's word: this clerk's login. */
  g_assert_cmpstr (expiration->checked_by, ==, login);
  g_assert_nonnull (expiration->checked_at);
  g_assert_cmpint (find_item (f->checklist, "purpose")->finding, ==, CST_AUTHORIZATION_PRESENT);

  /* Still blocked, saying which element; pressing Verify does nothing,
   * and the database would refuse the move. */
  g_assert_false (cst_authorization_checklist_is_complete (f->checklist));
  g_assert_false (can_advance (f));
  g_assert_nonnull (strstr (cst_request_detail_get_advance_hint (f->detail), expiration->label));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.advance", NULL);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (stored_status (request), ==, CST_STATUS_RECEIVED);
  assert_database_refuses_verify (request);

  g_assert_true (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (f->checklist),
                                                              "checklist.deficiency-letter")));
  check_deficiency_letter (f, expiration->label);

  /* The last element found: Verify is offered and moves the request. */
  cst_authorization_checklist_set_finding (f->checklist, "expiration", CST_AUTHORIZATION_PRESENT);
  g_assert_true (cst_test_gui_wait_until (checklist_settled, f->checklist));
  g_assert_true (cst_authorization_checklist_is_complete (f->checklist));
  g_assert_true (can_advance (f));
  g_assert_null (cst_request_detail_get_advance_hint (f->detail));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.advance", NULL);
  {
    CstRequest *live = cst_request_detail_get_request (f->detail);
    gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

    while (cst_request_get_status (live) != CST_STATUS_AUTHORIZATION_VERIFIED &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    g_assert_cmpint (cst_request_get_status (live), ==, CST_STATUS_AUTHORIZATION_VERIFIED);
  }
  g_assert_cmpint (stored_status (request), ==, CST_STATUS_AUTHORIZATION_VERIFIED);
}

/* The toggle button labelled @label in @row, or NULL when the row does not
 * offer it. */
static GtkWidget *
row_button (GtkWidget  *row,
            const char *label)
{
  if (GTK_IS_TOGGLE_BUTTON (row) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (row)), label) == 0)
    return row;
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = row_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
answer_button (Fixture    *f,
               const char *code,
               const char *label)
{
  GtkWidget *row = cst_authorization_checklist_get_row (f->checklist, code);

  g_assert_nonnull (row);
  return row_button (row, label);
}

/* Lets layout, scrolling and focus changes run for a while. */
static void
settle_frames (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 3;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
}

/* Where the button labelled @label of @code's row is in the visible part of
 * @scrolled: what the clerk's pointer is over. */
static double
on_screen_y (Fixture           *f,
             GtkScrolledWindow *scrolled,
             const char        *code,
             const char        *label)
{
  double x, y;

  g_assert_true (gtk_widget_translate_coordinates (answer_button (f, code, label), GTK_WIDGET (scrolled),
                                                   0, 0, &x, &y));
  return y;
}

/* Scrolls @scrolled so that @button is in the middle of the view, and
 * focuses it, as a clerk who scrolled down to it and tabbed onto it. */
static void
scroll_to_and_focus (GtkScrolledWindow *scrolled,
                     GtkWidget         *button)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  GtkWidget *content = gtk_viewport_get_child (GTK_VIEWPORT (gtk_scrolled_window_get_child (scrolled)));
  double x, y;

  g_assert_true (gtk_widget_translate_coordinates (button, content, 0, 0, &x, &y));
  gtk_adjustment_set_value (adjustment, y - gtk_adjustment_get_page_size (adjustment) / 2);
  /* Laid out at the new place before the focus moves, as a person's
   * scrolling would be. */
  settle_frames ();
  gtk_widget_grab_focus (button);
  settle_frames ();
  g_assert_true (gtk_root_get_focus (gtk_widget_get_root (button)) == button);
}

/* Waits for the answer to be saved and read back, checking at every turn
 * of the main loop, and for a while after, that the element's button has
 * not moved on the screen (@at). */
static void
wait_saved_in_place (Fixture           *f,
                     GtkScrolledWindow *scrolled,
                     const char        *code,
                     const char        *label,
                     double             at)
{
  gint64 until = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  gint64 settled_at = 0;

  while (g_get_monotonic_time () < until &&
         (settled_at == 0 || g_get_monotonic_time () < settled_at + G_USEC_PER_SEC / 3))
    {
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
      g_assert_cmpfloat_with_epsilon (on_screen_y (f, scrolled, code, label), at, 1.0);
      if (settled_at == 0 && checklist_settled (f->checklist))
        settled_at = g_get_monotonic_time ();
    }
  g_assert_true (checklist_settled (f->checklist));
  g_assert_null (cst_authorization_checklist_get_message (f->checklist));
}

/* A clerk scrolled down to an element and answers it from the keyboard,
 * then the next with the mouse: the element stays where it was on the
 * screen and the focus on the button pressed, so the next answer lands
 * where the clerk aims. */
static void
test_answer_keeps_place (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  GtkWidget *button;
  double before, at;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    request = cst_test_db_add_request_for (conn, "GUI-AUTH-4", "Demo Law Group",
                                           CST_REQUESTER_ATTORNEY, "NY");
  }
  start_window (f);
  open_request (f, request);
  g_assert_true (cst_test_gui_wait_until (checklist_settled, f->checklist));
  settle_frames ();
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (f->checklist),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  /* Space on the focused "Present" button. */
  button = answer_button (f, "plain_language", "Present");
  scroll_to_and_focus (scrolled, button);
  before = gtk_adjustment_get_value (adjustment);
  g_assert_cmpfloat (before, >, 100);
  at = on_screen_y (f, scrolled, "plain_language", "Present");
  gtk_widget_activate (button);
  wait_saved_in_place (f, scrolled, "plain_language", "Present", at);
  g_assert_cmpint (find_item (f->checklist, "plain_language")->finding, ==, CST_AUTHORIZATION_PRESENT);
  button = answer_button (f, "plain_language", "Present");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == button);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 100);

  /* A click on "Missing" a few elements up. */
  button = answer_button (f, "right_to_revoke", "Missing");
  scroll_to_and_focus (scrolled, button);
  at = on_screen_y (f, scrolled, "right_to_revoke", "Missing");
  g_signal_emit_by_name (button, "clicked");
  wait_saved_in_place (f, scrolled, "right_to_revoke", "Missing", at);
  g_assert_cmpint (find_item (f->checklist, "right_to_revoke")->finding, ==, CST_AUTHORIZATION_MISSING);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 answer_button (f, "right_to_revoke", "Missing"));
}

/* Turns the main loop for a third of a second, checking at every turn
 * that @code's @label button stays at @at on the screen. */
static void
assert_stays_in_place (Fixture           *f,
                       GtkScrolledWindow *scrolled,
                       const char        *code,
                       const char        *label,
                       double             at)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 3;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
      g_assert_cmpfloat_with_epsilon (on_screen_y (f, scrolled, code, label), at, 1.0);
    }
}

/* A clerk scrolled to the end of the request answers the last element
 * while the database is slow: the form stays put while the answer is on
 * its way and once it is saved, although GTK scrolls a view at its end
 * by itself whenever the form gets shorter. */
static void
test_answer_at_end_keeps_place (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  g_autofree char *code = NULL;
  double at, end, upper;

  request = cst_test_db_add_request_for (owner, "GUI-AUTH-7", "Demo Law Group",
                                         CST_REQUESTER_ATTORNEY, "NY");
  start_window (f);
  open_request (f, request);
  g_assert_true (cst_test_gui_wait_until (checklist_settled, f->checklist));
  settle_frames ();
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (f->checklist),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  code = g_strdup (cst_authorization_checklist_get_item (f->checklist,
                                                         cst_authorization_checklist_get_n_items (f->checklist) - 1)->code);

  /* Scrolled to the very end, on the last element's "Present". */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  settle_frames ();
  gtk_widget_grab_focus (answer_button (f, code, "Present"));
  settle_frames ();
  end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  g_assert_cmpfloat (end, >, 100);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adjustment), end, 1.0);
  at = on_screen_y (f, scrolled, code, "Present");
  g_assert_cmpfloat (at, >, 0);
  g_assert_cmpfloat (at, <, gtk_adjustment_get_page_size (adjustment));

  /* The answer waits for the database meanwhile. */
  g_assert_true (cst_db_exec_command (owner, "BEGIN", 0, NULL, &error));
  g_assert_true (cst_db_exec_command (owner, "LOCK TABLE authorization_checks IN EXCLUSIVE MODE",
                                      0, NULL, &error));
  g_assert_no_error (error);
  upper = gtk_adjustment_get_upper (adjustment);
  gtk_widget_activate (answer_button (f, code, "Present"));
  assert_stays_in_place (f, scrolled, code, "Present", at);
  g_assert_true (cst_authorization_checklist_is_busy (f->checklist));
  /* What is still open stays listed meanwhile: the form does not shrink
   * to grow back a moment later. */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adjustment), upper, 1.0);
  g_assert_false (can_advance (f));
  g_assert_true (cst_db_exec_command (owner, "COMMIT", 0, NULL, &error));
  wait_saved_in_place (f, scrolled, code, "Present", at);
  g_assert_cmpint (find_item (f->checklist, code)->finding, ==, CST_AUTHORIZATION_PRESENT);
}

/* The signature and its date are never "not applicable" (164.508(c)(1)(vi)):
 * the row does not offer it, while an element that depends on what is
 * asked for does. */
static void
test_signature_offers_no_not_applicable (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    request = cst_test_db_add_request_for (conn, "GUI-AUTH-5", "Demo Law Group",
                                           CST_REQUESTER_ATTORNEY, "NY");
  }
  start_window (f);
  open_request (f, request);
  g_assert_true (cst_test_gui_wait_until (checklist_settled, f->checklist));

  g_assert_nonnull (answer_button (f, "signature", "Present"));
  g_assert_nonnull (answer_button (f, "signature", "Missing"));
  g_assert_null (answer_button (f, "signature", "Not applicable"));
  g_assert_null (answer_button (f, "purpose", "Not applicable"));
  g_assert_nonnull (answer_button (f, "representative_authority", "Not applicable"));
  g_assert_nonnull (answer_button (f, "psychotherapy_notes", "Not applicable"));
  g_assert_nonnull (answer_button (f, "ny_hiv", "Not applicable"));
}

/* The individual's own access needs no authorization (164.524). */
static void
test_patient_needs_no_checklist (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    request = cst_test_db_add_request (conn, "GUI-AUTH-2");
  }
  start_window (f);
  open_request (f, request);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->checklist)));
  g_assert_true (cst_authorization_checklist_is_complete (f->checklist));
  g_assert_true (can_advance (f));
  g_assert_null (cst_request_detail_get_advance_hint (f->detail));
}

/* An authorization checked at intake but expired since: release is not
 * offered, and the view says why. */
static void
test_expired_authorization_blocks_release (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;

  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autoptr(GPtrArray) items = NULL;
    g_autofree char *id = NULL;
    const char *params[1];

    request = cst_test_db_add_request_for (conn, "GUI-AUTH-3", "Demo Insurance",
                                           CST_REQUESTER_INSURER, "TX");
    items = cst_authorization_load (conn, request, NULL);
    for (guint i = 0; i < items->len; i++)
      {
        CstAuthorizationItem *item = g_ptr_array_index (items, i);
        g_assert_true (cst_authorization_record (conn, request, item->code,
                                                 g_str_equal (item->category, "sensitive")
                                                 ? CST_AUTHORIZATION_NOT_APPLICABLE
                                                 : CST_AUTHORIZATION_PRESENT, NULL, NULL));
      }
    request = cst_test_db_move_along (conn, request, CST_STATUS_READY);
    id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
    params[0] = id;
    g_assert_true (cst_db_exec_command (conn,
      "UPDATE roi_requests SET authorization_expires = current_date - 1 WHERE id = $1::bigint",
      1, params, NULL));
  }
  start_window (f);
  open_request (f, request);
  g_assert_false (can_advance (f));
  g_assert_nonnull (cst_request_detail_get_advance_hint (f->detail));
  g_assert_nonnull (strstr (cst_request_detail_get_advance_hint (f->detail), "expired"));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.advance", NULL);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (stored_status (request), ==, CST_STATUS_READY);
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add ("/authorization-checklist/verify-blocked-until-complete", Fixture, NULL,
              fixture_setup, test_verify_blocked_until_complete, fixture_teardown);
  g_test_add ("/authorization-checklist/answer-keeps-place", Fixture, NULL,
              fixture_setup, test_answer_keeps_place, fixture_teardown);
  g_test_add ("/authorization-checklist/answer-at-end-keeps-place", Fixture, NULL,
              fixture_setup, test_answer_at_end_keeps_place, fixture_teardown);
  g_test_add ("/authorization-checklist/signature-offers-no-not-applicable", Fixture, NULL,
              fixture_setup, test_signature_offers_no_not_applicable, fixture_teardown);
  g_test_add ("/authorization-checklist/patient-needs-none", Fixture, NULL,
              fixture_setup, test_patient_needs_no_checklist, fixture_teardown);
  g_test_add ("/authorization-checklist/expired-blocks-release", Fixture, NULL,
              fixture_setup, test_expired_authorization_blocks_release, fixture_teardown);
  return cst_test_db_run (&db);
}
