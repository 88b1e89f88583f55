/* test-request-store.c — the live list: async load and changes, and
 * LISTEN/NOTIFY bringing another client's change within a second */
#include "config.h"

#include <malloc.h>

#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-facilities.h"

static CstTestDb *db;

/* Reads the whole list into @store, as the window does at start and after
 * the server comes back. */
static void
load (CstRequestStore *store)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  cst_request_store_load_async (store, NULL, cst_test_result_cb, &result);
  g_assert_true (cst_request_store_get_loading (store));
  g_assert_true (cst_request_store_load_finish (store, cst_test_wait_result (&result, 10), &error));
  g_assert_no_error (error);
  g_assert_false (cst_request_store_get_loading (store));
  g_object_unref (result);
}

static CstRequestStore *
new_loaded_store (void)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  CstRequestStore *store = cst_request_store_new (connection);

  load (store);
  return store;
}

static void
test_load_and_create (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (conn, "STORE-1");
  g_autoptr(CstRequestStore) store = new_loaded_store ();
  g_autoptr(CstRequest) draft = cst_request_copy (seeded);
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(GError) error = NULL;
  guint n_before = g_list_model_get_n_items (G_LIST_MODEL (store));
  GAsyncResult *result = NULL;

  g_assert_cmpuint (n_before, >=, 1);
  g_assert_nonnull (cst_request_store_lookup (store, cst_request_get_id (seeded)));

  g_object_set (draft, "id", (gint64) 0, "purpose", "Second request", NULL);
  cst_request_store_create_async (store, draft, NULL, cst_test_result_cb, &result);
  created = cst_request_store_change_finish (store, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_before + 1);
  g_assert_true (cst_request_store_lookup (store, cst_request_get_id (created)) == created);
  g_clear_object (&result);

  /* A refused change reports the error and leaves the object as it was. */
  {
    g_autoptr(CstRequest) refused = NULL;
    cst_request_store_move_async (store, created, CST_STATUS_RELEASED, NULL, NULL,
                                  cst_test_result_cb, &result);
    refused = cst_request_store_change_finish (store, cst_test_wait_result (&result, 10), &error);
    g_assert_null (refused);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
    g_assert_cmpint (cst_request_get_status (created), ==, CST_STATUS_RECEIVED);
    g_clear_object (&result);
  }
}

typedef struct
{
  CstRequest *request;
  int         version;
} VersionWait;

static gboolean
version_reached (gpointer data)
{
  VersionWait *w = data;
  return cst_request_get_version (w->request) >= w->version;
}

/* Whether the store's listener LISTENs (its connection is made on a
 * thread): a change made before would be missed. */
static gboolean
watching (gpointer store)
{
  return cst_request_store_get_watching (store);
}

/* Another client (a second connection) changes a request and adds one:
 * both show up in this store within a second, the change in the same
 * object, without reloading the list. */
