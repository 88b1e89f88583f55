/* test-db-prepared.c — hot statements prepared once per connection
 * (cst-db-statements.c): prepared at their second use, in the same one
 * round trip; never a utility statement or a pattern match; re-planned
 * for another role's row-level security; and surviving what the server does not absorb by
 * itself: a schema change that alters what a prepared statement returns,
 * and prepared statements dropped behind the connection's back. */
#include "config.h"

#include "cst-test-db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CstTestDb *db;

/* How many prepared statements of @conn's session have the text @sql. */
static gint64
n_prepared (PGconn     *conn,
            const char *sql)
{
  return cst_test_db_int (conn, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                          1, (const char *[]) { sql });
}

static gint64
exec_int (PGconn     *conn,
          const char *sql,
          const char *param)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, param ? 1 : 0, (const char *[]) { param },
                                         &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

/* Each Sync (extended protocol) or Query (simple protocol) the client
 * sends while traced is one wait for the server. */
static guint
count_round_trips (const char *trace)
{
  g_auto(GStrv) lines = g_strsplit (trace, "\n", -1);
  guint round_trips = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "F\t") &&
        (strstr (lines[i], "\tSync") != NULL || strstr (lines[i], "\tQuery") != NULL))
      round_trips++;
  return round_trips;
}

/* A text is prepared at its second use, within that use's one round trip,
 * and run as prepared from then on; a utility statement never is, nor is
 * anything while preparing is switched off. */
static void
test_prepared_at_second_use (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  const char *sql = "SELECT $1::int + 1";
  const char *other = "SELECT $1::int + 2";
  char *trace_text = NULL;
  size_t trace_size = 0;
  FILE *trace;

  g_assert_cmpint (exec_int (conn, sql, "1"), ==, 2);
  g_assert_cmpint (n_prepared (conn, sql), ==, 0);

  trace = open_memstream (&trace_text, &trace_size);
  PQtrace (conn, trace);
  PQsetTraceFlags (conn, PQTRACE_SUPPRESS_TIMESTAMPS);
  g_assert_cmpint (exec_int (conn, sql, "2"), ==, 3);
  PQuntrace (conn);
  fclose (trace);
  g_assert_cmpuint (count_round_trips (trace_text), ==, 1);
  g_assert_nonnull (strstr (trace_text, "Parse"));
  free (trace_text);

  g_assert_cmpint (n_prepared (conn, sql), ==, 1);
  g_assert_cmpint (exec_int (conn, sql, "3"), ==, 4);
  g_assert_cmpint (n_prepared (conn, sql), ==, 1);

  for (int i = 0; i < 3; i++)
    g_assert_true (cst_db_exec_command (conn, "SET application_name = 'prepared-test'", 0, NULL, NULL));
  g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM pg_prepared_statements "
                                          "WHERE statement ILIKE 'SET %'", 0, NULL), ==, 0);

  /* A pattern match is planned with its pattern, every time. */
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM pg_roles WHERE rolname ILIKE $1",
                                      1, (const char *[]) { "%clerk%" }), >, 0);
  g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM pg_prepared_statements "
                                          "WHERE statement ILIKE '%rolname ILIKE%'", 0, NULL), ==, 0);

  cst_db_set_preparing (FALSE);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (exec_int (conn, other, "1"), ==, 3);
  cst_db_set_preparing (TRUE);
  g_assert_cmpint (n_prepared (conn, other), ==, 0);
}

/* A migration that adds a column under `SELECT *` changes what the
 * prepared statement returns, which PostgreSQL refuses to re-plan ("cached
 * plan must not change result type"): outside a transaction the statement
 * is prepared again and the call succeeds; inside one the transaction has
 * failed, once, and the next call works. */
