/* test-request-detail.c — the request view as a clerk moves between
 * requests: markup characters in every field are shown as typed and no
 * value of the previous request survives; the contact line joins only
 * what is on file; each request starts at the top and keeps the clerk's
 * place when a change to it arrives; a closed request is
 * read-only; the history lists who did what; the evidence pack is saved
 * from the view. */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-authorization-checklist.h"
#include "cst-fee-quote-panel.h"
#include "cst-payment-group.h"
#include "cst-legal-process-group.h"
#include "cst-packet-group.h"
#include "cst-packet-review-panel.h"
#include "cst-release-forms.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-request-safeguards.h"
#include "cst-test-file.h"
#include "cst-test-gui.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

/* Request A: plain words; B: markup characters in every field; C: no
 * contact details; D: denied; E: denied while shown. */
static CstRequest *request_a, *request_b, *request_c, *request_d, *request_e;

static const char *const a_values[] = {
  "Firstfamily", "Alicegiven", "MRN-FIRST-1", "Alpha Requester", "First Org LLC", "1 First Street",
  "first@example.org", "555-0101", "First purpose", "firstclerk", "first notes", "first-type",
};

static const char *const b_values[] = {
  "O'Brien & <b>Sons</b>", "Zoë \"Z\" <i>", "MRN<&>\"2\"'", "Marsh & Patel <LLP> \"x\" 'y'",
  "Marsh & Patel LLP <b>", "12 <Main> & \"Elm\" St 'B'", "o'brien&<b>\"x\"@example.org",
  "555 & <0102> \"ext\" '9'", "Litigation & <i>review</i> \"quoted\" 'single'", "Ann & <Bob>",
  "Notes & <x> \"q\" 'a'", "X-ray & <CT>",
};

enum { FAMILY, GIVEN, MRN, NAME, ORGANIZATION, ADDRESS, EMAIL, PHONE, PURPOSE, ASSIGNEE, NOTES, TYPES };

static CstRequest *
add_request (PGconn            *conn,
             const char *const *v,
             CstRequesterKind   kind)
{
  g_autoptr(CstRequest) draft = cst_request_new ();
  g_autoptr(GError) error = NULL;
  const char *types[] = { v[TYPES], NULL };
  GDate today, birth;
  CstRequest *request;

  cst_input_today (&today);
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, 2, 3, 1970);
  g_object_set (draft,
                "patient-mrn", v[MRN], "patient-family-name", v[FAMILY],
                "patient-given-name", v[GIVEN], "patient-birth-date", &birth,
                "requester-name", v[NAME], "requester-kind", kind,
                "requester-organization", v[ORGANIZATION], "requester-address", v[ADDRESS],
                "requester-email", v[EMAIL], "requester-phone", v[PHONE],
                "received-date", &today, "jurisdiction", "NY", "purpose", v[PURPOSE],
                "assignee", v[ASSIGNEE], "authorization-notes", v[NOTES], "record-types", types,
                NULL);
  request = cst_request_repo_create (conn, draft, &error);
  g_assert_no_error (error);
  return request;
}

typedef struct
{
  CstRequestStore  *store;
  CstWindow        *window;
  CstRequestDetail *detail;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = cst_test_gui_open_window_as (db, "custodian_clerk", &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  cst_request_list_page_set_scope (CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window)),
                                   CST_LIST_SCOPE_ALL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
}

/* Selects the store's copy of @request in the list and waits for its details. */
static CstRequest *
show (Fixture    *f,
      CstRequest *request)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  CstRequest *listed = cst_request_store_lookup (f->store, cst_request_get_id (request));

  g_assert_nonnull (listed);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, page));
  cst_request_list_page_select (page, listed);
  g_assert_true (cst_request_detail_get_request (f->detail) == listed);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  return listed;
}

/* What @widget shows: every label and text of its visible descendants. */
static void
collect_texts (GtkWidget *widget,
               GPtrArray *texts)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  else if (GTK_IS_TEXT (widget))
    g_ptr_array_add (texts, g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static char *
dup_shown (GtkWidget *widget)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_texts (widget, texts);
  g_ptr_array_add (texts, NULL);
  return g_strjoinv ("\n", (char **) texts->pdata);
}

