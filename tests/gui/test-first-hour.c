/* test-first-hour.c — a clerk's first hour, as the README's first command
 * leaves things: the private database on this computer, with the demo
 * data, used through the ordinary login Custodian gives the user there
 * (a member of the Custodian roles, neither a superuser nor the owner, so
 * row-level security and the owner-rights functions apply as they do to a
 * clerk on a hospital's server).
 *
 * The list shows the demo requests; a requester whose name holds markup
 * characters is shown as typed; a patient's request is invoiced and
 * released through the confirmations, after which the request is shown
 * read-only with its history; the evidence pack is saved owner-only. */
#include "config.h"

#include <glib/gstdio.h>

#include "cst-fee-quote-panel.h"
#include "cst-release-forms.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-cluster.h"
#include "cst-test-file.h"
#include "cst-test-gui.h"

static CstEmbeddedServer *server;
static char *conninfo;   /* the user's own login */

typedef struct
{
  CstRequestStore  *store;
  CstWindow        *window;
  CstRequestDetail *detail;
} Fixture;

static gboolean
watching (gpointer store)
{
  return cst_request_store_get_watching (store);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = cst_test_gui_open_window (conninfo, &f->store);
  /* As the application does: changes arrive from the server, once the
   * listener's connection (made on a thread) LISTENs; a request added
   * before that would only arrive with the next load. */
  cst_request_store_watch (f->store);
  g_assert_true (cst_test_gui_wait_until (watching, f->store));
  f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cst_test_gui_close_window (&f->window, &f->store);
}

static PGconn *
connect_as_user (void)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = cst_db_connect (conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

static char *
query_one (const char *sql,
           gint64      id)
{
  g_autoptr(PGconn) conn = connect_as_user ();
  g_autofree char *param = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { param };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, id < 0 ? 0 : 1, params, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 1);
  return g_strdup (PQgetvalue (res, 0, 0));
}

static gboolean
opened (gpointer data)
{
  Fixture *f = data;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (f->window), "want-id"));

  return cst_window_open_request (f->window, id);
}

/* Opens @request once the list has it: one logged after the window
 * opened arrives through the server's notifications, as another clerk's. */
static void
open_request (Fixture    *f,
              CstRequest *request)
{
  g_object_set_data (G_OBJECT (f->window), "want-id", GSIZE_TO_POINTER (cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (opened, f));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
  g_assert_cmpint (cst_request_get_id (cst_request_detail_get_request (f->detail)), ==,
                   cst_request_get_id (request));
}

/* The login is an ordinary one: what the tests below see is what a clerk
 * sees, row-level security included. */
static void
test_ordinary_login (Fixture *f, gconstpointer data)
{
  g_autofree char *flags = query_one (
    "SELECT r.rolsuper::text || ' ' || (pg_get_userbyid (d.datdba) = current_user)::text || ' ' || "
    "       pg_has_role (current_user, 'custodian_clerk', 'MEMBER')::text "
    "FROM pg_roles r, pg_database d "
    "WHERE r.rolname = current_user AND d.datname = current_database()", -1);

  g_assert_cmpstr (flags, ==, "false false true");
}

/* The README's first command lists the demo requests. */
static void
test_demo_listed (Fixture *f, gconstpointer data)
{
  GListModel *visible = cst_request_list_page_get_visible (
    CST_REQUEST_LIST_PAGE (cst_window_get_list_page (f->window)));

  g_assert_cmpuint (g_list_model_get_n_items (visible), >, 10);
}

static gboolean
shows_text (gpointer data)
{
  Fixture *f = data;
  g_autofree char *text = cst_test_gui_collect_text (GTK_WIDGET (f->detail));
  const char *want = g_object_get_data (G_OBJECT (f->detail), "want-text");

  return strstr (text, want) != NULL;
}

static void
wait_shows (Fixture    *f,
            const char *text)
{
  g_object_set_data_full (G_OBJECT (f->detail), "want-text", g_strdup (text), g_free);
  if (!cst_test_gui_wait_until (shows_text, f))
    {
      g_autofree char *shown = cst_test_gui_collect_text (GTK_WIDGET (f->detail));
      g_error ("not shown: %s\n--- shown:\n%s", text, shown);
    }
}

/* A requester whose organization holds markup characters is shown as
 * typed, after another request was shown. */
static void
test_markup_requester (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) conn = connect_as_user ();
  g_autoptr(CstRequest) first = cst_test_db_add_request_for (conn, "FH-0001", "Sam Lee",
                                                             CST_REQUESTER_PATIENT, "NY");
  g_autoptr(CstRequest) marsh = cst_test_db_add_request_for (conn, "FH-0002", "Marsh & Patel <LLP>",
                                                             CST_REQUESTER_ATTORNEY, "NY");

  open_request (f, first);
  wait_shows (f, "Sam Lee");
  open_request (f, marsh);
  wait_shows (f, "Marsh & Patel <LLP>");
}