static void
test_live_updates (void)
{
  g_autoptr(PGconn) other = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (other, "STORE-2");
  g_autoptr(CstRequestStore) store = new_loaded_store ();
  CstRequest *shown = cst_request_store_lookup (store, cst_request_get_id (seeded));
  g_autoptr(CstRequest) moved = NULL;
  g_autoptr(CstRequest) added = NULL;
  g_autoptr(GError) error = NULL;
  VersionWait vw;
  gint64 start;

  g_assert_nonnull (shown);
  cst_request_store_watch (store);
  /* The listener LISTENs before the change is made. */
  g_assert_true (cst_test_wait_until (watching, store, 10));

  start = g_get_monotonic_time ();
  moved = cst_request_repo_move (other, seeded, CST_STATUS_AUTHORIZATION_VERIFIED, NULL, &error);
  g_assert_no_error (error);
  vw.request = shown;
  vw.version = cst_request_get_version (moved);
  g_assert_true (cst_test_wait_until (version_reached, &vw, 1));
  g_assert_cmpint (cst_request_get_status (shown), ==, CST_STATUS_AUTHORIZATION_VERIFIED);
  g_test_message ("Change arrived after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);

  added = cst_test_db_add_request (other, "STORE-3");
  g_assert_true (cst_test_db_wait_listed (store, cst_request_get_id (added), 1));
}

static void
count_loads (CstRequestStore *store,
             GParamSpec      *pspec,
             guint           *loads)
{
  if (cst_request_store_get_loading (store))
    (*loads)++;
}

/* At start-up the window read the list and then called
 * cst_request_store_watch(): a change committed between the two was
 * missed until the next reload.  The load LISTENs before it reads the
 * whole list now, so such a change arrives as any other, and the list is
 * not read again for it. */
static void
test_change_between_load_and_watch (void)
{
  g_autoptr(PGconn) other = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (other, "STORE-GAP");
  g_autoptr(CstRequestStore) store = new_loaded_store ();
  CstRequest *shown = cst_request_store_lookup (store, cst_request_get_id (seeded));
  g_autoptr(CstRequest) moved = NULL;
  g_autoptr(CstRequest) added = NULL;
  g_autoptr(GError) error = NULL;
  guint loads = 0;
  VersionWait vw;

  g_assert_nonnull (shown);
  g_assert_true (cst_request_store_get_watching (store));
  g_signal_connect (store, "notify::loading", G_CALLBACK (count_loads), &loads);

  moved = cst_request_repo_move (other, seeded, CST_STATUS_AUTHORIZATION_VERIFIED, NULL, &error);
  g_assert_no_error (error);
  added = cst_test_db_add_request (other, "STORE-GAP-NEW");
  cst_request_store_watch (store);   /* where the window called it */

  vw.request = shown;
  vw.version = cst_request_get_version (moved);
  g_assert_true (cst_test_wait_until (version_reached, &vw, 2));
  g_assert_cmpint (cst_request_get_status (shown), ==, CST_STATUS_AUTHORIZATION_VERIFIED);
  g_assert_true (cst_test_db_wait_listed (store, cst_request_get_id (added), 2));
  g_assert_cmpuint (loads, ==, 0);
}

/* The list's filter searches a request by what it says now: the patient's
 * name corrected, then another clerk's change to the request brings it
 * into the object shown (updated in place, the rows unchanged). */
static void
test_filter_follows_changes (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect (db);
  g_autoptr(PGconn) other = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (other, "STORE-FILTER");
  g_autoptr(CstRequestStore) store = new_loaded_store ();
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (store));
  g_autoptr(CstRequest) moved = NULL;
  g_autoptr(CstRequest) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (seeded));
  const char *params[] = { id };
  VersionWait vw;

  cst_request_store_filter_set_search (filter, "STORE-FILTER");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  cst_request_store_filter_set_search (filter, "Quixotic-Renamed");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 0);
  cst_request_store_watch (store);
  g_assert_true (cst_test_wait_until (watching, store, 10));

  cst_test_db_exec_ok (admin, "UPDATE patients SET family_name = 'Quixotic-Renamed' "
                       "WHERE id = (SELECT patient_id FROM roi_requests WHERE id = $1)", 1, params);
  moved = cst_request_repo_move (other, seeded, CST_STATUS_AUTHORIZATION_VERIFIED, NULL, &error);
  g_assert_no_error (error);
  cst_request_store_filter_set_search (filter, "STORE-FILTER");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  vw.request = cst_request_store_lookup (store, cst_request_get_id (seeded));
  vw.version = cst_request_get_version (moved);
  g_assert_true (cst_test_wait_until (version_reached, &vw, 2));
  /* A longer search, yet not only among the rows the shorter one had
   * looked at: one of them changed since. */
  cst_request_store_filter_set_search (filter, "STORE-FILTER quixotic");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  found = g_list_model_get_item (G_LIST_MODEL (filter), 0);
  g_assert_cmpint (cst_request_get_id (found), ==, cst_request_get_id (seeded));
}

/* A reload (after the server came back) updates the objects already shown
 * in place: an open form keeps the object it holds, and sees the change. */
static void
test_reload_keeps_shown_objects (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (conn, "STORE-RELOAD");
  g_autoptr(CstRequestStore) store = new_loaded_store ();
  CstRequest *shown = cst_request_store_lookup (store, cst_request_get_id (seeded));
  g_autoptr(CstRequest) saved = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (shown);
  saved = cst_request_repo_move (conn, seeded, CST_STATUS_CANCELLED, "Changed elsewhere", &error);
  g_assert_no_error (error);

  load (store);
  g_assert_true (cst_request_store_lookup (store, cst_request_get_id (seeded)) == shown);
  g_assert_cmpint (cst_request_get_version (shown), ==, cst_request_get_version (saved));
  g_assert_cmpint (cst_request_get_status (shown), ==, CST_STATUS_CANCELLED);
}

