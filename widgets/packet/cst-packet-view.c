/* cst-packet-view.c — the page view: a request's record pages, chosen for
 * release
 *
 * Every document in release order (name, kind, service dates, pages
 * released) beside a GtkGridView of every page.  The grid's model is a
 * GListStore of CstPageItem filled from the outline at once, each page
 * without a picture; cells ask the thumbnail renderer (cst-page-item.c)
 * when they are bound, so the first screen shows immediately and scrolling
 * never waits for Poppler.  The clerk leaves selected pages out with a
 * withholding reason (Delete), puts them back (Insert), moves a document
 * earlier or later (Alt+Up, Alt+Down), counts the pages only on paper, and
 * opens a page large (Enter or a double click; Escape goes back), which is
 * logged as a view of the record.  Every change is a model call on the
 * connection's worker thread that answers with the new outline.  Find
 * Proposals (Ctrl+Shift+F, cst-redaction-finder.c) runs the proposal
 * finder off the main loop; its proposals come back here to be decided.
 */
#define G_LOG_DOMAIN "cst-packet-view"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-dispose.h"
#include "cst-page-item.h"
#include "cst-packet-view.h"
#include "cst-redaction-finder.h"
#include "cst-redaction-layer.h"

#include <custodian/cst-locale-format.h>
#include <custodian/cst-redaction-words.h>
#include <custodian/cst-redaction-words-cache.h>

/* The large page, this many pixels wide. */
#define LARGE_WIDTH 900
/* The grid is given this many pages at first (a screen of 8 columns by 5
 * rows), then as many more at each idle moment, until GTK 4.8 has built
 * the cells it keeps around the screen (30 rows of up to 8 columns,
 * GTK_GRID_VIEW_MAX_VISIBLE_ROWS); then the rest at once, which builds no
 * more cells.  Given all 2,000 pages at once, GTK built those 240 cells
 * before the first frame, holding the main loop 280-790 ms (bench/page-view). */
#define SHOWN_STEP 40
#define SHOWN_CELLS (8 * 30)

struct _CstPacketView
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *window_title;
  GtkButton         *back_button;
  GtkLabel          *message_label;
  GtkStack          *stack;
  GtkListBox        *documents_list;
  GtkSpinButton     *paper_spin;
  GtkGridView       *grid_view;
  GtkPicture        *large_picture;
  CstRedactionLayer *redaction_layer;
  GtkListBox        *marks_list;
  GtkLabel          *marks_hint;
  AdwActionRow      *proposals_row;
  GtkButton         *stop_button;

  CstConnection     *connection;
  gint64             request_id;
  char              *reference;
  GListStore        *pages;       /* CstPageItem, in release order */
  GtkSliceListModel *shown;       /* the pages given to the grid so far: the first ones */
  guint              grow_id;     /* the idle that gives it more */
  GdkFrameClock     *clock;       /* whose frames pace it; NULL when not growing */
  GtkMultiSelection *selection;
  GHashTable        *items;       /* "document:page" → CstPageItem, kept across reloads */
  GHashTable        *sources;     /* document id → CstPageSource */
  CstPageThumbnails *thumbnails;
  CstPacketOutline  *outline;
  GCancellable      *cancellable;
  GCancellable      *large_cancellable;
  GCancellable      *find_cancellable;  /* a text searched across the packet */
  CstPageMarks      *marks;             /* the request's redactions */
  CstRedactionWordsCache *words_cache;  /* documents whose pages' words were read lately */
  guint              pending;     /* changes under way */
  CstPageItem       *large_item;
  gboolean           large_shown;
  gboolean           loaded;      /* the first outline arrived: later ones are changes */
};

G_DEFINE_FINAL_TYPE (CstPacketView, cst_packet_view, ADW_TYPE_WINDOW)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint view_signals[N_SIGNALS];

static void
show_message (CstPacketView *self,
              const char    *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* ---- the documents --------------------------------------------------------- */

static char *
service_dates (const CstRecordDocument *doc)
{
  g_autofree char *from = doc->service_from ? cst_locale_format_date (doc->service_from) : NULL;
  g_autofree char *to = doc->service_to ? cst_locale_format_date (doc->service_to) : NULL;

  if (from != NULL && to != NULL)
    /* Translators: a document's service dates, from – to */
    return g_strdup_printf (_("%s – %s"), from, to);
  if (from != NULL || to != NULL)
    return g_strdup (from ? from : to);
  return g_strdup (_("no service dates"));
}

static GtkWidget *
document_row (const CstPacketPages *pages)
{
  const CstRecordDocument *doc = pages->document;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *dates = service_dates (doc);
  g_autofree char *released = g_strdup_printf (g_dngettext (NULL, "%u of %u page released",
                                                            "%u of %u pages released", doc->pages),
                                               pages->included, doc->pages);
  /* Translators: a document's kind · its service dates · pages released */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s · %s"), doc->kind, dates, released);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), doc->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  g_object_set_data_full (G_OBJECT (row), "document", g_memdup2 (&doc->id, sizeof doc->id), g_free);
  return row;
}

static gint64
row_document_id (GtkListBoxRow *row)
{
  gint64 *id = row ? g_object_get_data (G_OBJECT (row), "document") : NULL;

  return id ? *id : 0;
}

static void
show_documents (CstPacketView *self)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->documents_list);
  gint64 keep = row_document_id (selected);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->documents_list))) != NULL)
    gtk_list_box_remove (self->documents_list, child);
  for (guint i = 0; i < self->outline->documents->len; i++)
    {
      CstPacketPages *pages = g_ptr_array_index (self->outline->documents, i);
      GtkWidget *row = document_row (pages);

      gtk_list_box_append (self->documents_list, row);
      if (pages->document->id == keep)
        {
          /* Selecting again must not scroll the grid away. */
          g_signal_handlers_block_matched (self->documents_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
          gtk_list_box_select_row (self->documents_list, GTK_LIST_BOX_ROW (row));
          g_signal_handlers_unblock_matched (self->documents_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
        }
    }
}

static void
show_counts (CstPacketView *self)
{
  const CstPacketOutline *o = self->outline;
  g_autofree char *title = g_strdup_printf (_("Record Pages of %s"), self->reference);
  g_autofree char *subtitle = g_strdup_printf (g_dngettext (NULL,
    "%u of %u record pages released, %u on paper only: %u page in the fee",
    "%u of %u record pages released, %u on paper only: %u pages in the fee", o->released_pages),
    o->included_pages, o->record_pages, o->paper_pages, o->released_pages);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_spin_button_set_value (self->paper_spin, o->paper_pages);
}

/* ---- the pages ------------------------------------------------------------- */

static CstPageItem *
page_item_for (CstPacketView        *self,
               const CstPacketPages *pages,
               guint                 page)
{
  const CstRecordDocument *doc = pages->document;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%u", doc->id, page);
  CstPageItem *item = g_hash_table_lookup (self->items, key);
  CstWithheldReason reason = CST_WITHHELD_PART2;
  gboolean excluded = cst_packet_pages_is_excluded (pages, page, &reason);

  if (item == NULL)
    {
      CstPageSource *source = g_hash_table_lookup (self->sources, &doc->id);

      if (source == NULL)
        {
          source = cst_page_source_new (doc);
          g_hash_table_insert (self->sources, g_memdup2 (&doc->id, sizeof doc->id), source);
        }
      item = cst_page_item_new (source, doc->id, doc->name, page);
      g_hash_table_insert (self->items, g_steal_pointer (&key), item);
    }
  cst_page_item_set_excluded (item, excluded, reason);
  return item;
}

/* The store follows the outline: the same items (and their cached
 * thumbnails) where pages stay, a splice only when the order changed. */
static void
show_pages (CstPacketView *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->pages));
  gboolean same = TRUE;

  for (guint i = 0; i < self->outline->documents->len; i++)
    {
      CstPacketPages *pages = g_ptr_array_index (self->outline->documents, i);

      for (guint p = 1; p <= pages->document->pages; p++)
        g_ptr_array_add (items, page_item_for (self, pages, p));
    }
  same = items->len == n;
  for (guint i = 0; same && i < n; i++)
    {
      g_autoptr(CstPageItem) shown = g_list_model_get_item (G_LIST_MODEL (self->pages), i);

      same = shown == g_ptr_array_index (items, i);
    }
  if (!same)
    g_list_store_splice (self->pages, 0, n, items->pdata, items->len);
}

