/* cst-request-list-page.c — the searchable, filterable list of requests
 *
 * store (compact rows; an object made only for a row asked for) →
 * filter (scope and search words, CstRequestStoreFilter, on the rows) → sort
 * (the column view's sorter) → slots (CstRequestStoreSlots: the row at a
 * position stays the same object, so GTK 4.8's column view keeps its row
 * widgets when a search changes the rows, and the cells rebind) → spare
 * rows (CstSpareRows: the first 200 slots stay past the rows' end, hidden,
 * so GTK keeps those row widgets too when a search leaves few rows) → single
 * selection → GtkColumnView.  When a search gives the rows other
 * requests, the cells of the rows off screen follow after the frame
 * (follow_request()).  The
 * filter answers a keystroke over 200,000 requests within a frame (it
 * looks only at rows whose key holds the longest word, or narrows the
 * rows it had), so it runs at once, and the search entry has no delay.
 */
#define G_LOG_DOMAIN "cst-request-list-page"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-cell.h"
#include "cst-dispose.h"
#include "cst-due-badge.h"
#include "cst-facility-chooser.h"
#include "cst-request-list-page.h"
#include "cst-spare-rows.h"

#include <custodian/cst-input.h>
#include <custodian/cst-locale-format.h>
#include <custodian/cst-request-store-filter.h>
#include <custodian/cst-request-store-slots.h>

struct _CstRequestListPage
{
  GtkWidget           parent_instance;

  GtkSearchEntry     *search_entry;
  GtkDropDown        *scope_dropdown;
  GtkColumnView      *column_view;
  GtkLabel           *count_label;
  GtkStack           *list_stack;

  CstRequestStore    *store;
  CstRequestStoreFilter *filtered;
  CstFacilityChooser *facility;          /* beside the scope; hidden with one facility */
  GtkSortListModel   *sorted;
  CstRequestStoreSlots *slots;
  CstSpareRows       *rows;            /* the slots, and spare rows past them */
  GtkSingleSelection *selection;
  char               *folded_query;   /* to reveal a request the search hides */
  CstListScope        scope;
  GDate               today;   /* read once per filter pass, not per row */
  guint               closed_search_id;   /* the server search's delay */
  GCancellable       *closed_search;      /* from scheduling until the answer */
  char               *closed_search_error;   /* why the last one failed, or NULL */
  CstRequest         *chosen;             /* the request the clerk is on */
  gboolean            model_changing;     /* the rows are being replaced */
  gboolean            revealing;          /* the search and scope make way for it */
};

/* Older closed requests are looked up on the server once typing pauses,
 * for a search long enough to be specific. */
#define CLOSED_SEARCH_DELAY_MS 400
#define CLOSED_SEARCH_MIN_CHARS 3

/* GTK 4.8's column view keeps row widgets for up to 200 positions around
 * its top row (GTK_LIST_VIEW_MAX_LIST_ITEMS): as many positions stay,
 * spare rows hidden past the rows' end, when a search leaves fewer rows. */
#define SPARE_ROWS_KEPT 200