static gssize
search_closed (CstRequestStore *store,
               const char      *text)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  gssize found;

  cst_request_store_search_closed_async (store, text, NULL, cst_test_result_cb, &result);
  found = cst_request_store_search_closed_finish (store, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_object_unref (result);
  return found;
}

static CstRequest *
closed_request (PGconn     *conn,
                const char *mrn,
                int         days_ago)
{
  g_autoptr(CstRequest) request = cst_test_db_add_request_received (conn, mrn, days_ago);
  g_autoptr(GError) error = NULL;
  CstRequest *closed = cst_request_repo_move (conn, request, CST_STATUS_CANCELLED, "Withdrawn",
                                              &error);

  g_assert_no_error (error);
  return closed;
}

/* A list of open requests and recent closed ones: older closed ones are
 * found on the server by the words searched for, and join the list. */
static void
test_closed_history (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) old_closed = closed_request (conn, "HIST-OLD-CLOSED", 400);
  g_autoptr(CstRequest) new_closed = closed_request (conn, "HIST-NEW-CLOSED", 10);
  g_autoptr(CstRequest) old_open = cst_test_db_add_request_received (conn, "HIST-OLD-OPEN", 400);
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  g_autoptr(CstRequestStore) everything = new_loaded_store ();
  GDate cutoff;

  g_assert_false (cst_request_store_get_closed_cutoff (everything, &cutoff));
  g_assert_nonnull (cst_request_store_lookup (everything, cst_request_get_id (old_closed)));
  g_assert_cmpint (search_closed (everything, "HIST-OLD-CLOSED"), ==, 0);

  cst_request_store_set_closed_days (store, 180);
  g_assert_true (cst_request_store_get_closed_cutoff (store, &cutoff));
  load (store);
  g_assert_null (cst_request_store_lookup (store, cst_request_get_id (old_closed)));
  g_assert_nonnull (cst_request_store_lookup (store, cst_request_get_id (new_closed)));
  g_assert_nonnull (cst_request_store_lookup (store, cst_request_get_id (old_open)));

  /* LIKE's wildcards are taken literally, not as "anything". */
  g_assert_cmpint (search_closed (store, "%"), ==, 0);
  g_assert_cmpint (search_closed (store, "HIST_OLD"), ==, 0);
  g_assert_cmpint (search_closed (store, "   "), ==, 0);
  g_assert_cmpint (search_closed (store, "HIST\\OLD"), ==, 0);
  /* Every word must match; case does not matter. */
  g_assert_cmpint (search_closed (store, "hist-old closed nobody-has-this"), ==, 0);
  g_assert_null (cst_request_store_lookup (store, cst_request_get_id (old_closed)));
  g_assert_cmpint (search_closed (store, "hist-old closed"), ==, 1);
  g_assert_nonnull (cst_request_store_lookup (store, cst_request_get_id (old_closed)));
  /* Found again: still one object in the list. */
  g_assert_cmpint (search_closed (store, cst_request_get_reference (old_closed)), ==, 1);
  /* A reload (the server came back) keeps what a search found. */
  {
    CstRequest *found = cst_request_store_lookup (store, cst_request_get_id (old_closed));

    load (store);
    g_assert_true (cst_request_store_lookup (store, cst_request_get_id (old_closed)) == found);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (everything)));

  /* The server the tests start has pg_trgm: the search has its indexes. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT count(*) FROM pg_indexes "
                                           "WHERE indexname LIKE '%\\_trgm'", 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (cst_db_int64 (res, 0, 0), ==, 3);
  }
}

static void
assert_same_date (const GDate *listed,
                  const GDate *read)
{
  gboolean listed_valid = listed != NULL && g_date_valid (listed);

  g_assert_cmpint (listed_valid, ==, read != NULL && g_date_valid (read));
  if (listed_valid)
    g_assert_cmpint (g_date_compare (listed, read), ==, 0);
}

/* The list reads its rows in binary and its deadline rules by id: a row
 * says what the request's own query (cst_request_repo_get(), text, the
 * rules joined) says, as the ordinary clerk login reads both. */
