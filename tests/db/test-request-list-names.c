/* test-request-list-names.c — the list's names kept on the request row
 * (migration 0133, issue 24): the list reads roi_requests alone, and the
 * copies of the patient's and the requester's names stay theirs through
 * renames, seeding with the triggers off, a clerk's own writes, and the
 * facility policy. */
#include "config.h"

#include <unistd.h>

#include "cst-test-db.h"
#include "cst-test-facilities.h"

static CstTestDb *db;

/* @id's row as the window's list reads it: the whole list (COPY) when
 * @whole, else the first rows; NULL when not listed. */
static CstRequest *
listed (PGconn   *conn,
        gint64    id,
        gboolean  whole)
{
  g_autoptr(GError) error = NULL;
  CstRequestRows *rows = whole ? cst_request_repo_list_rows (conn, NULL, NULL, &error)
                               : cst_request_repo_list_first_rows (conn, NULL, NULL, 1000, &error);
  CstRequest *request = NULL;
  guint position;

  g_assert_no_error (error);
  if (cst_request_rows_find (rows, id, &position))
    request = cst_request_rows_make_request (rows, position);
  cst_request_rows_free (rows);
  return request;
}

/* Both of the list's queries show @id with these names. */
static void
assert_listed_names (PGconn           *conn,
                     gint64            id,
                     const char       *mrn,
                     const char       *family,
                     const char       *given,
                     const char       *requester,
                     CstRequesterKind  kind)
{
  for (int whole = 0; whole < 2; whole++)
    {
      g_autoptr(CstRequest) row = listed (conn, id, whole);
      g_autofree char *row_family = NULL, *row_given = NULL;

      g_assert_nonnull (row);
      g_object_get (row, "patient-family-name", &row_family, "patient-given-name", &row_given, NULL);
      g_assert_cmpstr (cst_request_get_patient_mrn (row), ==, mrn);
      g_assert_cmpstr (row_family, ==, family);
      g_assert_cmpstr (row_given, ==, given);
      g_assert_cmpstr (cst_request_get_requester_name (row), ==, requester);
      g_assert_cmpint (cst_request_get_requester_kind (row), ==, kind);
    }
}

static gint64
request_int (PGconn     *conn,
             const char *sql,
             CstRequest *request)
{
  return cst_test_db_int_for_id (conn, sql, cst_request_get_id (request));
}

/* A request made by a clerk lists its patient's and requester's names,
 * in the whole list and in the first rows. */
static void
test_copied (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request =
    cst_test_db_add_request_for (clerk, "NAMES-1", "Harbor Law Group", CST_REQUESTER_ATTORNEY, "NY");

  assert_listed_names (clerk, cst_request_get_id (request), "NAMES-1", "Núñez", "José",
                       "Harbor Law Group", CST_REQUESTER_ATTORNEY);
}

/* A clerk renames a patient: the patient's open and closed requests list
 * the new names, and are not changed as requests (same version, no audit
 * row of theirs); the rename itself is audited. */