static void painted_cb (GdkFrameClock *clock, CstPacketView *self);

static void
stop_growing (CstPacketView *self)
{
  g_clear_handle_id (&self->grow_id, g_source_remove);
  /* By function: the clock may have let go of its handlers already, when
   * the window was unrealized. */
  if (self->clock != NULL)
    g_signal_handlers_disconnect_by_func (self->clock, painted_cb, self);
  g_clear_object (&self->clock);
}

/* Every page in the grid now: to scroll to one far down. */
static void
show_all_pages (CstPacketView *self)
{
  stop_growing (self);
  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);
}

static gboolean
grow_shown (gpointer data)
{
  CstPacketView *self = data;
  guint size = gtk_slice_list_model_get_size (self->shown);

  self->grow_id = 0;
  if (size >= SHOWN_CELLS || size >= g_list_model_get_n_items (G_LIST_MODEL (self->pages)))
    show_all_pages (self);
  else
    gtk_slice_list_model_set_size (self->shown, size + SHOWN_STEP);
  return G_SOURCE_REMOVE;
}

/* A frame was painted: one step more when the main loop is idle, so each
 * step's new cells wait for the frame before. */
static void
painted_cb (GdkFrameClock *clock,
            CstPacketView *self)
{
  if (self->grow_id == 0)
    self->grow_id = g_idle_add_full (G_PRIORITY_LOW, grow_shown, self, NULL);
}

static void
start_growing (CstPacketView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->clock != NULL || gtk_slice_list_model_get_size (self->shown) == G_MAXUINT)
    return;
  if (clock == NULL)
    {
      /* Not shown: nothing to pace. */
      show_all_pages (self);
      return;
    }
  self->clock = g_object_ref (clock);
  g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), self);
}

static void
apply_outline (CstPacketView    *self,
               CstPacketOutline *outline)
{
  g_clear_pointer (&self->outline, cst_packet_outline_free);
  self->outline = outline;
  show_counts (self);
  show_documents (self);
  show_pages (self);
  start_growing (self);
}

static void
cell_refresh (GtkWidget   *cell,
              CstPageItem *item)
{
  GtkWidget *overlay = gtk_widget_get_first_child (cell);
  GtkPicture *picture = GTK_PICTURE (gtk_overlay_get_child (GTK_OVERLAY (overlay)));
  GtkWidget *badge = g_object_get_data (G_OBJECT (cell), "badge");
  GtkWidget *marks_badge = g_object_get_data (G_OBJECT (cell), "marks-badge");
  g_autofree char *marks = cst_page_item_describe_marks (item);
  guint proposed = 0;
  GtkLabel *caption = GTK_LABEL (gtk_widget_get_last_child (cell));
  g_autofree char *text = g_strdup_printf (_("%s · p. %u"), cst_page_item_get_document_name (item),
                                           cst_page_item_get_page (item));
  g_autofree char *described = cst_page_item_describe (item);
  CstWithheldReason reason;
  gboolean excluded = cst_page_item_get_excluded (item, &reason);

  gtk_picture_set_paintable (picture, cst_page_item_get_paintable (item));
  gtk_widget_set_opacity (GTK_WIDGET (picture), excluded ? 0.35 : 1.0);
  gtk_widget_set_visible (badge, excluded);
  gtk_widget_set_tooltip_text (badge, excluded ? cst_withheld_reason_get_label (reason) : NULL);
  cst_page_item_get_marks (item, &proposed);
  gtk_widget_set_visible (marks_badge, marks != NULL);
  gtk_label_set_label (GTK_LABEL (marks_badge), marks ? marks : "");
  if (proposed > 0)
    gtk_widget_add_css_class (marks_badge, "warning");
  else
    gtk_widget_remove_css_class (marks_badge, "warning");
  gtk_label_set_label (caption, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, described, -1);
}

