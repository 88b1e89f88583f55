/* test-roles.c — what each Custodian role may do, enforced by the server */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;
static gint64 request_id;

typedef struct
{
  const char *sql;
  gboolean    clerk, billing, auditor, admin;
  /* Where allowed: the first column of the rows it returns, one a line,
   * "$1" for the seeded request's id and NULL for SQL NULL.  A statement
   * that changes rows returns what it changed (RETURNING), so this is what
   * the role saw or changed, not just that the SQL ran. */
  const char *rows;
} Case;

/* $1, where present, is a request id seeded in main(). */
static const Case matrix[] = {
  { "SELECT id FROM roi_requests WHERE id = $1", TRUE, TRUE, TRUE, TRUE, "$1" },
  { "SELECT r.id FROM patients p JOIN roi_requests r ON r.patient_id = p.id"
    " WHERE r.id = $1 AND p.mrn = 'ROLES-1'", TRUE, TRUE, TRUE, TRUE, "$1" },
  { "UPDATE roi_requests SET purpose = 'x' WHERE id = $1 RETURNING id", TRUE, FALSE, FALSE, TRUE, "$1" },
  { "UPDATE patients SET given_name = given_name WHERE id = (SELECT patient_id FROM roi_requests WHERE id = $1)"
    " RETURNING mrn", TRUE, FALSE, FALSE, TRUE, "ROLES-1" },
  { "DELETE FROM roi_requests WHERE id = $1 AND false", FALSE, FALSE, FALSE, FALSE },
  { "DELETE FROM patients WHERE id = $1 AND false", FALSE, FALSE, FALSE, FALSE },
  { "UPDATE jurisdictions SET access_deadline_days = 30 WHERE code = 'NY' AND $1 > 0 RETURNING code",
    FALSE, FALSE, FALSE, TRUE, "NY" },
  { "UPDATE jurisdictions SET name = name WHERE code = 'NY' AND $1 > 0", FALSE, FALSE, FALSE, FALSE },
  { "INSERT INTO requesters (kind, name) SELECT 'other', 'Role test' WHERE $1 > 0 RETURNING name",
    TRUE, FALSE, FALSE, TRUE, "Role test" },
  { "DELETE FROM schema_migrations WHERE version = $1 AND false", FALSE, FALSE, FALSE, FALSE },
  { "CREATE TABLE role_test_table (id int)", FALSE, FALSE, FALSE, FALSE },
  /* Bills and statements are billing's; auditors read them. */
  { "SELECT account_number FROM bills WHERE account_number = 'ROLES-ACCT-SEED' AND $1 > 0",
    FALSE, TRUE, TRUE, FALSE, "ROLES-ACCT-SEED" },
  { "INSERT INTO bills (account_number, patient_name, visit_type, admit_date, discharge_date,"
    " statement_date, due_date) SELECT 'ROLES-ACCT-' || $1, 'Role test', 'emergency', current_date,"
    " current_date, current_date, current_date RETURNING account_number",
    FALSE, TRUE, FALSE, FALSE, "ROLES-ACCT-$1" },
  /* Everyone reads the history of the seeded request: its creation, by
   * the owner that seeded it. */
  { "SELECT row_id FROM audit_log WHERE table_name = 'roi_requests' AND row_id = $1"
    " AND action = 'INSERT'", TRUE, TRUE, TRUE, TRUE, "$1" },
  /* The audit chain (0003, 0051): everyone may log an event, read the
   * head and ask for pending rows to be linked; nobody may move the head
   * or touch the queue of pending rows. */
  { "SELECT audit_event('report.exported', jsonb_build_object('request', $1::text)) > 0",
    TRUE, TRUE, TRUE, TRUE, "t" },
  { "SELECT actor = session_user FROM audit_log WHERE action = 'EVENT'"
    " AND new_row->'details'->>'request' = $1::text ORDER BY id DESC LIMIT 1",
    TRUE, TRUE, TRUE, TRUE, "t" },
  { "SELECT seq >= 0 FROM audit_chain_head WHERE $1 > 0", TRUE, TRUE, TRUE, TRUE, "t" },
  { "UPDATE audit_chain_head SET seq = seq WHERE $1 > 0", FALSE, FALSE, FALSE, FALSE },
  { "SELECT audit_chain_link_pending(false) >= 0 WHERE $1 > 0", TRUE, TRUE, TRUE, TRUE, "t" },
  { "DELETE FROM audit_chain_pending WHERE audit_id = $1 AND false", FALSE, FALSE, FALSE, FALSE },
  { "INSERT INTO audit_chain_pending (audit_id) SELECT $1 WHERE false", FALSE, FALSE, FALSE, FALSE },
  /* Nobody has disclosed anything of the seeded request. */
  { "SELECT count(*) FROM disclosures WHERE request_id = $1", TRUE, TRUE, TRUE, TRUE, "0" },
  /* Releasing (0050): nobody logs a disclosure directly; the desk calls
   * the release function (here with a stale version, so it changes
   * nothing and says so with NULL), billing and auditors cannot. */
  { "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
    " phi_description, purpose_statement) SELECT patient_id, id, current_date, 'Role test',"
    " 'Role test', 'Role test' FROM roi_requests WHERE id = $1", FALSE, FALSE, FALSE, FALSE },
  { "SELECT release_request($1, 0, 'en', '{}', 'x', 'x')", TRUE, FALSE, FALSE, TRUE, "NULL" },
  { "SELECT count(*) FROM roi_requests WHERE id = $1 AND status = 'received'",
    TRUE, TRUE, TRUE, TRUE, "1" },
};