static void
test_patient_renamed (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) open = cst_test_db_add_request (clerk, "NAMES-2");
  g_autoptr(CstRequest) closed = cst_test_db_add_request (clerk, "NAMES-2");
  g_autoptr(CstRequest) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *patient = NULL;
  const char *params[1];
  const char *audit_sql =
    "SELECT count(*) FROM audit_log WHERE table_name = 'roi_requests' AND row_id = $1::bigint";
  gint64 open_audit, closed_audit;

  cancelled = cst_request_repo_move (clerk, closed, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  patient = cst_db_int_param (cst_test_db_int_for_id (clerk,
    "SELECT patient_id FROM roi_requests WHERE id = $1::bigint", cst_request_get_id (open)));
  params[0] = patient;
  open_audit = request_int (clerk, audit_sql, open);
  closed_audit = request_int (clerk, audit_sql, cancelled);

  cst_test_db_exec_ok (clerk,
    "UPDATE patients SET mrn = 'NAMES-2B', family_name = 'Ortega', given_name = 'Inés' "
    "WHERE id = $1::bigint", 1, params);

  assert_listed_names (clerk, cst_request_get_id (open), "NAMES-2B", "Ortega", "Inés",
                       "Zoë Ångström", CST_REQUESTER_PATIENT);
  assert_listed_names (clerk, cst_request_get_id (cancelled), "NAMES-2B", "Ortega", "Inés",
                       "Zoë Ångström", CST_REQUESTER_PATIENT);
  g_assert_cmpint (request_int (clerk, "SELECT version FROM roi_requests WHERE id = $1::bigint", open),
                   ==, cst_request_get_version (open));
  g_assert_cmpint (request_int (clerk, "SELECT version FROM roi_requests WHERE id = $1::bigint",
                                cancelled), ==, cst_request_get_version (cancelled));
  g_assert_cmpint (request_int (clerk, audit_sql, open), ==, open_audit);
  g_assert_cmpint (request_int (clerk, audit_sql, cancelled), ==, closed_audit);
  g_assert_cmpint (cst_test_db_int (clerk,
    "SELECT count(*) FROM audit_log WHERE table_name = 'patients' AND row_id = $1::bigint"
    " AND action = 'UPDATE'", 1, params), ==, 1);
}

/* An administrator corrects a requester's kind, then its name: the list
 * shows each. */
static void
test_requester_renamed (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstRequest) request =
    cst_test_db_add_request_for (clerk, "NAMES-3", "Harbr Mutual", CST_REQUESTER_ATTORNEY, "NY");
  g_autofree char *requester = cst_db_int_param (cst_test_db_int_for_id (clerk,
    "SELECT requester_id FROM roi_requests WHERE id = $1::bigint", cst_request_get_id (request)));
  const char *params[] = { requester };

  cst_test_db_exec_ok (admin, "UPDATE requesters SET kind = 'insurer' WHERE id = $1::bigint",
                       1, params);
  assert_listed_names (clerk, cst_request_get_id (request), "NAMES-3", "Núñez", "José",
                       "Harbr Mutual", CST_REQUESTER_INSURER);
  cst_test_db_exec_ok (admin,
    "UPDATE requesters SET name = 'Harbor Mutual Insurance' WHERE id = $1::bigint", 1, params);
  assert_listed_names (clerk, cst_request_get_id (request), "NAMES-3", "Núñez", "José",
                       "Harbor Mutual Insurance", CST_REQUESTER_INSURER);
}

/* The benches seed with the triggers off (session_replication_role =
 * replica, as the superuser): the rows still get their names. */
static void
test_seeded_with_triggers_off (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  gint64 id;

  cst_test_db_exec_ok (owner, "SET session_replication_role = replica", 0, NULL);
  id = cst_test_db_int (owner,
    "WITH p AS (INSERT INTO patients (mrn, family_name, given_name, birth_date)"
    "           VALUES ('NAMES-4', 'Óskarsdóttir', 'Kai', DATE '1980-02-03') RETURNING id),"
    "     q AS (INSERT INTO requesters (kind, name) VALUES ('provider', 'Placeholder Clinic')"
    "           RETURNING id) "
    "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction,"
    "  purpose, status, due_date) "
    "SELECT 'NAMES-REF-4', p.id, q.id, current_date, 'NY', 'Bench', 'received', current_date + 30"
    "  FROM p, q RETURNING id", 0, NULL);
  cst_test_db_exec_ok (owner, "SET session_replication_role = DEFAULT", 0, NULL);

  assert_listed_names (clerk, id, "NAMES-4", "Óskarsdóttir", "Kai", "Placeholder Clinic",
                       CST_REQUESTER_PROVIDER);
}

/* A clerk's own statement cannot make the copies differ from the
 * patient's and the requester's: a name written into them is replaced, and
 * a request moved to another patient or requester takes theirs. */
