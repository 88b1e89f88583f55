/* test-offline-save.c — the server goes away under a running store: a save
 * made meanwhile waits, lands once when the server is back, and still
 * meets the optimistic lock
 *
 * The test stops its own PostgreSQL cluster (cst-test-cluster.h) with
 * pg_ctl stop -m fast, as an administrator restarting the server would.
 */
#include "config.h"

#include "cst-test-cluster.h"
#include "cst-test-async.h"
#include "cst-test-db.h"

static CstTestCluster *cluster;
static CstTestDb *db;
static char *clerk;

static void
wait_for_pending (CstRequestStore *store,
                  guint            n)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (cst_request_store_get_n_pending_saves (store) != n && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
  g_assert_cmpuint (cst_request_store_get_n_pending_saves (store), ==, n);
}

static gboolean
loading (gpointer store)
{
  return cst_request_store_get_loading (store);
}

/* The reload the listener starts when the server is back may still be
 * running: let it end before the store goes, or its job outlives it. */
static void
settle (CstRequestStore *store)
{
  g_assert_true (cst_test_wait_while (loading, store, 20));
}

/* A clerk's store, loaded and listening, as the window has it. */
static CstRequestStore *
running_store (void)
{
  g_autoptr(CstConnection) connection = cst_connection_new (clerk);
  CstRequestStore *store = cst_request_store_new (connection);
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  cst_request_store_load_async (store, NULL, cst_test_result_cb, &result);
  g_assert_true (cst_request_store_load_finish (store, cst_test_wait_result (&result, 10), &error));
  g_assert_no_error (error);
  g_object_unref (result);
  cst_request_store_watch (store);
  cst_test_iterate_for (300);
  return store;
}

/* The request as the form has it: opened, with all its details. */
static CstRequest *
open_request (CstRequestStore *store,
              gint64           id)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  CstRequest *shown;

  cst_request_store_fetch_async (store, id, NULL, cst_test_result_cb, &result);
  shown = cst_request_store_change_finish (store, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_assert_true (cst_request_get_details_loaded (shown));
  g_object_unref (result);
  /* The store keeps it alive. */
  g_object_unref (shown);
  return shown;
}

static gint64
count (PGconn     *conn,
       const char *sql,
       gint64      id,
       const char *text)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text, text };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, text ? 2 : 1, params, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

/* Saved while the server is down: nothing is reported until it is back,
 * then the edit is stored exactly once, at the next version. */
static void
test_save_lands_once (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (owner, "OFFLINE-1");
  g_autoptr(CstRequestStore) store = running_store ();
  CstRequest *shown = open_request (store, cst_request_get_id (seeded));
  const char *typed = "Typed while the server was down: «ñ» ' ; --";
  int version = cst_request_get_version (seeded);
  g_autoptr(CstRequest) edited = cst_request_copy (shown);
  g_autoptr(CstRequest) saved = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  g_clear_pointer (&owner, PQfinish);
  g_object_set (edited, "purpose", typed, NULL);
  cst_test_cluster_stop (cluster);

  cst_request_store_save_async (store, edited, NULL, cst_test_result_cb, &result);
  wait_for_pending (store, 1);
  g_assert_true (cst_request_store_has_pending_save (store, cst_request_get_id (seeded)));
  /* It keeps waiting through failed retries; the shown object is untouched. */
  cst_test_iterate_for (2500);
  g_assert_false (cst_connection_get_online (cst_request_store_get_connection (store)));
  g_assert_null (result);
  g_assert_cmpuint (cst_request_store_get_n_pending_saves (store), ==, 1);
  g_assert_cmpint (cst_request_get_version (shown), ==, version);

  cst_test_cluster_start (cluster);
  saved = cst_request_store_change_finish (store, cst_test_wait_result (&result, 40), &error);
  g_assert_no_error (error);
  g_assert_true (saved == shown);
  g_assert_cmpint (cst_request_get_version (saved), ==, version + 1);
  g_assert_cmpuint (cst_request_store_get_n_pending_saves (store), ==, 0);
  g_assert_false (cst_request_store_has_pending_save (store, cst_request_get_id (seeded)));
  g_object_unref (result);

  owner = cst_test_db_connect (db);
  g_assert_cmpint (count (owner, "SELECT count(*) FROM roi_requests WHERE id = $1 AND purpose = $2",
                          cst_request_get_id (seeded), typed), ==, 1);
  g_assert_cmpint (count (owner, "SELECT version FROM roi_requests WHERE id = $1",
                          cst_request_get_id (seeded), NULL), ==, version + 1);
  /* Once: one audited update carries the edit. */
  g_assert_cmpint (count (owner, "SELECT count(*) FROM audit_log WHERE table_name = 'roi_requests'"
                                 " AND row_id = $1 AND action = 'UPDATE' AND new_row->>'purpose' = $2",
                          cst_request_get_id (seeded), typed), ==, 1);
}

/* Another clerk saves while this one's edit waits: the waiting save is
 * refused as a conflict, not written over theirs, and the usual merge
 * then stores both. */