static gboolean
panel_ready (gpointer data)
{
  return cst_fee_quote_panel_is_ready (data) && cst_fee_quote_panel_get_quote (data) != NULL;
}

static gboolean
invoice_issued (gpointer data)
{
  return cst_fee_quote_panel_get_invoice_total (data) >= 0;
}

static gboolean
saved (gpointer data)
{
  return !cst_request_detail_get_dirty (data);
}

static gboolean
released (gpointer data)
{
  return cst_request_get_status (data) == CST_STATUS_RELEASED;
}

static gboolean
exported (gpointer data)
{
  return !cst_request_detail_get_exporting (data);
}

/* The count of @table's rows for the request. */
static int
count_for (CstRequest *request,
           const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE request_id = $1::bigint", table);
  g_autofree char *n = query_one (sql, cst_request_get_id (request));

  return atoi (n);
}

/* Issues the invoice through its confirmation. */
static void
issue_invoice (Fixture    *f,
               CstRequest *request)
{
  CstFeeQuotePanel *panel = CST_FEE_QUOTE_PANEL (cst_request_detail_get_fee_panel (f->detail));
  AdwMessageDialog *dialog;

  cst_request_detail_set_page_count (f->detail, 20);
  if (!cst_test_gui_wait_until (panel_ready, panel))
    g_error ("No quote: %s", cst_fee_quote_panel_get_message (panel));
  gtk_widget_activate_action (GTK_WIDGET (f->detail), "detail.save", NULL);
  g_assert_true (cst_test_gui_wait_until (saved, f->detail));
  dialog = ADW_MESSAGE_DIALOG (cst_fee_quote_panel_ask_issue_invoice (panel));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "never changes"));
  cst_test_gui_respond (dialog, "_Issue Invoice");
  g_assert_true (cst_test_gui_wait_until (invoice_issued, panel));
  g_assert_cmpint (count_for (request, "invoices"), ==, 1);
}

/* Releases through the one dialog: the proof of delivery by mail. */
static void
release (Fixture    *f,
         CstRequest *request)
{
  CstReleaseForms *forms = CST_RELEASE_FORMS (cst_request_detail_get_release_forms (f->detail));
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.advance", NULL);
  dialog = cst_test_gui_message_dialog (GTK_WINDOW (f->window));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be undone"));
  cst_release_forms_set_choice (forms, "produced-format", CST_FORMAT_PAPER);
  cst_release_forms_set_choice (forms, "delivery", CST_DELIVERY_MAIL);
  cst_release_forms_set_field (forms, "tracking-number", "9400 1000 0000 0000 0000 01");
  cst_release_forms_set_field (forms, "mismatch-reason", "Patient asked for paper by mail");
  cst_test_gui_respond (dialog, "_Release");
  if (!cst_test_gui_wait_until (released, cst_request_detail_get_request (f->detail)))
    g_error ("Not released: %s", cst_release_forms_get_message (forms));
  g_assert_cmpint (count_for (request, "disclosures"), ==, 1);
  g_assert_cmpint (count_for (request, "release_deliveries"), ==, 1);
}