/* The first column of @res, one value a line, NULL for SQL NULL. */
static char *
first_column (PGresult *res)
{
  GString *out = g_string_new (NULL);

  for (int row = 0; row < PQntuples (res); row++)
    g_string_append_printf (out, "%s%s", row ? "\n" : "",
                            PQgetisnull (res, row, 0) ? "NULL" : PQgetvalue (res, row, 0));
  return g_string_free (out, FALSE);
}

static void
check_role (const char *role,
            gsize       offset)
{
  g_autofree char *login = cst_test_db_create_login (db, role);
  g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };

  g_assert_nonnull (conn);
  for (guint i = 0; i < G_N_ELEMENTS (matrix); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean expected = G_STRUCT_MEMBER (gboolean, &matrix[i], offset);
      g_autoptr(PGresult) res = cst_db_exec (conn, matrix[i].sql,
                                             strstr (matrix[i].sql, "$1") ? 1 : 0,
                                             params, &error);
      if ((res != NULL) != expected)
        g_error ("%s: “%s” was %s", role, matrix[i].sql, res ? "allowed" : error->message);
      if (!expected)
        g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      else
        {
          g_autoptr(GString) rows = g_string_new (matrix[i].rows);
          g_autofree char *seen = first_column (res);

          g_assert_nonnull (matrix[i].rows);
          g_string_replace (rows, "$1", id, 0);
          if (!g_str_equal (seen, rows->str))
            g_error ("%s: “%s” returned “%s”, not “%s”", role, matrix[i].sql, seen, rows->str);
        }
    }
}

static void test_clerk (void) { check_role ("custodian_clerk", G_STRUCT_OFFSET (Case, clerk)); }
static void test_billing (void) { check_role ("custodian_billing", G_STRUCT_OFFSET (Case, billing)); }
static void test_auditor (void) { check_role ("custodian_auditor", G_STRUCT_OFFSET (Case, auditor)); }
static void test_admin (void) { check_role ("custodian_admin", G_STRUCT_OFFSET (Case, admin)); }

/* Row-level security: a closed request is not a candidate for a clerk's
 * UPDATE at all, while open ones are; the owner bypasses the policy and
 * meets the status trigger instead. */
