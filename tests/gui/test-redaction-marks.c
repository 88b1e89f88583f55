/* test-redaction-marks.c — redaction in the page view, as the desk's two
 * logins: a redactor (a clerk granted custodian_redactor) draws a box on a
 * page opened large, picks the reason and it is applied; undoes it; marks
 * a text found on every page.  A clerk without the right only proposes,
 * and cannot accept; the redactor goes to the proposals (F8) and accepts
 * or rejects them one by one and all at once.  Each step is checked in
 * record_redactions, as the database stored it. */
#include "config.h"

#include <adwaita.h>

#include "cst-packet-group.h"
#include "cst-packet-view.h"
#include "cst-page-item.h"
#include "cst-redaction-finder.h"
#include "cst-request-detail.h"
#include "cst-test-gui.h"
#include "cst-test-records.h"
#include "cst-window.h"
#include "cst-test-pdf.h"

#include <custodian/cst-redaction-propose.h>
#include <custodian/cst-redaction-words.h>
#include <custodian/cst-redaction-words-cache.h>

#include <math.h>
#include <string.h>

static CstTestDb *db;
static char *redactor;   /* conninfo of a clerk with the redaction right */
static char *clerk;      /* conninfo of a clerk without it */

typedef struct
{
  char             *dir;
  CstRequest       *request;
  gint64            document;
  CstRequestStore  *store;
  CstWindow        *window;
  CstPacketView    *view;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *pdf = NULL;
  const char *paths[2] = { NULL, NULL };
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  static guint n;
  g_autofree char *mrn = g_strdup_printf ("MARKS-%u", ++n);

  f->dir = g_dir_make_tmp ("cst-redaction-marks-XXXXXX", NULL);
  pdf = cst_test_records_pdf (f->dir, "discharge.pdf", 3, "Discharge");
  paths[0] = pdf;
  f->request = cst_test_db_add_request (owner, mrn);
  docs = cst_packet_add_at (clerk, cst_request_get_reference (f->request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  f->document = ((CstRecordDocument *) g_ptr_array_index (docs, 0))->id;
}

static void
close_view (Fixture *f)
{
  if (f->view != NULL)
    gtk_window_destroy (GTK_WINDOW (f->view));
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_clear_object (&f->store);
  cst_test_iterate (5);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  close_view (f);
  g_clear_object (&f->request);
  cst_test_records_remove (f->dir);
  g_free (f->dir);
}

static gboolean
view_idle (gpointer data)
{
  return !cst_packet_view_is_busy (data) && cst_packet_view_get_outline (data) != NULL &&
         cst_packet_view_get_marks (data) != NULL;
}

static gboolean
group_has_documents (gpointer data)
{
  return cst_packet_group_get_n_documents (data) >= 1;
}

/* The window open as @login on the request, and its page view. */
static void
open_view (Fixture    *f,
           const char *login)
{
  CstRequestDetail *detail;
  CstPacketGroup *group;

  f->window = cst_test_gui_open_window (login, &f->store);
  detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  group = CST_PACKET_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (detail), CST_TYPE_PACKET_GROUP));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (f->request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));
  g_assert_true (cst_test_gui_wait_until (group_has_documents, group));
  f->view = cst_packet_group_open_pages (group);
  g_assert_nonnull (f->view);
  g_object_add_weak_pointer (G_OBJECT (f->view), (gpointer *) &f->view);
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
}

static gboolean
layer_laid_out (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (cst_packet_view_get_layer (data))) > 0;
}

static void
open_large (Fixture *f,
            guint    position)
{
  cst_packet_view_open_page (f->view, position);
  g_assert_true (cst_test_gui_wait_until ((CstTestCondition) cst_packet_view_large_shown, f->view));
  /* Laid out at the picture's size before a drag is mapped to points. */
  g_assert_true (cst_test_gui_wait_until (layer_laid_out, f->view));
}

static gint64
owner_int (const char *sql,
           gint64      id)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  return cst_test_db_int_for_id (owner, sql, id);
}

static const char *
login_name (const char *conninfo)
{
  return strstr (conninfo, "user=") + strlen ("user=");
}

/* The reason dialog the view shows, answered with @reason (its place in
 * cst_redaction_reasons()) and @written. */
