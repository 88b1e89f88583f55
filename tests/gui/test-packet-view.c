/* test-packet-view.c — the page view as the clerk: opened from the
 * request view's Records group, every page of every document in release
 * order at once, thumbnails drawn off the main loop; pages left out with a
 * reason and put back, a document moved earlier, a page opened large (and
 * the view logged), each reaching the database; and once an invoice was
 * issued, a changed page count makes the fee panel offer the adjustment
 * invoice, which the clerk issues. */
#include "config.h"

#include <adwaita.h>

#include "cst-fee-quote-panel.h"
#include "cst-packet-group.h"
#include "cst-packet-view.h"
#include "cst-page-item.h"
#include "cst-request-detail.h"
#include "cst-test-gui.h"
#include "cst-test-records.h"
#include "cst-window.h"

#include <string.h>
#include <sys/resource.h>

static CstTestDb *db;

typedef struct
{
  char             *clerk;
  char             *dir;
  CstRequestStore  *store;
  CstWindow        *window;
  CstRequestDetail *detail;
  CstPacketGroup   *group;
  CstPacketView    *view;
  gint64            ids[2];   /* the discharge PDF, the faxed TIFF */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clerk = cst_test_db_create_login (db, "custodian_clerk");
  f->dir = g_dir_make_tmp ("cst-packet-view-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->view != NULL)
    gtk_window_destroy (GTK_WINDOW (f->view));
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
  cst_test_records_remove (f->dir);
  g_free (f->dir);
  g_free (f->clerk);
}

static gboolean
view_idle (gpointer data)
{
  return !cst_packet_view_is_busy (data) && cst_packet_view_get_outline (data) != NULL;
}

static gboolean
group_has_two (gpointer data)
{
  return cst_packet_group_get_n_documents (data) == 2;
}

static gboolean
all_drawn (gpointer data)
{
  GListModel *pages = cst_packet_view_get_pages (data);

  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(CstPageItem) item = g_list_model_get_item (pages, i);

      if (cst_page_item_get_paintable (item) == NULL)
        return FALSE;
    }
  return g_list_model_get_n_items (pages) > 0;
}

static gint64
owner_int (const char *sql,
           gint64      id)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  return cst_test_db_int_for_id (owner, sql, id);
}

static const char viewed_sql[] = "SELECT count(*) FROM audit_log WHERE action = 'EVENT'"
                                 " AND new_row->>'kind' = 'record.viewed'"
                                 " AND (new_row->'details'->>'document_id')::bigint = $1";

/* The first document's opening to be looked at is in the audit log. */
static gboolean
first_document_viewed (gpointer data)
{
  Fixture *f = data;

  return owner_int (viewed_sql, f->ids[0]) > 0;
}

/* A request of @kind with the discharge PDF (3 pages) and a faxed TIFF
 * (2 pages), added by the clerk; the window open on it, and its page view. */
