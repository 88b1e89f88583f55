/* cst-spare-rows.c — the request list's rows as the column view sees
 * them: the slots, and past their end the first slots kept as spare rows
 *
 * GTK 4.8's column view keeps a row widget (a row and a cell widget per
 * column, each with its list item and event controllers) for each of
 * about 200 positions around its top row, and destroys the widgets of
 * the positions a model removes.  A search that left one request of
 * 200,000 destroyed about 200 rows, and clearing it built them again:
 * most of those two keystrokes' time (bench/window).
 *
 * This model holds the slots (CstRequestStoreSlots) of the first
 * @n_kept positions once the rows have reached them, and never has fewer
 * positions than it holds.  Past the rows' end a held slot is a spare
 * row: its request is NULL, and the list page hides its row.  A slot
 * stays the same object at its position while it is held, so when the
 * rows come back GTK finds the same items at the same positions and
 * keeps their widgets; only positions past the held ones are added or
 * removed.
 */
#define G_LOG_DOMAIN "cst-spare-rows"

#include "config.h"

#include "cst-spare-rows.h"

struct _CstSpareRows
{
  GObject     parent_instance;

  GListModel *model;    /* the slots */
  guint       n_rows;   /* the model's items */
  guint       n_kept;   /* the most positions held */
  GPtrArray  *kept;     /* the model's items at the first positions */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CstSpareRows, cst_spare_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_positions (CstSpareRows *self)
{
  return MAX (self->n_rows, self->kept->len);
}

/* Returns: (transfer full) (nullable): the item at @position now */
static gpointer
item_at (CstSpareRows *self,
         guint         position)
{
  if (position < self->n_rows)
    return g_list_model_get_item (self->model, position);
  if (position < self->kept->len)
    return g_object_ref (g_ptr_array_index (self->kept, position));
  return NULL;
}

/* Holds the model's items from @from up to its end or the most kept. */
static void
keep_from (CstSpareRows *self,
           guint         from)
{
  guint n = MIN (self->n_rows, self->n_kept);

  for (guint i = MIN (from, self->kept->len); i < n; i++)
    {
      gpointer item = g_list_model_get_item (self->model, i);

      if (i < self->kept->len)
        {
          g_object_unref (g_ptr_array_index (self->kept, i));
          g_ptr_array_index (self->kept, i) = item;
        }
      else
        g_ptr_array_add (self->kept, item);
    }
}

/* The first position from @from on, below @bound, whose item is not the
 * one held there before the change. */
static guint
first_new_item (CstSpareRows *self,
                guint         from,
                guint         bound)
{
  guint first = from;

  for (; first < bound; first++)
    {
      g_autoptr(GObject) item = item_at (self, first);

      if (item != g_ptr_array_index (self->kept, first))
        break;
    }
  return first;
}

/* With no spare rows before or after, the change is the model's, less
 * the positions at its start that kept their item; GTK then keeps the
 * row widgets of every item still there, its top row's too (which it
 * would otherwise look for through every added item).  With spare rows,
 * the positions from the first new item to the end are told as
 * replaced: all but the few past the held ones are the same items. */
static void
model_changed_cb (CstSpareRows *self,
                  guint         position,
                  guint         removed,
                  guint         added)
{
  guint n_before = n_positions (self);
  guint n_kept_before = self->kept->len;
  gboolean had_spare = self->n_rows < n_kept_before;
  guint first, n_after;

  self->n_rows = g_list_model_get_n_items (self->model);
  if (!had_spare && self->n_rows >= n_kept_before)
    {
      first = first_new_item (self, position, MIN (n_kept_before, position + MIN (removed, added)));
      keep_from (self, first);
      if (first - position < removed || first - position < added)
        g_list_model_items_changed (G_LIST_MODEL (self), first, removed - (first - position),
                                    added - (first - position));
      return;
    }
  first = first_new_item (self, MIN (position, n_kept_before), n_kept_before);
  keep_from (self, first);
  n_after = n_positions (self);
  if (first < n_before || first < n_after)
    g_list_model_items_changed (G_LIST_MODEL (self), first, n_before - first, n_after - first);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (CST_SPARE_ROWS (model)->model);
}

static guint
list_model_get_n_items (GListModel *model)
{
  return n_positions (CST_SPARE_ROWS (model));
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  return item_at (CST_SPARE_ROWS (model), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cst_spare_rows_dispose (GObject *object)
{
  CstSpareRows *self = CST_SPARE_ROWS (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_ptr_array_set_size (self->kept, 0);
  self->n_rows = 0;
  G_OBJECT_CLASS (cst_spare_rows_parent_class)->dispose (object);
}

static void
cst_spare_rows_finalize (GObject *object)
{
  CstSpareRows *self = CST_SPARE_ROWS (object);

  g_ptr_array_unref (self->kept);
  G_OBJECT_CLASS (cst_spare_rows_parent_class)->finalize (object);
}

static void
cst_spare_rows_class_init (CstSpareRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cst_spare_rows_dispose;
  object_class->finalize = cst_spare_rows_finalize;
}

static void
cst_spare_rows_init (CstSpareRows *self)
{
  self->kept = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * cst_spare_rows_new:
 * @slots: a model whose item at a position stays the same object while
 *   it is held, also past the model's end (#CstRequestStoreSlots)
 * @n_kept: how many of the first positions are held, as many as the
 *   view keeps row widgets for
 *
 * Returns: (transfer full): a model of @slots' items, with at least as
 *   many positions as it has held
 */
CstSpareRows *
cst_spare_rows_new (GListModel *slots,
                    guint       n_kept)
{
  CstSpareRows *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (slots), NULL);

  self = g_object_new (CST_TYPE_SPARE_ROWS, NULL);
  self->model = g_object_ref (slots);
  self->n_kept = n_kept;
  self->n_rows = g_list_model_get_n_items (slots);
  keep_from (self, 0);
  g_signal_connect_swapped (slots, "items-changed", G_CALLBACK (model_changed_cb), self);
  return self;
}

/* How many of the positions are rows of the model, not spare rows. */
guint
cst_spare_rows_get_n_rows (CstSpareRows *self)
{
  g_return_val_if_fail (CST_IS_SPARE_ROWS (self), 0);
  return self->n_rows;
}
