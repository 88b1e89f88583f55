/* test-request-store-filter.c — the request list's filter: the rows
 * cst_request_matches() and the scope leave, one items-changed per search,
 * and no keystroke looking at every row */
#include "config.h"

#include <custodian/custodian.h>

#define N_ROWS 2000

static const char *const family_names[] = { "Núñez", "Demoson", "García", "O'Brien", "Smith" };
static const char *const given_names[] = { "José", "Ana", "Zoë", "Demetrius", "Li", "Jos" };
static const char *const requesters[] = { "Demo Law Group", "Acme Insurance", "Self", "Dr. Núñez" };

static CstRequest *
synthetic_request (guint i)
{
  g_autofree char *reference = g_strdup_printf ("ROI-2026-%06u", i);
  g_autofree char *mrn = g_strdup_printf ("MRN%07u", (i * 7919u) % 10000000u);
  CstRequest *request = cst_request_new ();

  g_object_set (request, "reference", reference, "patient-mrn", mrn,
                "patient-family-name", family_names[i % G_N_ELEMENTS (family_names)],
                "patient-given-name", given_names[(i / 5) % G_N_ELEMENTS (given_names)],
                "requester-name", requesters[(i / 7) % G_N_ELEMENTS (requesters)],
                "status", i % 3 ? CST_STATUS_RECEIVED : CST_STATUS_RELEASED, NULL);
  return request;
}

static GListStore *
synthetic_list (void)
{
  GListStore *list = g_list_store_new (CST_TYPE_REQUEST);

  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autoptr(CstRequest) request = synthetic_request (i);
      g_list_store_append (list, request);
    }
  return list;
}

static gboolean
keep_open (CstRequest *request,
           gpointer    user_data)
{
  return !cst_request_status_is_closed (cst_request_get_status (request));
}

/* The rows @filter shows are exactly those of @list that @text and @keep
 * leave, in the list's order. */
static void
assert_same_as_matching (CstRequestStoreFilter *filter,
                         GListModel            *list,
                         const char            *text,
                         CstRequestKeepFunc     keep)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  guint shown = 0;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(CstRequest) request = g_list_model_get_item (list, i);
      g_autoptr(CstRequest) row = NULL;

      if ((keep != NULL && !keep (request, NULL)) || !cst_request_matches (request, folded))
        continue;
      row = g_list_model_get_item (G_LIST_MODEL (filter), shown++);
      g_assert_true (row == request);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, shown);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *changes)
{
  (*changes)++;
}

/* Every prefix of the window bench's queries, as typed, each compared
 * with cst_request_matches() row by row. */
static void
test_matches_as_typed (void)
{
  static const char *const queries[] = { "demo", "núñez jos", "NÚÑEZ, JOSÉ", "roi-2026-000123",
                                         "mrn0007919", "law demo", " , ", "zzz" };
  g_autoptr(GListStore) list = synthetic_list ();
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (list));
  guint changes = 0;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, N_ROWS);
  g_signal_connect (filter, "items-changed", G_CALLBACK (count_changes), &changes);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      for (const char *end = g_utf8_next_char (queries[q]); ; end = g_utf8_next_char (end))
        {
          g_autofree char *prefix = g_strndup (queries[q], end - queries[q]);
          guint before = changes;

          cst_request_store_filter_set_search (filter, prefix);
          /* One change for the whole list, or none when the rows stay. */
          g_assert_cmpuint (changes - before, <=, 1);
          assert_same_as_matching (filter, G_LIST_MODEL (list), prefix, NULL);
          if (*end == '\0')
            break;
        }
      cst_request_store_filter_set_search (filter, "");
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, N_ROWS);
    }
  g_assert_cmpuint (changes, >, 0);
}

/* A new search looks only at rows holding its longest word; a longer one
 * only at the rows the shorter one left. */
static void
test_looks_at_few_rows (void)
{
  g_autoptr(GListStore) list = synthetic_list ();
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (list));
  guint shown;

  cst_request_store_filter_set_search (filter, "roi-2026-0001");
  shown = g_list_model_get_n_items (G_LIST_MODEL (filter));
  g_assert_cmpuint (shown, ==, 100);
  g_assert_cmpuint (cst_request_store_filter_get_n_scanned (filter), ==, shown);

  cst_request_store_filter_set_search (filter, "roi-2026-00012");
  g_assert_cmpuint (cst_request_store_filter_get_n_scanned (filter), ==, shown);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 10);

  /* The longest word picks the rows; the other is checked on them. */
  cst_request_store_filter_set_search (filter, "li roi-2026-001999");
  g_assert_cmpuint (cst_request_store_filter_get_n_scanned (filter), ==, 1);
  assert_same_as_matching (filter, G_LIST_MODEL (list), "li roi-2026-001999", NULL);

  /* Not narrower (a word replaced): all rows holding the new word. */
  cst_request_store_filter_set_search (filter, "zoë");
  g_assert_cmpuint (cst_request_store_filter_get_n_scanned (filter), <, N_ROWS);
  assert_same_as_matching (filter, G_LIST_MODEL (list), "zoë", NULL);
}

static void
test_scope (void)
{
  g_autoptr(GListStore) list = synthetic_list ();
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (list));

  cst_request_store_filter_set_keep (filter, keep_open, NULL);
  assert_same_as_matching (filter, G_LIST_MODEL (list), "", keep_open);
  cst_request_store_filter_set_search (filter, "demo");
  assert_same_as_matching (filter, G_LIST_MODEL (list), "demo", keep_open);
  cst_request_store_filter_set_search (filter, "demoson ana");
  assert_same_as_matching (filter, G_LIST_MODEL (list), "demoson ana", keep_open);
  cst_request_store_filter_set_keep (filter, NULL, NULL);
  assert_same_as_matching (filter, G_LIST_MODEL (list), "demoson ana", NULL);
}

/* Rows added to or taken from the list while a search is on. */
static void
test_follows_the_list (void)
{
  g_autoptr(GListStore) list = synthetic_list ();
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (list));
  g_autoptr(CstRequest) added = synthetic_request (7);
  g_autoptr(CstRequest) other = synthetic_request (8);

  cst_request_store_filter_set_search (filter, "roi-2026-000007");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  g_list_store_insert (list, 0, added);
  g_list_store_insert (list, 0, other);
  assert_same_as_matching (filter, G_LIST_MODEL (list), "roi-2026-000007", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 2);
  g_list_store_remove (list, 9);   /* the first row 7, past the two added */
  assert_same_as_matching (filter, G_LIST_MODEL (list), "roi-2026-000007", NULL);
  /* The keys are built again for the next search. */
  cst_request_store_filter_set_search (filter, "roi-2026-00000");
  assert_same_as_matching (filter, G_LIST_MODEL (list), "roi-2026-00000", NULL);
  g_list_store_remove_all (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request-store-filter/matches-as-typed", test_matches_as_typed);
  g_test_add_func ("/request-store-filter/looks-at-few-rows", test_looks_at_few_rows);
  g_test_add_func ("/request-store-filter/scope", test_scope);
  g_test_add_func ("/request-store-filter/follows-the-list", test_follows_the_list);
  return g_test_run ();
}