static CstRequest *
open_view (Fixture          *f,
           const char       *mrn,
           CstRequesterKind  kind,
           const char       *state)
{
  g_autofree char *pdf = cst_test_records_pdf (f->dir, "discharge.pdf", 3, "Discharge");
  g_autofree char *tiff = cst_test_records_tiff (f->dir, "fax.tif", 2, 40);
  const char *paths[] = { pdf, tiff, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  CstRequest *request;

  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *id = NULL;

    request = cst_test_db_add_request_for (owner, mrn, "Requester", kind, state);
    id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
    /* Paper copies: the state's fee is counted by the page. */
    cst_test_db_exec_ok (owner, "UPDATE roi_requests SET format = 'paper' WHERE id = $1", 1,
                         (const char *[]) { id });
  }
  docs = cst_packet_add_at (f->clerk, cst_request_get_reference (request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  f->ids[0] = ((CstRecordDocument *) g_ptr_array_index (docs, 0))->id;
  f->ids[1] = ((CstRecordDocument *) g_ptr_array_index (docs, 1))->id;

  /* Not watching NOTIFY: the request view reads the request again itself
   * when the page view changes it. */
  f->window = cst_test_gui_open_window (f->clerk, &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->group = CST_PACKET_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (f->detail), CST_TYPE_PACKET_GROUP));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  g_assert_true (cst_test_gui_wait_until (group_has_two, f->group));

  /* The Records group's "Pages…" button opens it. */
  gtk_widget_activate (cst_test_gui_find_button (GTK_WIDGET (f->group), "_Pages…"));
  f->view = cst_packet_group_open_pages (f->group);
  g_assert_nonnull (f->view);
  g_object_add_weak_pointer (G_OBJECT (f->view), (gpointer *) &f->view);
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  return request;
}

/* The request form's page count field. */
static GtkWidget *
find_pages_field (GtkWidget *widget)
{
  if (GTK_IS_SPIN_BUTTON (widget) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (widget),
                 "The pages released from the records packet (Records, Pages…)") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_pages_field (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
select_page (Fixture *f,
             guint    position)
{
  g_assert_true (gtk_selection_model_select_item (cst_packet_view_get_selection (f->view), position, TRUE));
}

static void
test_pages_chosen (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = open_view (f, "PVIEW-1", CST_REQUESTER_PATIENT, "NY");
  GListModel *pages = cst_packet_view_get_pages (f->view);
  const char *excluded_sql =
    "SELECT count(*) FROM record_page_exclusions WHERE document_id = $1 AND page = 2"
    " AND reason = 'psychotherapy_notes'";
  const char *pages_sql = "SELECT page_count FROM roi_requests WHERE id = $1";

  /* The request's page count is the packet's now: not typed over. */
  {
    GtkWidget *field = find_pages_field (GTK_WIDGET (f->detail));

    g_assert_nonnull (field);
    g_assert_false (gtk_widget_get_sensitive (field));
  }

  /* Every page, in release order, at once; the pictures follow. */
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, 5);
  {
    g_autoptr(CstPageItem) first = g_list_model_get_item (pages, 0);
    g_autoptr(CstPageItem) fourth = g_list_model_get_item (pages, 3);

    g_assert_cmpint (cst_page_item_get_document_id (first), ==, f->ids[0]);
    g_assert_cmpint (cst_page_item_get_document_id (fourth), ==, f->ids[1]);
    g_assert_cmpuint (cst_page_item_get_page (fourth), ==, 1);
  }
  g_assert_true (cst_test_gui_wait_until (all_drawn, f->view));
  {
    g_autoptr(CstPageItem) scanned = g_list_model_get_item (pages, 4);
    GdkPaintable *picture = cst_page_item_get_paintable (scanned);

    g_assert_cmpint (gdk_paintable_get_intrinsic_width (picture), ==, CST_PAGE_THUMBNAIL_WIDTH);
  }

  /* Page 2 of the discharge left out (Delete), for psychotherapy notes,
   * chosen in the dialog. */
  select_page (f, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.exclude", NULL);
  {
    AdwMessageDialog *dialog = cst_test_gui_message_dialog (GTK_WINDOW (f->view));
    GtkDropDown *reasons;

    g_assert_nonnull (dialog);
    reasons = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
    gtk_drop_down_set_selected (reasons, CST_WITHHELD_PSYCHOTHERAPY_NOTES);
    cst_test_gui_respond (dialog, "_Leave Out");
  }
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  {
    g_autoptr(CstPageItem) second = g_list_model_get_item (pages, 1);
    g_autofree char *described = cst_page_item_describe (second);

    g_assert_true (cst_page_item_get_excluded (second, NULL));
    g_assert_cmpstr (described, ==, "Page 2 of discharge.pdf, left out: Psychotherapy notes");
  }
  g_assert_cmpint (owner_int (excluded_sql, f->ids[0]), ==, 1);
  g_assert_cmpint (owner_int (pages_sql, cst_request_get_id (request)), ==, 4);
  g_assert_cmpuint (cst_packet_view_get_outline (f->view)->released_pages, ==, 4);

  /* Put back (Insert). */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.include", NULL);
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  g_assert_cmpint (owner_int (excluded_sql, f->ids[0]), ==, 0);
  g_assert_cmpint (owner_int (pages_sql, cst_request_get_id (request)), ==, 5);

  /* The fax released first: its pages lead the grid, the thumbnails kept. */
  {
    guint drawn = cst_packet_view_get_n_rendered (f->view);
    g_autoptr(CstPageItem) first = NULL;

    g_assert_true (cst_packet_view_move_document (f->view, f->ids[1], -1));
    g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
    first = g_list_model_get_item (pages, 0);
    g_assert_cmpint (cst_page_item_get_document_id (first), ==, f->ids[1]);
    g_assert_nonnull (cst_page_item_get_paintable (first));
    g_assert_cmpuint (cst_packet_view_get_n_rendered (f->view), ==, drawn);
    g_assert_cmpint (owner_int ("SELECT position FROM record_documents WHERE id = $1", f->ids[1]), ==, 1);
  }

  /* A page opened large is drawn, and the view logged: two jobs of their
   * own (the drawing on the thumbnails' workers, the log on the
   * connection's), either may end first. */
  cst_packet_view_open_page (f->view, 2);
  g_assert_true (cst_test_gui_wait_until ((CstTestCondition) cst_packet_view_large_shown, f->view));
  g_assert_true (cst_test_gui_wait_until (first_document_viewed, f));
  g_assert_cmpint (owner_int (viewed_sql, f->ids[0]), ==, 1);
  /* Escape goes back to the pages, a second Escape closes the view. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.back", NULL);
  g_assert_nonnull (f->view);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "view.back", NULL);
  cst_test_iterate (5);
  g_assert_null (f->view);
}

static gboolean
offers_adjustment (gpointer data)
{
  return cst_fee_quote_panel_get_offered_adjustment (data) != 0;
}

static gboolean
quoted (gpointer data)
{
  return cst_fee_quote_panel_is_ready (data) && cst_fee_quote_panel_get_quote (data) != NULL;
}

static gboolean
agrees (gpointer data)
{
  return cst_fee_quote_panel_get_offered_adjustment (data) == 0 &&
         cst_fee_quote_panel_get_invoice_total (data) >= 0;
}

/* The invoice was issued for five paper pages (an attorney in Washington,
 * charged by the page); two are left out after: the fee
 * panel says so and offers the adjustment, which the clerk issues. */
static void
test_adjustment_offered (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = open_view (f, "PVIEW-2", CST_REQUESTER_ATTORNEY, "WA");
  CstFeeQuotePanel *panel = CST_FEE_QUOTE_PANEL (cst_request_detail_get_fee_panel (f->detail));
  const char *invoices_sql = "SELECT count(*) FROM invoices WHERE request_id = $1";
  gint64 invoiced;

  /* The clerk issues the invoice for the five pages from the fee panel. */
  g_assert_cmpint (owner_int ("SELECT page_count FROM roi_requests WHERE id = $1",
                              cst_request_get_id (request)), ==, 5);
  g_assert_true (cst_test_gui_wait_until (quoted, panel));
  g_assert_true (cst_fee_quote_panel_issue_invoice (panel));
  g_assert_true (cst_test_gui_wait_until (agrees, panel));
  invoiced = cst_fee_quote_panel_get_invoice_total (panel);
  g_assert_cmpint (owner_int (invoices_sql, cst_request_get_id (request)), ==, 1);

  select_page (f, 0);
  gtk_selection_model_select_item (cst_packet_view_get_selection (f->view), 1, FALSE);
  g_assert_true (cst_packet_view_exclude_selected (f->view, CST_WITHHELD_OUTSIDE_DATE_RANGE));
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));

  /* The request's page count moved (NOTIFY), the quote with it: offered. */
  g_assert_true (cst_test_gui_wait_until (offers_adjustment, panel));
  g_assert_cmpint (cst_fee_quote_panel_get_offered_adjustment (panel), <, 0);
  {
    g_autofree char *text = cst_test_gui_collect_text (GTK_WIDGET (panel));

    g_assert_nonnull (strstr (text, "3 pages are released now"));
  }
  g_assert_nonnull (cst_fee_quote_panel_ask_adjustment (panel));
  cst_test_gui_respond (cst_test_gui_message_dialog (GTK_WINDOW (f->window)), "_Issue Adjustment");
  g_assert_true (cst_test_gui_wait_until (agrees, panel));
  g_assert_cmpint (owner_int (invoices_sql, cst_request_get_id (request)), ==, 2);
  g_assert_cmpint (cst_fee_quote_panel_get_invoice_total (panel), <, invoiced);
  g_assert_cmpint (owner_int ("SELECT count(*) FROM invoices WHERE request_id = $1"
                              " AND method = 'adjustment' AND issued_by <> current_user",
                              cst_request_get_id (request)), ==, 1);
}

/* The longest wait between two ticks of a 5 ms timer: how long the main
 * loop was kept from running. */
typedef struct
{
  gint64 last;
  gint64 longest;
} Ticks;

static gboolean
tick_cb (gpointer data)
{
  Ticks *t = data;
  gint64 now = g_get_monotonic_time ();

  if (t->last != 0)
    t->longest = MAX (t->longest, now - t->last);

  t->last = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
item_drawn (gpointer data)
{
  return cst_page_item_get_paintable (data) != NULL;
}

static gboolean
last_page_drawn (gpointer data)
{
  GListModel *pages = cst_packet_view_get_pages (data);
  g_autoptr(CstPageItem) last = g_list_model_get_item (pages, g_list_model_get_n_items (pages) - 1);

  return cst_page_item_get_paintable (last) != NULL;
}

/* The main window painted nothing for half a second: what opening the
 * request started (its fee quote, documents, checklist, ... each read off
 * the main loop and laid out when it comes) is in, so the page view's
 * figures below are the page view's, not theirs. */
static void
window_painted_cb (GdkFrameClock *clock,
                   gint64        *last_paint)
{
  *last_paint = g_get_monotonic_time ();
}

static gboolean
window_quiet (gpointer data)
{
  return g_get_monotonic_time () - *(gint64 *) data > G_USEC_PER_SEC / 2;
}

static guint settled_count;

/* When the first screen of the page view was there: its cells painted
 * (each page's place, named, its picture still coming), and their
 * thumbnails painted in. */
typedef struct
{
  CstPacketView *view;
  GtkWidget     *grid;
  gint64         start;
  gint64         start_cpu;
  gint64         cells_cpu;
  gint64         cells;
  gint64         thumbnails;
  guint          on_screen;
  guint          built;       /* the cells GTK had built by then */
} FirstScreen;

static gboolean
is_cell (GtkWidget *widget)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkListItemWidget");
}

static guint
cells_built (GtkWidget *grid)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += is_cell (child);
  return n;
}

/* The grid's cells inside the visible part of its scrolled window. */
static guint
cells_on_screen (GtkWidget *grid)
{
  GtkWidget *scroller = gtk_widget_get_parent (grid);
  int height = gtk_widget_get_height (scroller);
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (is_cell (child) &&
          gtk_widget_get_mapped (child) &&
          gtk_widget_compute_bounds (child, scroller, &bounds) &&
          bounds.size.width > 0 && bounds.origin.y < height && bounds.origin.y + bounds.size.height > 0)
        n++;
    }
  return n;
}

