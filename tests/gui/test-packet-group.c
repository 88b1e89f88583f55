/* test-packet-group.c — the request view's Records group as the clerk:
 * files dropped on it are added off the main loop and listed in release
 * order with their pages; a refused file is named and nothing of that drop
 * is stored; a closed request takes no records; "Build Packet" builds it
 * with Bates numbers and Spanish letters, kept in the database; the
 * redaction switches change what the build makes (an OCR text layer on
 * the redacted page, a log page at the end), audited as the clerk, and a
 * change the database refuses puts the switch back. */
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
#include "cst-renderer.h"

#include <custodian/cst-redaction.h>
#include <custodian/cst-request-repo.h>

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

/* The switch of the row titled @title in @widget. */
static GtkWidget *
option_row (GtkWidget  *widget,
            const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = option_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static CstRedactionOptions wanted_options;

static gboolean
group_shows_wanted_options (gpointer data)
{
  CstRedactionOptions shown;

  return cst_packet_group_get_redaction_options (data, &shown) &&
         shown.text_layer == wanted_options.text_layer && shown.log_page == wanted_options.log_page;
}

static void
build_and_wait (Fixture *f)
{
  GtkWidget *build = cst_test_gui_find_button (GTK_WIDGET (f->group), "_Build Packet");

  g_assert_nonnull (build);
  g_signal_emit_by_name (build, "clicked");
  g_assert_true (cst_test_gui_wait_until (group_idle, f->group));
  if (strstr (cst_packet_group_get_message (f->group), "Packet built") == NULL)
    g_error ("not built: %s", cst_packet_group_get_message (f->group));
}

/* The redaction switches, as a clerk: off, the note's redacted page is
 * an image without text and the packet has no log page; switched on (by
 * activating their rows, as Enter does), the next build gives the page
 * a text layer read from the burned image (the rest of the note, never
 * the redacted name) and ends with the log page.  Each change is the
 * clerk's in the audit log.  Once the request is closed behind the
 * group's back, a change is refused and the switch goes back. */
static void
test_redaction_switches (Fixture *f, gconstpointer data)
{
  const char *lines[] = { "Seen with Marisol Quintero today\n\nFollow-up visit unremarkable", NULL };
  g_autofree char *note = cst_test_records_pdf_lines (f->dir, "note.pdf", lines, FALSE);
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(GPtrArray) marked = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *text_layer_row, *log_page_row;

  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    request = cst_test_db_add_request (owner, "PGUI-4");
  }
  open_request (f, request);
  g_assert_true (drop_files (f->group, note, NULL));
  g_assert_true (cst_test_gui_wait_until (group_idle, f->group));
  wanted_documents = 1;
  g_assert_true (cst_test_gui_wait_until (group_lists_wanted, f->group));
  marked = cst_redaction_mark_text_at (admin, cst_request_get_reference (request), "Marisol Quintero",
                                       "other_person", NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (marked->len, ==, 1);

  wanted_options = (CstRedactionOptions) { FALSE, FALSE };
  g_assert_true (cst_test_gui_wait_until (group_shows_wanted_options, f->group));
  build_and_wait (f);
  {
    g_autoptr(PopplerDocument) kept = kept_packet (request);
    g_autofree char *page = NULL;

    /* The cover letter and the note, rebuilt as an image without text. */
    g_assert_cmpint (poppler_document_get_n_pages (kept), ==, 2);
    page = cst_test_pdf_page_text (kept, 1);
    g_assert_null (strstr (page, "unremarkable"));
  }

  text_layer_row = option_row (GTK_WIDGET (f->group), "Searchable _text on redacted pages");
  log_page_row = option_row (GTK_WIDGET (f->group), "Redaction _log page");
  g_assert_nonnull (text_layer_row);
  g_assert_nonnull (log_page_row);
  g_assert_true (gtk_widget_get_focusable (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (text_layer_row))));
  /* The build changed the request: its choices are read again. */
  g_assert_true (cst_test_gui_wait_until (group_shows_wanted_options, f->group));
  /* A switch animated flips at the animation's end: flipped at once here. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_assert_true (gtk_widget_activate (text_layer_row));
  wanted_options = (CstRedactionOptions) { TRUE, FALSE };
  g_assert_true (cst_test_gui_wait_until (group_shows_wanted_options, f->group));
  g_assert_true (gtk_widget_activate (log_page_row));
  wanted_options = (CstRedactionOptions) { TRUE, TRUE };
  g_assert_true (cst_test_gui_wait_until (group_shows_wanted_options, f->group));
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);

    g_assert_cmpint (cst_test_db_int_for_id (owner,
      "SELECT count(*) FROM audit_log WHERE table_name = 'record_redaction_options'"
      "   AND (new_row->>'request_id')::bigint = $1 AND actor = new_row->>'set_by'"
      "   AND actor <> session_user", cst_request_get_id (request)), ==, 2);
    g_assert_cmpint (cst_test_db_int_for_id (owner,
      "SELECT count(*) FROM record_redaction_options WHERE request_id = $1 AND text_layer AND log_page",
      cst_request_get_id (request)), ==, 1);
  }

  build_and_wait (f);
  {
    g_autoptr(PopplerDocument) kept = kept_packet (request);
    g_autofree char *page = NULL, *squashed = NULL, *log = NULL;

    /* The cover letter, the note with its text layer, the log. */
    g_assert_cmpint (poppler_document_get_n_pages (kept), ==, 3);
    page = cst_test_pdf_page_text (kept, 1);
    squashed = cst_test_pdf_squash (page);
    g_assert_nonnull (strstr (squashed, "unremarkable"));
    g_assert_null (strstr (squashed, "Quintero"));
    log = cst_test_pdf_page_text (kept, 2);
    g_assert_nonnull (strstr (log, "Redaction log"));
    g_assert_null (strstr (log, "Quintero"));
  }

  /* Closed by someone else: the change is refused, the switch goes back. */
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autoptr(CstRequest) now = cst_request_repo_get (owner, cst_request_get_id (request), &error);
    g_autoptr(CstRequest) cancelled = now ? cst_request_repo_move (owner, now, CST_STATUS_CANCELLED,
                                                                   "Withdrawn", &error) : NULL;

    g_assert_no_error (error);
  }
  g_assert_true (cst_test_gui_wait_until (group_shows_wanted_options, f->group));
  g_assert_true (gtk_widget_activate (log_page_row));
  g_assert_true (cst_test_gui_wait_until (group_shows_wanted_options, f->group));
  g_assert_nonnull (strstr (cst_packet_group_get_message (f->group), "closed"));
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);

    g_assert_cmpint (cst_test_db_int_for_id (owner,
      "SELECT count(*) FROM record_redaction_options WHERE request_id = $1 AND text_layer AND log_page",
      cst_request_get_id (request)), ==, 1);
  }
}

int
main (int argc, char **argv)
{
  int status;

  cst_renderer_prepare ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  db = cst_test_db_new ();
  g_test_add ("/packet-group/drop-adds-records", Fixture, NULL, fixture_setup, test_drop_adds_records,
              fixture_teardown);
  g_test_add ("/packet-group/closed-request-takes-none", Fixture, NULL, fixture_setup,
              test_closed_request_takes_none, fixture_teardown);
  g_test_add ("/packet-group/build-with-options", Fixture, NULL, fixture_setup,
              test_build_with_options, fixture_teardown);
  g_test_add ("/packet-group/redaction-switches", Fixture, NULL, fixture_setup,
              test_redaction_switches, fixture_teardown);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