static void
test_waiting_save_meets_the_lock (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (owner, "OFFLINE-2");
  g_autoptr(CstRequestStore) store = running_store ();
  CstRequest *shown = open_request (store, cst_request_get_id (seeded));
  int version = cst_request_get_version (seeded);
  g_autoptr(CstRequest) base = cst_request_copy (shown);
  g_autoptr(CstRequest) mine = cst_request_copy (shown);
  g_autoptr(CstRequest) theirs = NULL;
  g_autoptr(CstRequest) refused = NULL;
  g_autoptr(CstRequest) merged = NULL;
  g_autoptr(CstRequest) saved = NULL;
  g_auto(GStrv) both = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  g_clear_pointer (&owner, PQfinish);
  g_object_set (mine, "purpose", "Mine, typed offline", NULL);
  cst_test_cluster_stop (cluster);
  cst_request_store_save_async (store, mine, NULL, cst_test_result_cb, &result);
  wait_for_pending (store, 1);

  /* Back up, and another clerk is quicker than our retry: the main loop,
   * which runs the retry, does not turn until they have saved. */
  cst_test_cluster_start (cluster);
  {
    g_autoptr(PGconn) other = cst_db_connect (clerk, &error);
    g_autoptr(CstRequest) current = NULL;
    g_assert_no_error (error);
    current = cst_request_repo_get (other, cst_request_get_id (seeded), &error);
    g_assert_no_error (error);
    g_object_set (current, "page-count", 7, NULL);
    theirs = cst_request_repo_save (other, current, &error);
    g_assert_no_error (error);
  }

  refused = cst_request_store_change_finish (store, cst_test_wait_result (&result, 40), &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (cst_request_store_get_n_pending_saves (store), ==, 0);

  owner = cst_test_db_connect (db);
  g_assert_cmpint (count (owner, "SELECT count(*) FROM roi_requests WHERE id = $1 AND version = $2::int"
                                 " AND page_count = 7 AND purpose = 'Personal use'",
                          cst_request_get_id (seeded), "2"), ==, 1);
  g_assert_cmpint (version, ==, 1);

  /* The form's merge: their page count, our purpose, no field changed by both. */
  merged = cst_request_merge_edits (base, mine, theirs, &both);
  g_assert_cmpuint (g_strv_length (both), ==, 0);
  cst_request_store_save_async (store, merged, NULL, cst_test_result_cb, &result);
  saved = cst_request_store_change_finish (store, cst_test_wait_result (&result, 10), &error);
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_cmpint (count (owner, "SELECT count(*) FROM roi_requests WHERE id = $1 AND version = 3"
                                 " AND page_count = 7 AND purpose = $2",
                          cst_request_get_id (seeded), "Mine, typed offline"), ==, 1);
}

/* Saves @typed into request @id as @login would, straight to the server:
 * here, the earlier attempt of a save whose answer was lost. */
static void
save_directly (const char *login,
               gint64      id,
               const char *typed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (login, &error);
  g_autoptr(CstRequest) current = NULL;
  g_autoptr(CstRequest) saved = NULL;

  g_assert_no_error (error);
  current = cst_request_repo_get (conn, id, &error);
  g_assert_no_error (error);
  g_object_set (current, "purpose", typed, NULL);
  saved = cst_request_repo_save (conn, current, &error);
  g_assert_no_error (error);
}

/* The server commits the save and goes down before the answer arrives.
 * The retry finds the request one version on, saved by this login with
 * exactly what was typed: that is the clerk's own save, not a conflict,
 * and nothing is written twice.  The same values saved by someone else
 * are still a conflict. */
static void
test_answer_lost_after_commit (gconstpointer data)
{
  gboolean by_someone_else = GPOINTER_TO_INT (data);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (owner, by_someone_else ? "LOST-2" : "LOST-1");
  gint64 id = cst_request_get_id (seeded);
  g_autoptr(CstRequestStore) store = running_store ();
  CstRequest *shown = open_request (store, id);
  g_autoptr(CstRequest) edited = cst_request_copy (shown);
  g_autoptr(CstRequest) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other = by_someone_else ? cst_test_db_create_login (db, "custodian_clerk") : NULL;
  const char *typed = "Saved, but the answer was lost";
  GAsyncResult *result = NULL;

  g_clear_pointer (&owner, PQfinish);
  g_object_set (edited, "purpose", typed, NULL);
  cst_test_cluster_stop (cluster);
  cst_request_store_save_async (store, edited, NULL, cst_test_result_cb, &result);
  wait_for_pending (store, 1);

  /* The main loop, which runs the retry, does not turn meanwhile. */
  cst_test_cluster_start (cluster);
  save_directly (by_someone_else ? other : clerk, id, typed);

  saved = cst_request_store_change_finish (store, cst_test_wait_result (&result, 40), &error);
  g_object_unref (result);
  settle (store);
  owner = cst_test_db_connect (db);
  if (by_someone_else)
    {
      g_assert_null (saved);
      g_assert_error (error, CST_ERROR, CST_ERROR_CONFLICT);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (saved == shown);
  g_assert_cmpint (cst_request_get_version (saved), ==, cst_request_get_version (seeded) + 1);
  g_assert_cmpint (count (owner, "SELECT count(*) FROM audit_log WHERE table_name = 'roi_requests'"
                                 " AND row_id = $1 AND action = 'UPDATE' AND new_row->>'purpose' = $2",
                          id, typed), ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cluster = cst_test_cluster_new ();
  db = cst_test_db_new ();
  clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add_func ("/offline-save/lands-once", test_save_lands_once);
  g_test_add_func ("/offline-save/waiting-save-meets-the-lock", test_waiting_save_meets_the_lock);
  g_test_add_data_func ("/offline-save/answer-lost-after-commit", GINT_TO_POINTER (FALSE),
                        test_answer_lost_after_commit);
  g_test_add_data_func ("/offline-save/same-values-by-someone-else", GINT_TO_POINTER (TRUE),
                        test_answer_lost_after_commit);
  status = g_test_run ();
  g_free (clerk);
  cst_test_db_free (db);
  cst_test_cluster_free (cluster);
  return status;
}