static void
test_closed_requests_are_read_only (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) open = cst_test_db_add_request (owner, "ROLES-OPEN");
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "ROLES-CLOSED");
  g_autoptr(CstRequest) closed = cst_request_repo_move (owner, request, CST_STATUS_CANCELLED,
                                                        NULL, NULL);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autofree char *closed_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (closed));
  g_autofree char *open_id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (open));
  const char *closed_params[] = { closed_id }, *open_params[] = { open_id };
  const char *update = "UPDATE roi_requests SET purpose = 'rewritten' WHERE id = $1 RETURNING id";
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(CstRequest) saved = NULL;

  g_assert_nonnull (closed);
  /* Visible, but neither updatable nor lockable. */
  res = cst_db_exec (conn, "SELECT purpose FROM roi_requests WHERE id = $1", 1, closed_params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 1);
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (conn, update, 1, closed_params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 0);
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (conn, "SELECT id FROM roi_requests WHERE id = $1 FOR UPDATE",
                     1, closed_params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 0);
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (conn, update, 1, open_params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 1);

  /* Through the model the clerk gets a clear error, not a false conflict. */
  g_object_set (closed, "purpose", "rewritten", NULL);
  saved = cst_request_repo_save (conn, closed, &error);
  g_assert_null (saved);
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
  g_clear_error (&error);

  /* The owner is not filtered: its UPDATE reaches the status trigger. */
  g_assert_false (cst_db_exec_command (owner, update, 1, closed_params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
  g_clear_error (&error);
  g_clear_pointer (&res, PQclear);
  res = cst_db_exec (owner,
    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'roi_requests'::regclass",
    0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_db_bool (res, 0, 0));
  g_assert_false (cst_db_bool (res, 0, 1));
}

/* No role can insert a request that skips the start of the workflow, even
 * if the trigger that normally refuses it were gone. */
static void
test_new_requests_start_received (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) template = cst_test_db_add_request (owner, "ROLES-INSERT");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (template));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_db_exec_command (owner,
    "ALTER TABLE roi_requests DISABLE TRIGGER roi_requests_before_insert", 0, NULL, &error));
  g_assert_false (cst_db_exec_command (conn,
    "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction, "
    "status, due_date) SELECT reference || '-X', patient_id, requester_id, received_date, "
    "jurisdiction, 'released', due_date FROM roi_requests WHERE id = $1", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (cst_db_exec_command (owner,
    "ALTER TABLE roi_requests ENABLE TRIGGER roi_requests_before_insert", 0, NULL, &error));
  g_assert_no_error (error);
}

static gint64
count_where (PGconn     *conn,
             const char *sql,
             const char *id)
{
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, 1, params, &error);

  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

static char *
login_of (PGconn *conn)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);

  return g_strdup (cst_db_value (res, 0, 0));
}

/* A clerk can neither log a disclosure nor close a request as released by
 * hand, but releases through release_request(), which does both at once
 * and logs them under the clerk's own login. */