static void
item_changed_cb (CstPageItem *item,
                 GParamSpec  *pspec,
                 GtkWidget   *cell)
{
  cell_refresh (cell, item);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               CstPacketView            *self)
{
  GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *badge = gtk_label_new (_("Left out"));
  GtkWidget *caption = gtk_label_new (NULL);
  GtkWidget *marks_badge = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, CST_PAGE_THUMBNAIL_WIDTH, CST_PAGE_THUMBNAIL_WIDTH * 4 / 3);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_add_css_class (overlay, "card");
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
  gtk_widget_set_halign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "error");
  gtk_widget_add_css_class (badge, "heading");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), badge);
  gtk_widget_set_halign (marks_badge, GTK_ALIGN_FILL);
  gtk_widget_set_valign (marks_badge, GTK_ALIGN_END);
  gtk_label_set_wrap (GTK_LABEL (marks_badge), TRUE);
  gtk_widget_add_css_class (marks_badge, "caption-heading");
  gtk_widget_add_css_class (marks_badge, "osd");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), marks_badge);
  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 18);
  gtk_widget_add_css_class (caption, "caption");
  gtk_box_append (GTK_BOX (cell), overlay);
  gtk_box_append (GTK_BOX (cell), caption);
  gtk_widget_set_margin_start (cell, 6);
  gtk_widget_set_margin_end (cell, 6);
  gtk_widget_set_margin_top (cell, 6);
  gtk_widget_set_margin_bottom (cell, 6);
  g_object_set_data (G_OBJECT (cell), "badge", badge);
  g_object_set_data (G_OBJECT (cell), "marks-badge", marks_badge);
  gtk_list_item_set_child (list_item, cell);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              CstPacketView            *self)
{
  CstPageItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  cell_refresh (cell, item);
  g_signal_connect_object (item, "notify", G_CALLBACK (item_changed_cb), cell, 0);
  /* Returns at once: the picture fills in when the thumbnail is drawn. */
  cst_page_thumbnails_want (self->thumbnails, item);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                CstPacketView            *self)
{
  CstPageItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  g_signal_handlers_disconnect_by_func (item, item_changed_cb, cell);
  cst_page_thumbnails_unwant (self->thumbnails, item);
}

/* ---- loading and changing ---------------------------------------------------- */

static void
outline_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  CstPacketView *self = data;
  g_autoptr(GError) error = NULL;
  CstPacketOutline *outline = cst_packet_pages_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  if (outline == NULL)
    {
      show_message (self, error->message);
      return;
    }
  /* The packet changed: its documents are fetched afresh for their words. */
  if (self->loaded)
    cst_redaction_words_cache_clear (self->words_cache);
  apply_outline (self, outline);
  /* The released page count is the request's: whoever shows the request
   * reads it again. */
  if (self->loaded)
    g_signal_emit (self, view_signals[SIGNAL_CHANGED], 0);
  self->loaded = TRUE;
}

static void
load (CstPacketView *self)
{
  self->pending++;
  cst_packet_pages_load_async (self->connection, self->request_id, self->cancellable,
                               outline_done_cb, self);
}

/* The selected pages, by document: document id → GArray of pages. */
static GHashTable *
selected_pages (CstPacketView *self)
{
  GHashTable *by_document = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                   (GDestroyNotify) g_array_unref);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(CstPageItem) item = g_list_model_get_item (G_LIST_MODEL (self->pages), position);
      gint64 id = cst_page_item_get_document_id (item);
      guint page = cst_page_item_get_page (item);
      GArray *pages = g_hash_table_lookup (by_document, &id);

      if (pages == NULL)
        {
          pages = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_document, g_memdup2 (&id, sizeof id), pages);
        }
      g_array_append_val (pages, page);
    }
  return by_document;
}

static gboolean
change_pages (CstPacketView     *self,
              gboolean           exclude,
              CstWithheldReason  reason)
{
  g_autoptr(GHashTable) by_document = selected_pages (self);
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (by_document) == 0)
    {
      show_message (self, _("Select the pages first."));
      return FALSE;
    }
  show_message (self, NULL);
  g_hash_table_iter_init (&iter, by_document);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      self->pending++;
      if (exclude)
        cst_packet_pages_exclude_async (self->connection, self->request_id, *(gint64 *) key, value,
                                        reason, self->cancellable, outline_done_cb, self);
      else
        cst_packet_pages_include_async (self->connection, self->request_id, *(gint64 *) key, value,
                                        self->cancellable, outline_done_cb, self);
    }
  return TRUE;
}

/**
 * cst_packet_view_exclude_selected:
 *
 * Leaves the selected pages out of the release for @reason (what the
 * Leave Out dialog does once a reason is chosen).
 */
gboolean
cst_packet_view_exclude_selected (CstPacketView     *self,
                                  CstWithheldReason  reason)
{
  return change_pages (self, TRUE, reason);
}

gboolean
cst_packet_view_include_selected (CstPacketView *self)
{
  return change_pages (self, FALSE, 0);
}

static void
exclude_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CstPacketView    *self)
{
  GtkDropDown *reasons = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));

  if (g_str_equal (response, "exclude"))
    cst_packet_view_exclude_selected (self, (CstWithheldReason) gtk_drop_down_get_selected (reasons));
}

/* The Leave Out dialog: which withholding reason. */
GtkWindow *
cst_packet_view_ask_exclude (CstPacketView *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (selected);
  g_autofree char *heading = NULL;
  GtkWidget *dialog, *reasons;

  if (n == 0)
    {
      show_message (self, _("Select the pages first."));
      return NULL;
    }
  for (CstWithheldReason r = CST_WITHHELD_PART2; r <= CST_WITHHELD_NOT_HELD; r++)
    gtk_string_list_append (labels, cst_withheld_reason_get_label (r));
  heading = g_strdup_printf (g_dngettext (NULL, "Leave %u Page Out?", "Leave %u Pages Out?", (gulong) n),
                             (guint) n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("A page left out is not released and not counted in the fee. "
                                     "Why is it left out?"));
  reasons = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reasons), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Why the pages are left out"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), reasons);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "exclude", _("_Leave Out"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "exclude",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "exclude");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (exclude_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

/**
 * cst_packet_view_move_document:
 * @delta: -1 to release it earlier, 1 later
 */
gboolean
cst_packet_view_move_document (CstPacketView *self,
                               gint64         document_id,
                               int            delta)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint from = G_MAXUINT;

  for (guint i = 0; self->outline && i < self->outline->documents->len; i++)
    {
      CstPacketPages *pages = g_ptr_array_index (self->outline->documents, i);

      g_array_append_val (ids, pages->document->id);
      if (pages->document->id == document_id)
        from = i;
    }
  if (from == G_MAXUINT || (int) from + delta < 0 || from + delta >= ids->len)
    return FALSE;
  g_array_index (ids, gint64, from) = g_array_index (ids, gint64, from + delta);
  g_array_index (ids, gint64, from + delta) = document_id;
  self->pending++;
  cst_packet_pages_order_async (self->connection, self->request_id, (const gint64 *) ids->data,
                                ids->len, self->cancellable, outline_done_cb, self);
  return TRUE;
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);
  gint64 id = row_document_id (gtk_list_box_get_selected_row (self->documents_list));

  if (id == 0)
    {
      show_message (self, _("Select a document first."));
      return;
    }
  cst_packet_view_move_document (self, id, g_str_equal (action_name, "view.move-up") ? -1 : 1);
}