G_DEFINE_FINAL_TYPE (CstRequestListPage, cst_request_list_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


static gboolean
state_in_scope (CstDueState   state,
                CstListScope  scope)
{
  switch (scope)
    {
    case CST_LIST_SCOPE_OPEN: return state != CST_DUE_CLOSED;
    case CST_LIST_SCOPE_AT_RISK: return cst_due_state_is_at_risk (state);
    case CST_LIST_SCOPE_DUE_SOON: return state == CST_DUE_SOON;
    case CST_LIST_SCOPE_OVERDUE: return state == CST_DUE_OVERDUE;
    case CST_LIST_SCOPE_CLOSED: return state == CST_DUE_CLOSED;
    case CST_LIST_SCOPE_ALL:
    default: return TRUE;
    }
}

static gboolean
in_scope (CstRequest   *request,
          CstListScope  scope,
          const GDate  *today)
{
  return state_in_scope (cst_request_due_state_on (request, today), scope);
}

static gboolean
keep_in_scope (CstRequest *request,
               gpointer    user_data)
{
  CstRequestListPage *self = user_data;

  return in_scope (request, self->scope, &self->today) &&
         cst_facility_chooser_matches (self->facility, request);
}

/* The same on the store's row, without making its object. */
static gboolean
keep_row_in_scope (CstRequestRows *rows,
                   guint           position,
                   gpointer        user_data)
{
  CstRequestListPage *self = user_data;
  const char *code = cst_facility_chooser_get_code (self->facility);

  return state_in_scope (cst_request_rows_due_state_on (rows, position, &self->today), self->scope) &&
         (code == NULL || g_strcmp0 (cst_request_rows_get_facility_code (rows, position), code) == 0);
}

/* Every request is in the scope "All" of all facilities: the filter need
 * not ask. */
static void
set_filter_scope (CstRequestListPage *self)
{
  gboolean all = self->scope == CST_LIST_SCOPE_ALL && cst_facility_chooser_get_code (self->facility) == NULL;

  cst_request_store_filter_set_keep_full (self->filtered, all ? NULL : keep_in_scope,
                                          all ? NULL : keep_row_in_scope, self);
}

/* The filter emits its change: the count follows it. */
static void
facility_changed_cb (CstRequestListPage *self)
{
  set_filter_scope (self);
}

/* The due states change at midnight: a search after it filters anew. */
static gboolean
update_today (CstRequestListPage *self)
{
  GDate today;

  cst_input_today (&today);
  if (g_date_valid (&self->today) && g_date_compare (&today, &self->today) == 0)
    return FALSE;
  self->today = today;
  return TRUE;
}

/* What the clerk typed, without surrounding blanks. */
static char *
dup_search_text (CstRequestListPage *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
}

/* A server search was sent and has not answered yet. */
static gboolean
searching_closed (CstRequestListPage *self)
{
  return self->closed_search != NULL && self->closed_search_id == 0;
}

static gboolean
scope_shows_closed (CstListScope scope)
{
  return scope == CST_LIST_SCOPE_ALL || scope == CST_LIST_SCOPE_CLOSED;
}

/* "12 of 340 requests", and where the list leaves older closed requests to
 * a search, says so. */
static char *
count_text (CstRequestListPage *self,
            guint               shown,
            guint               total)
{
  g_autofree char *count = g_strdup_printf (g_dngettext (NULL, "%u of %u request",
                                                         "%u of %u requests", total),
                                            shown, total);
  GDate cutoff;

  if (searching_closed (self))
    return g_strdup_printf (_("%s · searching older closed requests…"), count);
  if (self->closed_search_error != NULL)
    return g_strdup_printf (_("%s · %s"), count, self->closed_search_error);
  if (self->store != NULL && scope_shows_closed (self->scope) &&
      cst_request_store_get_closed_cutoff (self->store, &cutoff))
    {
      g_autofree char *day = cst_locale_format_date (&cutoff);

      /* Translators: the count, then the first day whose closed requests
       * the list holds. */
      return g_strdup_printf (_("%s · closed requests received before %s: search to find them"),
                              count, day);
    }
  return g_steal_pointer (&count);
}

static void
update_count (CstRequestListPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint total = self->store ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;
  g_autofree char *text = NULL;

  text = count_text (self, shown, total);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack, shown > 0 ? "list" : "empty");
}

static void
closed_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CstRequestListPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize found = cst_request_store_search_closed_finish (CST_REQUEST_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->closed_search);
  /* The rows found join the store, where the filter shows them.  The
   * message never holds the search words (patient data). */
  if (found < 0)
    self->closed_search_error = g_strdup (error->message);
  update_count (self);
}

static gboolean
search_closed_cb (gpointer user_data)
{
  CstRequestListPage *self = user_data;
  g_autofree char *text = dup_search_text (self);

  self->closed_search_id = 0;
  cst_request_store_search_closed_async (self->store, text, self->closed_search, closed_found_cb,
                                         g_object_ref (self));
  update_count (self);
  return G_SOURCE_REMOVE;
}

/* Looks for older closed requests on the server once typing pauses, when
 * the list leaves them out and the scope would show them. */
static void
schedule_closed_search (CstRequestListPage *self)
{
  g_autofree char *text = dup_search_text (self);
  GDate cutoff;

  g_clear_handle_id (&self->closed_search_id, g_source_remove);
  g_cancellable_cancel (self->closed_search);
  g_clear_object (&self->closed_search);
  g_clear_pointer (&self->closed_search_error, g_free);
  if (self->store == NULL || !scope_shows_closed (self->scope) ||
      !cst_request_store_get_closed_cutoff (self->store, &cutoff) ||
      g_utf8_strlen (text, -1) < CLOSED_SEARCH_MIN_CHARS)
    return;
  self->closed_search = g_cancellable_new ();
  self->closed_search_id = g_timeout_add (CLOSED_SEARCH_DELAY_MS, search_closed_cb, self);
}

static void
search_changed_cb (CstRequestListPage *self)
{
  g_autofree char *stripped = dup_search_text (self);

  g_clear_pointer (&self->folded_query, g_free);
  if (*stripped)
    self->folded_query = g_utf8_casefold (stripped, -1);
  if (update_today (self))
    cst_request_store_filter_refilter (self->filtered);
  cst_request_store_filter_set_search (self->filtered, stripped);
  schedule_closed_search (self);
}

static void
scope_changed_cb (CstRequestListPage *self)
{
  self->scope = gtk_drop_down_get_selected (self->scope_dropdown);
  update_today (self);
  set_filter_scope (self);
  schedule_closed_search (self);
  update_count (self);
}