static void
answer_reason (Fixture    *f,
               guint       reason,
               const char *written,
               const char *response)
{
  AdwMessageDialog *dialog = cst_test_gui_message_dialog (GTK_WINDOW (f->view));
  GtkWidget *box, *child;

  g_assert_nonnull (dialog);
  box = adw_message_dialog_get_extra_child (dialog);
  for (child = gtk_widget_get_first_child (box); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_DROP_DOWN (child))
      gtk_drop_down_set_selected (GTK_DROP_DOWN (child), reason);
  if (written != NULL)
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_last_child (box)), written);
  cst_test_gui_respond (dialog, response);
}

static guint
reason_index (const char *reason)
{
  const char *const *reasons = cst_redaction_reasons ();

  for (guint i = 0; reasons[i] != NULL; i++)
    if (g_str_equal (reasons[i], reason))
      return i;
  g_assert_not_reached ();
}

static gint64
last_redaction (Fixture *f)
{
  return owner_int ("SELECT max(id) FROM record_redactions WHERE document_id = $1", f->document);
}

/* The redactor drags a box on page 1 opened large: asked why, it is
 * applied where it was drawn, in points; then undone. */
static void
test_box_drawn (Fixture *f, gconstpointer data)
{
  CstRedactionLayer *layer;
  gint64 id;
  GtkAccessible *page;

  open_view (f, redactor);
  open_large (f, 0);
  layer = cst_packet_view_get_layer (f->view);
  /* The large page is 900 px wide for A4's 595 points. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (layer)), ==, 900);
  cst_redaction_layer_drag (layer, 90, 120, 180, 45);
  answer_reason (f, reason_index ("other_person"), NULL, "_Redact");
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));

  id = last_redaction (f);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (owner_int ("SELECT count(*) FROM record_redactions WHERE id = $1 AND page = 1"
                              " AND state = 'applied' AND reason = 'other_person' AND source = 'box'"
                              " AND decided_by = proposed_by AND decided_at IS NOT NULL", id), ==, 1);
  /* 90 px of 900 on a 595-point page: 59.5 points; 180 px: 119 points. */
  g_assert_cmpint (owner_int ("SELECT round(x * 10) FROM record_redactions WHERE id = $1", id), ==, 595);
  g_assert_cmpint (owner_int ("SELECT round(y * 10) FROM record_redactions WHERE id = $1", id), ==, 793);
  g_assert_cmpint (owner_int ("SELECT round(width * 10) FROM record_redactions WHERE id = $1", id), ==, 1190);
  g_assert_cmpint (owner_int ("SELECT round(height * 10) FROM record_redactions WHERE id = $1", id), ==, 298);
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM record_redactions WHERE id = $1"
                                            " AND proposed_by = '%s'", login_name (redactor));

    g_assert_cmpint (cst_test_db_int_for_id (owner, sql, id), ==, 1);
  }
  /* The thumbnail says so. */
  {
    g_autoptr(CstPageItem) first = g_list_model_get_item (cst_packet_view_get_pages (f->view), 0);
    g_autofree char *described = cst_page_item_describe (first);

    g_assert_cmpstr (described, ==, "Page 1 of discharge.pdf; 1 redaction");
  }
  page = GTK_ACCESSIBLE (layer);
  g_assert_true (GTK_IS_ACCESSIBLE (page));

  /* The keyboard's box: Ctrl+B puts one in the middle of the page. */
  {
    CstRedactionBox box;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "view.draw-box", NULL));
    g_assert_true (cst_redaction_layer_get_drawing (layer, &box));
    g_assert_cmpfloat (box.x + box.width / 2, >, 595 / 2.0 - 1);
    g_assert_cmpfloat (box.x + box.width / 2, <, 595 / 2.0 + 1);
    g_assert_cmpfloat (box.y + box.height, <=, 842);
  }

  /* Undone (the row's Undo button): kept on record as removed. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.remove-mark", "x", id);
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  g_assert_cmpint (owner_int ("SELECT count(*) FROM record_redactions WHERE id = $1 AND state = 'removed'", id),
                   ==, 1);
}

static gboolean words_known (gpointer data);

/* On a scan, a box is in the points of the page the packet puts the scan
 * on (US Letter), as the build burns it: not in the image's pixels; and
 * words read by OCR are selected by dragging across them. */