static void
test_release_only_through_function (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) ready = cst_test_db_move_along (conn, cst_test_db_add_request (conn, "ROLES-REL"),
                                                        CST_STATUS_READY);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (ready));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (ready));
  g_autofree char *who = login_of (conn);
  const char *params[] = { id, version };
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  g_autoptr(CstRequest) moved = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (cst_db_exec_command (conn,
    "INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,"
    " phi_description, purpose_statement) SELECT patient_id, id, current_date, 'Forged',"
    " 'Forged', 'Forged' FROM roi_requests WHERE id = $1", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  moved = cst_request_repo_move (conn, ready, CST_STATUS_RELEASED, NULL, &error);
  g_assert_null (moved);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  /* The function itself refuses a release that sends no cover letter. */
  g_assert_false (cst_db_exec_command (conn,
    "SELECT release_request($1::bigint, $2::integer, 'en', '{}', 'x', 'x')", 2, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM roi_requests WHERE id = $1 AND status = 'ready'", id), ==, 1);
  g_assert_cmpint (count_where (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1", id), ==, 0);

  release = cst_release_run (conn, ready, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);
  /* Written by the owner's function, attributed to the clerk. */
  {
    const char *who_params[] = { id, who };
    g_autoptr(PGresult) res = cst_db_exec (owner,
      "SELECT (SELECT count(*) FROM disclosures WHERE request_id = $1::bigint AND created_by = $2),"
      " (SELECT count(*) FROM rendered_documents WHERE request_id = $1::bigint AND rendered_by = $2),"
      " (SELECT count(*) FROM audit_log WHERE actor = $2 AND action = 'EVENT'"
      "   AND new_row->>'kind' = 'request.released' AND new_row->'details'->>'request' = $1::text),"
      " (SELECT count(*) FROM audit_log WHERE actor = $2 AND table_name = 'disclosures')",
      2, who_params, &error);
    g_assert_no_error (error);
    for (int column = 0; column < 4; column++)
      g_assert_cmpint (cst_db_int64 (res, 0, column), ==, 1);
  }
}

/* The function runs as its owner, so it pins its search_path (no object
 * of the caller's can stand in for a table) and checks the person's role
 * itself: a login given EXECUTE by mistake is still refused. */
static void
test_release_function_guards (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *billing = cst_test_db_create_login (db, "custodian_billing");
  g_autoptr(PGconn) conn = cst_db_connect (billing, NULL);
  g_autofree char *who = login_of (conn);
  g_autofree char *grant = g_strdup_printf (
    "GRANT EXECUTE ON FUNCTION release_request(bigint, integer, text, bigint[], text, text, date, text)"
    " TO %s", who);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (owner,
    "SELECT prosecdef, array_to_string(proconfig, ';') FROM pg_proc WHERE proname = 'release_request'",
    0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 1);
  g_assert_true (cst_db_bool (res, 0, 0));
  g_assert_cmpstr (cst_db_value (res, 0, 1), ==, "search_path=public, pg_temp;TimeZone=UTC");
  g_assert_true (cst_db_exec_command (owner, grant, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cst_db_exec_command (conn,
    "SELECT release_request($1::bigint, 1, 'en', '{}', 'x', 'x')", 1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
}

/* A login with no Custodian role sees nothing. */
static void
test_outsider (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s_outsider LOGIN", db->name);
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s user=%s_outsider", db->name, db->name);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_db_exec_command (owner, sql, 0, NULL, NULL));
  conn = cst_db_connect (conninfo, NULL);
  g_assert_false (cst_db_exec_command (conn, "SELECT count(*) FROM patients", 0, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  {
    g_autoptr(PGconn) conn = cst_test_db_connect (db);
    g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "ROLES-1");
    request_id = cst_request_get_id (request);
    cst_test_db_exec_ok (conn,
      "INSERT INTO bills (account_number, patient_name, visit_type, admit_date, discharge_date,"
      " statement_date, due_date) VALUES ('ROLES-ACCT-SEED', 'Role test', 'emergency', current_date,"
      " current_date, current_date, current_date)", 0, NULL);
  }
  g_test_add_func ("/roles/clerk", test_clerk);
  g_test_add_func ("/roles/billing", test_billing);
  g_test_add_func ("/roles/auditor", test_auditor);
  g_test_add_func ("/roles/admin", test_admin);
  g_test_add_func ("/roles/outsider", test_outsider);
  g_test_add_func ("/roles/closed-requests-read-only", test_closed_requests_are_read_only);
  g_test_add_func ("/roles/new-requests-start-received", test_new_requests_start_received);
  g_test_add_func ("/roles/release-only-through-function", test_release_only_through_function);
  g_test_add_func ("/roles/release-function-guards", test_release_function_guards);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