static void
count_paper_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);

  gtk_spin_button_update (self->paper_spin);
  self->pending++;
  cst_packet_pages_set_paper_async (self->connection, self->request_id,
                                    (guint) gtk_spin_button_get_value_as_int (self->paper_spin),
                                    self->cancellable, outline_done_cb, self);
}

/* ---- redactions ------------------------------------------------------------------ */

static gboolean
is_shown_mark (const CstRedaction *r)
{
  return g_str_equal (r->state, "proposed") || g_str_equal (r->state, "applied");
}

/* The redactions shown on @item's page, proposed or applied; pointers
 * into self->marks. */
static GPtrArray *
marks_on (CstPacketView *self,
          CstPageItem   *item)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; item != NULL && self->marks != NULL && i < self->marks->redactions->len; i++)
    {
      CstRedaction *r = g_ptr_array_index (self->marks->redactions, i);

      if (r->document_id == cst_page_item_get_document_id (item) &&
          r->page == cst_page_item_get_page (item) && is_shown_mark (r))
        g_ptr_array_add (found, r);
    }
  return found;
}

static const CstRedaction *
find_mark (CstPacketView *self,
           gint64         id)
{
  for (guint i = 0; self->marks != NULL && i < self->marks->redactions->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (self->marks->redactions, i);

      if (r->id == id)
        return r;
    }
  return NULL;
}

static char *
mark_title (const CstRedaction *r)
{
  const char *reason = cst_redaction_reason_label (r->reason);

  if (r->reason_text != NULL)
    /* Translators: a redaction's reason, then the reason written out */
    return g_strdup_printf (_("%s: %s"), reason, r->reason_text);
  return g_strdup (reason);
}

static char *
mark_subtitle (const CstRedaction *r)
{
  if (g_str_equal (r->state, "applied"))
    return g_strdup_printf (_("Redacted, decided by %s"), r->decided_by ? r->decided_by : r->proposed_by);
  if (g_str_equal (r->source, "proposal"))
    return g_strdup_printf (_("Proposed by the program (run by %s): accept or reject it"), r->proposed_by);
  return g_strdup_printf (_("Proposed by %s: accept or reject it"), r->proposed_by);
}

static GtkWidget *
mark_button (const char *icon,
             const char *action,
             GVariant   *target,
             const char *tooltip,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static GtkWidget *
mark_row (const CstRedaction *r)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = mark_title (r);
  g_autofree char *subtitle = mark_subtitle (r);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  if (g_str_equal (r->state, "proposed"))
    {
      g_autofree char *accept = g_strdup_printf (_("Accept: %s"), title);
      g_autofree char *reject = g_strdup_printf (_("Reject: %s"), title);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
        mark_button ("object-select-symbolic", "view.decide-mark", g_variant_new ("(xb)", r->id, TRUE),
                     _("Accept this proposal (Alt+A)"), accept));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
        mark_button ("window-close-symbolic", "view.decide-mark", g_variant_new ("(xb)", r->id, FALSE),
                     _("Reject this proposal (Alt+R)"), reject));
    }
  else
    {
      g_autofree char *undo = g_strdup_printf (_("Undo: %s"), title);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
        mark_button ("edit-undo-symbolic", "view.remove-mark", g_variant_new_int64 (r->id),
                     _("Undo this redaction (Alt+U)"), undo));
    }
  g_object_set_data_full (G_OBJECT (row), "redaction", g_memdup2 (&r->id, sizeof r->id), g_free);
  return row;
}

/* The large page's redactions: drawn over it and listed beside it. */
static void
show_large_marks (CstPacketView *self)
{
  g_autoptr(GPtrArray) on = marks_on (self, self->large_item);
  GtkWidget *child;
  gboolean may_apply = self->marks != NULL && self->marks->may_apply;

  GtkWidget *first_proposed = NULL;

  cst_redaction_layer_set_marks (self->redaction_layer, on);
  cst_redaction_layer_set_selected (self->redaction_layer, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->marks_list))) != NULL)
    gtk_list_box_remove (self->marks_list, child);
  for (guint i = 0; i < on->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (on, i);
      GtkWidget *row = mark_row (r);

      gtk_list_box_append (self->marks_list, row);
      if (first_proposed == NULL && g_str_equal (r->state, "proposed"))
        first_proposed = row;
    }
  /* The next proposal chosen: Alt+A or Alt+R again goes through the page. */
  if (first_proposed != NULL)
    gtk_list_box_select_row (self->marks_list, GTK_LIST_BOX_ROW (first_proposed));
  gtk_label_set_label (self->marks_hint, may_apply
    ? _("Drag on the page, or press Ctrl+B, to draw a box: it is redacted at once. "
        "Proposed boxes are outlined: accept or reject each.")
    : _("Drag on the page, or press Ctrl+B, to propose a box. Accepting, rejecting "
        "and undoing redactions take the redaction right."));
}

/* The count of proposals waiting, beside the documents. */
static void
show_proposals (CstPacketView *self)
{
  guint proposed = 0, applied = 0;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < self->marks->redactions->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (self->marks->redactions, i);

      proposed += g_str_equal (r->state, "proposed");
      applied += g_str_equal (r->state, "applied");
    }
  title = proposed > 0
    ? g_strdup_printf (g_dngettext (NULL, "%u proposed redaction to decide",
                                    "%u proposed redactions to decide", proposed), proposed)
    : g_strdup (_("No proposed redactions to decide"));
  subtitle = g_strdup_printf (g_dngettext (NULL, "%u redaction applied. Open a page (Enter) to draw a box; "
                                           "Ctrl+F marks a text everywhere",
                                           "%u redactions applied. Open a page (Enter) to draw a box; "
                                           "Ctrl+F marks a text everywhere", applied), applied);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->proposals_row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->proposals_row), subtitle);
}