static void
set_chosen (CstRequestListPage *self,
            CstRequest         *request)
{
  if (g_set_object (&self->chosen, request))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/* Where @request is among the rows shown, or GTK_INVALID_LIST_POSITION. */
static guint
visible_position (CstRequestListPage *self,
                  CstRequest         *request)
{
  GListModel *model = G_LIST_MODEL (self->sorted);
  guint n = g_list_model_get_n_items (model);
  guint position;

  /* Unsorted, the rows are the filter's, found without an object per
   * row; sorted, they are walked. */
  if (cst_request_store_filter_find (self->filtered, request, &position))
    {
      g_autoptr(CstRequest) item = g_list_model_get_item (model, position);

      if (item == request)
        return position;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CstRequest) item = g_list_model_get_item (model, i);
      if (item == request)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The request of the selected row: its slot stays selected while the
 * rows change under it, showing whichever request is now there. */
static CstRequest *
selected_request (CstRequestListPage *self)
{
  CstRequestStoreSlot *slot = gtk_single_selection_get_selected_item (self->selection);

  return slot != NULL ? cst_request_store_slot_get_request (slot) : NULL;
}

/* A reload (F5, the server coming back) or a refilter replaces the rows,
 * and the selection model forgets the selected one meanwhile: select it
 * again once it is back, and let it go only when it is really gone (no
 * longer in the store, or no longer matching the search and scope). */
static void
restore_chosen (CstRequestListPage *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (selected_request (self) == self->chosen)
    return;
  if (self->chosen != NULL)
    position = visible_position (self, self->chosen);
  if (position != GTK_INVALID_LIST_POSITION)
    {
      gtk_single_selection_set_selected (self->selection, position);
      return;
    }
  /* No row stays selected that now shows another request; the chosen
   * one is kept while the search and scope make way for it. */
  self->model_changing = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->model_changing = FALSE;
  if (!self->revealing)
    set_chosen (self, NULL);
}

static void
rows_changing_cb (CstRequestListPage *self)
{
  self->model_changing = TRUE;
}

static void
rows_changed_cb (CstRequestListPage *self)
{
  self->model_changing = FALSE;
  restore_chosen (self);
}

static void
selection_changed_cb (CstRequestListPage *self)
{
  CstRequest *selected = selected_request (self);

  /* Unselected because the rows changed, not by the clerk: keep it. */
  if (selected == NULL && self->model_changing)
    return;
  set_chosen (self, selected);
}

static void
row_activated_cb (CstRequestListPage *self,
                  guint               position)
{
  g_autoptr(CstRequest) request = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (request != NULL)
    g_signal_emit (self, signals[ACTIVATED], 0, request);
}

/* The keyboard at the last row.  Spare rows (cst-spare-rows.c) cannot
 * take the focus, so GTK's End and Page Down, which go to the last
 * position or a page further down, stay where they are when that
 * position is a spare row: they take the focus to the last row instead.
 * With spare rows the view has at most SPARE_ROWS_KEPT positions, and
 * GTK a row widget for each. */

/* The position of the row widget @row: its first cell's. */
static guint
row_position (GtkWidget *row)
{
  GtkWidget *cell = gtk_widget_get_first_child (row);
  GtkWidget *child = cell != NULL ? gtk_widget_get_first_child (cell) : NULL;
  GtkListItem *item = child != NULL ? g_object_get_data (G_OBJECT (child), "list-item") : NULL;

  return item != NULL ? gtk_list_item_get_position (item) : GTK_INVALID_LIST_POSITION;
}

/* The row widgets are the children of the column view's list view. */
static GtkWidget *
row_at (CstRequestListPage *self,
        guint               position)
{
  for (GtkWidget *list = gtk_widget_get_first_child (GTK_WIDGET (self->column_view)); list != NULL;
       list = gtk_widget_get_next_sibling (list))
    {
      if (!GTK_IS_LIST_VIEW (list))
        continue;
      for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
        if (row_position (row) == position)
          return row;
    }
  return NULL;
}

/* The row widget with the keyboard focus, or NULL. */
static GtkWidget *
focused_row (CstRequestListPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (; focus != NULL; focus = gtk_widget_get_parent (focus))
    if (GTK_IS_LIST_VIEW (gtk_widget_get_parent (focus)))
      return gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view)) ? focus : NULL;
  return NULL;
}

static gboolean
has_spare_rows (CstRequestListPage *self)
{
  return cst_spare_rows_get_n_rows (self->rows) < g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

/* Page Down from @row would land past the last row. */
static gboolean
page_passes_last_row (CstRequestListPage *self,
                      GtkWidget          *row)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint position = row_position (row);
  guint last = cst_spare_rows_get_n_rows (self->rows) - 1;
  int height = MAX (gtk_widget_get_height (row), 1);

  return position == GTK_INVALID_LIST_POSITION ||
         (double) (last - MIN (position, last)) * height <= gtk_adjustment_get_page_size (adjustment);
}