static void
test_listed_as_read (void)
{
  static const char *const fields[] = {
    "id", "patient-id", "requester-id", "reference", "version", "status", "jurisdiction",
    "patient-mrn", "patient-family-name", "patient-given-name", "requester-name",
    "requester-kind", "updated-by", "facility-code",
  };
  g_autoptr(PGconn) admin = cst_test_db_connect (db);
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) open = cst_test_db_add_request (conn, "STORE-AS-READ");
  g_autoptr(CstRequest) closed = closed_request (admin, "STORE-AS-READ-CLOSED", 20);
  g_autoptr(CstRequestStore) store = NULL;
  CstRequest *requests[] = { open, closed };
  /* Folded in place (ſ and ß fold to no more bytes), and not (İ, ΐ and ẞ
   * fold to more; ẞ has three bytes). */
  const char *names[] = { "Núñez-Groß-ſÅ", "İẞΐ-Zoë" };

  for (guint r = 0; r < G_N_ELEMENTS (requests); r++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (requests[r]));
      const char *params[] = { names[r], id };

      cst_test_db_exec_ok (admin, "UPDATE patients SET family_name = $1 "
                           "WHERE id = (SELECT patient_id FROM roi_requests WHERE id = $2)", 2, params);
    }
  store = new_loaded_store ();

  for (guint r = 0; r < G_N_ELEMENTS (requests); r++)
    {
      gint64 id = cst_request_get_id (requests[r]);
      CstRequest *listed = cst_request_store_lookup (store, id);
      g_autoptr(GError) error = NULL;
      g_autoptr(CstRequest) read = cst_request_repo_get (conn, id, &error);
      const CstRequestDeadline *a, *b;

      g_assert_no_error (error);
      g_assert_nonnull (listed);
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS (read), fields[i]);
          g_auto(GValue) x = G_VALUE_INIT;
          g_auto(GValue) y = G_VALUE_INIT;

          g_object_get_property (G_OBJECT (listed), fields[i], &x);
          g_object_get_property (G_OBJECT (read), fields[i], &y);
          if (g_param_values_cmp (spec, &x, &y) != 0)
            g_error ("%s differs: %s / %s", fields[i], g_strdup_value_contents (&x),
                     g_strdup_value_contents (&y));
        }
      assert_same_date (cst_request_get_received_date (listed), cst_request_get_received_date (read));
      assert_same_date (cst_request_get_due_date (listed), cst_request_get_due_date (read));
      assert_same_date (cst_request_get_extended_on (listed), cst_request_get_extended_on (read));
      a = cst_request_get_deadline (listed);
      b = cst_request_get_deadline (read);
      /* The rule was timed by the migrations' seed rules. */
      g_assert_nonnull (b->rule);
      g_assert_cmpstr (a->rule, ==, b->rule);
      g_assert_cmpstr (a->citation, ==, b->citation);
      g_assert_cmpstr (a->compared_citation, ==, b->compared_citation);
      g_assert_cmpint (a->days, ==, b->days);
      g_assert_cmpint (a->compared_days, ==, b->compared_days);
      g_assert_cmpint (a->extension_days, ==, b->extension_days);
      g_assert_cmpint (a->business, ==, b->business);
      g_assert_cmpint (a->compared_business, ==, b->compared_business);
      g_assert_cmpint (a->confidence, ==, b->confidence);
      assert_same_date (&a->original_due, &b->original_due);
      g_assert_true (cst_request_matches (listed, "store-as-read"));
      /* The key, as g_utf8_casefold() folds the texts. */
      {
        g_autofree char *family = NULL, *given = NULL, *facility = NULL, *joined = NULL;
        g_autofree char *expected = NULL;

        g_object_get (read, "patient-family-name", &family, "patient-given-name", &given,
                      "facility-code", &facility, NULL);
        g_assert_cmpstr (family, ==, names[r]);
        joined = g_strjoin ("\x1f", cst_request_get_reference (read), cst_request_get_patient_mrn (read),
                            family, given, cst_request_get_requester_name (read), "", facility, NULL);
        expected = g_utf8_casefold (joined, -1);
        g_assert_cmpstr (cst_request_get_search_key (listed), ==, expected);
      }
    }
}

/* The rows' keys, in the rows' order, each where cst_request_rows_find_key()
 * finds its row. */