/* Each page's counts, for its thumbnail and what a screen reader says. */
static void
show_page_marks (CstPacketView *self)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < self->marks->redactions->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (self->marks->redactions, i);
      g_autofree char *page = g_strdup_printf ("%" G_GINT64_FORMAT ":%u", r->document_id, r->page);
      guint *n = g_hash_table_lookup (counts, page);

      if (!is_shown_mark (r))
        continue;
      if (n == NULL)
        g_hash_table_insert (counts, g_steal_pointer (&page), (n = g_new0 (guint, 2)));
      n[g_str_equal (r->state, "proposed")]++;
    }
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint *n = g_hash_table_lookup (counts, key);

      cst_page_item_set_marks (value, n ? n[0] : 0, n ? n[1] : 0);
    }
}

static void
apply_marks (CstPacketView *self,
             CstPageMarks  *marks)
{
  g_clear_pointer (&self->marks, cst_page_marks_free);
  self->marks = marks;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.decide-mark", marks->may_apply);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.remove-mark", marks->may_apply);
  show_page_marks (self);
  show_proposals (self);
  if (self->large_item != NULL)
    show_large_marks (self);
}

static void
marks_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  CstPacketView *self = data;
  g_autoptr(GError) error = NULL;
  CstPageMarks *marks = cst_page_marks_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  if (marks == NULL)
    {
      show_message (self, error->message);
      return;
    }
  apply_marks (self, marks);
}

static void
load_marks (CstPacketView *self)
{
  self->pending++;
  cst_page_marks_load_async (self->connection, self->request_id, self->cancellable, marks_done_cb, self);
}

static void
decide (CstPacketView *self,
        GArray        *ids,
        gboolean       apply)
{
  if (ids->len == 0)
    {
      show_message (self, _("No proposed redaction is chosen."));
      return;
    }
  show_message (self, NULL);
  self->pending++;
  cst_page_marks_decide_async (self->connection, self->request_id, (const gint64 *) ids->data, ids->len,
                               apply, self->cancellable, marks_done_cb, self);
}

/**
 * cst_packet_view_decide_page:
 * @apply: accept, or reject
 *
 * What Accept All and Reject All do: every redaction proposed on the page
 * opened large, decided at once (all or none).
 */
gboolean
cst_packet_view_decide_page (CstPacketView *self,
                             gboolean       apply)
{
  g_autoptr(GPtrArray) on = marks_on (self, self->large_item);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < on->len; i++)
    {
      const CstRedaction *r = g_ptr_array_index (on, i);

      if (g_str_equal (r->state, "proposed"))
        g_array_append_val (ids, r->id);
    }
  decide (self, ids, apply);
  return ids->len > 0;
}

static void
decide_mark_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 id;
  gboolean apply;

  g_variant_get (parameter, "(xb)", &id, &apply);
  g_array_append_val (ids, id);
  decide (CST_PACKET_VIEW (widget), ids, apply);
}

static void
remove_mark (CstPacketView *self,
             gint64         id)
{
  show_message (self, NULL);
  self->pending++;
  cst_page_marks_remove_async (self->connection, self->request_id, id, self->cancellable,
                               marks_done_cb, self);
}

static void
remove_mark_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  remove_mark (CST_PACKET_VIEW (widget), g_variant_get_int64 (parameter));
}

static const CstRedaction *
selected_mark (CstPacketView *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->marks_list);
  gint64 *id = row ? g_object_get_data (G_OBJECT (row), "redaction") : NULL;

  return id ? find_mark (self, *id) : NULL;
}

/* Alt+A, Alt+R, Alt+U: the redaction chosen in the list. */
static void
selected_mark_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);
  const CstRedaction *r = selected_mark (self);
  gboolean undo = g_str_equal (action_name, "view.undo-mark");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (r == NULL || g_str_equal (r->state, "proposed") == undo)
    {
      show_message (self, undo ? _("Choose an applied redaction in the list first.")
                               : _("Choose a proposed redaction in the list first."));
      return;
    }
  if (!self->marks->may_apply)
    {
      show_message (self, _("Deciding redactions takes the redaction right."));
      return;
    }
  if (undo)
    {
      remove_mark (self, r->id);
      return;
    }
  g_array_append_val (ids, r->id);
  decide (self, ids, g_str_equal (action_name, "view.accept-mark"));
}

static void
decide_page_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);

  if (self->large_item == NULL)
    {
      show_message (self, _("Open a page first (Enter)."));
      return;
    }
  cst_packet_view_decide_page (self, g_str_equal (action_name, "view.accept-all"));
}

static void
mark_selected_cb (CstPacketView *self,
                  GtkListBoxRow *row)
{
  gint64 *id = row ? g_object_get_data (G_OBJECT (row), "redaction") : NULL;

  /* The list's rows go after the layer when the window is disposed. */
  if (self->redaction_layer != NULL)
    cst_redaction_layer_set_selected (self->redaction_layer, id ? *id : 0);
}

/* ---- asking the reason -------------------------------------------------------------- */

typedef struct
{
  CstPacketView *self;
  GArray        *hits;      /* CstRedactionHit; NULL: a text to find first */
  GtkEditable   *text;      /* the text to find, or NULL */
  GtkDropDown   *reasons;
  GtkEditable   *written;
} Ask;

static void
ask_free (Ask *ask)
{
  g_clear_pointer (&ask->hits, g_array_unref);
  g_free (ask);
}

static GtkWidget *
labelled_entry (GtkWidget  *box,
                const char *label,
                const char *placeholder)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_box_append (GTK_BOX (box), entry);
  return entry;
}

static const char *
asked_reason (Ask *ask)
{
  return cst_redaction_reasons ()[gtk_drop_down_get_selected (ask->reasons)];
}

static const char *
asked_written (Ask *ask)
{
  const char *written = gtk_editable_get_text (ask->written);

  return written[0] != '\0' ? written : NULL;
}

static void
mark_hits (CstPacketView *self,
           GArray        *hits,
           const char    *reason,
           const char    *written,
           const char    *source)
{
  self->pending++;
  cst_page_marks_add_async (self->connection, self->request_id, (const CstRedactionHit *) hits->data,
                            hits->len, reason, written, source, self->marks && self->marks->may_apply,
                            self->cancellable, marks_done_cb, self);
}

/* A text being searched: what to mark its places with. */
typedef struct
{
  CstPacketView *self;         /* not a reference: the search is cancelled with the view */
  GCancellable  *cancellable;  /* cancelled when the view goes, before self does */
  char          *reason;
  char          *written;
} Search;