/* @select: whether the selection follows (Ctrl moves the focus alone) */
static gboolean
focus_last_row (CstRequestListPage *self,
                gboolean            select)
{
  guint last = cst_spare_rows_get_n_rows (self->rows) - 1;
  GtkWidget *row = row_at (self, last);

  if (row == NULL || !gtk_widget_grab_focus (row))
    return FALSE;
  if (select)
    gtk_single_selection_set_selected (self->selection, last);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CstRequestListPage    *self)
{
  GtkWidget *row;
  gboolean select = (state & GDK_CONTROL_MASK) == 0;

  if (!has_spare_rows (self) || cst_spare_rows_get_n_rows (self->rows) == 0 ||
      (row = focused_row (self)) == NULL)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      return focus_last_row (self, select);
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      return page_passes_last_row (self, row) && focus_last_row (self, select);
    default:
      return FALSE;
    }
}

static void show_cells_behind (void);

static void
scrolled_cb (GtkAdjustment *adjustment,
             gpointer       data)
{
  show_cells_behind ();
}

/* The adjustment changes at every search (its upper bound, the rows'
 * height); the rows in view only when the page grows. */
static void
resized_cb (GtkAdjustment *adjustment,
            gpointer       data)
{
  double page = gtk_adjustment_get_page_size (adjustment);
  double *was = g_object_get_data (G_OBJECT (adjustment), "cst-page-size");

  if (was == NULL)
    {
      was = g_new0 (double, 1);
      g_object_set_data_full (G_OBJECT (adjustment), "cst-page-size", was, g_free);
    }
  if (page > *was)
    show_cells_behind ();
  *was = page;
}

/* The list scrolls or grows: the rows that come into view show their
 * own requests before the frame (follow_request()). */
static void
watch_scrolling (CstRequestListPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  if (adjustment == NULL)
    return;
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scrolled_cb), self, 0);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (resized_cb), self, 0);
}

/* Before the list view's own keys. */
static void
watch_last_row_keys (CstRequestListPage *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), keys);
}

/* The cells show the request of their row's slot, and follow it when a
 * search or a sort puts another request at that position: the row widget
 * stays, only its texts change. */
static CstRequest *
item_request (GtkListItem *item)
{
  return cst_request_store_slot_get_request (gtk_list_item_get_item (item));
}

/* The row widget is the parent of the column's cell widget, which holds
 * this cell. */
static GtkWidget *
item_row (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkWidget *cell = child != NULL ? gtk_widget_get_parent (child) : NULL;

  return cell != NULL ? gtk_widget_get_parent (cell) : NULL;
}

/* A spare row (cst-spare-rows.c: its slot past the rows' end shows no
 * request) is hidden, so it takes no room and is not drawn, and cannot
 * take the focus, so the keyboard stops at the last row. */
static void
show_row (GtkListItem *item,
          gboolean     shown)
{
  GtkWidget *row = item_row (item);

  if (row == NULL)
    return;
  gtk_widget_set_visible (row, shown);
  gtk_widget_set_focusable (row, shown);
}

/* A search that changes the rows gives each of the up to 200 rows GTK
 * keeps (cst-request-store-slots.c) another request, and only the 25 or
 * so on screen are drawn: the cells of the others are given their texts
 * after the frame (an idle of lower priority than drawing), or at once
 * when the list scrolls first.  Most of a search keystroke's work on the
 * rows was theirs (perf on bench/window, issue 24). */
static GHashTable *cells_behind;   /* GtkListItem → its show function, of cells not yet shown */
static guint show_behind_id;

/* Whether @row lies in the visible part of the list: GTK 4.8's list
 * view makes the rows it keeps outside it not child-visible (unmapped,
 * not drawn) when it allocates them, and a search does not move the rows
 * (cst-request-store-slots.c). */
static gboolean
row_on_screen (GtkWidget *row)
{
  return row == NULL || gtk_widget_get_child_visible (row);
}

/* Shows every cell left behind, as their rows are now. */
static void
show_cells_behind (void)
{
  GHashTableIter iter;
  gpointer item, show;

  g_clear_handle_id (&show_behind_id, g_source_remove);
  if (cells_behind == NULL)
    return;
  while (g_hash_table_size (cells_behind) > 0)
    {
      g_hash_table_iter_init (&iter, cells_behind);
      g_hash_table_iter_next (&iter, &item, &show);
      g_object_ref (item);
      g_hash_table_iter_remove (&iter);
      if (gtk_list_item_get_item (item) != NULL)
        ((void (*) (GtkListItem *)) show) (item);
      g_object_unref (item);
    }
}

static gboolean
show_cells_behind_cb (gpointer data)
{
  show_behind_id = 0;
  show_cells_behind ();
  return G_SOURCE_REMOVE;
}

/* The slot of @item shows another request: the cell follows now if its
 * row is on screen, after the frame if not. */
