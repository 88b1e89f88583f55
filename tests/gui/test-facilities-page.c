/* test-facilities-page.c — the Preferences' Facilities page (issue 22):
 * an administrator adds a facility with its code, prefix and letterhead,
 * changes its service target, grants a clerk the facility and takes it
 * away, each stored in the database; a clerk's attempt to add one is
 * refused in plain words and stores nothing.  An administrator chooses a
 * facility's own hospital fee schedule from those in effect (or none), and
 * a clerk sees the choice but cannot change it. */
#include "config.h"

#include <adwaita.h>

#include "cst-facilities-page.h"
#include "custodian/cst-fee-facility.h"
#include "custodian/cst-fee-repo.h"
#include "cst-test-facilities.h"
#include "cst-test-gui.h"

static CstTestDb *db;

typedef struct
{
  GtkWindow         *window;
  CstFacilitiesPage *page;
  CstConnection     *connection;
  PGconn            *admin;     /* to check what was stored */
} Fixture;

static gboolean
page_idle (gpointer page)
{
  return !cst_facilities_page_is_busy (page) && cst_facilities_page_get_n_facilities (page) > 0;
}

static void
open_as (Fixture    *f,
         const char *role)
{
  g_autofree char *login = cst_test_db_create_login (db, role);

  f->admin = cst_test_db_connect_as (db, "custodian_admin");
  f->connection = cst_connection_new (login);
  f->page = CST_FACILITIES_PAGE (cst_facilities_page_new ());
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
  cst_facilities_page_set_connection (f->page, f->connection);
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->connection);
  g_clear_pointer (&f->admin, PQfinish);
}

/* The page's entry or combo row titled @title. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if ((ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget)) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
type_into (Fixture    *f,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_row (GTK_WIDGET (f->page), title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
save (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "facilities.save", NULL));
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
}

static gint64
stored (Fixture    *f,
        const char *sql)
{
  return cst_test_db_int (f->admin, sql, 0, NULL);
}

static void
test_administrator (Fixture *f, gconstpointer data)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk_conn = NULL;
  g_autoptr(CstFacility) west = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) members = NULL;
  g_autofree char *shown = NULL;
  GtkWidget *revoke;

  open_as (f, "custodian_admin");
  g_assert_cmpuint (cst_facilities_page_get_n_facilities (f->page), ==, 1);

  /* A new facility: its code typed in small letters is stored in capitals. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "facilities.new", NULL));
  type_into (f, "Code (as in --facility)", "west");
  type_into (f, "Request reference prefix", "WST");
  type_into (f, "Bates number prefix", "WEST-");
  type_into (f, "Facility name", "West Clinic");
  save (f);
  g_assert_cmpstr (cst_facilities_page_get_message (f->page), ==, "Saved.");
  g_assert_cmpuint (cst_facilities_page_get_n_facilities (f->page), ==, 2);
  west = cst_facility_load_code (f->admin, "WEST", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (west->name, ==, "West Clinic");
  g_assert_cmpstr (west->request_prefix, ==, "WST");
  g_assert_cmpint (west->service_target_days, ==, 0);
  g_assert_cmpstr (west->bates_prefix, ==, "WEST-");

  /* Its service target, changed and saved. */
  g_assert_true (cst_facilities_page_select_code (f->page, "WEST"));
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (cst_test_gui_find_descendant (GTK_WIDGET (f->page),
                                                                            GTK_TYPE_SPIN_BUTTON)), 7);
  type_into (f, "Bates number prefix", "W2-");
  save (f);
  g_assert_cmpint (stored (f, "SELECT service_target_days FROM facilities WHERE code = 'WEST'"), ==, 7);
  g_assert_cmpint (stored (f, "SELECT count(*) FROM bates_counters b JOIN facilities f ON f.id = b.facility_id"
                              " WHERE f.code = 'WEST' AND b.prefix = 'W2-'"), ==, 1);

  /* A clerk granted the facility, then no longer. */
  clerk_conn = cst_db_connect (clerk, &error);
  g_assert_no_error (error);
  type_into (f, "Grant to login", PQuser (clerk_conn));
  g_signal_emit_by_name (find_row (GTK_WIDGET (f->page), "Grant to login"), "apply");
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
  shown = cst_facilities_page_dup_members (f->page);
  g_assert_cmpstr (shown, ==, PQuser (clerk_conn));
  members = cst_facility_members (f->admin, "WEST", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (members), ==, 1);
  g_assert_cmpstr (members[0], ==, PQuser (clerk_conn));

  revoke = cst_test_gui_find_button (GTK_WIDGET (f->page), "Revoke");
  g_assert_nonnull (revoke);
  g_signal_emit_by_name (revoke, "clicked");
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
  g_free (shown);
  shown = cst_facilities_page_dup_members (f->page);
  g_assert_cmpstr (shown, ==, "");
  g_assert_cmpint (stored (f, "SELECT count(*) FROM facility_members m JOIN facilities f"
                              " ON f.id = m.facility_id WHERE f.code = 'WEST'"), ==, 0);
}