typedef struct
{
  GtkWidget         *widget;
  const char *const *present;
  guint              n_present;
  const char *const *absent;
  guint              n_absent;
} ShownWait;

static gboolean
shows_only (gpointer data)
{
  ShownWait *w = data;
  g_autofree char *shown = dup_shown (w->widget);

  for (guint i = 0; i < w->n_present; i++)
    if (strstr (shown, w->present[i]) == NULL)
      return FALSE;
  for (guint i = 0; i < w->n_absent; i++)
    if (strstr (shown, w->absent[i]) != NULL)
      return FALSE;
  return TRUE;
}

static void
assert_shows_only (GtkWidget         *widget,
                   const char *const *present,
                   guint              n_present,
                   const char *const *absent,
                   guint              n_absent)
{
  ShownWait w = { widget, present, n_present, absent, n_absent };

  if (!cst_test_gui_wait_until (shows_only, &w))
    {
      g_autofree char *shown = dup_shown (widget);
      for (guint i = 0; i < n_present; i++)
        if (strstr (shown, present[i]) == NULL)
          g_error ("not shown: %s\n--- shown:\n%s", present[i], shown);
      for (guint i = 0; i < n_absent; i++)
        if (strstr (shown, absent[i]) != NULL)
          g_error ("still shown: %s", absent[i]);
    }
}

/* A, then B: every field of B as typed, markup characters and all, and
 * nothing of A (the contact line used to keep A's e-mail and phone). */
static void
test_markup_and_previous_values (Fixture *f, gconstpointer data)
{
  g_autofree char *contact = g_strjoin (" · ", b_values[ORGANIZATION], b_values[ADDRESS],
                                        b_values[EMAIL], b_values[PHONE], NULL);
  const char *contact_shown[] = { contact };
  const char *no_contact[] = { "No contact details on file" };
  const char *dangling[] = { " · ·", "· \n", " · " "\n" };

  show (f, request_a);
  assert_shows_only (GTK_WIDGET (f->detail), a_values, G_N_ELEMENTS (a_values), b_values, 0);
  show (f, request_b);
  assert_shows_only (GTK_WIDGET (f->detail), b_values, G_N_ELEMENTS (b_values),
                     a_values, G_N_ELEMENTS (a_values));
  assert_shows_only (GTK_WIDGET (f->detail), contact_shown, 1, NULL, 0);

  /* Nothing on file: said plainly, no empty parts. */
  show (f, request_c);
  assert_shows_only (GTK_WIDGET (f->detail), no_contact, 1, dangling, G_N_ELEMENTS (dangling));
  assert_shows_only (GTK_WIDGET (f->detail), NULL, 0, b_values, G_N_ELEMENTS (b_values));
}

static gboolean
scrollable (gpointer adjustment)
{
  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 100;
}

static gboolean
at_top (gpointer adjustment)
{
  return gtk_adjustment_get_value (adjustment) == 0;
}

/* The next request is shown from its top, not where the last one was left. */
static void
test_scrolls_to_top (Fixture *f, gconstpointer data)
{
  GtkAdjustment *adjustment = cst_request_detail_get_vadjustment (f->detail);

  show (f, request_a);
  g_assert_true (cst_test_gui_wait_until (scrollable, adjustment));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  show (f, request_b);
  g_assert_true (cst_test_gui_wait_until (scrollable, adjustment));
  g_assert_true (cst_test_gui_wait_until (at_top, adjustment));
}