static void
follow_request (GtkListItem *item,
                void       (*show) (GtkListItem *))
{
  CstRequest *request = item_request (item);
  GtkWidget *row = item_row (item);
  gboolean was_hidden = row != NULL && !gtk_widget_get_visible (row);

  /* A row that ends or comes back shows so at once: the list's length;
   * one that comes back is placed by the next layout, maybe on screen. */
  show_row (item, request != NULL);
  if (request == NULL || was_hidden || row_on_screen (row))
    {
      if (cells_behind != NULL)
        g_hash_table_remove (cells_behind, item);
      show (item);
      return;
    }
  if (cells_behind == NULL)
    cells_behind = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  if (!g_hash_table_contains (cells_behind, item))
    g_hash_table_insert (cells_behind, g_object_ref (item), show);
  if (show_behind_id == 0)
    show_behind_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_cells_behind_cb, NULL, NULL);
}

static void show_texts (GtkListItem *item);
static void show_badge (GtkListItem *item);

static void slot_texts_cb (GtkListItem *item) { follow_request (item, show_texts); }
static void slot_badge_cb (GtkListItem *item) { follow_request (item, show_badge); }

static void
follow_slot (GtkListItem *item,
             GCallback    show)
{
  gulong handler = g_signal_connect_swapped (gtk_list_item_get_item (item), "notify::request",
                                             show, item);

  g_object_set_data (G_OBJECT (item), "slot-handler", GSIZE_TO_POINTER (handler));
}

static void
unfollow_slot (GtkListItem *item)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "slot-handler"));

  if (cells_behind != NULL)
    g_hash_table_remove (cells_behind, item);
  if (handler != 0)
    g_signal_handler_disconnect (gtk_list_item_get_item (item), handler);
  g_object_set_data (G_OBJECT (item), "slot-handler", NULL);
}

/* Text columns: one property of the row's request and, in a two-line
 * cell, another under it in a caption (the patient's MRN under the name,
 * the requester's kind under theirs).  The texts are set straight into
 * the cell (cst_cell_lines_set_text(): a redraw, no measuring) rather
 * than through a binding made again at every search keystroke; the cell
 * follows its request's own changes (an edit refreshes it in place) with
 * one handler. */
typedef struct
{
  const char *property;
  const char *caption;
  CstRequest *request;   /* followed; a reference, as its slot may drop it first */
  gulong      handler;
} TextCell;

static void
text_cell_follow (TextCell    *cell,
                  CstRequest  *request,
                  GCallback    show,
                  GtkListItem *item)
{
  if (cell->request == request)
    return;
  g_clear_signal_handler (&cell->handler, cell->request);
  g_set_object (&cell->request, request);
  if (request != NULL)
    cell->handler = g_signal_connect_swapped (request, "notify", show, item);
}

static void
text_cell_free (gpointer data)
{
  TextCell *cell = data;

  text_cell_follow (cell, NULL, NULL, NULL);
  g_free (cell);
}

/* GTK 4.8's column view keeps row widgets for up to 200 rows; when a
 * search leaves fewer rows it destroys the row widgets past the end, and
 * builds them again when the rows come back (the search cleared): about
 * 1,200 cells at each such keystroke.  The cells' own widgets (a box of
 * two line cells, a due badge built from its template) are kept here in
 * between, one pool per column, so that a query that narrows to a few
 * rows and is cleared again makes none: GTK's setup takes one back. */
#define CELL_POOL_MAX 256

static guint n_cells_made;

static GPtrArray *
cell_pool (GtkSignalListItemFactory *factory)
{
  GPtrArray *pool = g_object_get_data (G_OBJECT (factory), "cell-pool");

  if (pool == NULL)
    {
      pool = g_ptr_array_new_with_free_func (g_object_unref);
      g_object_set_data_full (G_OBJECT (factory), "cell-pool", pool, (GDestroyNotify) g_ptr_array_unref);
    }
  return pool;
}

/* Gives @item a cell from its column's pool, or a new one from @make. */
static void
set_pooled_child (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  GtkWidget *             (*make) (gpointer data),
                  gpointer                  data)
{
  GPtrArray *pool = cell_pool (factory);
  g_autoptr(GtkWidget) child = NULL;

  if (pool->len > 0)
    child = g_ptr_array_steal_index_fast (pool, pool->len - 1);
  else
    {
      child = g_object_ref_sink (make (data));
      n_cells_made++;
    }
  gtk_list_item_set_child (item, child);
  /* Which row's cell it is now (row_position()). */
  g_object_set_data (G_OBJECT (child), "list-item", item);
  g_object_set_data_full (G_OBJECT (item), "pooled-cell", g_steal_pointer (&child), g_object_unref);
}

/* The row widget is being destroyed: its cell goes back to the pool,
 * showing no request.  GTK has taken the cell off the list item by then;
 * the item's own reference says which it was. */