static void
test_scan_box (Fixture *f, gconstpointer data)
{
  g_autofree char *png = cst_test_records_png (f->dir, "consent.png", "Consent");
  const char *paths[] = { png, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (clerk, cst_request_get_reference (f->request), paths,
                                                 NULL, NULL, &error);
  gint64 scan, id;

  g_assert_no_error (error);
  scan = ((CstRecordDocument *) g_ptr_array_index (docs, 0))->id;
  f->document = scan;
  open_view (f, redactor);
  /* The discharge's three pages, then the scan. */
  open_large (f, 3);
  cst_redaction_layer_drag (cst_packet_view_get_layer (f->view), 90, 90, 90, 30);
  answer_reason (f, reason_index ("minor_confidential"), NULL, "_Redact");
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  id = last_redaction (f);
  g_assert_cmpint (owner_int ("SELECT count(*) FROM record_redactions WHERE id = $1 AND state = 'applied'"
                              " AND reason = 'minor_confidential' AND page = 1", id), ==, 1);
  /* 90 px of 900 on a 612-point page. */
  g_assert_cmpint (owner_int ("SELECT round(x * 10) FROM record_redactions WHERE id = $1", id), ==, 612);
  g_assert_cmpint (owner_int ("SELECT round(width * 10) FROM record_redactions WHERE id = $1", id), ==, 612);

  /* Its words, read by Tesseract off the main loop, are selected the same
   * way: the word's box (with the finder's point of room), in the page's
   * points. */
  {
    CstRedactionLayer *layer = cst_packet_view_get_layer (f->view);
    GArray *words;
    const CstRedactionBox *word;
    double s, x, y;
    gint64 chosen;

    g_assert_true (cst_test_wait_until (words_known, f->view, 120));
    words = cst_redaction_layer_get_words (layer);
    g_assert_cmpuint (words->len, >=, 1);
    word = &g_array_index (words, CstRedactionWord, 0).box;
    g_assert_cmpfloat (word->x + word->width, <=, 612);
    s = gtk_widget_get_width (GTK_WIDGET (layer)) / 612.0;
    x = (word->x + word->width / 2) * s;
    y = (word->y + word->height / 2) * s;
    g_assert_true (cst_redaction_layer_select_words (layer, x, y, x, y));
    answer_reason (f, reason_index ("minor_confidential"), NULL, "_Redact");
    g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
    chosen = last_redaction (f);
    g_assert_cmpint (chosen, >, id);
    g_assert_cmpint (owner_int ("SELECT round(x * 10) FROM record_redactions WHERE id = $1", chosen), ==,
                     (gint64) round ((word->x - 1) * 10));
    g_assert_cmpint (owner_int ("SELECT round(width * 10) FROM record_redactions WHERE id = $1", chosen), ==,
                     (gint64) round ((word->width + 2) * 10));
  }
}

static gboolean
has_marks (gpointer data)
{
  const CstPageMarks *marks = cst_packet_view_get_marks (data);

  return !cst_packet_view_is_busy (data) && marks != NULL && marks->redactions->len >= 3;
}

/* A text marked everywhere: each page's "Discharge" redacted, the reason
 * written out. */
static void
test_text_marked (Fixture *f, gconstpointer data)
{
  AdwMessageDialog *dialog;
  GtkWidget *box;

  open_view (f, redactor);
  g_assert_nonnull (cst_packet_view_ask_mark_text (f->view));
  dialog = cst_test_gui_message_dialog (GTK_WINDOW (f->view));
  box = adw_message_dialog_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_first_child (box)), "Discharge");
  answer_reason (f, reason_index ("other"), "Sister's chart", "_Redact");
  g_assert_true (cst_test_gui_wait_until (has_marks, f->view));
  g_assert_cmpint (owner_int ("SELECT count(DISTINCT page) FROM record_redactions WHERE document_id = $1"
                              " AND source = 'text' AND state = 'applied' AND reason = 'other'"
                              " AND reason_text = 'Sister''s chart'", f->document), ==, 3);
  g_assert_nonnull (strstr (cst_packet_view_get_message (f->view), "on 3 pages"));
}