static void
assert_keys_in_order (CstRequestStore *store)
{
  CstRequestRows *rows = cst_request_store_get_rows (store);
  gsize size, offset = 0;
  const char *keys = cst_request_rows_get_keys (rows, &size);

  for (guint i = 0; i < cst_request_rows_get_length (rows); i++)
    {
      const char *key = cst_request_rows_get_search_key (rows, i);
      gsize length = cst_request_rows_get_search_key_length (rows, i);

      g_assert_true (key == keys + offset);
      g_assert_cmpuint (length, ==, strlen (key));
      g_assert_cmpuint (cst_request_rows_find_key (rows, offset, 0), ==, i);
      g_assert_cmpuint (cst_request_rows_find_key (rows, offset + length, i), ==, i);
      offset += length + 1;
    }
  g_assert_cmpuint (offset, ==, size);
}

/* The filter searches the store's own keys: a request added at the top
 * and one whose key changed (each leaves the keys out of the rows' order
 * until they are asked for again) are found by what they say now. */
static void
test_filter_reads_rows_keys (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) first = cst_test_db_add_request (conn, "STORE-KEYS-1");
  g_autoptr(CstRequest) second = cst_test_db_add_request (conn, "STORE-KEYS-2");
  g_autoptr(CstRequestStore) store = new_loaded_store ();
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (store));
  g_autoptr(CstRequest) draft = cst_request_copy (second);
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(CstRequest) found = NULL;
  g_autoptr(CstRequest) renamed = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  assert_keys_in_order (store);
  cst_request_store_filter_set_search (filter, "store-keys");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 2);

  g_object_set (draft, "id", (gint64) 0, "patient-mrn", "STORE-KEYS-3",
                "patient-family-name", "Orderly-Newcomer", NULL);
  cst_request_store_create_async (store, draft, NULL, cst_test_result_cb, &result);
  created = cst_request_store_change_finish (store, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  cst_request_store_filter_set_search (filter, "orderly-newcomer");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  found = g_list_model_get_item (G_LIST_MODEL (filter), 0);
  g_assert_true (found == created);
  cst_request_store_filter_set_search (filter, "store-keys");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 3);
  assert_keys_in_order (store);

  /* The patient renamed, read again: the row's key moves to the end. */
  {
    g_autoptr(PGconn) admin = cst_test_db_connect (db);
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (first));
    const char *params[] = { id };

    cst_test_db_exec_ok (admin, "UPDATE patients SET family_name = 'Reordered-Name' "
                         "WHERE id = (SELECT patient_id FROM roi_requests WHERE id = $1)", 1, params);
  }
  cst_request_store_fetch_async (store, cst_request_get_id (first), NULL, cst_test_result_cb, &result);
  renamed = cst_request_store_change_finish (store, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  cst_request_store_filter_set_search (filter, "reordered-name store-keys-1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  cst_request_store_filter_set_search (filter, "store-keys");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 3);
  assert_keys_in_order (store);
}

typedef struct
{
  guint      n_changes;
  guint      position[2], removed[2], added[2];
  GPtrArray *first;   /* the rows of the first change */
} Arrivals;

static void
arrived_cb (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Arrivals   *arrivals)
{
  if (arrivals->n_changes < 2)
    {
      arrivals->position[arrivals->n_changes] = position;
      arrivals->removed[arrivals->n_changes] = removed;
      arrivals->added[arrivals->n_changes] = added;
    }
  if (arrivals->n_changes++ == 0)
    for (guint i = 0; i < added; i++)
      g_ptr_array_add (arrivals->first, g_list_model_get_item (model, i));
}

/* A first load brings the first screenful of rows (the first 100 of the
 * list's order) before the whole list, which keeps their objects: the
 * window shows rows at once, and one selected meanwhile stays selected.
 * The whole list adds the rows after them rather than replacing them (the
 * window keeps the rows it shows), and a reload that finds the list as it
 * was changes nothing. */
static void
test_first_rows_first (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  Arrivals arrivals = { 0, { 0 }, { 0 }, { 0 }, g_ptr_array_new_with_free_func (g_object_unref) };
  guint n;

  for (guint i = 0; i < 110; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("FIRST-%03u", i);
      g_autoptr(CstRequest) request = cst_test_db_add_request (conn, mrn);
    }
  g_signal_connect (store, "items-changed", G_CALLBACK (arrived_cb), &arrivals);
  load (store);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_assert_cmpuint (n, >, 110);
  g_assert_cmpuint (arrivals.n_changes, ==, 2);
  g_assert_cmpuint (arrivals.position[0], ==, 0);
  g_assert_cmpuint (arrivals.removed[0], ==, 0);
  g_assert_cmpuint (arrivals.added[0], ==, 100);
  g_assert_cmpuint (arrivals.position[1], ==, 100);
  g_assert_cmpuint (arrivals.removed[1], ==, 0);
  g_assert_cmpuint (arrivals.added[1], ==, n - 100);
  for (guint i = 0; i < arrivals.first->len; i++)
    {
      g_autoptr(CstRequest) row = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_true (row == arrivals.first->pdata[i]);
    }
  /* A reload reads the whole list only, and finds nothing changed. */
  arrivals.n_changes = 0;
  load (store);
  g_assert_cmpuint (arrivals.n_changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);
  g_ptr_array_unref (arrivals.first);
}

/* Requests written straight in (the audit triggers off, as superuser),
 * so a test can list a few thousand in seconds. */
static const char *const bulk_seed[] = {
  "SET session_replication_role = replica",
  "INSERT INTO patients (mrn, family_name, given_name, birth_date) "
  "SELECT 'BULK-' || lpad(g::text, 6, '0'), 'Núñez-Ejemplo', 'José', DATE '1970-01-01' + g "
  "FROM generate_series(1, $1::int) g",
  "INSERT INTO requesters (kind, name, email) "
  "SELECT 'attorney', 'Demo Law Group', 'bulk' || g || '@example.org' FROM generate_series(1, $1::int) g",
  "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction, "
  "  purpose, status, due_date) "
  "SELECT 'BULK-REF-' || lpad(g::text, 6, '0'), p.id, q.id, current_date - g % 50, 'NY', 'Bulk', "
  "  'received', current_date - g % 50 + 30 "
  "FROM generate_series(1, $1::int) g "
  "JOIN patients p ON p.mrn = 'BULK-' || lpad(g::text, 6, '0') "
  "JOIN requesters q ON q.email = 'bulk' || g || '@example.org'",
  "SET session_replication_role = DEFAULT",
};

static const char *const bulk_unseed[] = {
  "SET session_replication_role = replica",
  "DELETE FROM roi_requests WHERE reference LIKE 'BULK-REF-%'",
  "DELETE FROM patients WHERE mrn LIKE 'BULK-%'",
  "DELETE FROM requesters WHERE email LIKE 'bulk%@example.org'",
  "SET session_replication_role = DEFAULT",
};

static void
exec_all (PGconn            *conn,
          const char *const *statements,
          guint              n,
          const char        *count)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *params[] = { count };

      g_assert_true (cst_db_exec_command (conn, statements[i], strstr (statements[i], "$1") ? 1 : 0,
                                          params, &error));
      g_assert_no_error (error);
    }
}

