/* test-packet-group.c — the request view's Records group as the clerk:
 * files dropped on it are added off the main loop and listed in release
 * order with their pages; a refused file is named and nothing of that drop
 * is stored; a closed request takes no records; "Build Packet" builds it
 * with Bates numbers and Spanish letters, kept in the database. */
#include "config.h"

#include <adwaita.h>
#include <poppler.h>
#include <string.h>

#include "cst-packet-group.h"
#include "cst-request-detail.h"
#include "cst-request-list-page.h"
#include "cst-test-gui.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"
#include "cst-window.h"

static CstTestDb *db;

typedef struct
{
  char             *clerk;
  char             *dir;
  CstRequestStore  *store;
  CstWindow        *window;
  CstRequestDetail *detail;
  CstPacketGroup   *group;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->clerk = cst_test_db_create_login (db, "custodian_clerk");
  f->dir = g_dir_make_tmp ("cst-packet-gui-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
  cst_test_records_remove (f->dir);
  g_free (f->dir);
  g_free (f->clerk);
}

static gboolean
group_idle (gpointer data)
{
  return !cst_packet_group_is_busy (data);
}

static guint wanted_documents;

static gboolean
group_lists_wanted (gpointer data)
{
  return cst_packet_group_get_n_documents (data) == wanted_documents;
}

static void
open_request (Fixture    *f,
              CstRequest *request)
{
  if (f->window == NULL)
    {
      f->window = cst_test_gui_open_window (f->clerk, &f->store);
      f->detail = CST_REQUEST_DETAIL (cst_window_get_detail (f->window));
      f->group = CST_PACKET_GROUP (cst_test_gui_find_descendant (GTK_WIDGET (f->detail),
                                                                 CST_TYPE_PACKET_GROUP));
      g_assert_nonnull (f->group);
    }
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_filter_settled, cst_window_get_list_page (f->window)));
  g_assert_true (cst_window_open_request (f->window, cst_request_get_id (request)));
  g_assert_true (cst_test_gui_wait_until (cst_test_gui_details_shown, f->detail));
}

/* The group's drop target, as a drag from the file manager reaches it. */
static gboolean
drop_files (CstPacketGroup *group,
            const char     *first,
            ...)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (group));
  GtkDropTarget *target = NULL;
  GSList *files = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  va_list args;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller) &&
          gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (GTK_DROP_TARGET (controller)),
                                             GDK_TYPE_FILE_LIST))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  va_start (args, first);
  for (const char *path = first; path != NULL; path = va_arg (args, const char *))
    files = g_slist_append (files, g_file_new_for_path (path));
  va_end (args);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free_full (files, g_object_unref);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  return accepted;
}

static gint64
stored_documents (CstRequest *request)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  return cst_test_db_int_for_id (owner, "SELECT count(*) FROM record_documents WHERE request_id = $1",
                                 cst_request_get_id (request));
}

static void
test_drop_adds_records (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *pdf = cst_test_records_pdf (f->dir, "discharge.pdf", 3, "Discharge");
  g_autofree char *tiff = cst_test_records_tiff (f->dir, "fax.tif", 2, 32);
  g_autofree char *plain = cst_test_records_pdf (f->dir, "plain.pdf", 1, "Plain");
  g_autofree char *locked = cst_test_records_encrypted (f->dir, "locked.pdf", plain);
  g_autofree char *text = NULL;
  const char *message;

  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    request = cst_test_db_add_request (owner, "PGUI-1");
  }
  open_request (f, request);
  wanted_documents = 0;
  g_assert_true (cst_test_gui_wait_until (group_lists_wanted, f->group));

  g_assert_true (drop_files (f->group, pdf, tiff, NULL));
  g_assert_true (cst_packet_group_is_busy (f->group));
  g_assert_true (cst_test_gui_wait_until (group_idle, f->group));
  wanted_documents = 2;
  if (!cst_test_gui_wait_until (group_lists_wanted, f->group))
    g_error ("not listed: %s", cst_packet_group_get_message (f->group));
  g_assert_cmpstr (cst_packet_group_get_message (f->group), ==, "Added 2 documents.");
  text = cst_test_gui_collect_text (GTK_WIDGET (f->group));
  g_assert_nonnull (strstr (text, "discharge.pdf"));
  g_assert_nonnull (strstr (text, "3 pages"));
  g_assert_true (strstr (text, "discharge.pdf") < strstr (text, "fax.tif"));
  g_assert_cmpint (stored_documents (request), ==, 2);

  /* A good file with a refused one: the message names it, nothing added. */
  g_assert_true (drop_files (f->group, plain, locked, NULL));
  g_assert_true (cst_test_gui_wait_until (group_idle, f->group));
  message = cst_packet_group_get_message (f->group);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "locked.pdf"));
  g_assert_nonnull (strstr (message, "password"));
  g_assert_cmpuint (cst_packet_group_get_n_documents (f->group), ==, 2);
  g_assert_cmpint (stored_documents (request), ==, 2);
}

