/* test-window.c — the main window under a headless X server: it lists
 * the seeded requests, a search narrows the rows, and the new-request
 * dialog stores a request and shows a validation error for a bad one */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <poppler.h>

#include "cst-documents-dialog.h"
#include "cst-fee-quote-panel.h"
#include "cst-pdf-preview.h"
#include "cst-new-request-dialog.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestDb *db;
static char *clerk;   /* a clerk's login: the desk works the window, the owner only sets up */

typedef struct
{
  CstRequestStore *store;
  CstWindow       *window;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = cst_test_gui_open_window (clerk, &f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
}

/* The rows @page shows once its filter has settled. */
static guint
visible_in (CstRequestListPage *page)
{
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, page));
  return g_list_model_get_n_items (cst_request_list_page_get_visible (page));
}

static guint
visible_rows (Fixture *f)
{
  return visible_in (CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window)));
}

static void
test_lists_and_searches (Fixture *f, gconstpointer data)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (f->store));
  guint open = cst_request_list_page_count_scope (page, CST_LIST_SCOPE_OPEN);
  g_autoptr(CstRequest) first = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  g_autoptr(CstRequest) shown = NULL;

  g_assert_cmpuint (total, ==, 40);
  g_assert_cmpuint (open, >, 0);
  g_assert_cmpuint (open, <, total);
  /* The window opens on the open requests. */
  g_assert_cmpuint (visible_rows (f), ==, open);

  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_ALL);
  g_assert_cmpuint (visible_rows (f), ==, total);

  /* A reference is unique: searching for it leaves one row. */
  cst_request_list_page_set_search (page, cst_request_get_reference (first));
  g_assert_cmpuint (visible_rows (f), ==, 1);
  shown = g_list_model_get_item (cst_request_list_page_get_visible (page), 0);
  g_assert_true (shown == first);

  /* Case and accents are folded; nothing matches gibberish. */
  cst_request_list_page_set_search (page, "zzzz-no-such-patient");
  g_assert_cmpuint (visible_rows (f), ==, 0);
  cst_request_list_page_set_search (page, "");
  g_assert_cmpuint (visible_rows (f), ==, total);
}

/* What the clerk types filters the list at once: the entry has no search
 * delay (GTK's default waits 150 ms), as the filter answers within a frame. */
static void
test_typing_filters_at_once (Fixture *f, gconstpointer data)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  GtkWidget *entry = cst_test_gui_find_descendant (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY);
  g_autoptr(CstRequest) first = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  GListModel *visible = cst_request_list_page_get_visible (page);
  gint64 deadline;

  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_ALL);
  g_assert_cmpuint (visible_rows (f), >, 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), cst_request_get_reference (first));
  deadline = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
  while (g_list_model_get_n_items (visible) != 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
}

static void
test_selection_opens_detail (Fixture *f, gconstpointer data)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  g_autoptr(CstRequest) first = NULL;

  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_ALL);
  visible_rows (f);
  first = g_list_model_get_item (cst_request_list_page_get_visible (page), 0);
  cst_request_list_page_select (page, first);
  g_assert_true (cst_request_detail_get_request (detail) == first);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));
  g_assert_false (cst_request_detail_get_dirty (detail));
}

typedef struct
{
  CstRequestStore *store;
  guint            expected;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *w = data;
  return g_list_model_get_n_items (G_LIST_MODEL (w->store)) >= w->expected;
}

static gboolean
window_gone (gpointer data)
{
  return *(GtkWindow **) data == NULL;
}

