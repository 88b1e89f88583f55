/* test-access-log-facilities.c — the access log of a health system (issue
 * 22): one facility's requests, or every facility's the login sees with
 * each one's count; each row names its facility (the CSV's last column);
 * a clerk of two facilities asking for a third's is refused; the auditor
 * reads the whole system. */
#include "config.h"

#include <string.h>

#include "cst-test-cli.h"
#include "cst-test-facilities.h"
#include <glib/gstdio.h>

static CstTestDb *db;
static char *two_clerk;      /* NORTH and SOUTH */

/* NORTH: two requests; SOUTH: one; EAST (another clerk's): one; all
 * received today, by the patient. */
static void
test_setup (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(PGconn) two = NULL;
  g_autoptr(PGconn) east = NULL;
  g_autofree char *east_clerk = NULL;
  CstRequest *made[4];

  cst_test_facility_add (admin, "NORTH", "North Clinic", "CA");
  cst_test_facility_add (admin, "SOUTH", "South Hospital", "TX");
  cst_test_facility_add (admin, "EAST", "East Center", "NY");
  two_clerk = cst_test_facility_clerk (db, admin, "NORTH,SOUTH");
  east_clerk = cst_test_facility_clerk (db, admin, "EAST");
  two = cst_test_connect (two_clerk);
  east = cst_test_connect (east_clerk);
  made[0] = cst_test_facility_request (two, "NORTH", "N-1", "Avery");
  made[1] = cst_test_facility_request (two, "NORTH", "N-2", "Baker");
  made[2] = cst_test_facility_request (two, "SOUTH", "S-1", "Carter");
  made[3] = cst_test_facility_request (east, "EAST", "E-1", "Dunn");
  for (guint i = 0; i < G_N_ELEMENTS (made); i++)
    g_object_unref (made[i]);
}

static CstAccessLog *
read_log (PGconn     *conn,
          const char *code)
{
  g_autoptr(GError) error = NULL;
  CstAccessLog *log;
  GDate today;

  cst_input_today (&today);
  log = cst_access_log_read_for (conn, &today, &today, code, &error);
  g_assert_no_error (error);
  return log;
}

static char *
facilities_of (const CstAccessLog *log)
{
  g_autoptr(GString) codes = g_string_new (NULL);

  for (guint i = 0; i < cst_access_log_get_n_rows (log); i++)
    g_string_append_printf (codes, "%s%s", i ? "," : "", cst_access_log_get_row (log, i)->facility);
  return g_string_free (g_steal_pointer (&codes), FALSE);
}

static void
test_clerk_all (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(CstAccessLog) log = read_log (two, NULL);
  g_autofree char *codes = facilities_of (log);
  g_autofree char *said = cst_access_log_describe (log);

  g_assert_null (cst_access_log_get_facility (log));
  g_assert_cmpstr (codes, ==, "NORTH,NORTH,SOUTH");
  g_assert_nonnull (strstr (said, " By facility: NORTH 2, SOUTH 1."));
}

static void
test_clerk_one_facility (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(CstAccessLog) log = read_log (two, "SOUTH");
  g_autofree char *codes = facilities_of (log);
  g_autofree char *said = cst_access_log_describe (log);

  g_assert_cmpstr (cst_access_log_get_facility (log), ==, "SOUTH");
  g_assert_cmpstr (codes, ==, "SOUTH");
  g_assert_null (strstr (said, "By facility"));
}

static void
test_clerk_other_facility (void)
{
  g_autoptr(PGconn) two = cst_test_connect (two_clerk);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAccessLog) log = NULL;
  GDate today;

  cst_input_today (&today);
  log = cst_access_log_read_for (two, &today, &today, "EAST", &error);
  g_assert_null (log);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

/* The auditor reads the whole system, and exports one facility's log,
 * the audit row saying which. */
static void
test_auditor (void)
{
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstAccessLog) all = read_log (auditor, NULL);
  g_autofree char *codes = facilities_of (all);
  g_autofree char *dir = g_dir_make_tmp ("access-log-XXXXXX", NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *path = g_build_filename (dir, "north.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  g_assert_cmpstr (codes, ==, "EAST,NORTH,NORTH,SOUTH");
  cst_input_today (&today);
  g_assert_true (cst_access_log_export_file_for (auditor, auditor, &today, &today, "NORTH",
                                                 CST_ACCESS_LOG_FORMAT_CSV, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_suffix (strstr (csv, "\r\n") + 2, ",NORTH\r\n"));
  g_assert_null (strstr (csv, "SOUTH"));
  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'report.exported'"
    " AND new_row->'details'->>'report' = 'access' AND new_row->'details'->>'facility' = 'NORTH'"
    " AND new_row->'details'->>'requests' = '2'", 0, NULL), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* custodian-cli report access --facility, as the clerk of two. */
static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("access-log-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "south.csv", NULL);
  g_autofree char *today = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *err = NULL;
  GDate date;

  cst_input_today (&date);
  today = cst_input_format_date (&date);
  g_assert_cmpint (cst_test_cli_run (two_clerk, NULL, &err, "report", "access", "--from", today, "--to", today,
                                     "--format", "csv", "--output", path, "--facility", "SOUTH", NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_suffix (csv, ",SOUTH\r\n"));
  g_assert_null (strstr (csv, "NORTH"));
  g_unlink (path);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (two_clerk, NULL, &err, "report", "access", "--from", today, "--to", today,
                                     "--format", "csv", "--output", path, "--facility", "EAST", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "No facility this login works for has the code “EAST”."));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/access-log-facilities/setup", test_setup);
  g_test_add_func ("/access-log-facilities/clerk-all", test_clerk_all);
  g_test_add_func ("/access-log-facilities/clerk-one-facility", test_clerk_one_facility);
  g_test_add_func ("/access-log-facilities/clerk-other-facility", test_clerk_other_facility);
  g_test_add_func ("/access-log-facilities/auditor", test_auditor);
  g_test_add_func ("/access-log-facilities/cli", test_cli);
  status = cst_test_db_run (&db);
  g_free (two_clerk);
  return status;
}
