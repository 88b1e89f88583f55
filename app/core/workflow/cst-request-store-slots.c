/* cst-request-store-slots.c — the request list's rows as the column view
 * holds them: one object per position, kept while a row shows it
 *
 * GTK 4.8's list and column views keep a row widget for each of up to
 * 200 items around the top row (GTK_LIST_VIEW_MAX_LIST_ITEMS).  At every
 * items-changed they take back the widgets of the items that are still
 * in the model (found by the item's pointer) and destroy the rest, then
 * build and bind new widgets (six cells, about twelve labels each) for
 * the positions left without one.  A search that changes which requests
 * are at the top changes those pointers, so one keystroke rebuilt
 * every row widget: most of its time (perf, bench/window).
 *
 * Here the item at a position is a slot, the same object for as long as
 * anyone holds it (a row widget does), and a change of the rows changes
 * the request the slot shows instead ("notify::request"); the model
 * tells only the rows added or removed at its end.  The view keeps its
 * widgets, and each row rebinds a few labels, which GtkLabel skips when
 * the text is the same.
 *
 * Slots are made on get_item() and live only while they are held: only
 * the rows bound on screen have one.
 */
#define G_LOG_DOMAIN "cst-request-store-slots"

#include "config.h"

#include "custodian/cst-request-store-slots.h"

struct _CstRequestStoreSlot
{
  GObject               parent_instance;

  CstRequestStoreSlots *owner;      /* unowned; NULL once it is gone */
  guint                 position;
  CstRequest           *request;    /* NULL past the end of the rows */
};

struct _CstRequestStoreSlots
{
  GObject     parent_instance;

  GListModel *model;
  guint       n_items;
  GHashTable *live;     /* position → its CstRequestStoreSlot, unowned */
};

enum {
  PROP_0,
  PROP_REQUEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CstRequestStoreSlot, cst_request_store_slot, G_TYPE_OBJECT)

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CstRequestStoreSlots, cst_request_store_slots, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
cst_request_store_slot_finalize (GObject *object)
{
  CstRequestStoreSlot *self = CST_REQUEST_STORE_SLOT (object);

  if (self->owner != NULL)
    g_hash_table_remove (self->owner->live, GUINT_TO_POINTER (self->position));
  g_clear_object (&self->request);
  G_OBJECT_CLASS (cst_request_store_slot_parent_class)->finalize (object);
}

static void
cst_request_store_slot_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CstRequestStoreSlot *self = CST_REQUEST_STORE_SLOT (object);

  switch (prop_id)
    {
    case PROP_REQUEST: g_value_set_object (value, self->request); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_request_store_slot_class_init (CstRequestStoreSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cst_request_store_slot_finalize;
  object_class->get_property = cst_request_store_slot_get_property;

  /**
   * CstRequestStoreSlot:request:
   *
   * The request at the slot's position now; %NULL when the rows end
   * before it.
   */
  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, CST_TYPE_REQUEST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cst_request_store_slot_init (CstRequestStoreSlot *self)
{
}

/* Returns: (transfer none) (nullable): the request the slot shows */
CstRequest *
cst_request_store_slot_get_request (CstRequestStoreSlot *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE_SLOT (self), NULL);
  return self->request;
}

guint
cst_request_store_slot_get_position (CstRequestStoreSlot *self)
{
  g_return_val_if_fail (CST_IS_REQUEST_STORE_SLOT (self), 0);
  return self->position;
}

/* Points @slot at the request now at its position. */
static void
fill (CstRequestStoreSlots *self,
      CstRequestStoreSlot  *slot)
{
  g_autoptr(CstRequest) request = NULL;

  if (slot->position < self->n_items)
    request = g_list_model_get_item (self->model, slot->position);
  if (g_set_object (&slot->request, request))
    g_object_notify_by_pspec (G_OBJECT (slot), properties[PROP_REQUEST]);
}

/* The live slots at positions @from to @past (excluded), held while they
 * are filled: a notify handler may make or drop slots. */
static GPtrArray *
live_between (CstRequestStoreSlots *self,
              guint                 from,
              guint                 past)
{
  GPtrArray *slots = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key, slot;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, &slot))
    if (GPOINTER_TO_UINT (key) >= from && GPOINTER_TO_UINT (key) < past)
      g_ptr_array_add (slots, g_object_ref (slot));
  return slots;
}