static void
test_new_request_dialog (Fixture *f, gconstpointer data)
{
  guint before = g_list_model_get_n_items (G_LIST_MODEL (f->store));
  GtkWindow *dialog = cst_window_open_new_request (f->window);
  CstNewRequestDialog *d = CST_NEW_REQUEST_DIALOG (dialog);
  CountWait count = { f->store, before + 1 };

  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  cst_new_request_dialog_set_field (d, "patient-mrn", "GUI-0001");
  cst_new_request_dialog_set_field (d, "patient-family-name", "Ångström");
  cst_new_request_dialog_set_field (d, "patient-given-name", "Zoë");
  cst_new_request_dialog_set_field (d, "patient-birth-date", "1980-02-30");
  cst_new_request_dialog_set_field (d, "requester-name", "Zoë Ångström");

  /* A malformed date: the field is marked, nothing is stored. */
  gtk_widget_activate_action (GTK_WIDGET (d), "dialog.create", NULL);
  g_assert_true (cst_new_request_dialog_field_has_error (d, "patient-birth-date"));
  g_assert_nonnull (strstr (cst_new_request_dialog_get_error (d), "1980-02-30"));

  /* An unknown state code. */
  cst_new_request_dialog_set_field (d, "patient-birth-date", "1980-02-28");
  cst_new_request_dialog_set_field (d, "jurisdiction", "QQ");
  gtk_widget_activate_action (GTK_WIDGET (d), "dialog.create", NULL);
  g_assert_false (cst_new_request_dialog_field_has_error (d, "patient-birth-date"));
  g_assert_true (cst_new_request_dialog_field_has_error (d, "jurisdiction"));
  cst_test_iterate (50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, before);

  /* Corrected: stored, listed, and the dialog closes. */
  cst_new_request_dialog_set_field (d, "jurisdiction", "TX");
  /* Issue 17: the purpose the fee rules name, beside the free text. */
  cst_new_request_dialog_set_purpose_code (d, CST_FEE_PURPOSE_PERSONAL_INJURY);
  gtk_widget_activate_action (GTK_WIDGET (d), "dialog.create", NULL);
  g_assert_true (cst_test_gui_wait_until (count_reached, &count));
  g_assert_true (cst_test_gui_wait_until (window_gone, &dialog));
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    const char *params[] = { "GUI-0001" };
    g_autoptr(PGresult) res = cst_db_exec (conn,
      "SELECT r.jurisdiction, p.family_name, r.purpose_code FROM roi_requests r JOIN patients p "
      "ON p.id = r.patient_id WHERE p.mrn = $1", 1, params, NULL);
    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "TX");
    g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "Ångström");
    g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, "personal-injury");
  }
}

static gboolean
panel_ready (gpointer data)
{
  return cst_fee_quote_panel_is_ready (data) && cst_fee_quote_panel_get_quote (data) != NULL;
}

typedef struct
{
  CstFeeQuotePanel *panel;
  gint64            total;
} TotalWait;

static gboolean
total_changed (gpointer data)
{
  TotalWait *w = data;
  CstFeeQuote *quote = cst_fee_quote_panel_get_quote (w->panel);
  return quote != NULL && cst_fee_quote_get_total_cents (quote) != w->total;
}

static gboolean
invoice_issued (gpointer data)
{
  return cst_fee_quote_panel_get_invoice_total (data) >= 0;
}

static gboolean
invoice_changed (gpointer data)
{
  TotalWait *w = data;
  return cst_fee_quote_panel_get_invoice_total (w->panel) != w->total;
}

/* The quote on screen: each line in words with its citation, no rule
 * code ("pages.paper.21-60"), the method by its name. */
static void
assert_quote_in_words (CstFeeQuotePanel *panel)
{
  CstFeeQuote *quote = cst_fee_quote_panel_get_quote (panel);
  g_autofree char *text = cst_test_gui_collect_text (GTK_WIDGET (panel));

  g_test_message ("%s", text);
  for (guint i = 0; i < cst_fee_quote_get_n_lines (quote); i++)
    {
      const CstFeeLine *line = cst_fee_quote_get_line (quote, i);

      g_assert_null (strstr (text, cst_fee_line_get_rule (line)));
      g_assert_nonnull (strstr (text, cst_fee_line_get_description (line)));
      g_assert_nonnull (strstr (text, cst_fee_line_get_citation (line)));
    }
  {
    CstFeeMethod method = cst_fee_quote_get_method (quote);
    g_autofree char *label = g_strdup_printf ("(%s, schedule", cst_fee_method_get_label (method));
    g_autofree char *nick = g_strdup_printf ("(%s, schedule", cst_fee_method_to_nick (method));

    g_assert_nonnull (strstr (text, label));
    g_assert_null (strstr (text, nick));
  }
}

/* Selects an open request of @kind, made a Texas request for paper
 * records first (a state schedule with per-page tiers; the detail pane
 * reads the request fresh when it is selected), and waits for its
 * details. */
static CstRequest *
select_paper_tx_request (Fixture          *f,
                         CstRequesterKind  kind)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  CstRequest *found = NULL;
  GListModel *visible;

  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_OPEN);
  visible_rows (f);
  visible = cst_request_list_page_get_visible (page);
  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(CstRequest) r = g_list_model_get_item (visible, i);
      if (cst_request_get_requester_kind (r) == kind)
        found = g_steal_pointer (&r);
    }
  g_assert_nonnull (found);
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (found));
    const char *params[] = { id };
    g_assert_true (cst_db_exec_command (conn,
      "UPDATE roi_requests SET format = 'paper', jurisdiction = 'TX' WHERE id = $1", 1, params, NULL));
  }
  cst_request_list_page_select (page, found);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));
  return found;
}