/* The CPU time of the calling thread (the main loop's), in µs. */
static gint64
thread_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static gboolean
first_items_drawn (CstPacketView *view,
                   guint          n)
{
  GListModel *pages = cst_packet_view_get_pages (view);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstPageItem) item = g_list_model_get_item (pages, i);

      if (item == NULL || cst_page_item_get_paintable (item) == NULL)
        return FALSE;
    }
  return n > 0;
}

static void
first_screen_painted_cb (GdkFrameClock *clock,
                         FirstScreen   *fs)
{
  gint64 now = g_get_monotonic_time ();

  if (fs->cells == 0 && cst_packet_view_get_outline (fs->view) != NULL &&
      (fs->on_screen = cells_on_screen (fs->grid)) > 0)
    {
      fs->cells = now;
      fs->cells_cpu = thread_cpu ();
      fs->built = cells_built (fs->grid);
    }

  if (fs->cells != 0 && fs->thumbnails == 0 && first_items_drawn (fs->view, fs->on_screen))
    fs->thumbnails = now;
}

static gboolean
grid_has_every_page (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_grid_view_get_model (data))) == 2002;
}

static gboolean
first_screen_done (gpointer data)
{
  return ((FirstScreen *) data)->thumbnails != 0;
}

static gboolean
rendering_settled (gpointer data)
{
  guint now = cst_packet_view_get_n_rendered (data);
  gboolean same = now > 0 && now == settled_count;

  settled_count = now;
  if (!same)
    cst_test_iterate_for (300);
  return same;
}