/* The slots at the positions both the old and the new rows have stay
 * the same items: they show their new request through "notify::request",
 * and only the tail that was added or removed is told as items-changed.
 * Telling more would make GTK 4.8's list item manager, whose top row
 * (its anchor) would then be among the removed items, look for it again
 * through every added item (a get_item() for each of up to 200,000 rows
 * at each keystroke, perf on bench/window), and rebuild the rows it had. */
static void
model_changed_cb (CstRequestStoreSlots *self,
                  guint                 position,
                  guint                 removed,
                  guint                 added)
{
  guint n_old = self->n_items;
  guint n_new = g_list_model_get_n_items (self->model);
  g_autoptr(GPtrArray) slots = NULL;

  self->n_items = n_new;
  slots = live_between (self, position, removed == added ? position + removed : G_MAXUINT);
  for (guint i = 0; i < slots->len; i++)
    fill (self, slots->pdata[i]);
  if (n_new > n_old)
    g_list_model_items_changed (G_LIST_MODEL (self), n_old, 0, n_new - n_old);
  else if (n_new < n_old)
    g_list_model_items_changed (G_LIST_MODEL (self), n_new, n_old - n_new, 0);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return CST_TYPE_REQUEST_STORE_SLOT;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CST_REQUEST_STORE_SLOTS (model)->n_items;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  CstRequestStoreSlots *self = CST_REQUEST_STORE_SLOTS (model);
  CstRequestStoreSlot *slot;

  if (position >= self->n_items)
    return NULL;
  slot = g_hash_table_lookup (self->live, GUINT_TO_POINTER (position));
  if (slot != NULL)
    return g_object_ref (slot);
  slot = g_object_new (CST_TYPE_REQUEST_STORE_SLOT, NULL);
  slot->owner = self;
  slot->position = position;
  slot->request = g_list_model_get_item (self->model, position);
  g_hash_table_insert (self->live, GUINT_TO_POINTER (position), slot);
  return slot;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cst_request_store_slots_dispose (GObject *object)
{
  CstRequestStoreSlots *self = CST_REQUEST_STORE_SLOTS (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (cst_request_store_slots_parent_class)->dispose (object);
}

static void
cst_request_store_slots_finalize (GObject *object)
{
  CstRequestStoreSlots *self = CST_REQUEST_STORE_SLOTS (object);
  GHashTableIter iter;
  gpointer slot;

  /* Slots still held outlive the model; they keep their last request. */
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, NULL, &slot))
    CST_REQUEST_STORE_SLOT (slot)->owner = NULL;
  g_hash_table_unref (self->live);
  G_OBJECT_CLASS (cst_request_store_slots_parent_class)->finalize (object);
}

static void
cst_request_store_slots_class_init (CstRequestStoreSlotsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cst_request_store_slots_dispose;
  object_class->finalize = cst_request_store_slots_finalize;
}

static void
cst_request_store_slots_init (CstRequestStoreSlots *self)
{
  self->live = g_hash_table_new (g_direct_hash, g_direct_equal);
}

/**
 * cst_request_store_slots_new:
 * @model: a list model of #CstRequest (the list's sorted rows)
 *
 * Returns: (transfer full): a list model of #CstRequestStoreSlot, one per
 *   row of @model, at the same positions
 */
CstRequestStoreSlots *
cst_request_store_slots_new (GListModel *model)
{
  CstRequestStoreSlots *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (CST_TYPE_REQUEST_STORE_SLOTS, NULL);
  self->model = g_object_ref (model);
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect_swapped (model, "items-changed", G_CALLBACK (model_changed_cb), self);
  return self;
}
