/* test-request-store-slots.c — the request list's rows as the column view
 * holds them: the item at a position stays the same object while held,
 * showing the request now there */
#include "config.h"

#include <custodian/custodian.h>

#define N_ROWS 10

static CstRequest *
request_numbered (guint i)
{
  g_autofree char *reference = g_strdup_printf ("ROI-2026-%06u", i);
  CstRequest *request = cst_request_new ();

  g_object_set (request, "reference", reference, NULL);
  return request;
}

static GListStore *
numbered_list (void)
{
  GListStore *list = g_list_store_new (CST_TYPE_REQUEST);

  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autoptr(CstRequest) request = request_numbered (i);
      g_list_store_append (list, request);
    }
  return list;
}

typedef struct
{
  guint position, removed, added, n_changes;
} Change;

static void
changed_cb (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Change     *change)
{
  *change = (Change) { position, removed, added, change->n_changes + 1 };
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *n)
{
  (*n)++;
}

static const char *
reference_at (CstRequestStoreSlot *slot)
{
  return cst_request_get_reference (cst_request_store_slot_get_request (slot));
}

/* A row removed before a held slot: the slot stays, shows the request
 * that moved up to its position, and only the last position is told as
 * removed: a view keeps its items (and GTK 4.8 its row widgets). */
static void
test_held_slot_follows (void)
{
  g_autoptr(GListStore) list = numbered_list ();
  g_autoptr(CstRequestStoreSlots) slots = cst_request_store_slots_new (G_LIST_MODEL (list));
  g_autoptr(CstRequestStoreSlot) held = g_list_model_get_item (G_LIST_MODEL (slots), 2);
  g_autoptr(CstRequestStoreSlot) again = NULL;
  Change change = { 0 };
  guint notified = 0;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, N_ROWS);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (slots)) == CST_TYPE_REQUEST_STORE_SLOT);
  g_assert_cmpstr (reference_at (held), ==, "ROI-2026-000002");
  g_signal_connect (slots, "items-changed", G_CALLBACK (changed_cb), &change);
  g_signal_connect (held, "notify::request", G_CALLBACK (count_cb), &notified);

  g_list_store_remove (list, 0);
  g_assert_cmpuint (change.n_changes, ==, 1);
  g_assert_cmpuint (change.position, ==, N_ROWS - 1);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 0);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (reference_at (held), ==, "ROI-2026-000003");
  again = g_list_model_get_item (G_LIST_MODEL (slots), 2);
  g_assert_true (again == held);
  g_assert_cmpuint (cst_request_store_slot_get_position (held), ==, 2);

  /* A change that keeps the length changes what the slots there show,
   * and no item; the slot before it is not touched. */
  {
    g_autoptr(CstRequest) replacement = request_numbered (77);
    g_autoptr(CstRequestStoreSlot) fifth = g_list_model_get_item (G_LIST_MODEL (slots), 5);

    g_list_store_splice (list, 5, 1, (gpointer *) &replacement, 1);
    g_assert_cmpuint (change.n_changes, ==, 1);
    g_assert_cmpuint (notified, ==, 1);
    g_assert_cmpstr (reference_at (fifth), ==, "ROI-2026-000077");
  }
  /* Rows added at the top: the slots show the requests now at their
   * positions, and the new last positions are told as added. */
  {
    g_autoptr(CstRequest) newest = request_numbered (99);

    g_list_store_insert (list, 0, newest);
    g_assert_cmpuint (change.n_changes, ==, 2);
    g_assert_cmpuint (change.position, ==, N_ROWS - 1);
    g_assert_cmpuint (change.removed, ==, 0);
    g_assert_cmpuint (change.added, ==, 1);
    g_assert_cmpstr (reference_at (held), ==, "ROI-2026-000002");
    g_assert_cmpuint (notified, ==, 2);
  }

  /* Rows that end before the slot leave it empty. */
  g_list_store_remove_all (list);
  g_assert_null (cst_request_store_slot_get_request (held));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (slots), 0));
}

/* Only held slots exist: one let go is made anew for its position. */
static void
test_only_held_slots_live (void)
{
  g_autoptr(GListStore) list = numbered_list ();
  g_autoptr(CstRequestStoreSlots) slots = cst_request_store_slots_new (G_LIST_MODEL (list));
  CstRequestStoreSlot *dropped = g_list_model_get_item (G_LIST_MODEL (slots), 4);
  g_autoptr(CstRequestStoreSlot) made = NULL;

  g_object_add_weak_pointer (G_OBJECT (dropped), (gpointer *) &dropped);
  g_object_unref (dropped);
  g_assert_null (dropped);
  made = g_list_model_get_item (G_LIST_MODEL (slots), 4);
  g_assert_cmpstr (reference_at (made), ==, "ROI-2026-000004");

  /* A slot held after its model is gone keeps its last request. */
  g_clear_object (&slots);
  g_assert_cmpstr (reference_at (made), ==, "ROI-2026-000004");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request-store-slots/held-slot-follows", test_held_slot_follows);
  g_test_add_func ("/request-store-slots/only-held-slots-live", test_only_held_slots_live);
  return g_test_run ();
}