static gboolean
button_sensitive (GtkWidget  *root,
                  const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0)
        return gtk_widget_get_sensitive (child);
      if (button_sensitive (child, tooltip))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_button (GtkWidget  *root,
            const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if ((GTK_IS_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0) ||
        has_button (child, tooltip))
      return TRUE;
  return FALSE;
}

/* The program's proposals and a clerk's: the clerk cannot accept them;
 * the redactor finds them (F8) and accepts one, rejects one, and accepts
 * the rest of the page at once. */
static void
test_proposals_decided (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *state_sql = "SELECT count(*) FROM record_redactions WHERE document_id = $1 AND state = ";
  gint64 first, second;

  /* The finder's proposals on page 2, as the clerk who ran it. */
  {
    g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
    CstRedactionBox box = { 50, 100, 120, 14 };

    for (guint i = 0; i < 3; i++, box.y += 40)
      g_assert_cmpint (cst_redaction_add (conn, f->document, 2, &box, "other_person", NULL, "proposal", FALSE,
                                          &error), >, 0);
    g_assert_no_error (error);
  }

  /* The clerk proposes a box of their own, and cannot decide any. */
  open_view (f, clerk);
  open_large (f, 1);
  g_assert_true (has_button (GTK_WIDGET (f->view), "Accept this proposal (Alt+A)"));
  g_assert_false (button_sensitive (GTK_WIDGET (f->view), "Accept this proposal (Alt+A)"));
  cst_redaction_layer_drag (cst_packet_view_get_layer (f->view), 300, 600, 150, 30);
  answer_reason (f, reason_index ("psychotherapy_notes"), NULL, "_Propose");
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  {
    g_autofree char *sql = g_strconcat (state_sql, "'proposed' AND source = 'box'", NULL);

    g_assert_cmpint (owner_int (sql, f->document), ==, 1);
  }
  close_view (f);

  /* The redactor: F8 opens the first page with proposals, page 2. */
  open_view (f, redactor);
  {
    g_autoptr(CstPageItem) second_page = g_list_model_get_item (cst_packet_view_get_pages (f->view), 1);
    g_autofree char *described = cst_page_item_describe (second_page);

    g_assert_cmpstr (described, ==, "Page 2 of discharge.pdf; 4 redactions proposed");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "view.next-proposal", NULL));
  g_assert_true (cst_test_gui_wait_until ((CstTestCondition) cst_packet_view_large_shown, f->view));
  g_assert_true (button_sensitive (GTK_WIDGET (f->view), "Accept this proposal (Alt+A)"));

  /* One accepted (Alt+A: the first proposal is chosen in the list), one
   * rejected (its row's Reject button), one by one. */
  first = owner_int ("SELECT min(id) FROM record_redactions WHERE document_id = $1", f->document);
  second = first + 1;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "view.accept-mark", NULL));
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  g_assert_cmpint (owner_int ("SELECT count(*) FROM record_redactions WHERE id = $1 AND state = 'applied'",
                              first), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.decide-mark", "(xb)", second, FALSE);
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  g_assert_cmpint (owner_int ("SELECT count(*) FROM record_redactions WHERE id = $1 AND state = 'applied'",
                              first), ==, 1);
  g_assert_cmpint (owner_int ("SELECT count(*) FROM record_redactions WHERE id = $1 AND state = 'rejected'",
                              second), ==, 1);

  /* The rest of the page at once (Ctrl+Shift+A). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "view.accept-all", NULL));
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  {
    g_autofree char *applied = g_strconcat (state_sql, "'applied'", NULL);
    g_autofree char *proposed = g_strconcat (state_sql, "'proposed'", NULL);
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *by = g_strdup_printf ("SELECT count(*) FROM record_redactions WHERE document_id = $1"
                                           " AND state = 'applied' AND decided_by = '%s'", login_name (redactor));

    g_assert_cmpint (owner_int (applied, f->document), ==, 3);
    g_assert_cmpint (owner_int (proposed, f->document), ==, 0);
    g_assert_cmpint (cst_test_db_int_for_id (owner, by, f->document), ==, 3);
  }
  /* Nothing is left to decide. */
  g_assert_false (button_sensitive (GTK_WIDGET (f->view), "Accept this proposal (Alt+A)"));
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.next-proposal", NULL);
  g_assert_cmpstr (cst_packet_view_get_message (f->view), ==, "No proposed redactions are waiting.");
}