/* The request's own fields (not those of the panels inside it). */
static void
collect_own_fields (GtkWidget *widget,
                    GPtrArray *fields)
{
  /* Groups with fields of their own, not the request's: the payments
   * form stays open on a closed request (payments follow a release); the
   * records group's redaction switches wait for the choices it reads. */
  if (CST_IS_AUTHORIZATION_CHECKLIST (widget) || CST_IS_LEGAL_PROCESS_GROUP (widget) ||
      CST_IS_REQUEST_SAFEGUARDS (widget) ||
      CST_IS_RELEASE_FORMS (widget) || CST_IS_FEE_QUOTE_PANEL (widget) ||
      CST_IS_PAYMENT_GROUP (widget) || CST_IS_PACKET_REVIEW_PANEL (widget) ||
      CST_IS_PACKET_GROUP (widget))
    return;
  if (ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget) || GTK_IS_SPIN_BUTTON (widget) ||
      GTK_IS_SWITCH (widget) || (GTK_IS_BUTTON (widget) &&
                                 g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)),
                                            "detail.save") == 0))
    g_ptr_array_add (fields, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_own_fields (child, fields);
}

/* A third of a second of the main loop: laid out and drawn. */
static void
settle_frames (void)
{
  cst_test_iterate_for (1000 / 3);
}

/* Where @widget is in the visible part of @scrolled. */
static double
on_screen_y (GtkWidget         *widget,
             GtkScrolledWindow *scrolled)
{
  double x, y;

  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (scrolled), 0, 0, &x, &y));
  return y;
}

static gboolean
shows_denial (gpointer data)
{
  Fixture *f = data;
  g_autofree char *shown = dup_shown (GTK_WIDGET (f->detail));

  return strstr (shown, "Duplicate of an earlier request") != NULL;
}

/* A clerk is on a field far down when another clerk's change to the
 * request arrives and the header above grows (denied: a line says it is
 * closed):
 * the field stays where it is on the screen, at every turn. */
static void
test_change_keeps_place (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) denied = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GtkAdjustment *adjustment = cst_request_detail_get_vadjustment (f->detail);
  GtkScrolledWindow *scrolled;
  GtkWidget *field;
  CstRequest *shown;
  double at;
  gint64 until;

  shown = show (f, request_e);
  g_assert_true (cst_test_gui_wait_until (scrollable, adjustment));
  collect_own_fields (GTK_WIDGET (f->detail), fields);
  /* A field near the end of the form, in the middle of the view. */
  field = g_ptr_array_index (fields, fields->len - 2);
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (field, GTK_TYPE_SCROLLED_WINDOW));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                        on_screen_y (field, scrolled) -
                                        gtk_adjustment_get_page_size (adjustment) / 2);
  settle_frames ();
  g_assert_true (gtk_widget_grab_focus (field));
  settle_frames ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 100);
  at = on_screen_y (field, scrolled);

  /* As the store brings another clerk's change in. */
  denied = cst_request_repo_move (conn, request_e, CST_STATUS_DENIED, "Duplicate of an earlier request",
                                  &error);
  g_assert_no_error (error);
  cst_request_update_from (shown, denied);
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
      g_assert_cmpfloat_with_epsilon (on_screen_y (field, scrolled), at, 1.0);
    }
  g_assert_true (shows_denial (f));
}

static void
assert_editable (CstRequestDetail *detail,
                 gboolean          editable)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  guint n_entries = 0, n_saves = 0;

  collect_own_fields (GTK_WIDGET (detail), fields);
  for (guint i = 0; i < fields->len; i++)
    {
      GtkWidget *field = g_ptr_array_index (fields, i);

      if (ADW_IS_ENTRY_ROW (field))
        {
          g_assert_cmpint (gtk_editable_get_editable (GTK_EDITABLE (field)), ==, editable);
          /* No pencil promising an edit (style.css). */
          g_assert_cmpint (gtk_widget_has_css_class (field, "read-only"), ==, !editable);
          n_entries++;
        }
      else if (GTK_IS_BUTTON (field))
        {
          g_assert_cmpint (gtk_widget_get_visible (field), ==, editable);
          n_saves++;
        }
      else
        g_assert_cmpint (gtk_widget_get_sensitive (field), ==, editable);
    }
  g_assert_cmpuint (n_entries, >=, 9);
  g_assert_cmpuint (n_saves, ==, 1);
}

/* A denied request is shown, not edited: no field takes typing, Save is
 * gone, and a line says why. */
