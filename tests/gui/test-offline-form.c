/* test-offline-form.c — the request form when the server goes away: the
 * clerk's save waits, the form says it will be saved when the server is
 * back and keeps what was typed, and the save lands after the restart
 *
 * Runs its own PostgreSQL cluster (cst-test-cluster.h), which it stops.
 */
#include "config.h"

#include <adwaita.h>

#include "cst-request-detail.h"
#include "cst-test-cluster.h"
#include "cst-test-gui.h"
#include "cst-window.h"

static CstTestCluster *cluster;
static CstTestDb *db;

/* The visible label under @widget whose text contains @needle, if any. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *needle)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, needle);
      if (found)
        return found;
    }
  return NULL;
}

static gboolean
notice_shown (gpointer data)
{
  return find_label (data, "saved when the server is back") != NULL;
}

static gboolean
notice_gone (gpointer data)
{
  return !notice_shown (data);
}

typedef struct
{
  gint64 id;
  int    pages;
} StoredWait;

static gboolean
pages_stored (gpointer data)
{
  StoredWait *w = data;
  static gint64 last_check;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, w->id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = NULL;

  /* Not on every turn of the main loop: a connection each time. */
  if (g_get_monotonic_time () - last_check < G_USEC_PER_SEC / 5)
    return FALSE;
  last_check = g_get_monotonic_time ();
  conn = cst_db_connect (db->conninfo, NULL);
  if (conn == NULL)
    return FALSE;
  res = cst_db_exec (conn, "SELECT page_count FROM roi_requests WHERE id = $1", 1, params, NULL);
  return res != NULL && cst_db_value (res, 0, 0) != NULL && cst_db_int64 (res, 0, 0) == w->pages;
}

static void
test_save_waits_for_the_server (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) seeded = cst_test_db_add_request (owner, "OFFLINE-FORM-1");
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(CstConnection) connection = cst_connection_new (login);
  g_autoptr(CstRequestStore) store = cst_request_store_new (connection);
  CstWindow *window = cst_window_new (NULL);
  CstRequestDetail *detail = CST_REQUEST_DETAIL (cst_window_get_detail (window));
  StoredWait stored = { cst_request_get_id (seeded), 42 };

  g_clear_pointer (&owner, PQfinish);
  cst_request_store_load_async (store, NULL, NULL, NULL);
  g_assert_true (cst_test_wait_until (cst_test_gui_store_loaded, store, 15));
  cst_window_set_store (window, store);
  gtk_window_present (GTK_WINDOW (window));
  cst_request_detail_set_request (detail, cst_request_store_lookup (store, stored.id));
  g_assert_true (cst_test_wait_until (cst_test_gui_details_shown, detail, 15));

  cst_request_detail_set_page_count (detail, stored.pages);
  g_assert_true (cst_request_detail_get_dirty (detail));
  cst_test_cluster_stop (cluster);
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.save", NULL);
  g_assert_true (cst_test_wait_until (notice_shown, detail, 20));
  /* The typed value is still in the form, not thrown away. */
  g_assert_true (cst_request_detail_get_dirty (detail));
  g_assert_cmpuint (cst_request_store_get_n_pending_saves (store), ==, 1);

  cst_test_cluster_start (cluster);
  g_assert_true (cst_test_wait_until (pages_stored, &stored, 40));
  g_assert_true (cst_test_wait_until (notice_gone, detail, 10));
  g_assert_cmpuint (cst_request_store_get_n_pending_saves (store), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  cst_test_gui_init (&argc, &argv);
  cluster = cst_test_cluster_new ();
  db = cst_test_db_new ();
  g_test_add_func ("/offline-form/save-waits-for-the-server", test_save_waits_for_the_server);
  status = g_test_run ();
  cst_test_db_free (db);
  cst_test_cluster_free (cluster);
  return status;
}