/* Bytes malloc has handed out and not had back, every thread's arena. */
static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

#define BULK_REQUESTS 3000
/* What a listed request may cost in memory, all told: its object, its
 * texts and search key, its place in the list and the index by id.  At
 * 200,000 requests every 100 bytes is 19 MiB of the window's resident
 * set (issue 24: at most 150 MiB); before the rows were made compact a
 * request cost about 900 bytes, and about 530 while each row was a
 * compact CstRequest; a row of CstRequestRows, with no object, about 230. */
#define MAX_BYTES_PER_REQUEST 300
/* The filter's own: a row's position (4 bytes), with room to grow. */
#define MAX_FILTER_BYTES_PER_REQUEST 16

/* A loaded list costs at most MAX_BYTES_PER_REQUEST a request, and a
 * compact row still behaves as a request: its texts change, its search
 * key follows them. */
static void
test_compact_rows (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstRequestStore) first = cst_request_store_new (connection);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  g_autofree char *count = g_strdup_printf ("%u", BULK_REQUESTS);
  g_autoptr(CstRequest) row = NULL;
  g_autoptr(CstRequestStoreFilter) filter = NULL;
  gsize before, after;
  guint n;

  /* A first load, kept (so the second makes all its rows anew), makes the
   * connection and what is made once. */
  load (first);
  exec_all (conn, bulk_seed, G_N_ELEMENTS (bulk_seed), count);
  before = heap_in_use ();
  load (store);
  after = heap_in_use ();
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_assert_cmpuint (n, >=, BULK_REQUESTS);
  /* A sanitizer's or valgrind's allocator (CI runs the model suite under
   * both) leaves glibc's statistics still: the bound is checked where
   * they move, the plain run. */
  g_test_message ("%.0f bytes per listed request", (double) (after - before) / n);
  if (after != before)
    g_assert_cmpuint ((after - before) / n, <=, MAX_BYTES_PER_REQUEST);
  /* No object is made for a row nobody asked for. */
  g_assert_cmpuint (cst_request_store_get_n_objects (store), ==, 0);

  /* The list's filter searches the rows' own keys: it holds the
   * positions of the rows it shows, no copy of a key (which cost about 80
   * bytes a request). */
  before = heap_in_use ();
  filter = cst_request_store_filter_new (G_LIST_MODEL (store));
  cst_request_store_filter_set_search (filter, "bulk-ref-000 demo law");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), >=, 999);
  cst_request_store_filter_set_search (filter, "bulk-ref-002999 josé");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 1);
  after = heap_in_use ();
  g_test_message ("%.0f bytes per request in the filter", (double) (after - before) / n);
  if (after != before)
    g_assert_cmpuint ((after - before) / n, <=, MAX_FILTER_BYTES_PER_REQUEST);
  g_assert_cmpuint (cst_request_store_get_n_objects (store), ==, 0);

  row = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_true (cst_request_store_lookup (store, cst_request_get_id (row)) == row);
  g_assert_true (cst_request_matches (row, "núñez-ejemplo"));
  g_assert_true (cst_request_matches (row, "bulk-ref demo law"));
  g_object_set (row, "patient-family-name", "Sampleton", "requester-organization", "Mutual", NULL);
  g_assert_cmpstr (cst_request_get_reference (row), !=, NULL);
  g_assert_false (cst_request_matches (row, "núñez-ejemplo"));
  g_assert_true (cst_request_matches (row, "sampleton mutual"));
  /* An ASCII key is folded as g_utf8_casefold() folds it. */
  g_object_set (row, "patient-family-name", "O'BRIEN-Smith", "patient-given-name", "Jose", NULL);
  g_assert_true (cst_request_matches (row, "o'brien-smith, jose"));
  g_assert_cmpstr (strstr (cst_request_get_search_key (row), "o'brien"), !=, NULL);
  g_assert_null (cst_request_get_status_reason (row));

  g_clear_object (&row);
  g_clear_object (&filter);
  g_clear_object (&store);
  g_clear_object (&first);
  exec_all (conn, bulk_unseed, G_N_ELEMENTS (bulk_unseed), count);
}