/* A 2,000-page request (and two scans): every page is in the grid at once, only the pages
 * shown are drawn, and scrolling to the end never holds the main loop
 * while the thumbnails there are drawn. */
static void
test_large_request (Fixture *f, gconstpointer data)
{
  g_autofree char *big = cst_test_records_pdf (f->dir, "chart.pdf", 2000, "Chart");
  g_autofree char *consent = cst_test_records_png (f->dir, "consent.png", "Consent");
  g_autofree char *photo = cst_test_records_jpeg (f->dir, "photo.jpg");
  const char *paths[] = { big, consent, photo, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(CstRequest) request = NULL;
  GListModel *pages;
  Ticks ticks = { 0, 0 };
  FirstScreen first = { 0 };
  guint tick_id, drawn_before;
  gulong painted_id;

  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    request = cst_test_db_add_request (owner, "PVIEW-3");
  }
  docs = cst_packet_add_at (f->clerk, cst_request_get_reference (request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  f->window = cst_test_gui_open_window (f->clerk, &f->store);
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  f->group = CST_PACKET_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (f->detail), CST_TYPE_PACKET_GROUP));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));

  {
    gint64 shown = g_get_monotonic_time (), last_paint = shown;
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
    gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (window_painted_cb), &last_paint);

    g_assert_true (cst_test_gui_wait_until (window_quiet, &last_paint));
    g_signal_handler_disconnect (clock, id);
    g_test_message ("the request view's last paint before opening: %" G_GINT64_FORMAT
                    " ms after its details were read", (last_paint - shown) / 1000);
  }
  tick_id = g_timeout_add (5, tick_cb, &ticks);
  first.start = g_get_monotonic_time ();
  first.start_cpu = thread_cpu ();
  f->view = cst_packet_group_open_pages (f->group);
  g_object_add_weak_pointer (G_OBJECT (f->view), (gpointer *) &f->view);
  first.view = f->view;
  first.grid = cst_test_gui_find_descendant (GTK_WIDGET (f->view), GTK_TYPE_GRID_VIEW);
  painted_id = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (f->view)), "after-paint",
                                 G_CALLBACK (first_screen_painted_cb), &first);
  g_assert_true (cst_test_gui_wait_until (view_idle, f->view));
  pages = cst_packet_view_get_pages (f->view);
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, 2002);

  /* The first screen: its cells at once, their thumbnails soon after
   * (the 2,000-page file is fetched from the database first). */
  g_assert_true (cst_test_gui_wait_until (first_screen_done, &first));
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (f->view)), painted_id);
  g_test_message ("first screen (%u cells) painted %" G_GINT64_FORMAT " ms after opening "
                  "(the main loop's CPU time %" G_GINT64_FORMAT " ms), its thumbnails %" G_GINT64_FORMAT
                  " ms; longest main-loop wait %" G_GINT64_FORMAT " ms",
                  first.on_screen, (first.cells - first.start) / 1000, (first.cells_cpu - first.start_cpu) / 1000,
                  (first.thumbnails - first.start) / 1000, ticks.longest / 1000);
  /* The first frame built the cells of the first screen, not the 240 GTK
   * 4.8 keeps around it (30 rows of 8): those come after, a few each
   * frame. */
  g_test_message ("cells built for the first frame: %u", first.built);
  /* For matching a profile's samples (perf record -k CLOCK_MONOTONIC). */
  g_test_message ("opening at %" G_GINT64_FORMAT " µs, first screen at %" G_GINT64_FORMAT " µs (monotonic)",
                  first.start, first.cells);
  g_assert_cmpuint (first.built, >=, first.on_screen);
  g_assert_cmpuint (first.built, <=, 48);
  g_assert_true (cst_test_gui_wait_until (grid_has_every_page, first.grid));

  /* Only the cells GTK binds are drawn: those on screen and, in GTK 4.8,
   * up to 30 rows of them around (GTK_GRID_VIEW_MAX_VISIBLE_ROWS), not
   * the 2,000. */
  settled_count = 0;
  g_assert_true (cst_test_gui_wait_until (rendering_settled, f->view));
  g_assert_cmpuint (cst_packet_view_get_n_rendered (f->view), <, 500);

  g_test_message ("longest main-loop wait while opening: %" G_GINT64_FORMAT " ms", ticks.longest / 1000);
  ticks.longest = 0;
  ticks.last = 0;
  drawn_before = cst_packet_view_get_n_rendered (f->view);
  {
    g_autoptr(CstPageItem) last = g_list_model_get_item (pages, 2001);

    g_assert_null (cst_page_item_get_paintable (last));
  }
  /* To the end: the last page is drawn, the main loop kept running. */
  gtk_widget_activate_action (cst_test_gui_find_descendant (GTK_WIDGET (f->view), GTK_TYPE_GRID_VIEW),
                              "list.scroll-to-item", "u", 2001);
  g_assert_true (cst_test_gui_wait_until (last_page_drawn, f->view));
  /* The scans at the end (a PNG, then a JPEG) are drawn too. */
  {
    g_autoptr(CstPageItem) png = g_list_model_get_item (pages, 2000);

    g_assert_true (cst_test_gui_wait_until (item_drawn, png));
  }
  settled_count = 0;
  g_assert_true (cst_test_gui_wait_until (rendering_settled, f->view));
  g_source_remove (tick_id);
  g_test_message ("drawn before scrolling %u, after %u", drawn_before, cst_packet_view_get_n_rendered (f->view));
  g_assert_cmpuint (cst_packet_view_get_n_rendered (f->view), >, drawn_before);
  g_assert_cmpuint (cst_packet_view_get_n_rendered (f->view), <, 1000);
  g_test_message ("longest main-loop wait while scrolling: %" G_GINT64_FORMAT " ms", ticks.longest / 1000);
  g_assert_cmpint (ticks.longest, <, G_USEC_PER_SEC);
}

int
main (int    argc,
      char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  db = cst_test_db_new ();
  g_test_add ("/packet-view/pages-chosen", Fixture, NULL, fixture_setup, test_pages_chosen, fixture_teardown);
  g_test_add ("/packet-view/adjustment-offered", Fixture, NULL, fixture_setup, test_adjustment_offered,
              fixture_teardown);
  g_test_add ("/packet-view/large-request", Fixture, NULL, fixture_setup, test_large_request,
              fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