static void
test_closed_request_takes_none (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) cancelled = NULL;
  g_autofree char *pdf = cst_test_records_pdf (f->dir, "late.pdf", 1, "Late");
  GtkWidget *add_button;

  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PGUI-2");
    g_autoptr(GError) error = NULL;

    cancelled = cst_request_repo_move (owner, request, CST_STATUS_CANCELLED, "Withdrawn", &error);
    g_assert_no_error (error);
  }
  open_request (f, cancelled);
  add_button = cst_test_gui_find_button (GTK_WIDGET (f->group), "_Add Records…");
  g_assert_nonnull (add_button);
  g_assert_false (gtk_widget_get_sensitive (add_button));
  g_assert_false (drop_files (f->group, pdf, NULL));
  g_assert_cmpint (stored_documents (cancelled), ==, 0);
}

/* The kept packet of @request's last build, as the owner reads it. */
static PopplerDocument *
kept_packet (CstRequest *request)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = PQexecParams (owner,
    "SELECT string_agg(k.data, ''::bytea ORDER BY k.seq) FROM record_content_chunks k"
    "  JOIN record_packet_contents p ON p.content_id = k.content_id"
    " WHERE p.build_id = (SELECT max(id) FROM record_packet_builds WHERE request_id = $1)",
    1, NULL, params, NULL, NULL, 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  PopplerDocument *pdf;

  g_assert_cmpint (PQntuples (res), ==, 1);
  g_assert_cmpint (PQgetlength (res, 0, 0), >, 0);
  bytes = g_bytes_new (PQgetvalue (res, 0, 0), PQgetlength (res, 0, 0));
  pdf = poppler_document_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);
  return pdf;
}

/* "Build Packet" with Bates numbers and Spanish letters: built off the
 * main loop as the clerk, kept in the database with the Spanish cover
 * letter and the Bates numbers the message names on the record pages. */
static void
test_build_with_options (Fixture *f, gconstpointer data)
{
  g_autoptr(CstRequest) request = NULL;
  g_autofree char *pdf = cst_test_records_pdf (f->dir, "labs.pdf", 2, "Labs");
  g_autoptr(PopplerDocument) kept = NULL;
  g_autofree char *letter = NULL, *record_page = NULL;
  g_auto(GStrv) words = NULL;
  GtkWidget *build, *bates, *language;
  const char *message;

  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    request = cst_test_db_add_request (owner, "PGUI-3");
  }
  open_request (f, request);
  g_assert_true (drop_files (f->group, pdf, NULL));
  g_assert_true (cst_test_gui_wait_until (group_idle, f->group));
  wanted_documents = 1;
  g_assert_true (cst_test_gui_wait_until (group_lists_wanted, f->group));

  bates = cst_test_gui_find_descendant (GTK_WIDGET (f->group), GTK_TYPE_CHECK_BUTTON);
  language = cst_test_gui_find_descendant (GTK_WIDGET (f->group), GTK_TYPE_DROP_DOWN);
  build = cst_test_gui_find_button (GTK_WIDGET (f->group), "_Build Packet");
  g_assert_nonnull (bates);
  g_assert_nonnull (language);
  g_assert_nonnull (build);
  g_assert_true (gtk_widget_is_sensitive (build));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (bates), TRUE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (language), 1);
  g_signal_emit_by_name (build, "clicked");
  g_assert_true (cst_packet_group_is_busy (f->group));
  g_assert_true (cst_test_gui_wait_until (group_idle, f->group));
  message = cst_packet_group_get_message (f->group);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Packet built: 3 pages"));
  g_assert_nonnull (strstr (message, "Bates numbers"));

  kept = kept_packet (request);
  g_assert_cmpint (poppler_document_get_n_pages (kept), ==, 3);
  letter = cst_test_pdf_page_text (kept, 0);
  g_assert_nonnull (strstr (letter, "Estimado/a"));
  /* "… Bates numbers FIRST to LAST.": the first is on the first record page. */
  words = g_strsplit (strstr (message, "Bates numbers ") + strlen ("Bates numbers "), " ", 2);
  record_page = cst_test_pdf_page_text (kept, 1);
  g_assert_nonnull (strstr (record_page, words[0]));
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  db = cst_test_db_new ();
  g_test_add ("/packet-group/drop-adds-records", Fixture, NULL, fixture_setup, test_drop_adds_records,
              fixture_teardown);
  g_test_add ("/packet-group/closed-request-takes-none", Fixture, NULL, fixture_setup,
              test_closed_request_takes_none, fixture_teardown);
  g_test_add ("/packet-group/build-with-options", Fixture, NULL, fixture_setup,
              test_build_with_options, fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