/* A patient's own request: the HIPAA methods side by side, by name, and
 * one that cannot quote yet says so instead of "n/a". */
static void
test_fee_methods_in_words (Fixture *f, gconstpointer data)
{
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  CstFeeQuotePanel *panel = CST_FEE_QUOTE_PANEL (cst_request_detail_get_fee_panel (detail));
  g_autoptr(CstRequest) patient = select_paper_tx_request (f, CST_REQUESTER_PATIENT);
  g_autofree char *text = NULL;

  cst_request_detail_set_page_count (detail, 10);
  if (!cst_test_gui_wait_until (panel_ready, panel))
    g_error ("No quote: %s", cst_fee_quote_panel_get_message (panel));
  assert_quote_in_words (panel);
  text = cst_test_gui_collect_text (GTK_WIDGET (panel));
  for (CstFeeMethod m = CST_FEE_METHOD_HIPAA_ACTUAL; m <= CST_FEE_METHOD_HIPAA_FLAT; m++)
    {
      g_autofree char *label = g_strdup_printf ("%s: ", cst_fee_method_get_label (m));
      g_autofree char *nick = g_strdup_printf ("%s: ", cst_fee_method_to_nick (m));

      g_assert_nonnull (strstr (text, label));
      g_assert_null (strstr (text, nick));
    }
  g_assert_null (strstr (text, "n/a"));
  /* Paper copies have no flat fee: said in words, the reason on hover. */
  g_assert_nonnull (strstr (text, "Flat fee: cannot be quoted yet"));
  g_assert_nonnull (strstr (text, "HHS FAQ 2030"));
}

/* The request view's live quote follows the page count; issuing the
 * invoice freezes it, and later changes leave the invoice as issued. */
static void
test_fee_quote (Fixture *f, gconstpointer data)
{
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  CstFeeQuotePanel *panel = CST_FEE_QUOTE_PANEL (cst_request_detail_get_fee_panel (detail));
  /* An attorney's request. */
  g_autoptr(CstRequest) attorney = select_paper_tx_request (f, CST_REQUESTER_ATTORNEY);
  TotalWait wait = { panel, 0 };
  gint64 invoiced;

  /* Pages not counted yet: the field says so in words, not "−1". */
  cst_request_detail_set_page_count (detail, -1);
  {
    g_autofree char *text = cst_test_gui_collect_text (GTK_WIDGET (detail));

    g_assert_nonnull (strstr (text, "Not counted"));
    g_assert_null (strstr (text, "−1"));
    g_assert_null (strstr (text, "\n-1\n"));
  }

  cst_request_detail_set_page_count (detail, 10);
  if (!cst_test_gui_wait_until (panel_ready, panel))
    g_error ("No quote: %s", cst_fee_quote_panel_get_message (panel));
  wait.total = cst_fee_quote_get_total_cents (cst_fee_quote_panel_get_quote (panel));
  g_assert_cmpint (wait.total, >, 0);
  g_assert_cmpint (cst_fee_quote_get_n_lines (cst_fee_quote_panel_get_quote (panel)), >, 0);
  assert_quote_in_words (panel);

  cst_request_detail_set_page_count (detail, 60);
  g_assert_true (cst_test_gui_wait_until (total_changed, &wait));
  wait.total = cst_fee_quote_get_total_cents (cst_fee_quote_panel_get_quote (panel));

  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.save", NULL);
  g_assert_cmpint (cst_fee_quote_panel_get_invoice_total (panel), <, 0);
  g_assert_true (cst_fee_quote_panel_issue_invoice (panel));
  g_assert_true (cst_test_gui_wait_until (invoice_issued, panel));
  invoiced = cst_fee_quote_panel_get_invoice_total (panel);
  g_assert_cmpint (invoiced, ==, wait.total);

  /* A later change requotes, but the issued invoice stays as it was. */
  cst_request_detail_set_page_count (detail, 5);
  g_assert_true (cst_test_gui_wait_until (total_changed, &wait));
  g_assert_cmpint (cst_fee_quote_panel_get_invoice_total (panel), ==, invoiced);
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (attorney));
    const char *params[] = { id };
    g_autoptr(GError) error = NULL;
    g_autoptr(PGresult) res = cst_db_exec (conn,
      "SELECT total_cents FROM invoices WHERE request_id = $1", 1, params, &error);
    g_assert_no_error (error);
    g_assert_cmpint (PQntuples (res), ==, 1);
    g_assert_cmpint (cst_db_int64 (res, 0, 0), ==, invoiced);
    /* The database itself refuses to change an issued invoice. */
    g_assert_false (cst_db_exec_command (conn,
      "UPDATE invoices SET total_cents = total_cents + 1 WHERE request_id = $1", 1, params, &error));
  }

  /* A correction is an adjustment invoice with its reason; nonsense is
   * refused before anything is sent. */
  g_assert_false (cst_fee_quote_panel_adjust_invoice (panel, "a dollar", "Typo"));
  g_assert_nonnull (strstr (cst_fee_quote_panel_get_message (panel), "a dollar"));
  g_assert_false (cst_fee_quote_panel_adjust_invoice (panel, "-1.00", " "));
  wait.total = invoiced;
  g_assert_true (cst_fee_quote_panel_adjust_invoice (panel, "-1.00", "Courtesy credit"));
  g_assert_true (cst_test_gui_wait_until (invoice_changed, &wait));
  g_assert_cmpint (cst_fee_quote_panel_get_invoice_total (panel), ==, invoiced - 100);
}