static void
test_prepared_survives_schema_change (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(PGconn) migrator = cst_test_db_connect (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *sql = "SELECT * FROM prepared_shape WHERE id = $1";

  cst_test_db_exec_ok (migrator, "CREATE TABLE prepared_shape (id int, a text)", 0, NULL);
  cst_test_db_exec_ok (migrator, "INSERT INTO prepared_shape VALUES (1, 'one')", 0, NULL);
  for (int i = 0; i < 2; i++)
    {
      g_clear_pointer (&res, PQclear);
      res = cst_db_exec (conn, sql, 1, (const char *[]) { "1" }, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (n_prepared (conn, sql), ==, 1);
  g_assert_cmpint (PQnfields (res), ==, 2);

  cst_test_db_exec_ok (migrator, "ALTER TABLE prepared_shape ADD COLUMN b int DEFAULT 7", 0, NULL);
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (conn, sql, 1, (const char *[]) { "1" }, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQnfields (res), ==, 3);
  g_assert_cmpstr (cst_db_value (res, 0, 2), ==, "7");

  cst_test_db_exec_ok (migrator, "ALTER TABLE prepared_shape ADD COLUMN c text DEFAULT 'c'", 0, NULL);
  g_assert_true (cst_db_begin (conn, NULL));
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (conn, sql, 1, (const char *[]) { "1" }, &error);
  g_assert_null (res);
  g_assert_nonnull (error);
  g_clear_error (&error);
  cst_db_rollback (conn);
  res = cst_db_exec (conn, sql, 1, (const char *[]) { "1" }, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQnfields (res), ==, 4);
}

/* A pooler or a DISCARD ALL drops the session's prepared statements: the
 * next call prepares again; one sent through cst_db_exec() is noticed,
 * so a transaction that goes on after it does not fail either. */
static void
test_prepared_survives_discard (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGresult) discarded = NULL;
  const char *sql = "SELECT $1::int * 10";

  g_assert_cmpint (exec_int (conn, sql, "1"), ==, 10);
  g_assert_cmpint (exec_int (conn, sql, "2"), ==, 20);
  g_assert_cmpint (n_prepared (conn, sql), ==, 1);

  discarded = PQexec (conn, "DEALLOCATE ALL");
  g_assert_cmpint (PQresultStatus (discarded), ==, PGRES_COMMAND_OK);
  g_assert_cmpint (exec_int (conn, sql, "3"), ==, 30);
  g_assert_cmpint (n_prepared (conn, sql), ==, 1);

  g_assert_true (cst_db_begin (conn, NULL));
  g_assert_true (cst_db_exec_command (conn, "DEALLOCATE ALL", 0, NULL, NULL));
  g_assert_cmpint (exec_int (conn, sql, "4"), ==, 40);
  g_assert_true (cst_db_commit (conn, NULL));
}

/* Row-level security is the role's: a statement prepared, and planned
 * generically, as one role sees another role's rows after SET ROLE. */
static void
test_prepared_follows_role (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *login_a = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *login_b = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) a = cst_test_connect (login_a);
  g_autoptr(PGconn) b = cst_test_connect (login_b);
  g_autofree char *role_a = g_strdup (PQuser (a));
  g_autofree char *role_b = g_strdup (PQuser (b));
  g_autofree char *grant = g_strdup_printf ("GRANT %s TO %s", role_b, role_a);
  g_autofree char *set_role = g_strdup_printf ("SET ROLE %s", role_b);
  const char *sql = "SELECT count(*) FROM prepared_rows";

  cst_test_db_exec_ok (owner, "CREATE TABLE prepared_rows (who text)", 0, NULL);
  cst_test_db_exec_ok (owner, "ALTER TABLE prepared_rows ENABLE ROW LEVEL SECURITY", 0, NULL);
  cst_test_db_exec_ok (owner, "CREATE POLICY own ON prepared_rows USING (who = current_user)", 0, NULL);
  cst_test_db_exec_ok (owner, "GRANT SELECT ON prepared_rows TO custodian_clerk", 0, NULL);
  cst_test_db_exec_ok (owner, "INSERT INTO prepared_rows VALUES ($1), ($2), ($2)", 2,
                       (const char *[]) { role_a, role_b });
  cst_test_db_exec_ok (owner, grant, 0, NULL);

  /* Past PostgreSQL's five custom plans: the generic one is cached. */
  for (int i = 0; i < 7; i++)
    g_assert_cmpint (exec_int (a, sql, NULL), ==, 1);
  g_assert_cmpint (n_prepared (a, sql), ==, 1);
  g_assert_cmpint (exec_int (b, sql, NULL), ==, 2);
  g_assert_true (cst_db_exec_command (a, set_role, 0, NULL, NULL));
  g_assert_cmpint (exec_int (a, sql, NULL), ==, 2);
  g_assert_true (cst_db_exec_command (a, "RESET ROLE", 0, NULL, NULL));
  g_assert_cmpint (exec_int (a, sql, NULL), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/prepared/at-second-use", test_prepared_at_second_use);
  g_test_add_func ("/db/prepared/survives-schema-change", test_prepared_survives_schema_change);
  g_test_add_func ("/db/prepared/survives-discard", test_prepared_survives_discard);
  g_test_add_func ("/db/prepared/follows-role", test_prepared_follows_role);
  return cst_test_db_run (&db);
}