static void
teardown_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  GPtrArray *pool = cell_pool (factory);
  g_autoptr(GtkWidget) child = g_object_steal_data (G_OBJECT (item), "pooled-cell");

  if (child == NULL || pool->len >= CELL_POOL_MAX)
    return;
  if (gtk_widget_get_parent (child) != NULL)
    gtk_widget_unparent (child);
  if (CST_IS_DUE_BADGE (child))
    cst_due_badge_set_request (CST_DUE_BADGE (child), NULL);
  g_ptr_array_add (pool, g_steal_pointer (&child));
}

static GtkWidget *
make_text_cell (gpointer caption)
{
  return cst_cell_lines_new (caption != NULL);
}

static void
setup_text_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  TextCell *cell = g_new0 (TextCell, 1);

  cell->property = g_object_get_data (G_OBJECT (factory), "property");
  cell->caption = g_object_get_data (G_OBJECT (factory), "secondary");
  g_object_set_data_full (G_OBJECT (item), "text-cell", cell, text_cell_free);
  set_pooled_child (factory, item, make_text_cell, (gpointer) cell->caption);
}

/* Shows the texts of the cell's row's request now. */
static void
show_texts (GtkListItem *item)
{
  TextCell *cell = g_object_get_data (G_OBJECT (item), "text-cell");
  CstRequest *request = item_request (item);
  g_autofree char *text = NULL;
  g_autofree char *caption = NULL;

  text_cell_follow (cell, request, G_CALLBACK (show_texts), item);
  show_row (item, request != NULL);
  if (request != NULL)
    g_object_get (request, cell->property, &text, NULL);
  if (request != NULL && cell->caption != NULL)
    g_object_get (request, cell->caption, &caption, NULL);
  cst_cell_lines_set_text (gtk_list_item_get_child (item), text, caption);
}

static void
bind_text_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  show_texts (item);
  follow_slot (item, G_CALLBACK (slot_texts_cb));
}

static void
unbind_text_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  unfollow_slot (item);
  text_cell_follow (g_object_get_data (G_OBJECT (item), "text-cell"), NULL, NULL, NULL);
}

static GtkWidget *
make_badge (gpointer data)
{
  return cst_due_badge_new ();
}

static void
setup_badge_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  set_pooled_child (factory, item, make_badge, NULL);
}

static void
show_badge (GtkListItem *item)
{
  CstRequest *request = item_request (item);

  show_row (item, request != NULL);
  cst_due_badge_set_request (CST_DUE_BADGE (gtk_list_item_get_child (item)), request);
}

static void
bind_badge_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  show_badge (item);
  follow_slot (item, G_CALLBACK (slot_badge_cb));
}

static void
unbind_badge_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  unfollow_slot (item);
  cst_due_badge_set_request (CST_DUE_BADGE (gtk_list_item_get_child (item)), NULL);
}

static int
compare_enum_property (gconstpointer a,
                       gconstpointer b,
                       gpointer      property)
{
  int va = 0, vb = 0;

  g_object_get ((gpointer) a, property, &va, NULL);
  g_object_get ((gpointer) b, property, &vb, NULL);
  return (va > vb) - (va < vb);
}

/* Strings sort by collation; enumerations (status, kind) in their
 * declared order, which for the status is the workflow's order. */
static GtkSorter *
sorter_for (const char *property,
            GType       type)
{
  if (type == G_TYPE_STRING)
    return GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (CST_TYPE_REQUEST,
                                                                           NULL, property)));
  return GTK_SORTER (gtk_custom_sorter_new (compare_enum_property, (gpointer) property, NULL));
}

/* Room a cell takes beside its text (the data table's padding). */
#define CELL_PADDING 16
/* The due badge's icon and the space after it. */
#define BADGE_ICON 20

/* How wide @text is in @widget's font, as the widget would draw it: at
 * the current text size (Large Text, a text scaling factor) and in the
 * translation in use. */
