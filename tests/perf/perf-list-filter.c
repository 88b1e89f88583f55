/* perf-list-filter.c — instruction budget: filtering 200,000 requests
 *
 * The request list's filter (CstRequestStoreFilter) over 200,000
 * synthetic requests for each keystroke of the queries the window bench
 * types, in order: every prefix of "demo" and of "núñez jos", a
 * reference, an MRN.  The rows and the filter's buffer of search keys are
 * made before the measured run, as the list has them by the time a clerk
 * types.  The filter's rows go on to the slots the column view holds
 * (CstRequestStoreSlots), with the first 200 held as GTK 4.8 holds the
 * items of its row widgets, so a keystroke's work on them is counted too.
 * No GTK, no database.
 */
#include "config.h"

#include <custodian/custodian.h>

#include "cst-perf.h"

#define N_ROWS 200000
/* GTK_LIST_VIEW_MAX_LIST_ITEMS: the rows GTK 4.8 keeps widgets for. */
#define HELD_SLOTS 200

static const char *const queries[] = {
  "d", "de", "dem", "demo",
  "n", "nú", "núñ", "núñe", "núñez", "núñez ", "núñez j", "núñez jo", "núñez jos",
  "ROI-2026-123457", "MRN7655983",   /* row 123457 (its MRN: 123457 × 7919 mod 10⁷) */
};

typedef struct
{
  GListStore            *rows;
  CstRequestStoreFilter *filter;
  CstRequestStoreSlots  *slots;
  guint                  matched[G_N_ELEMENTS (queries)];
} Filter;

static const char *const family_names[] = {
  "Núñez", "Demoson", "García", "O'Brien", "Smith", "Ångström", "Nguyen", "Kowalski",
  "Johnson", "Müller", "Okafor", "Dubois", "Rossi",
};
static const char *const given_names[] = {
  "José", "Ana", "Zoë", "Demetrius", "Li", "Fatima", "John", "Jos", "María", "Sean", "Ingrid",
};
static const char *const requesters[] = {
  "Marsh & Patel LLP", "Acme Insurance", "Demo Law Group", "Social Security Administration",
  "Dr. Núñez", "County Court", "Self",
};

static CstRequest *
synthetic_request (guint i)
{
  g_autofree char *reference = g_strdup_printf ("ROI-2026-%06u", i);
  g_autofree char *mrn = g_strdup_printf ("MRN%07u", (i * 7919u) % 10000000u);
  CstRequest *request = cst_request_new ();

  g_object_set (request, "reference", reference, "patient-mrn", mrn,
                "patient-family-name", family_names[i % G_N_ELEMENTS (family_names)],
                "patient-given-name", given_names[(i / 13) % G_N_ELEMENTS (given_names)],
                "requester-name", requesters[(i / 7) % G_N_ELEMENTS (requesters)], NULL);
  /* The key is folded once, on the listing thread. */
  cst_request_get_search_key (request);
  return request;
}

static void
filter_all (Filter *f)
{
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      cst_request_store_filter_set_search (f->filter, queries[q]);
      f->matched[q] = g_list_model_get_n_items (G_LIST_MODEL (f->filter));
    }
}

static G_GNUC_NO_INLINE void
perf_measured (gpointer data)
{
  filter_all (data);
}

int
main (void)
{
  Filter f = { g_list_store_new (CST_TYPE_REQUEST) };
  g_autoptr(GPtrArray) made = g_ptr_array_new_full (N_ROWS, g_object_unref);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_ROWS; i++)
    g_ptr_array_add (made, synthetic_request (i));
  g_list_store_splice (f.rows, 0, 0, made->pdata, made->len);
  f.filter = cst_request_store_filter_new (G_LIST_MODEL (f.rows));
  f.slots = cst_request_store_slots_new (G_LIST_MODEL (f.filter));
  for (guint i = 0; i < HELD_SLOTS; i++)
    g_ptr_array_add (held, g_list_model_get_item (G_LIST_MODEL (f.slots), i));
  cst_perf_measure (perf_measured, &f);

  /* The held slots show the rows found last: one MRN, then none. */
  g_assert_true (cst_request_store_slot_get_request (held->pdata[0]) ==
                 g_list_model_get_item (G_LIST_MODEL (f.filter), 0));
  g_object_unref (cst_request_store_slot_get_request (held->pdata[0]));
  g_assert_null (cst_request_store_slot_get_request (held->pdata[1]));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.slots)), ==, 1);

  /* The filter found what the generator put there. */
  g_assert_cmpuint (f.matched[3], >, 0);                 /* "demo" */
  g_assert_cmpuint (f.matched[3], <, N_ROWS);
  g_assert_cmpuint (f.matched[12], >, 0);                /* "núñez jos" */
  g_assert_cmpuint (f.matched[12], <, f.matched[8]);     /* fewer than "núñez" */
  g_assert_cmpuint (f.matched[13], ==, 1);               /* one reference */
  g_assert_cmpuint (f.matched[14], ==, 1);               /* one MRN */
  g_clear_pointer (&held, g_ptr_array_unref);
  g_object_unref (f.slots);
  g_object_unref (f.filter);
  g_object_unref (f.rows);
  return 0;
}