/* The whole list streams in the server's order and is put in the list's
 * here (newest received first, then the newest id), each row with its own
 * key; a reload that finds one row changed says that row changed, not the
 * whole list. */
static void
test_listed_in_order (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autofree char *count = g_strdup_printf ("%u", BULK_REQUESTS);
  g_autoptr(CstRequestStore) store = NULL;
  Arrivals changes = { 0, { 0 }, { 0 }, { 0 }, g_ptr_array_new_with_free_func (g_object_unref) };
  CstRequestRows *rows;
  guint n, middle;

  /* Ids grow while the received dates go round fifty days: read in the
   * table's order, the rows are not in the list's. */
  exec_all (conn, bulk_seed, G_N_ELEMENTS (bulk_seed), count);
  store = new_loaded_store ();
  rows = cst_request_store_get_rows (store);
  n = cst_request_rows_get_length (rows);
  g_assert_cmpuint (n, >=, BULK_REQUESTS);
  for (guint i = 1; i < n; i++)
    {
      GDate newer, older;

      g_assert_true (cst_request_rows_get_received_date (rows, i - 1, &newer));
      g_assert_true (cst_request_rows_get_received_date (rows, i, &older));
      g_assert_cmpint (g_date_compare (&newer, &older), >=, 0);
      if (g_date_compare (&newer, &older) == 0)
        g_assert_cmpint (cst_request_rows_get_id (rows, i - 1), >, cst_request_rows_get_id (rows, i));
    }
  for (guint i = 0; i < n; i += 97)
    {
      g_autoptr(CstRequest) request = cst_request_rows_make_request (rows, i);
      g_autofree char *reference = g_utf8_casefold (cst_request_get_reference (request), -1);

      g_assert_nonnull (strstr (cst_request_rows_get_search_key (rows, i), reference));
      g_assert_cmpuint (cst_request_rows_get_search_key_length (rows, i), ==,
                        strlen (cst_request_rows_get_search_key (rows, i)));
    }

  /* A patient renamed behind the list's back (no notification): the
   * reload changes that one row. */
  middle = n / 2;
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_rows_get_id (rows, middle));
    const char *params[] = { id };

    cst_test_db_exec_ok (conn, "UPDATE patients SET family_name = 'Renamed-Behind' "
                         "WHERE id = (SELECT patient_id FROM roi_requests WHERE id = $1)", 1, params);
  }
  g_signal_connect (store, "items-changed", G_CALLBACK (arrived_cb), &changes);
  load (store);
  g_assert_cmpuint (changes.n_changes, ==, 1);
  g_assert_cmpuint (changes.position[0], ==, middle);
  g_assert_cmpuint (changes.removed[0], ==, 1);
  g_assert_cmpuint (changes.added[0], ==, 1);
  g_assert_nonnull (strstr (cst_request_rows_get_search_key (cst_request_store_get_rows (store), middle),
                            "renamed-behind"));
  g_ptr_array_unref (changes.first);

  g_clear_object (&store);
  exec_all (conn, bulk_unseed, G_N_ELEMENTS (bulk_unseed), count);
}