static gboolean
preview_done (gpointer data)
{
  CstPdfPreview *preview = data;
  return !cst_pdf_preview_is_rendering (preview) && cst_pdf_preview_get_n_pages (preview) > 0;
}

static gboolean
dialog_idle (gpointer data)
{
  CstDocumentsDialog *dialog = data;
  return !cst_documents_dialog_is_rendering (dialog) && cst_documents_dialog_get_message (dialog) == NULL &&
         preview_done (cst_documents_dialog_get_preview (dialog));
}

static gint64
documents_recorded (CstRequest *request)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  return cst_test_db_int_for_id (owner, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                                 cst_request_get_id (request));
}

/* From the request: Ctrl+P opens its documents; the cover letter is drawn
 * from the template for the screen, no PDF made or recorded for looking at
 * it; saved, its PDF is made, recorded, and names the request. */
static void
test_documents (Fixture *f, gconstpointer data)
{
  CstRequestListPage *page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window));
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  g_autoptr(CstRequest) first = NULL;
  CstDocumentsDialog *dialog = NULL;
  GList *toplevels;
  CstPdfPreview *preview;
  gint64 recorded;

  visible_rows (f);
  first = g_list_model_get_item (cst_request_list_page_get_visible (page), 0);
  cst_request_list_page_select (page, first);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, detail));

  recorded = documents_recorded (first);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.documents", NULL);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (CST_IS_DOCUMENTS_DIALOG (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (dialog);

  cst_documents_dialog_show_kind (dialog, CST_DOCUMENT_COVER_LETTER);
  preview = CST_PDF_PREVIEW (cst_documents_dialog_get_preview (dialog));
  if (!cst_test_gui_wait_until (dialog_idle, dialog))
    g_error ("No preview: %s", cst_documents_dialog_get_message (dialog));
  g_assert_cmpint (cst_pdf_preview_get_rendered_width (preview), >, 0);
  /* Shown from the layout: no PDF in the preview, none recorded. */
  g_assert_null (cst_pdf_preview_get_bytes (preview));
  g_assert_cmpint (documents_recorded (first), ==, recorded);

  /* Saved, it is a PDF naming the request, recorded, readable by its
   * owner only, also over an older file that everyone could read. */
  {
    g_autofree char *dir = g_dir_make_tmp ("cst-documents-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(PopplerDocument) pdf = NULL;
    g_autofree char *text = NULL;

    cst_test_file_make_public (path);
    cst_documents_dialog_save_to (dialog, file);
    cst_test_file_wait_for_pdf (path);
    cst_test_file_assert_private (path);
    pdf = cst_test_pdf_open_file (path);
    text = cst_test_pdf_page_text (pdf, 0);
    g_assert_nonnull (strstr (text, cst_request_get_reference (first)));
    g_assert_cmpint (documents_recorded (first), ==, recorded + 1);
    g_unlink (path);
    g_rmdir (dir);
  }

  /* The patient's accounting of disclosures, long enough for a second
   * page: Page Down and zoom, as a clerk would. */
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (first));
    const char *params[] = { id };
    int width;

    g_assert_true (cst_db_exec_command (conn,
      "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name, "
      "  phi_description, purpose_statement) "
      "SELECT patient_id, id, current_date - g, 'Demo Law Group ' || g, 'Discharge summary', "
      "  'Legal matter' FROM roi_requests, generate_series(1, 80) g WHERE id = $1",
      1, params, NULL));
    cst_documents_dialog_show_kind (dialog, CST_DOCUMENT_ACCOUNTING);
    if (!cst_test_gui_wait_until (dialog_idle, dialog))
      g_error ("No accounting: %s", cst_documents_dialog_get_message (dialog));
    g_assert_cmpint (cst_pdf_preview_get_n_pages (preview), >=, 2);

    gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next-page", NULL);
    g_assert_true (cst_test_gui_wait_until (preview_done, preview));
    g_assert_cmpint (cst_pdf_preview_get_page (preview), ==, 1);
    width = cst_pdf_preview_get_rendered_width (preview);
    gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-in", NULL);
    g_assert_true (cst_test_gui_wait_until (preview_done, preview));
    g_assert_cmpint (cst_pdf_preview_get_rendered_width (preview), >, width);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* After the idle time the window hides patient data until the user signs
 * in again; a wrong password keeps it locked. */