static int
text_width (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width = 0;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static int
widest_status (GtkWidget *widget)
{
  int widest = 0;

  for (CstRequestStatus s = CST_STATUS_RECEIVED; s <= CST_STATUS_CANCELLED; s++)
    widest = MAX (widest, text_width (widget, cst_request_status_get_label (s)));
  return widest;
}

/* A date as wide as the locale writes any: two-digit day and month. */
static char *
dup_widest_date (void)
{
  GDate sample;

  g_date_set_dmy (&sample, 28, G_DATE_DECEMBER, 2088);
  return cst_locale_format_date (&sample);
}

/* The longest words the due badge writes in the list: overdue by three
 * digits of days, or a date. */
static int
widest_due (GtkWidget *widget)
{
  g_autofree char *overdue = g_strdup_printf (g_dngettext (NULL, "Overdue by %d day",
                                                           "Overdue by %d days", 888), 888);
  g_autofree char *soon = g_strdup_printf (g_dngettext (NULL, "Due in %d day", "Due in %d days", 5), 5);
  g_autofree char *date = dup_widest_date ();
  /* TRANSLATORS: %s is a date */
  g_autofree char *on = g_strdup_printf (_("Due %s"), date);
  return MAX (MAX (text_width (widget, overdue), text_width (widget, soon)) + BADGE_ICON,
              text_width (widget, on));
}

/* A patient name of 26 characters, more than most, fits; a longer one is
 * cut at its end. */
static int
name_width (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int width = 26 * pango_font_metrics_get_approximate_char_width (metrics) / PANGO_SCALE;

  pango_font_metrics_unref (metrics);
  return width;
}

/* @width: the column's width in pixels, or 0 to share the rest of the
 * row (the requester's column, whose end may be cut); the columns that
 * decide what to work on next are as wide as their longest text. */
static void
add_column (CstRequestListPage *self,
            const char         *title,
            const char         *property,
            const char         *secondary,
            GtkSorter          *sorter,
            int                 width)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  if (property != NULL)
    {
      g_object_set_data (G_OBJECT (factory), "property", (gpointer) property);
      g_object_set_data (G_OBJECT (factory), "secondary", (gpointer) secondary);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_text_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_text_cb), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_text_cb), NULL);
    }
  else
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_badge_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_badge_cb), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_badge_cb), NULL);
    }
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_cb), NULL);
  column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, width == 0);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width + CELL_PADDING);
  if (sorter != NULL)
    gtk_column_view_column_set_sorter (column, sorter);
  g_clear_object (&sorter);
  gtk_column_view_append_column (self->column_view, column);
}

/* Sized so that on a 1280-pixel screen, beside the request view, the
 * reference, the patient's name, the due text and the status show whole
 * (tests/gui/test-list-layout.c); the MRN and the requester's kind go
 * under the names rather than in columns of their own. */
static void
build_columns (CstRequestListPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *date = dup_widest_date ();

  /* The request's facility (0080) under its reference; typing its code
   * in the search filters the list by facility. */
  add_column (self, _("Reference"), "reference", "facility-code", sorter_for ("reference", G_TYPE_STRING),
              text_width (widget, "ROI-8888-888888"));
  add_column (self, _("Patient"), "patient-name", "patient-mrn",
              sorter_for ("patient-name", G_TYPE_STRING), name_width (widget));
  add_column (self, _("Requester"), "requester-name", "requester-kind-label",
              sorter_for ("requester-name", G_TYPE_STRING), 0);
  add_column (self, _("Received"), "received-label", NULL, sorter_for ("received-iso", G_TYPE_STRING),
              text_width (widget, date));
  add_column (self, _("Due"), NULL, NULL, sorter_for ("due-iso", G_TYPE_STRING), widest_due (widget));
  add_column (self, _("Status"), "status-label", NULL, sorter_for ("status", G_TYPE_ENUM),
              widest_status (widget));
}

static void
cst_request_list_page_dispose (GObject *object)
{
  CstRequestListPage *self = CST_REQUEST_LIST_PAGE (object);

  g_clear_handle_id (&self->closed_search_id, g_source_remove);
  cst_dispose_cancel (&self->closed_search);
  cst_dispose_template (GTK_WIDGET (self), CST_TYPE_REQUEST_LIST_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->slots);
  if (self->filtered != NULL)
    {
      /* The filter's scope test points at this page. */
      g_signal_handlers_disconnect_by_data (self->filtered, self);
      cst_request_store_filter_set_model (self->filtered, NULL);
      cst_request_store_filter_set_keep (self->filtered, NULL, NULL);
      g_clear_object (&self->filtered);
    }
  g_clear_object (&self->chosen);
  g_clear_object (&self->store);
  g_clear_pointer (&self->folded_query, g_free);
  g_clear_pointer (&self->closed_search_error, g_free);
  G_OBJECT_CLASS (cst_request_list_page_parent_class)->dispose (object);
}