/* The rows name their facility by id and the list reads the codes once
 * (issue 24): a clerk of two facilities sees each request with its own
 * facility's code, and not a third facility's requests. */
static void
test_facility_codes (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) two = NULL;
  g_autoptr(PGconn) other = NULL;
  g_autofree char *two_clerk = NULL, *other_clerk = NULL;
  g_autoptr(CstConnection) connection = NULL;
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(CstRequest) north = NULL, south = NULL, east = NULL;
  CstRequestRows *rows;
  guint n_north = 0, n_south = 0;

  cst_test_facility_add (admin, "LNORTH", "List North Clinic", "CA");
  cst_test_facility_add (admin, "LSOUTH", "List South Hospital", "TX");
  cst_test_facility_add (admin, "LEAST", "List East Center", "NY");
  two_clerk = cst_test_facility_clerk (db, admin, "LNORTH,LSOUTH");
  other_clerk = cst_test_facility_clerk (db, admin, "LEAST");
  two = cst_test_connect (two_clerk);
  other = cst_test_connect (other_clerk);
  north = cst_test_facility_request (two, "LNORTH", "LIST-N-1", "Avery");
  south = cst_test_facility_request (two, "LSOUTH", "LIST-S-1", "Carter");
  east = cst_test_facility_request (other, "LEAST", "LIST-E-1", "Dunn");

  connection = cst_connection_new (two_clerk);
  store = cst_request_store_new (connection);
  load (store);
  rows = cst_request_store_get_rows (store);
  g_assert_null (cst_request_store_lookup (store, cst_request_get_id (east)));
  for (guint i = 0; i < cst_request_rows_get_length (rows); i++)
    {
      gint64 id = cst_request_rows_get_id (rows, i);
      const char *code = cst_request_rows_get_facility_code (rows, i);

      g_assert_true (g_strcmp0 (code, "LNORTH") == 0 || g_strcmp0 (code, "LSOUTH") == 0);
      n_north += id == cst_request_get_id (north) && g_str_equal (code, "LNORTH");
      n_south += id == cst_request_get_id (south) && g_str_equal (code, "LSOUTH");
    }
  g_assert_cmpuint (n_north, ==, 1);
  g_assert_cmpuint (n_south, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/load-and-create", test_load_and_create);
  g_test_add_func ("/store/live-updates", test_live_updates);
  g_test_add_func ("/store/change-between-load-and-watch", test_change_between_load_and_watch);
  g_test_add_func ("/store/filter-follows-changes", test_filter_follows_changes);
  g_test_add_func ("/store/reload-keeps-shown-objects", test_reload_keeps_shown_objects);
  g_test_add_func ("/store/closed-history", test_closed_history);
  g_test_add_func ("/store/first-rows-first", test_first_rows_first);
  g_test_add_func ("/store/compact-rows", test_compact_rows);
  g_test_add_func ("/store/listed-as-read", test_listed_as_read);
  g_test_add_func ("/store/filter-reads-rows-keys", test_filter_reads_rows_keys);
  g_test_add_func ("/store/listed-in-order", test_listed_in_order);
  g_test_add_func ("/store/facility-codes", test_facility_codes);
  return cst_test_db_run (&db);
}