/* ---- Find Proposals ---------------------------------------------------------- */

static gboolean
finder_idle (gpointer data)
{
  return cst_redaction_finder_get_setup (data) != NULL && !cst_redaction_finder_is_busy (data);
}

static GtkEditable *
entry_with_placeholder (GtkWidget  *root,
                        const char *placeholder)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found;

      if (GTK_IS_ENTRY (child) &&
          g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (child)), placeholder) == 0)
        return GTK_EDITABLE (child);
      if ((found = entry_with_placeholder (child, placeholder)) != NULL)
        return found;
    }
  return NULL;
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = cst_test_gui_find_button (root, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Typed into the window and added with its button, as a clerk would. */
static void
add_in_finder (CstRedactionFinder *finder,
               const char         *placeholder,
               const char         *text,
               const char         *button)
{
  GtkEditable *entry = entry_with_placeholder (GTK_WIDGET (finder), placeholder);

  g_assert_nonnull (entry);
  gtk_editable_set_text (entry, text);
  click (GTK_WIDGET (finder), button);
  g_assert_true (cst_test_gui_wait_until (finder_idle, finder));
  g_assert_null (cst_redaction_finder_get_message (finder));
}

static void
find_in_finder (CstRedactionFinder *finder)
{
  click (GTK_WIDGET (finder), "_Find Proposals");
  g_assert_true (cst_redaction_finder_is_finding (finder));
  g_assert_true (cst_test_gui_wait_until (finder_idle, finder));
}

static guint
proposed_in_view (CstPacketView *view)
{
  const CstPageMarks *marks = cst_packet_view_get_marks (view);
  guint proposed = 0;

  for (guint i = 0; marks != NULL && i < marks->redactions->len; i++)
    proposed += g_str_equal (((CstRedaction *) g_ptr_array_index (marks->redactions, i))->state, "proposed");
  return proposed;
}

typedef struct
{
  CstPacketView *view;
  guint          want;
} Proposed;

static gboolean
view_shows_proposed (gpointer data)
{
  Proposed *p = data;

  return view_idle (p->view) && proposed_in_view (p->view) == p->want;
}

static gint64
proposals_stored (Fixture *f)
{
  return owner_int ("SELECT count(*) FROM record_redactions WHERE request_id = $1 AND state = 'proposed'",
                    cst_request_get_id (f->request));
}

/* Find Proposals from the page view, as a clerk: the person the request
 * names is added in the window (kept with the request), the finder runs
 * off the main loop and its proposal shows in the view to be decided; the
 * clerk sees the configured terms but cannot change them.  Stop leaves
 * nothing proposed.  An administrator adds a term in the same window and
 * the next run proposes it. */
static void
test_find_proposals (Fixture *f, gconstpointer data)
{
  const char *lines[] = { "Accompanied by Delia Ostrander today\n"
                          "Chart H7720431 filed here by mistake\n"
                          "Referred from Clearwater Recovery", NULL };
  g_autofree char *note = cst_test_records_pdf_lines (f->dir, "note.pdf", lines, FALSE);
  const char *paths[] = { note, NULL };
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(CstConnection) admin_connection = cst_connection_new (admin);
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;
  CstRedactionFinder *finder;
  CstRedactionFinder *configuring;
  Proposed one = { NULL, 1 };

  docs = cst_packet_add_at (clerk, cst_request_get_reference (f->request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  open_view (f, clerk);
  one.view = f->view;
  finder = CST_REDACTION_FINDER (cst_packet_view_find_proposals (f->view));
  g_assert_true (cst_test_gui_wait_until (finder_idle, finder));
  /* A clerk reads the terms; changing them is an administrator's. */
  g_assert_false (cst_redaction_finder_get_setup (finder)->may_configure);
  g_assert_false (gtk_widget_is_visible (cst_test_gui_find_button (GTK_WIDGET (finder), "A_dd Term")));

  add_in_finder (finder, "A name or a medical record number", "Delia Ostrander", "_Add");
  g_assert_cmpuint (cst_redaction_finder_get_setup (finder)->others->len, ==, 1);
  g_assert_cmpint (owner_int ("SELECT count(*) FROM request_other_people WHERE request_id = $1"
                              " AND kind = 'name' AND value = 'Delia Ostrander'",
                              cst_request_get_id (f->request)), ==, 1);
  find_in_finder (finder);
  g_assert_cmpstr (cst_redaction_finder_get_message (finder), ==,
                   "1 redaction proposed: decide it in the pages (F8).");
  g_assert_true (cst_test_gui_wait_until (view_shows_proposed, &one));
  g_assert_cmpint (proposals_stored (f), ==, 1);

  /* Stopped at once: the MRN added since is not proposed. */
  /* The people group's drop-down comes first: Name, MRN. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (cst_test_gui_find_descendant (GTK_WIDGET (finder),
                                                                           GTK_TYPE_DROP_DOWN)), 1);
  add_in_finder (finder, "A name or a medical record number", "H7720431", "_Add");
  g_assert_cmpint (owner_int ("SELECT count(*) FROM request_other_people WHERE request_id = $1"
                              " AND kind = 'mrn' AND value = 'H7720431'", cst_request_get_id (f->request)), ==, 1);
  click (GTK_WIDGET (finder), "_Find Proposals");
  click (GTK_WIDGET (finder), "_Stop");
  g_assert_false (cst_redaction_finder_is_finding (finder));
  g_assert_cmpstr (cst_redaction_finder_get_message (finder), ==, "Stopped: nothing was proposed.");
  /* The next run waits for the stopped one on the connection's worker. */
  find_in_finder (finder);
  g_assert_cmpstr (cst_redaction_finder_get_message (finder), ==,
                   "1 redaction proposed: decide it in the pages (F8). 1 find was marked already.");
  g_assert_cmpint (proposals_stored (f), ==, 2);

  /* The administrator configures a term; the next run proposes it. */
  configuring = cst_redaction_finder_new (admin_connection, cst_request_get_id (f->request));
  gtk_window_present (GTK_WINDOW (configuring));
  g_assert_true (cst_test_gui_wait_until (finder_idle, configuring));
  g_assert_true (cst_redaction_finder_get_setup (configuring)->may_configure);
  g_assert_cmpuint (cst_redaction_finder_get_setup (configuring)->others->len, ==, 2);
  add_in_finder (configuring, "A term, for example a program's name", "Clearwater Recovery", "A_dd Term");
  g_assert_cmpint (owner_int ("SELECT count(*) FROM redaction_terms WHERE term = 'Clearwater Recovery'"
                              " AND retired_at IS NULL AND $1 > 0", 1), ==, 1);
  find_in_finder (configuring);
  g_assert_cmpint (proposals_stored (f), ==, 3);
  /* Retired from the same window (its row's button), it is no longer
   * looked for; the clerk takes the MRN off the request the same way. */
  {
    const CstRedactionSetup *setup = cst_redaction_finder_get_setup (configuring);
    gint64 term = 0;

    for (guint i = 0; i < setup->terms->len; i++)
      if (g_str_equal (((CstRedactionTerm *) g_ptr_array_index (setup->terms, i))->term, "Clearwater Recovery"))
        term = ((CstRedactionTerm *) g_ptr_array_index (setup->terms, i))->id;
    g_assert_cmpint (term, >, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (configuring), "finder.retire-term", "x", term));
    g_assert_true (cst_test_gui_wait_until (finder_idle, configuring));
    g_assert_cmpint (owner_int ("SELECT count(*) FROM redaction_terms WHERE id = $1 AND retired_at IS NOT NULL",
                                term), ==, 1);
    for (guint i = 0; i < cst_redaction_finder_get_setup (configuring)->terms->len; i++)
      g_assert_cmpstr (((CstRedactionTerm *) g_ptr_array_index (cst_redaction_finder_get_setup (configuring)->terms,
                                                                 i))->term, !=, "Clearwater Recovery");
  }
  {
    const CstOtherPerson *mrn = g_ptr_array_index (cst_redaction_finder_get_setup (finder)->others, 1);

    g_assert_cmpstr (mrn->kind, ==, "mrn");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (finder), "finder.remove-person", "x", mrn->id));
    g_assert_true (cst_test_gui_wait_until (finder_idle, finder));
    g_assert_cmpuint (cst_redaction_finder_get_setup (finder)->others->len, ==, 1);
    g_assert_cmpint (owner_int ("SELECT count(*) FROM request_other_people WHERE request_id = $1",
                                cst_request_get_id (f->request)), ==, 1);
  }
  gtk_window_destroy (GTK_WINDOW (configuring));
  gtk_window_destroy (GTK_WINDOW (finder));
}

