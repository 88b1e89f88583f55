/* test-authorization-checklist.c — the authorization checklist in the
 * request view, under a headless X server against the real database:
 * "Verify" is unavailable (and the database refuses it) while an element
 * is missing, the deficiency letter names that element, each finding is
 * saved with the clerk's login, and once every element is present or not
 * applicable Verify moves the request on.  The individual's own request
 * shows no checklist; an authorization that expired blocks release. */
#include "config.h"

#include <adwaita.h>

#include <poppler.h>

#include "cst-authorization-checklist.h"
#include "cst-documents-dialog.h"
#include "cst-pdf-preview.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
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
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
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

  return cst_documents_dialog_get_message (dialog) == NULL &&
         !cst_pdf_preview_is_rendering (preview) && cst_pdf_preview_get_n_pages (preview) > 0;
}

static char *
pdf_text (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *pdf = poppler_document_new_from_bytes (bytes, NULL, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      PopplerPage *page = poppler_document_get_page (pdf, i);
      g_autofree char *page_text = poppler_page_get_text (page);

      g_string_append (text, page_text);
      g_object_unref (page);
    }
  g_object_unref (pdf);
  return g_string_free (text, FALSE);
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
  text = pdf_text (cst_pdf_preview_get_bytes (CST_PDF_PREVIEW (cst_documents_dialog_get_preview (dialog))));
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
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  db = cst_test_db_new ();
  g_test_add ("/authorization-checklist/verify-blocked-until-complete", Fixture, NULL,
              fixture_setup, test_verify_blocked_until_complete, fixture_teardown);
  g_test_add ("/authorization-checklist/patient-needs-none", Fixture, NULL,
              fixture_setup, test_patient_needs_no_checklist, fixture_teardown);
  g_test_add ("/authorization-checklist/expired-blocks-release", Fixture, NULL,
              fixture_setup, test_expired_authorization_blocks_release, fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