static void
test_written_by_a_clerk (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (clerk, "NAMES-5");
  g_autoptr(CstRequest) other =
    cst_test_db_add_request_for (clerk, "NAMES-6", "Demo Disability Office",
                                 CST_REQUESTER_GOVERNMENT_AGENCY, "NY");
  g_autofree char *id = cst_db_int_param (cst_request_get_id (request));
  g_autofree char *other_id = cst_db_int_param (cst_request_get_id (other));
  const char *params[] = { id, other_id };

  cst_test_db_exec_ok (clerk,
    "UPDATE roi_requests SET patient_family_name = 'Forged', requester_kind = 'insurer'"
    " WHERE id = $1::bigint", 1, params);
  assert_listed_names (clerk, cst_request_get_id (request), "NAMES-5", "Núñez", "José",
                       "Zoë Ångström", CST_REQUESTER_PATIENT);

  cst_test_db_exec_ok (clerk,
    "UPDATE patients SET family_name = 'Lee-Sample' WHERE mrn = 'NAMES-6'", 0, NULL);
  cst_test_db_exec_ok (clerk,
    "UPDATE roi_requests r SET patient_id = o.patient_id, requester_id = o.requester_id"
    "  FROM roi_requests o WHERE r.id = $1::bigint AND o.id = $2::bigint", 2, params);
  assert_listed_names (clerk, cst_request_get_id (request), "NAMES-6", "Lee-Sample", "José",
                       "Demo Disability Office", CST_REQUESTER_GOVERNMENT_AGENCY);
}

/* The clerks' write path: an edit that changes neither the patient nor
 * the requester does not run the copy (its WHEN clause), even when the
 * statement sets them to what they were; a change of patient does. */
static void
test_edit_does_not_copy (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) clerk = NULL;
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRequest) other = NULL;
  g_autofree char *track = NULL;
  g_autofree char *id = NULL, *other_id = NULL;
  const char *params[2];
  gint64 calls;
  const char *calls_sql =
    "SELECT COALESCE(pg_stat_get_xact_function_calls('request_list_names_copied'::regproc), 0)";

  /* Counting a function's calls is the superuser's to switch on. */
  clerk = cst_test_connect (login);
  track = g_strdup_printf ("ALTER ROLE %s SET track_functions = 'pl'", PQuser (clerk));
  g_clear_pointer (&clerk, PQfinish);
  cst_test_db_exec_ok (owner, track, 0, NULL);
  clerk = cst_test_connect (login);
  request = cst_test_db_add_request (clerk, "NAMES-7");
  other = cst_test_db_add_request (clerk, "NAMES-8");
  id = cst_db_int_param (cst_request_get_id (request));
  other_id = cst_db_int_param (cst_request_get_id (other));
  params[0] = id;
  params[1] = other_id;

  /* The count also holds the calls of earlier transactions not yet
   * reported to the statistics (the two requests made above): compared
   * within one transaction, which reports nothing before it ends. */
  cst_test_db_exec_ok (clerk, "BEGIN", 0, NULL);
  calls = cst_test_db_int (clerk, calls_sql, 0, NULL);
  cst_test_db_exec_ok (clerk,
    "UPDATE roi_requests SET purpose = 'Edited', patient_id = patient_id,"
    " requester_id = requester_id WHERE id = $1::bigint", 1, params);
  g_assert_cmpint (cst_test_db_int (clerk, calls_sql, 0, NULL), ==, calls);
  cst_test_db_exec_ok (clerk,
    "UPDATE roi_requests r SET patient_id = o.patient_id"
    "  FROM roi_requests o WHERE r.id = $1::bigint AND o.id = $2::bigint", 2, params);
  g_assert_cmpint (cst_test_db_int (clerk, calls_sql, 0, NULL), ==, calls + 1);
  cst_test_db_exec_ok (clerk, "ROLLBACK", 0, NULL);
}

/* A clerk of one facility sees no other facility's names: not in the
 * list, not by reading the copies themselves. */