static void
search_free (Search *search)
{
  g_clear_object (&search->cancellable);
  g_free (search->reason);
  g_free (search->written);
  g_free (search);
}

/* Told between pages, until the search's answer (which frees @data). */
static void
search_progress_cb (guint    done,
                    guint    total,
                    gpointer data)
{
  Search *search = data;
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (search->cancellable))
    return;
  text = g_strdup_printf (_("Searching page %u of %u…"), done, total);
  show_message (search->self, text);
}

static guint
count_pages (GArray *hits)
{
  g_autoptr(GHashTable) pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < hits->len; i++)
    {
      const CstRedactionHit *h = &g_array_index (hits, CstRedactionHit, i);

      g_hash_table_add (pages, g_strdup_printf ("%" G_GINT64_FORMAT ":%u", h->document_id, h->page));
    }
  return g_hash_table_size (pages);
}

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = cst_redaction_find_text_finish (CST_CONNECTION (object), result, &error);
  Search *search = data;
  CstPacketView *self = search->self;
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (CstRedactionHit));
  g_autofree char *places = NULL, *pages = NULL, *text = NULL;

  /* Stopped (Stop Searching said so), or the view closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      search_free (search);
      return;
    }
  self->pending--;
  g_clear_object (&self->find_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), FALSE);
  for (guint i = 0; found != NULL && i < found->len; i++)
    g_array_append_vals (hits, g_ptr_array_index (found, i), 1);
  if (found == NULL)
    show_message (self, error->message);
  else if (hits->len == 0)
    show_message (self, _("The text was not found in the pages; nothing was marked."));
  else
    {
      places = g_strdup_printf (g_dngettext (NULL, "Found in %u place", "Found in %u places", hits->len),
                                hits->len);
      pages = g_strdup_printf (g_dngettext (NULL, "on %u page", "on %u pages", count_pages (hits)),
                               count_pages (hits));
      /* Translators: "Found in 3 places" "on 2 pages": each marked */
      text = g_strdup_printf (_("%s %s: each is marked."), places, pages);
      show_message (self, text);
      mark_hits (self, hits, search->reason, search->written, "text");
    }
  search_free (search);
}

static void
search_text (CstPacketView *self,
             Ask           *ask)
{
  Search *search = g_new0 (Search, 1);

  search->self = self;
  search->reason = g_strdup (asked_reason (ask));
  search->written = g_strdup (asked_written (ask));
  cst_dispose_renew (&self->find_cancellable);
  search->cancellable = g_object_ref (self->find_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), TRUE);
  show_message (self, _("Searching the pages…"));
  self->pending++;
  cst_redaction_find_text_async (self->connection, self->request_id, gtk_editable_get_text (ask->text),
                                 search_progress_cb, search, self->find_cancellable, found_cb, search);
}

static void
ask_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 Ask              *ask)
{
  if (!g_str_equal (response, "mark"))
    return;
  if (ask->text != NULL)
    search_text (ask->self, ask);
  else
    mark_hits (ask->self, ask->hits, asked_reason (ask), asked_written (ask), "box");
}

static GtkWindow *
ask_reason (CstPacketView *self,
            Ask           *ask,
            const char    *heading,
            const char    *body)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gboolean may_apply = self->marks != NULL && self->marks->may_apply;

  ask->self = self;
  if (ask->hits == NULL)
    ask->text = GTK_EDITABLE (labelled_entry (box, _("The text to find"), _("The text to find in every page")));
  for (const char *const *r = cst_redaction_reasons (); *r != NULL; r++)
    gtk_string_list_append (labels, cst_redaction_reason_label (*r));
  ask->reasons = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (ask->reasons), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Why it is redacted"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ask->reasons));
  ask->written = GTK_EDITABLE (labelled_entry (box, _("The reason, written out"),
                                               _("The reason, written out (needed for Other)")));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "mark", may_apply ? _("_Redact") : _("_Propose"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "mark",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "mark");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ask", ask, (GDestroyNotify) ask_free);
  g_signal_connect (dialog, "response", G_CALLBACK (ask_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

/* A box drawn on the large page: which reason. */
static void
box_drawn_cb (CstPacketView *self,
              double         x,
              double         y,
              double         width,
              double         height)
{
  Ask *ask = g_new0 (Ask, 1);
  CstRedactionHit hit = { 0 };

  if (self->large_item == NULL)
    {
      g_free (ask);
      return;
    }
  hit.document_id = cst_page_item_get_document_id (self->large_item);
  hit.page = cst_page_item_get_page (self->large_item);
  hit.box = (CstRedactionBox) { x, y, width, height };
  ask->hits = g_array_new (FALSE, FALSE, sizeof (CstRedactionHit));
  g_array_append_val (ask->hits, hit);
  ask_reason (self, ask, _("Redact This Box?"),
              _("What is under the box is left out of the release: the page is rebuilt as an image "
                "with the box filled and its reason printed in it. Why is it redacted?"));
}

/* Words selected by dragging across them: which reason. */
static void
words_chosen_cb (CstPacketView *self,
                 GArray        *boxes)
{
  Ask *ask;

  if (self->large_item == NULL || boxes->len == 0)
    return;
  ask = g_new0 (Ask, 1);
  ask->hits = g_array_new (FALSE, FALSE, sizeof (CstRedactionHit));
  for (guint i = 0; i < boxes->len; i++)
    {
      CstRedactionHit hit = { 0 };

      hit.document_id = cst_page_item_get_document_id (self->large_item);
      hit.page = cst_page_item_get_page (self->large_item);
      hit.box = g_array_index (boxes, CstRedactionBox, i);
      g_array_append_val (ask->hits, hit);
    }
  ask_reason (self, ask, _("Redact These Words?"),
              _("The words selected are left out of the release: the page is rebuilt as an image "
                "with them covered and the reason printed over them. Why are they redacted?"));
}

/**
 * cst_packet_view_ask_mark_text:
 *
 * The Mark Text dialog: a text found on every page of the packet (the
 * pages' own text, and OCR of scans, off the main loop) is marked in each
 * place, with a reason.
 */
GtkWindow *
cst_packet_view_ask_mark_text (CstPacketView *self)
{
  return ask_reason (self, g_new0 (Ask, 1), _("Mark a Text Everywhere?"),
                     _("Every place the text appears in the packet's pages is marked: found in the "
                       "pages' own text, and read by OCR on scanned pages. Why is it redacted?"));
}

static void
mark_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cst_packet_view_ask_mark_text (CST_PACKET_VIEW (widget));
}

static void
proposed_cb (CstPacketView *self,
             guint          stored)
{
  load_marks (self);
}

/**
 * cst_packet_view_find_proposals:
 *
 * Find Proposals: the proposal finder over the packet's pages, off the
 * main loop with progress and Stop; what it proposes is shown here to be
 * accepted or rejected one by one.
 */
GtkWindow *
cst_packet_view_find_proposals (CstPacketView *self)
{
  CstRedactionFinder *finder = cst_redaction_finder_new (self->connection, self->request_id);

  gtk_window_set_transient_for (GTK_WINDOW (finder), GTK_WINDOW (self));
  g_signal_connect_object (finder, "proposed", G_CALLBACK (proposed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (finder));
  return GTK_WINDOW (finder);
}

static void
find_proposals_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  cst_packet_view_find_proposals (CST_PACKET_VIEW (widget));
}

static void
stop_search_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);

  if (self->find_cancellable == NULL)
    return;
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  self->pending--;
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), FALSE);
  show_message (self, _("The search was stopped; nothing was marked."));
}