static void
test_clerk_refused (Fixture *f, gconstpointer data)
{
  open_as (f, "custodian_clerk");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "facilities.new", NULL));
  type_into (f, "Code (as in --facility)", "CLERKS");
  save (f);
  g_assert_cmpstr (cst_facilities_page_get_message (f->page), ==,
                   "Only an administrator may add or change facilities and their members.");
  g_assert_cmpint (stored (f, "SELECT count(*) FROM facilities WHERE code = 'CLERKS'"), ==, 0);
}

/* A North Carolina hospital schedule, saved as the administrator. */
static void
save_hospital_schedule (Fixture    *f,
                        const char *key)
{
  g_autofree char *text = g_strdup_printf ("[%s]\nkind=facility\njurisdiction=NC\nrequesters=attorney\n"
                                           "effective-from=2020-01-01\nconfidence=C\n"
                                           "citation=Hospital policy %s\npaper=1-:25\n", key, key);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstFeeSchedule) schedule = cst_fee_schedule_new_from_text (text, &error);
  g_autoptr(CstFeeSchedule) saved = NULL;

  g_assert_no_error (error);
  saved = cst_fee_repo_save_version (f->admin, schedule, &error);
  g_assert_no_error (error);
}

/* The default facility's fee schedule row, read again from the database. */
static AdwComboRow *
fee_schedule_row (Fixture *f)
{
  GtkWidget *row;

  g_assert_true (cst_facilities_page_select_code (f->page, "MAIN"));
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
  row = find_row (GTK_WIDGET (f->page), "Hospital fee schedule");
  g_assert_nonnull (row);
  return ADW_COMBO_ROW (row);
}

/* The position of the entry that starts with @key, or "None" for NULL. */
static guint
position_of (AdwComboRow *row,
             const char  *key)
{
  GListModel *names = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (names), i);

      if (key == NULL ? g_str_has_prefix (name, "None") : g_str_has_prefix (name, key))
        return i;
    }
  g_assert_not_reached ();
}

static gboolean
stored_key_is (Fixture    *f,
               const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored_key = NULL;

  g_assert_true (cst_fee_facility_get_schedule (f->admin, "MAIN", &stored_key, &error));
  g_assert_no_error (error);
  return g_strcmp0 (stored_key, key) == 0;
}

static void
choose (Fixture     *f,
        AdwComboRow *row,
        const char  *key)
{
  adw_combo_row_set_selected (row, position_of (row, key));
  g_assert_true (cst_test_gui_wait_until (page_idle, f->page));
}

static void
test_fee_schedule_chosen (Fixture *f, gconstpointer data)
{
  AdwComboRow *row;

  open_as (f, "custodian_admin");
  save_hospital_schedule (f, "NORTH-NC");
  save_hospital_schedule (f, "SOUTH-NC");
  row = fee_schedule_row (f);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, position_of (row, NULL));

  choose (f, row, "SOUTH-NC");
  g_assert_cmpstr (cst_facilities_page_get_message (f->page), ==, "Fee schedule saved.");
  g_assert_true (stored_key_is (f, "SOUTH-NC"));
  /* Read back as stored. */
  row = fee_schedule_row (f);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, position_of (row, "SOUTH-NC"));

  /* None: the state's rules and the unclaimed hospital schedules again. */
  choose (f, row, NULL);
  g_assert_true (stored_key_is (f, NULL));
}

static void
test_fee_schedule_clerk (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AdwComboRow *row;

  open_as (f, "custodian_clerk");
  save_hospital_schedule (f, "WEST-NC");
  g_assert_true (cst_fee_facility_set_schedule (f->admin, "MAIN", "WEST-NC", &error));
  g_assert_no_error (error);
  row = fee_schedule_row (f);
  /* The clerk sees its facility's choice and cannot change it... */
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, position_of (row, "WEST-NC"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (row)));
  /* ...and the server refuses it even when the row is forced. */
  choose (f, row, NULL);
  g_assert_cmpstr (cst_facilities_page_get_message (f->page), ==,
                   "Only an administrator may choose a facility's fee schedule.");
  g_assert_true (stored_key_is (f, "WEST-NC"));
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, position_of (row, "WEST-NC"));
}

int
main (int argc, char **argv)
{
  cst_test_gui_init (&argc, &argv);
  g_test_add ("/facilities-page/administrator", Fixture, NULL, NULL, test_administrator, fixture_teardown);
  g_test_add ("/facilities-page/clerk-refused", Fixture, NULL, NULL, test_clerk_refused, fixture_teardown);
  g_test_add ("/facilities-page/fee-schedule-chosen", Fixture, NULL, NULL, test_fee_schedule_chosen,
              fixture_teardown);
  g_test_add ("/facilities-page/fee-schedule-clerk", Fixture, NULL, NULL, test_fee_schedule_clerk,
              fixture_teardown);
  return cst_test_db_run (&db);
}