static void
test_facilities (void)
{
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autofree char *west_login = NULL, *east_login = NULL;
  g_autoptr(PGconn) west = NULL, east = NULL;
  g_autoptr(CstRequest) west_request = NULL, east_request = NULL, seen = NULL;
  const char *params[] = { "Eastwood-Private" };

  cst_test_facility_add (admin, "NWEST", "Names West Clinic", "CA");
  cst_test_facility_add (admin, "NEAST", "Names East Center", "NY");
  west_login = cst_test_facility_clerk (db, admin, "NWEST");
  east_login = cst_test_facility_clerk (db, admin, "NEAST");
  west = cst_test_connect (west_login);
  east = cst_test_connect (east_login);
  west_request = cst_test_facility_request (west, "NWEST", "NAMES-W", "Westerly");
  east_request = cst_test_facility_request (east, "NEAST", "NAMES-E", "Eastwood-Private");

  seen = listed (west, cst_request_get_id (west_request), TRUE);
  g_assert_nonnull (seen);
  for (int whole = 0; whole < 2; whole++)
    {
      g_autoptr(CstRequest) unseen = listed (west, cst_request_get_id (east_request), whole);

      g_assert_null (unseen);
    }
  g_assert_cmpint (cst_test_db_int (west,
    "SELECT count(*) FROM roi_requests WHERE patient_family_name = $1", 1, params), ==, 0);
  g_assert_cmpint (cst_test_db_int (east,
    "SELECT count(*) FROM roi_requests WHERE patient_family_name = $1", 1, params), ==, 1);
}

/* 0133 fills the rows a database already holds: a database migrated
 * without it, given a request, then migrated with it. */
static void
test_migration_fills (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = cst_db_connect ("dbname=postgres", &error);
  g_autofree char *name = g_strdup_printf ("cst_names_%d", (int) getpid ());
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE %s", name);
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s", name);
  g_autoptr(CstRequest) request = NULL;
  PGconn *conn;

  g_assert_no_error (error);
  cst_test_db_exec_ok (admin, create, 0, NULL);
  conn = cst_test_connect (conninfo);
  /* Every migration but 0133 (marked as applied), then a request, then 0133. */
  cst_test_db_exec_ok (conn,
    "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user)",
    0, NULL);
  cst_test_db_exec_ok (conn,
    "INSERT INTO schema_migrations (version, name) VALUES (133, '0133-request-list-names.sql')",
    0, NULL);
  g_assert_true (cst_migrations_apply (conn, NULL, &error));
  g_assert_no_error (error);
  cst_test_db_fill_facility (conn);
  request = cst_test_db_add_request_for (conn, "NAMES-9", "Sample Requester", CST_REQUESTER_OTHER, "NY");
  cst_test_db_exec_ok (conn, "DELETE FROM schema_migrations WHERE version = 133", 0, NULL);
  g_assert_true (cst_migrations_apply (conn, NULL, &error));
  g_assert_no_error (error);

  assert_listed_names (conn, cst_request_get_id (request), "NAMES-9", "Núñez", "José",
                       "Sample Requester", CST_REQUESTER_OTHER);
  PQfinish (conn);
  cst_test_db_exec_ok (admin, drop, 0, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/list-names/copied", test_copied);
  g_test_add_func ("/list-names/patient-renamed", test_patient_renamed);
  g_test_add_func ("/list-names/requester-renamed", test_requester_renamed);
  g_test_add_func ("/list-names/seeded-with-triggers-off", test_seeded_with_triggers_off);
  g_test_add_func ("/list-names/written-by-a-clerk", test_written_by_a_clerk);
  g_test_add_func ("/list-names/edit-does-not-copy", test_edit_does_not_copy);
  g_test_add_func ("/list-names/facilities", test_facilities);
  g_test_add_func ("/list-names/migration-fills", test_migration_fills);
  return cst_test_db_run (&db);
}