static void
test_closed_is_read_only (Fixture *f, gconstpointer data)
{
  g_autofree char *why = g_strdup_printf ("closed (%s)", cst_request_status_get_label (CST_STATUS_DENIED));
  const char *closed[] = { why };

  show (f, request_a);
  assert_editable (f->detail, TRUE);
  assert_shows_only (GTK_WIDGET (f->detail), NULL, 0, closed, 1);

  show (f, request_d);
  assert_editable (f->detail, FALSE);
  assert_shows_only (GTK_WIDGET (f->detail), closed, 1, NULL, 0);
  g_assert_false (cst_request_detail_get_dirty (f->detail));

  /* Back to an open request: editable again. */
  show (f, request_a);
  assert_editable (f->detail, TRUE);
}

static gboolean
history_read (gpointer detail)
{
  GListModel *history = cst_request_detail_get_history (detail);
  return history != NULL && g_list_model_get_n_items (history) > 0;
}

static GtkWidget *
find_history_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX (widget) && g_strcmp0 (gtk_widget_get_name (widget), "history") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_history_list (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The denied request's history: logged, then denied with its reason, by
 * whom and on which day (in the locale's format). */
static void
test_history (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(PGresult) who = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);
  g_autofree char *denied = g_strdup_printf ("Status changed: %s → %s",
                                             cst_request_status_get_label (CST_STATUS_RECEIVED),
                                             cst_request_status_get_label (CST_STATUS_DENIED));
  g_autofree char *today = NULL;
  GtkWidget *list = find_history_list (GTK_WIDGET (f->detail));
  GDate day;

  cst_input_today (&day);
  today = cst_locale_format_date (&day);
  g_assert_nonnull (list);
  show (f, request_d);
  g_assert_true (cst_test_gui_wait_until (history_read, f->detail));
  {
    const char *present[] = { "Request logged", denied, "No & <records> found", PQgetvalue (who, 0, 0), today };
    /* What the database recorded is not the application's word. */
    const char *absent[] = { "Reported by the application" };
    assert_shows_only (list, present, G_N_ELEMENTS (present), absent, G_N_ELEMENTS (absent));
  }

  /* The next request's history replaces it. */
  show (f, request_a);
  {
    const char *present[] = { "Request logged" };
    const char *absent[] = { denied, "No & <records> found" };
    assert_shows_only (list, present, 1, absent, G_N_ELEMENTS (absent));
  }
}

static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
file_chooser_gone (gpointer data)
{
  return find_file_chooser () == NULL;
}

static gboolean
export_done (gpointer detail)
{
  return !cst_request_detail_get_exporting (detail) && cst_request_detail_get_evidence_message (detail);
}

/* The evidence action (Ctrl+Shift+P) asks where to save, suggesting a
 * name made of the reference (never the patient's); the pack is written
 * off the main loop, PDF and JSON beside it, 0600, and the view says where. */
static void
test_evidence_pack (Fixture *f, gconstpointer data)
{
  CstRequest *shown = show (f, request_b);
  const char *reference = cst_request_get_reference (shown);
  g_autofree char *dir = g_dir_make_tmp ("cst-evidence-XXXXXX", NULL);
  g_autofree char *name = g_strdup_printf ("%s-evidence.pdf", reference);
  g_autofree char *pdf_path = g_build_filename (dir, name, NULL);
  g_autofree char *json_path = g_strndup (pdf_path, strlen (pdf_path) - strlen (".pdf"));
  g_autofree char *json_full = g_strconcat (json_path, ".json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  g_autofree char *reference_squashed = cst_test_pdf_squash (reference);
  g_autoptr(GFile) file = g_file_new_for_path (pdf_path);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  GtkWidget *chooser;
  gchar *contents = NULL;
  gsize length = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.evidence", NULL));
  g_assert_true (cst_test_gui_wait_until (file_chooser_shown, NULL));
  chooser = find_file_chooser ();
  {
    g_autofree char *suggested = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
    g_assert_cmpstr (suggested, ==, name);
  }
  g_assert_null (strstr (name, b_values[FAMILY]));
  g_assert_null (strstr (name, b_values[MRN]));
  /* The dialog's own checks of a new file name run out of reach of a
   * test: cancel it, and save where the clerk would have chosen. */
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  g_assert_true (cst_test_gui_wait_until (file_chooser_gone, NULL));
  g_assert_false (cst_request_detail_get_exporting (f->detail));
  g_assert_null (cst_request_detail_get_evidence_message (f->detail));
  cst_request_detail_export_evidence (f->detail, file);
  g_assert_true (cst_request_detail_get_exporting (f->detail));
  g_assert_true (cst_test_gui_wait_until (export_done, f->detail));
  g_assert_nonnull (strstr (cst_request_detail_get_evidence_message (f->detail), pdf_path));

  cst_test_file_assert_private (pdf_path);
  cst_test_file_assert_private (json_full);
  g_assert_true (g_file_get_contents (pdf_path, &contents, &length, NULL));
  pdf = g_bytes_new_take (contents, length);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, reference_squashed));
  g_assert_nonnull (strstr (text, b_values[ORGANIZATION]));

  /* The export is in the history now, as the application's word (any
   * login may report an export). */
  {
    const char *present[] = { "Evidence pack exported", "Reported by the application" };
    assert_shows_only (find_history_list (GTK_WIDGET (f->detail)), present, G_N_ELEMENTS (present), NULL, 0);
  }
  g_unlink (pdf_path);
  g_unlink (json_full);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autoptr(GError) error = NULL;
    const char *const c_values[] = {
      "Thirdfamily", "Carol", "MRN-THIRD-3", "Carol Requester", NULL, NULL, NULL, NULL,
      "Third purpose", "", "", "third-type",
    };
    const char *const d_values[] = {
      "Fourthfamily", "Dora", "MRN-FOURTH-4", "Dora Requester", "Fourth Org", NULL, NULL, NULL,
      "Fourth purpose", "", "", "fourth-type",
    };
    const char *const e_values[] = {
      "Fifthfamily", "Eve", "MRN-FIFTH-5", "Eve Requester", NULL, NULL, NULL, NULL,
      "Fifth purpose", "", "", "fifth-type",
    };
    CstRequest *moved;

    request_a = add_request (conn, a_values, CST_REQUESTER_PATIENT);
    request_b = add_request (conn, b_values, CST_REQUESTER_ATTORNEY);
    request_c = add_request (conn, c_values, CST_REQUESTER_PATIENT);
    request_d = add_request (conn, d_values, CST_REQUESTER_PATIENT);
    request_e = add_request (conn, e_values, CST_REQUESTER_PATIENT);
    moved = cst_request_repo_move (conn, request_d, CST_STATUS_DENIED, "No & <records> found", &error);
    g_assert_no_error (error);
    g_object_unref (request_d);
    request_d = moved;
  }
  g_test_add ("/request-detail/markup-and-previous-values", Fixture, NULL, fixture_setup,
              test_markup_and_previous_values, fixture_teardown);
  g_test_add ("/request-detail/scrolls-to-top", Fixture, NULL, fixture_setup,
              test_scrolls_to_top, fixture_teardown);
  g_test_add ("/request-detail/change-keeps-place", Fixture, NULL, fixture_setup,
              test_change_keeps_place, fixture_teardown);
  g_test_add ("/request-detail/closed-is-read-only", Fixture, NULL, fixture_setup,
              test_closed_is_read_only, fixture_teardown);
  g_test_add ("/request-detail/history", Fixture, NULL, fixture_setup,
              test_history, fixture_teardown);
  g_test_add ("/request-detail/evidence-pack", Fixture, NULL, fixture_setup,
              test_evidence_pack, fixture_teardown);
  status = g_test_run ();
  g_clear_object (&request_a);
  g_clear_object (&request_b);
  g_clear_object (&request_c);
  g_clear_object (&request_d);
  g_clear_object (&request_e);
  cst_test_db_free (db);
  return status;
}