/* ---- words selected by dragging ------------------------------------------------ */

static gboolean
words_known (gpointer data)
{
  return cst_redaction_layer_get_words (cst_packet_view_get_layer (data)) != NULL;
}

/* Word @i's middle, in the layer's pixels for a page @page_width wide. */
static void
word_middle (CstRedactionLayer *layer,
             double             page_width,
             guint              i,
             double            *x,
             double            *y)
{
  GArray *words = cst_redaction_layer_get_words (layer);
  const CstRedactionBox *b = &g_array_index (words, CstRedactionWord, i).box;
  double s = gtk_widget_get_width (GTK_WIDGET (layer)) / page_width;

  *x = (b->x + b->width / 2) * s;
  *y = (b->y + b->height / 2) * s;
}

/* The redactor drags from "Delia" to "Ostrander" on a page opened large:
 * asked why, the two words are applied as one box, the box the finder
 * proposes for the same name (within 1.5 points); a drag begun off the
 * words draws a box as before, not words. */
static void
test_words_selected (Fixture *f, gconstpointer data)
{
  const char *lines[] = { "Accompanied by Delia Ostrander today\nFollow-up in two weeks", NULL };
  g_autofree char *note = cst_test_records_pdf_lines (f->dir, "note.pdf", lines, FALSE);
  const char *paths[] = { note, NULL };
  g_autoptr(PopplerDocument) pdf = cst_test_pdf_open_file (note);
  g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, 0);
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) proposed = NULL;
  g_autoptr(CstProposalRules) rules = cst_proposal_rules_new ();
  g_autoptr(GError) error = NULL;
  CstRedactionLayer *layer;
  const CstRedaction *made = NULL;
  const CstProposal *want;
  double page_width, page_height, x1, y1, x2, y2;
  gint64 note_id;

  docs = cst_packet_add_at (clerk, cst_request_get_reference (f->request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  note_id = ((CstRecordDocument *) g_ptr_array_index (docs, 0))->id;
  poppler_page_get_size (page, &page_width, &page_height);
  open_view (f, redactor);
  /* The discharge summary's three pages, then the note's. */
  open_large (f, 3);
  layer = cst_packet_view_get_layer (f->view);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  g_assert_cmpuint (cst_redaction_layer_get_words (layer)->len, ==, 9);

  /* Off the words, nothing is selected. */
  g_assert_false (cst_redaction_layer_select_words (layer, 2, 2, 300, 300));
  word_middle (layer, page_width, 2, &x1, &y1);
  word_middle (layer, page_width, 3, &x2, &y2);
  g_assert_true (cst_redaction_layer_select_words (layer, x1, y1, x2, y2));
  answer_reason (f, reason_index ("other_person"), NULL, "_Redact");
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));

  for (guint i = 0; i < cst_packet_view_get_marks (f->view)->redactions->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (cst_packet_view_get_marks (f->view)->redactions, i);

      if (r->document_id == note_id)
        {
          g_assert_null (made);
          made = r;
        }
    }
  g_assert_nonnull (made);
  g_assert_cmpstr (made->state, ==, "applied");
  g_assert_cmpstr (made->reason, ==, "other_person");
  g_assert_cmpuint (made->page, ==, 1);

  g_ptr_array_add (rules->other_names, g_strdup ("Delia Ostrander"));
  proposed = cst_redaction_propose_file (rules, note, note_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (proposed->len, ==, 1);
  want = g_ptr_array_index (proposed, 0);
  g_assert_cmpfloat_with_epsilon (made->box.x, want->box.x, 1.5);
  g_assert_cmpfloat_with_epsilon (made->box.y, want->box.y, 1.5);
  g_assert_cmpfloat_with_epsilon (made->box.width, want->box.width, 1.5);
  g_assert_cmpfloat_with_epsilon (made->box.height, want->box.height, 1.5);
}