static void
cst_request_list_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CstRequestListPage *self = CST_REQUEST_LIST_PAGE (object);

  switch (prop_id)
    {
    case PROP_SELECTED: g_value_set_object (value, cst_request_list_page_get_selected (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_request_list_page_class_init (CstRequestListPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_request_list_page_dispose;
  object_class->get_property = cst_request_list_page_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, CST_TYPE_REQUEST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CstRequestListPage::activated:
   * @request: the request whose row was activated (Enter or double click)
   */
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, CST_TYPE_REQUEST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/cst-request-list-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstRequestListPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CstRequestListPage, scope_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CstRequestListPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CstRequestListPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CstRequestListPage, list_stack);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, scope_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_request_list_page_init (CstRequestListPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cst_input_today (&self->today);

  self->filtered = cst_request_store_filter_new (NULL);
  self->facility = cst_facility_chooser_attach (GTK_WIDGET (self->scope_dropdown));
  g_signal_connect_object (self->facility, "notify::code", G_CALLBACK (facility_changed_cb), self,
                           G_CONNECT_SWAPPED);
  set_filter_scope (self);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  /* Before and after the selection model sees the rows change. */
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (rows_changing_cb), self,
                           G_CONNECT_SWAPPED);
  self->slots = cst_request_store_slots_new (G_LIST_MODEL (self->sorted));
  g_object_unref (self->sorted);   /* the slots hold it */
  self->rows = cst_spare_rows_new (G_LIST_MODEL (self->slots), SPARE_ROWS_KEPT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (rows_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_count), self);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
  watch_last_row_keys (self);
  watch_scrolling (self);
  g_signal_connect_object (self->column_view, "notify::vadjustment", G_CALLBACK (watch_scrolling), self,
                           G_CONNECT_SWAPPED);
  build_columns (self);
  update_count (self);
}

void
cst_request_list_page_set_store (CstRequestListPage *self,
                                 CstRequestStore    *store)
{
  g_return_if_fail (CST_IS_REQUEST_LIST_PAGE (self));

  if (!g_set_object (&self->store, store))
    return;
  update_today (self);
  cst_facility_chooser_set_connection (self->facility, store ? cst_request_store_get_connection (store) : NULL);
  cst_request_store_filter_set_model (self->filtered, G_LIST_MODEL (store));
  update_count (self);
}

/* Returns: (nullable): the code of the facility the list shows; NULL for
 *   all of them */
const char *
cst_request_list_page_get_facility_code (CstRequestListPage *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_LIST_PAGE (self), NULL);
  return cst_facility_chooser_get_code (self->facility);
}

/* The request the clerk is on: the selected row, also while a reload
 * or a refilter briefly takes the row away. */
CstRequest *
cst_request_list_page_get_selected (CstRequestListPage *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_LIST_PAGE (self), NULL);
  return self->chosen;
}

/* Makes the list show @request: the search is cleared when it hides it,
 * and the scope widened to all requests when that does. */
static void
reveal (CstRequestListPage *self,
        CstRequest         *request)
{
  GDate today;

  cst_input_today (&today);
  if (self->folded_query != NULL && !cst_request_matches (request, self->folded_query))
    cst_request_list_page_set_search (self, "");
  if (!in_scope (request, self->scope, &today))
    cst_request_list_page_set_scope (self, CST_LIST_SCOPE_ALL);
  if (!cst_facility_chooser_matches (self->facility, request))
    cst_facility_chooser_select_code (self->facility, NULL);
}

/**
 * cst_request_list_page_select:
 *
 * Selects @request, a request of the store, and shows it at once, even
 * when the search or the scope hid it (they make way) or the filter has
 * not reached it yet (a request just created): its row is selected as
 * soon as the list has it.
 */
void
cst_request_list_page_select (CstRequestListPage *self,
                              CstRequest         *request)
{
  g_return_if_fail (CST_IS_REQUEST_LIST_PAGE (self));
  g_return_if_fail (CST_IS_REQUEST (request));

  if (self->store == NULL ||
      cst_request_store_lookup (self->store, cst_request_get_id (request)) != request)
    return;
  set_chosen (self, request);
  self->revealing = TRUE;
  reveal (self, request);
  self->revealing = FALSE;
  restore_chosen (self);
}

void
cst_request_list_page_set_search (CstRequestListPage *self,
                                  const char         *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* The entry reports changes from the main loop, even without a search
   * delay; apply now. */
  search_changed_cb (self);
}

void
cst_request_list_page_set_scope (CstRequestListPage *self,
                                 CstListScope        scope)
{
  gtk_drop_down_set_selected (self->scope_dropdown, scope);
}

void
cst_request_list_page_focus_search (CstRequestListPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The rows as shown, after filtering and sorting. */
GListModel *
cst_request_list_page_get_visible (CstRequestListPage *self)
{
  return G_LIST_MODEL (self->sorted);
}

/* How many requests of the whole store fall in @scope (for the header's
 * overdue and due-soon counts). */
guint
cst_request_list_page_count_scope (CstRequestListPage *self,
                                   CstListScope        scope)
{
  CstRequestRows *rows;
  guint n, count = 0;
  GDate today;

  if (self->store == NULL)
    return 0;
  cst_input_today (&today);
  rows = cst_request_store_get_rows (self->store);
  n = cst_request_rows_get_length (rows);
  for (guint i = 0; i < n; i++)
    count += state_in_scope (cst_request_rows_due_state_on (rows, i, &today), scope);
  return count;
}

/* Whether the filter still has rows to look at: never since it answers
 * each change at once (the tests that wait for it stay valid). */
gboolean
cst_request_list_page_is_filtering (CstRequestListPage *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_LIST_PAGE (self), FALSE);
  return FALSE;
}

/* How many cells the list has made since the process started: the
 * cells a search takes off the rows are kept for the rows that come back
 * (tests/gui/test-list-layout.c). */
guint
cst_request_list_page_get_n_cells_made (void)
{
  return n_cells_made;
}