static void
draw_box_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);

  if (self->large_item == NULL || !cst_redaction_layer_start_box (self->redaction_layer))
    show_message (self, _("Open a page first (Enter), then draw the box on it."));
}

/* F8: the next page, after the one open, with a proposal waiting. */
static void
next_proposal_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->pages));
  guint from = 0;

  for (guint i = 0; self->large_item != NULL && i < n; i++)
    {
      g_autoptr(CstPageItem) item = g_list_model_get_item (G_LIST_MODEL (self->pages), i);

      if (item == self->large_item)
        from = i + 1;
    }
  for (guint k = 0; k < n; k++)
    {
      g_autoptr(CstPageItem) item = g_list_model_get_item (G_LIST_MODEL (self->pages), (from + k) % n);
      guint proposed = 0;

      cst_page_item_get_marks (item, &proposed);
      if (proposed > 0)
        {
          cst_packet_view_open_page (self, (from + k) % n);
          return;
        }
    }
  show_message (self, _("No proposed redactions are waiting."));
}

/* ---- a page, large ------------------------------------------------------------- */

static void
large_rendered_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      data)
{
  CstPacketView *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLargePage) large = cst_page_thumbnails_render_finish (CST_PAGE_THUMBNAILS (object),
                                                                     result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (large == NULL)
    {
      show_message (self, error->message);
      return;
    }
  gtk_picture_set_paintable (self->large_picture, GDK_PAINTABLE (large->texture));
  /* Boxes can be drawn once the page's size is known. */
  cst_redaction_layer_set_page (self->redaction_layer, large->page_width, large->page_height);
  self->large_shown = TRUE;
}

/* The large page's words, for selecting them by dragging across them. */
static void
words_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  CstPacketView *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) words = cst_redaction_words_finish (CST_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Without its words a page is still marked with boxes. */
  if (words == NULL)
    g_debug ("The page's words were not read: %s", error->message);
  cst_redaction_layer_set_words (self->redaction_layer, words);
}

static void
viewed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  CstPacketView *self = data;
  g_autoptr(GError) error = NULL;

  if (!cst_packet_pages_view_finish (CST_CONNECTION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, error->message);
}

/**
 * cst_packet_view_open_page:
 * @position: the page's place in the grid
 *
 * Shows the page large (drawn off the main loop) and logs that the record
 * was opened to be looked at.
 */
void
cst_packet_view_open_page (CstPacketView *self,
                           guint          position)
{
  g_autoptr(CstPageItem) item = g_list_model_get_item (G_LIST_MODEL (self->pages), position);
  g_autofree char *described = NULL;

  if (item == NULL)
    return;
  cst_dispose_renew (&self->large_cancellable);
  g_set_object (&self->large_item, item);
  self->large_shown = FALSE;
  described = cst_page_item_describe (item);
  gtk_picture_set_paintable (self->large_picture, cst_page_item_get_paintable (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->large_picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  described, -1);
  adw_window_title_set_subtitle (self->window_title, described);
  cst_redaction_layer_set_page (self->redaction_layer, 0, 0);
  cst_redaction_layer_set_words (self->redaction_layer, NULL);
  show_large_marks (self);
  gtk_stack_set_visible_child_name (self->stack, "large");
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), TRUE);
  cst_page_thumbnails_render_async (self->thumbnails, item, LARGE_WIDTH, self->large_cancellable,
                                    large_rendered_cb, self);
  cst_packet_pages_view_async (self->connection, cst_page_item_get_document_id (item),
                               self->large_cancellable, viewed_cb, self);
  cst_redaction_words_cached_async (self->connection, self->words_cache, self->request_id,
                                    cst_page_item_get_document_id (item), cst_page_item_get_page (item),
                                    self->large_cancellable, words_read_cb, self);
}

static void
page_activated_cb (CstPacketView *self,
                   guint          position)
{
  cst_packet_view_open_page (self, position);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "large"))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  g_cancellable_cancel (self->large_cancellable);
  g_clear_object (&self->large_item);
  gtk_stack_set_visible_child_name (self->stack, "pages");
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  if (self->outline != NULL)
    show_counts (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->grid_view));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstPacketView *self = CST_PACKET_VIEW (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  if (!gtk_bitset_is_empty (selected))
    cst_packet_view_open_page (self, gtk_bitset_get_minimum (selected));
}

static void
exclude_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  cst_packet_view_ask_exclude (CST_PACKET_VIEW (widget));
}

static void
include_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  cst_packet_view_include_selected (CST_PACKET_VIEW (widget));
}

/* A document chosen in the list: the grid scrolls to its first page. */
static void
document_selected_cb (CstPacketView *self,
                      GtkListBoxRow *row)
{
  gint64 id = row_document_id (row);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->pages));

  for (guint i = 0; id != 0 && i < n; i++)
    {
      g_autoptr(CstPageItem) item = g_list_model_get_item (G_LIST_MODEL (self->pages), i);

      if (cst_page_item_get_document_id (item) == id)
        {
          show_all_pages (self);
          gtk_widget_activate_action (GTK_WIDGET (self->grid_view), "list.scroll-to-item", "u", i);
          return;
        }
    }
}