static void
remove_folder (const char *dir)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
}

/* A patient's request from ready to released, as this login: invoiced and
 * released through their confirmations, then shown read-only with its
 * history, and its evidence pack saved for the owner alone. */
static void
test_invoice_and_release (Fixture *f, gconstpointer data)
{
  g_autoptr(PGconn) conn = connect_as_user ();
  g_autoptr(CstRequest) request = cst_test_db_move_along (
    conn, cst_test_db_add_request_for (conn, "FH-0003", "Riley Sampleton", CST_REQUESTER_PATIENT, "NY"),
    CST_STATUS_READY);
  g_autofree char *dir = g_dir_make_tmp ("custodian-first-hour-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "evidence.pdf", NULL);
  g_autoptr(GFile) pdf = g_file_new_for_path (path);
  GListModel *history;

  open_request (f, request);
  issue_invoice (f, request);
  release (f, request);

  wait_shows (f, "This request is closed");
  history = cst_request_detail_get_history (f->detail);
  wait_shows (f, "Request logged");
  g_assert_nonnull (history);
  g_assert_cmpuint (g_list_model_get_n_items (history), >=, 5);

  cst_request_detail_export_evidence (f->detail, pdf);
  g_assert_true (cst_test_gui_wait_until (exported, f->detail));
  cst_test_file_assert_private (path);
  remove_folder (dir);
}

/* The private database of the README's first command, in a folder of
 * its own: created, migrated, with the facility's demo details and demo
 * requests written by the owner, as `db seed-demo` does. */
static void
start_private_database (const char *root)
{
  g_autofree char *data_dir = g_build_filename (root, "db", NULL);
  g_autofree char *owner = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  /* The server's own folder inside the data folder (cst-embedded-server.c). */
  g_autofree char *pgdata = g_build_filename (data_dir, "pgdata", NULL);

  server = cst_embedded_server_new (data_dir);
  g_assert_true (cst_embedded_server_start (server, &error));
  g_assert_no_error (error);
  /* A failed assertion aborts the test: the server must not outlive it. */
  cst_test_guard_server (pgdata, root);
  g_assert_true (cst_embedded_server_prepare (server, &error));
  g_assert_no_error (error);
  owner = cst_embedded_server_get_owner_conninfo (server);
  conn = cst_db_connect (owner, &error);
  g_assert_no_error (error);
  g_assert_true (cst_demo_fill_facility (conn, &error));
  g_assert_true (cst_demo_seed (conn, 40, &error));
  g_assert_cmpint (cst_demo_invoice (conn, 20, &error), >=, 0);
  g_assert_no_error (error);
  conninfo = cst_embedded_server_get_conninfo (server);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  int status;

  cst_test_gui_init (&argc, &argv);
  root = g_dir_make_tmp ("custodian-first-hour-db-XXXXXX", &error);
  g_assert_no_error (error);
  /* As root, the private server runs as "postgres", which must reach it. */
  g_assert_cmpint (g_chmod (root, 0711), ==, 0);
  start_private_database (root);

  g_test_add ("/first-hour/ordinary-login", Fixture, NULL, fixture_setup, test_ordinary_login,
              fixture_teardown);
  g_test_add ("/first-hour/demo-listed", Fixture, NULL, fixture_setup, test_demo_listed, fixture_teardown);
  g_test_add ("/first-hour/markup-requester", Fixture, NULL, fixture_setup, test_markup_requester,
              fixture_teardown);
  g_test_add ("/first-hour/invoice-and-release", Fixture, NULL, fixture_setup, test_invoice_and_release,
              fixture_teardown);
  status = g_test_run ();

  g_assert_true (cst_embedded_server_stop (server, &error));
  g_clear_object (&server);
  g_free (conninfo);
  remove_folder (root);
  return status;
}