/* Opening the next page of a document large reads its words from the
 * document fetched for the page before; once the packet changes, the
 * document is fetched again. */
static void
test_words_cached (Fixture *f, gconstpointer data)
{
  guint fetched;

  open_view (f, clerk);
  open_large (f, 0);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  fetched = cst_redaction_words_fetches ();
  g_assert_cmpuint (fetched, >, 0);

  open_large (f, 1);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  open_large (f, 2);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  g_assert_cmpuint (cst_redaction_words_fetches (), ==, fetched);

  /* A page left out: the packet changed, the copy kept is dropped. */
  gtk_selection_model_select_item (cst_packet_view_get_selection (f->view), 2, TRUE);
  g_assert_true (cst_packet_view_exclude_selected (f->view, CST_WITHHELD_OUTSIDE_DATE_RANGE));
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  open_large (f, 0);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  g_assert_cmpuint (cst_redaction_words_fetches (), ==, fetched + 1);
}

/* The cache keeps CST_REDACTION_WORDS_CACHE_DOCUMENTS documents: after
 * one more, the least recently used one is fetched again, the most
 * recent is not. */
static void
test_words_cache_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;
  guint more = CST_REDACTION_WORDS_CACHE_DOCUMENTS;
  guint fetched;

  for (guint i = 0; i < more; i++)
    {
      g_autofree char *name = g_strdup_printf ("note-%u.pdf", i);
      g_autofree char *title = g_strdup_printf ("Note %u", i);

      g_ptr_array_add (paths, cst_test_records_pdf (f->dir, name, 1, title));
    }
  g_ptr_array_add (paths, NULL);
  docs = cst_packet_add_at (clerk, cst_request_get_reference (f->request),
                            (const char *const *) paths->pdata, NULL, NULL, &error);
  g_assert_no_error (error);
  open_view (f, clerk);
  fetched = cst_redaction_words_fetches ();
  /* The discharge summary's first page, then each note's (positions 3 on):
   * one document more than the cache keeps. */
  open_large (f, 0);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  for (guint i = 0; i < more; i++)
    {
      open_large (f, 3 + i);
      g_assert_true (cst_test_gui_wait_until (words_known, f->view));
    }
  g_assert_cmpuint (cst_redaction_words_fetches (), ==, fetched + more + 1);

  open_large (f, 3 + more - 1);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  g_assert_cmpuint (cst_redaction_words_fetches (), ==, fetched + more + 1);
  open_large (f, 1);
  g_assert_true (cst_test_gui_wait_until (words_known, f->view));
  g_assert_cmpuint (cst_redaction_words_fetches (), ==, fetched + more + 2);
}