static void
test_lock (void)
{
  g_autoptr(CstRequestStore) store = NULL;
  CstWindow *window = cst_test_gui_open_password_window (db, &store);
  GtkWidget *list_page = cst_window_get_list_page (window);

  g_assert_true (gtk_widget_get_mapped (list_page));
  cst_test_gui_lock (window);
  g_assert_false (gtk_widget_get_mapped (list_page));

  cst_test_gui_assert_refused (window, list_page, "wrong-one");

  cst_window_unlock (window, "right-one");
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_unlocked, window));
  cst_test_iterate (20);
  g_assert_true (gtk_widget_get_mapped (list_page));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
one_row_visible (gpointer page)
{
  return !cst_request_list_page_is_filtering (page) &&
         g_list_model_get_n_items (cst_request_list_page_get_visible (page)) == 1;
}

/* With a list of recent requests only, a search finds an older closed one
 * on the server and shows it; the scope "Open" does not look. */
static void
test_finds_older_closed (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) old = cst_test_db_add_request_received (conn, "OLD-CLOSED-1", 500);
  g_autoptr(CstRequest) closed = NULL;
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  g_autoptr(GError) error = NULL;
  CstRequestListPage *page;
  CstWindow *window;

  closed = cst_request_repo_move (conn, old, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  cst_request_store_set_closed_days (store, 365);
  cst_request_store_load_async (store, NULL, NULL, NULL);
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_store_loaded, store));
  g_assert_null (cst_request_store_lookup (store, cst_request_get_id (closed)));
  window = cst_window_new (NULL);
  cst_window_set_store (window, store);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_window_shown, window));
  page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (window));

  cst_request_list_page_set_search (page, "old-closed-1");
  g_assert_cmpuint (visible_in (page), ==, 0);
  /* Past the search's delay: nothing was looked up for "Open". */
  cst_test_iterate_for (800);
  g_assert_null (cst_request_store_lookup (store, cst_request_get_id (closed)));

  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_ALL);
  g_assert_true (cst_test_gui_wait_until (one_row_visible, page));
  g_assert_nonnull (cst_request_store_lookup (store, cst_request_get_id (closed)));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  cst_test_db_seed_demo (db, 40);
  clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add ("/window/lists-and-searches", Fixture, NULL, fixture_setup,
              test_lists_and_searches, fixture_teardown);
  g_test_add ("/window/typing-filters-at-once", Fixture, NULL, fixture_setup,
              test_typing_filters_at_once, fixture_teardown);
  g_test_add ("/window/selection-opens-detail", Fixture, NULL, fixture_setup,
              test_selection_opens_detail, fixture_teardown);
  g_test_add ("/window/new-request-dialog", Fixture, NULL, fixture_setup,
              test_new_request_dialog, fixture_teardown);
  g_test_add ("/window/fee-methods-in-words", Fixture, NULL, fixture_setup,
              test_fee_methods_in_words, fixture_teardown);
  g_test_add ("/window/fee-quote", Fixture, NULL, fixture_setup,
              test_fee_quote, fixture_teardown);
  g_test_add ("/window/documents", Fixture, NULL, fixture_setup,
              test_documents, fixture_teardown);
  g_test_add_func ("/window/lock", test_lock);
  /* Last: it adds a request the counts above do not expect. */
  g_test_add_func ("/window/finds-older-closed", test_finds_older_closed);
  status = g_test_run ();
  g_free (clerk);
  cst_test_db_free (db);
  return status;
}
