/* test-facility.c — the hospital's details in the database (0056): who
 * may read and change them, as each role's ordinary login; the async pair
 * the windows use; what is refused before the server sees it */
#include "config.h"

#include <locale.h>

#include "cst-test-async.h"
#include "cst-test-db.h"

static CstTestDb *db;

static CstFacility *
load_as (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, &error);
  CstFacility *facility;

  g_assert_no_error (error);
  facility = cst_facility_load (conn, &error);
  g_assert_no_error (error);
  return facility;
}

static gint64
count_audited_updates (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT count(*) FROM audit_log WHERE table_name = 'facilities' AND action = 'UPDATE'"
    " AND actor LIKE '%admin%' AND new_row->>'phone' = '(555) 010-0999'", 0, NULL, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

/* Every role reads the details; clerk, billing and auditor may not
 * change them, the administrator may, and the change is audited. */
static void
test_roles (void)
{
  const char *const readonly_roles[] = { "custodian_clerk", "custodian_billing", "custodian_auditor" };
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  for (guint i = 0; i < G_N_ELEMENTS (readonly_roles); i++)
    {
      g_autofree char *login = cst_test_db_create_login (db, readonly_roles[i]);
      g_autoptr(CstFacility) facility = load_as (login);
      g_autoptr(CstFacility) after = NULL;
      g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (facility->name, ==, "Custodian General Hospital");
      cst_facility_set (facility, CST_FACILITY_NAME, "Renamed By A Clerk");
      g_assert_false (cst_facility_save (conn, facility, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "administrator"));
      after = load_as (login);
      g_assert_cmpstr (after->name, ==, "Custodian General Hospital");
    }

  {
    g_autoptr(CstFacility) facility = load_as (admin);
    g_autoptr(PGconn) conn = cst_db_connect (admin, NULL);
    g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
    g_autoptr(CstFacility) seen = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (count_audited_updates (owner), ==, 0);
    cst_facility_set (facility, CST_FACILITY_PHONE, "(555) 010-0999");
    cst_facility_set (facility, CST_FACILITY_DEFAULT_STATE, "TX");
    g_assert_true (cst_facility_save (conn, facility, &error));
    g_assert_no_error (error);
    seen = load_as (clerk);
    g_assert_cmpstr (seen->phone, ==, "(555) 010-0999");
    g_assert_cmpstr (seen->default_state, ==, "TX");
    g_assert_cmpint (count_audited_updates (owner), ==, 1);
  }
  cst_test_db_fill_facility (owner);
}

/* Not even the administrator can add a second default or remove it. */
static void
test_admin_only_updates (void)
{
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) conn = cst_db_connect (admin, NULL);
  const char *const statements[] = {
    "INSERT INTO facilities (is_default, code, name) VALUES (true, 'SECOND', 'Second')",
    "DELETE FROM facilities",
    "UPDATE facilities SET is_default = false",
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (cst_db_exec_command (conn, statements[i], 0, NULL, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    }
}

/* The windows' way: save and load on the connection's thread. */
static void
test_async (void)
{
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(CstConnection) connection = cst_connection_new (admin);
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(CstFacility) facility = cst_facility_new ();
  g_autoptr(CstFacility) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) owner = cst_test_db_connect (db);

  cst_facility_set (facility, CST_FACILITY_NAME, "Async Memorial");
  cst_facility_set (facility, CST_FACILITY_ADDRESS, "2 Thread Way\nTroy, NY 12180");
  cst_facility_set (facility, CST_FACILITY_DEFAULT_STATE, "NY");
  cst_facility_save_async (connection, facility, NULL, cst_test_result_cb, &saved);
  g_assert_true (cst_facility_save_finish (connection, cst_test_wait_result (&saved, 10), &error));
  g_assert_no_error (error);
  cst_facility_load_async (connection, NULL, cst_test_result_cb, &loaded);
  back = cst_facility_load_finish (connection, cst_test_wait_result (&loaded, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "Async Memorial");
  g_assert_cmpstr (back->address, ==, "2 Thread Way\nTroy, NY 12180");
  g_assert_cmpstr (back->phone, ==, "");
  g_assert_false (cst_facility_is_blank (back));
  cst_test_db_fill_facility (owner);
}

static void
test_validate (void)
{
  g_autoptr(CstFacility) facility = cst_facility_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = g_strnfill (201, 'x');

  g_assert_true (cst_facility_is_blank (facility));
  cst_facility_set (facility, CST_FACILITY_DEFAULT_STATE, "ZZ");
  g_assert_false (cst_facility_validate (facility, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  cst_facility_set (facility, CST_FACILITY_DEFAULT_STATE, "CA");
  g_assert_true (cst_facility_validate (facility, &error));
  cst_facility_set (facility, CST_FACILITY_NAME, long_name);
  g_assert_false (cst_facility_validate (facility, &error));
  g_assert_nonnull (strstr (error->message, "name"));
}

/* seed-demo gives a blank facility fictional details, so the demo's
 * letters can be made, and never overwrites what someone filled in. */
static void
test_demo_fills_only_blank (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstFacility) blank = cst_facility_new ();
  g_autoptr(CstFacility) filled = NULL;
  g_autoptr(CstFacility) kept = NULL;
  g_autoptr(GError) error = NULL;
  static const CstFacilityDetail letter_needs[] = {
    CST_FACILITY_NAME, CST_FACILITY_ADDRESS, CST_FACILITY_PHONE, CST_FACILITY_PAY_TEXT,
  };

  cst_facility_set (blank, CST_FACILITY_DEFAULT_STATE, "NY");
  g_assert_true (cst_facility_save (owner, blank, &error));
  g_assert_true (cst_demo_fill_facility (owner, &error));
  g_assert_no_error (error);
  filled = cst_facility_load (owner, &error);
  g_assert_nonnull (strstr (filled->name, "fictional"));
  g_assert_true (cst_facility_require (filled, letter_needs, G_N_ELEMENTS (letter_needs), &error));
  g_assert_no_error (error);

  cst_test_db_fill_facility (owner);
  g_assert_true (cst_demo_fill_facility (owner, &error));
  kept = cst_facility_load (owner, &error);
  g_assert_cmpstr (kept->name, ==, "Custodian General Hospital");
}

/* One user's old settings (or the first-run answers) fill a blank
 * facility once, and never overwrite one an administrator filled in. */
static void
test_adopt_legacy_settings (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *admin = cst_test_db_create_login (db, "custodian_admin");
  g_autoptr(PGconn) conn = cst_db_connect (admin, NULL);
  g_autoptr(GSettings) settings = cst_settings_new_if_installed ();
  g_autoptr(CstFacility) legacy = NULL;
  g_autoptr(CstFacility) blank = cst_facility_new ();
  g_autoptr(CstFacility) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean adopted = TRUE;

  g_assert_nonnull (settings);
  g_assert_null (cst_settings_dup_legacy_facility (settings));
  g_settings_set_string (settings, "facility-name", "Old Settings Hospital");
  g_settings_set_string (settings, "facility-phone", "(555) 010-0404");
  g_settings_set_string (settings, "default-jurisdiction", "TX");
  legacy = cst_settings_dup_legacy_facility (settings);
  g_assert_nonnull (legacy);

  /* A filled-in facility is kept. */
  g_assert_true (cst_facility_adopt (conn, legacy, &adopted, &error));
  g_assert_no_error (error);
  g_assert_false (adopted);
  stored = cst_facility_load (conn, NULL);
  g_assert_cmpstr (stored->name, ==, "Custodian General Hospital");
  g_clear_pointer (&stored, cst_facility_free);

  /* A blank one takes the old settings, which are then forgotten. */
  cst_facility_set (blank, CST_FACILITY_DEFAULT_STATE, "NY");
  g_assert_true (cst_facility_save (owner, blank, &error));
  g_assert_true (cst_facility_adopt (conn, legacy, &adopted, &error));
  g_assert_no_error (error);
  g_assert_true (adopted);
  stored = cst_facility_load (conn, NULL);
  g_assert_cmpstr (stored->name, ==, "Old Settings Hospital");
  g_assert_cmpstr (stored->phone, ==, "(555) 010-0404");
  g_assert_cmpstr (stored->default_state, ==, "TX");
  cst_settings_forget_legacy_facility (settings);
  g_assert_null (cst_settings_dup_legacy_facility (settings));
  cst_test_db_fill_facility (owner);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/facility/roles", test_roles);
  g_test_add_func ("/facility/admin-only-updates", test_admin_only_updates);
  g_test_add_func ("/facility/async", test_async);
  g_test_add_func ("/facility/validate", test_validate);
  g_test_add_func ("/facility/demo-fills-only-blank", test_demo_fills_only_blank);
  g_test_add_func ("/facility/adopt-legacy-settings", test_adopt_legacy_settings);
  return cst_test_db_run (&db);
}