int
main (int    argc,
      char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  redactor = cst_test_db_create_login (db, "custodian_clerk");
  clerk = cst_test_db_create_login (db, "custodian_clerk");
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *sql = g_strdup_printf ("GRANT custodian_redactor TO %s", login_name (redactor));

    cst_test_db_exec_ok (owner, sql, 0, NULL);
  }
  g_test_add ("/redaction-marks/box-drawn", Fixture, NULL, fixture_setup, test_box_drawn, fixture_teardown);
  g_test_add ("/redaction-marks/scan-box", Fixture, NULL, fixture_setup, test_scan_box, fixture_teardown);
  g_test_add ("/redaction-marks/text-marked", Fixture, NULL, fixture_setup, test_text_marked, fixture_teardown);
  g_test_add ("/redaction-marks/proposals-decided", Fixture, NULL, fixture_setup, test_proposals_decided,
              fixture_teardown);
  g_test_add ("/redaction-marks/words-selected", Fixture, NULL, fixture_setup, test_words_selected,
              fixture_teardown);
  g_test_add ("/redaction-marks/words-cached", Fixture, NULL, fixture_setup, test_words_cached,
              fixture_teardown);
  g_test_add ("/redaction-marks/words-cache-bounded", Fixture, NULL, fixture_setup,
              test_words_cache_bounded, fixture_teardown);
  g_test_add ("/redaction-marks/find-proposals", Fixture, NULL, fixture_setup, test_find_proposals,
              fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  g_free (redactor);
  g_free (clerk);
  return status;
}