/* ---- the object ---------------------------------------------------------------- */

static void
cst_packet_view_dispose (GObject *object)
{
  CstPacketView *self = CST_PACKET_VIEW (object);

  cst_dispose_cancel (&self->cancellable);
  cst_dispose_cancel (&self->large_cancellable);
  cst_dispose_cancel (&self->find_cancellable);
  stop_growing (self);
  if (self->thumbnails != NULL)
    cst_page_thumbnails_shutdown (self->thumbnails);
  /* A window disposes its own children. */
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PACKET_VIEW);
  g_clear_object (&self->large_item);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->pages);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->sources, g_hash_table_unref);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->outline, cst_packet_outline_free);
  g_clear_pointer (&self->marks, cst_page_marks_free);
  g_clear_object (&self->words_cache);
  g_clear_pointer (&self->reference, g_free);
  G_OBJECT_CLASS (cst_packet_view_parent_class)->dispose (object);
}

static void
cst_packet_view_class_init (CstPacketViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cst_packet_view_dispose;
  /* Pages were left out or put back, documents reordered, paper pages
   * counted: the request's page count may have changed. */
  view_signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/cst-packet-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, window_title);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, back_button);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, message_label);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, stack);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, documents_list);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, paper_spin);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, grid_view);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, large_picture);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, redaction_layer);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, marks_list);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, marks_hint);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, proposals_row);
  gtk_widget_class_bind_template_child (widget_class, CstPacketView, stop_button);
  gtk_widget_class_bind_template_callback (widget_class, document_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, box_drawn_cb);
  gtk_widget_class_bind_template_callback (widget_class, words_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, mark_selected_cb);

  gtk_widget_class_install_action (widget_class, "view.exclude", NULL, exclude_action);
  gtk_widget_class_install_action (widget_class, "view.include", NULL, include_action);
  gtk_widget_class_install_action (widget_class, "view.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "view.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "view.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "view.move-down", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "view.count-paper", NULL, count_paper_action);
  gtk_widget_class_install_action (widget_class, "view.decide-mark", "(xb)", decide_mark_action);
  gtk_widget_class_install_action (widget_class, "view.remove-mark", "x", remove_mark_action);
  gtk_widget_class_install_action (widget_class, "view.accept-mark", NULL, selected_mark_action);
  gtk_widget_class_install_action (widget_class, "view.reject-mark", NULL, selected_mark_action);
  gtk_widget_class_install_action (widget_class, "view.undo-mark", NULL, selected_mark_action);
  gtk_widget_class_install_action (widget_class, "view.accept-all", NULL, decide_page_action);
  gtk_widget_class_install_action (widget_class, "view.reject-all", NULL, decide_page_action);
  gtk_widget_class_install_action (widget_class, "view.draw-box", NULL, draw_box_action);
  gtk_widget_class_install_action (widget_class, "view.mark-text", NULL, mark_text_action);
  gtk_widget_class_install_action (widget_class, "view.stop-search", NULL, stop_search_action);
  gtk_widget_class_install_action (widget_class, "view.next-proposal", NULL, next_proposal_action);
  gtk_widget_class_install_action (widget_class, "view.find-proposals", NULL, find_proposals_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_ALT_MASK, "view.accept-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_ALT_MASK, "view.reject-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_ALT_MASK, "view.undo-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "view.accept-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "view.reject-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "view.draw-box", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "view.mark-text", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "view.next-proposal", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "view.find-proposals", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "view.exclude", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "view.include", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "view.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "view.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "view.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cst_packet_view_init (CstPacketView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *none;

  g_type_ensure (CST_TYPE_REDACTION_LAYER);
  gtk_widget_init_template (GTK_WIDGET (self));
  none = gtk_label_new (_("No redactions on this page."));
  gtk_widget_add_css_class (none, "dim-label");
  gtk_widget_set_margin_top (none, 12);
  gtk_widget_set_margin_bottom (none, 12);
  gtk_list_box_set_placeholder (self->marks_list, none);
  self->cancellable = g_cancellable_new ();
  self->large_cancellable = g_cancellable_new ();
  self->words_cache = cst_redaction_words_cache_new ();
  self->pages = g_list_store_new (CST_TYPE_PAGE_ITEM);
  self->shown = gtk_slice_list_model_new (G_LIST_MODEL (g_object_ref (self->pages)), 0, SHOWN_STEP);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->shown)));
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->sources = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) cst_page_source_unref);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
}

/**
 * cst_packet_view_new:
 *
 * The page view of @request's packet, loading at once (off the main loop).
 */
CstPacketView *
cst_packet_view_new (CstConnection *connection,
                     CstRequest    *request)
{
  CstPacketView *self = g_object_new (CST_TYPE_PACKET_VIEW, NULL);

  self->connection = g_object_ref (connection);
  self->request_id = cst_request_get_id (request);
  self->reference = g_strdup (cst_request_get_reference (request));
  self->thumbnails = cst_page_thumbnails_new (connection);
  adw_window_title_set_subtitle (self->window_title, _("Reading the documents…"));
  load (self);
  load_marks (self);
  return self;
}

/* The pages in the grid (CstPageItem), for tests. */
GListModel *
cst_packet_view_get_pages (CstPacketView *self)
{
  return G_LIST_MODEL (self->pages);
}

GtkSelectionModel *
cst_packet_view_get_selection (CstPacketView *self)
{
  return GTK_SELECTION_MODEL (self->selection);
}

const CstPacketOutline *
cst_packet_view_get_outline (CstPacketView *self)
{
  return self->outline;
}

gboolean
cst_packet_view_is_busy (CstPacketView *self)
{
  return self->pending > 0;
}

guint
cst_packet_view_get_n_rendered (CstPacketView *self)
{
  return cst_page_thumbnails_get_n_rendered (self->thumbnails);
}

/* TRUE once the page opened large is drawn. */
gboolean
cst_packet_view_large_shown (CstPacketView *self)
{
  return self->large_shown;
}

/* The request's redactions as last read; NULL until read. */
const CstPageMarks *
cst_packet_view_get_marks (CstPacketView *self)
{
  return self->marks;
}

/* What is drawn over the page opened large. */
CstRedactionLayer *
cst_packet_view_get_layer (CstPacketView *self)
{
  return self->redaction_layer;
}

const char *
cst_packet_view_get_message (CstPacketView *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}
