/* test-request-repo.c — storing requests: create, save, optimistic
 * locking with two real connections, the single extension, bad input */
#include "config.h"

#include <string.h>

#include "cst-test-db.h"

static CstTestDb *db;

static void
test_create_and_find (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) created = cst_test_db_add_request (conn, "REPO-1");
  g_autoptr(CstRequest) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  GDate expected_due;
  const char *reference = cst_request_get_reference (created);

  g_assert_true (g_regex_match_simple ("^ROI-[0-9]{4}-[0-9]{6}$", reference, 0, 0));
  g_assert_cmpint (cst_request_get_status (created), ==, CST_STATUS_RECEIVED);
  g_assert_cmpint (cst_request_get_version (created), ==, 1);
  cst_request_compute_due_date (cst_request_get_received_date (created), 30, FALSE, &expected_due);
  g_assert_cmpint (g_date_compare (cst_request_get_due_date (created), &expected_due), ==, 0);

  found = cst_request_repo_find (conn, reference, &error);
  g_assert_no_error (error);
  name = cst_request_dup_patient_name (found);
  g_assert_cmpstr (name, ==, "Núñez, José");
  g_assert_cmpstr (cst_request_get_requester_name (found), ==, "Zoë Ångström");
  g_assert_true (cst_request_get_details_loaded (found));

  g_clear_object (&found);
  found = cst_request_repo_find (conn, "ROI-1900-000000", &error);
  g_assert_null (found);
  g_assert_error (error, CST_ERROR, CST_ERROR_NOT_FOUND);
}

static void
test_save_roundtrip (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) created = cst_test_db_add_request (conn, "REPO-2");
  g_autoptr(CstRequest) edited = cst_request_copy (created);
  g_autoptr(CstRequest) saved = NULL;
  g_autoptr(GError) error = NULL;
  const char *types[] = { "Discharge summary", "Imaging; CT \"head\"", NULL };
  g_auto(GStrv) read_types = NULL;
  g_autofree char *purpose = NULL;
  int pages = 0, format = 0;

  g_object_set (edited, "purpose", "Robert'); DROP TABLE roi_requests;--",
                "record-types", types, "page-count", 42, "format", CST_FORMAT_PAPER, NULL);
  saved = cst_request_repo_save (conn, edited, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_version (saved), ==, 2);
  g_object_get (saved, "purpose", &purpose, "record-types", &read_types,
                "page-count", &pages, "format", &format, NULL);
  g_assert_cmpstr (purpose, ==, "Robert'); DROP TABLE roi_requests;--");
  g_assert_cmpstrv (read_types, types);
  g_assert_cmpint (pages, ==, 42);
  g_assert_cmpint (format, ==, CST_FORMAT_PAPER);
}

/* Issue 17: the purpose as the fee engine knows it is saved beside the
 * free text, by a clerk's own login; a request logged before it existed
 * reads "other"; a code the engine does not know is refused; a patient's
 * directive to a third party is a requester class of its own. */
static void
test_purpose_code_and_directive (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (clerk, &error);
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(CstRequest) edited = NULL;
  g_autoptr(CstRequest) saved = NULL;
  g_autoptr(CstRequest) refused = NULL;
  g_autoptr(CstRequest) directive = NULL;
  g_autofree char *code = NULL, *saved_code = NULL, *purpose = NULL;

  g_assert_no_error (error);
  created = cst_test_db_add_request (conn, "REPO-PURPOSE");
  g_object_get (created, "purpose-code", &code, NULL);
  g_assert_cmpstr (code, ==, "other");
  edited = cst_request_copy (created);
  g_object_set (edited, "purpose", "SSA disability appeal", "purpose-code", "benefits-claim", NULL);
  saved = cst_request_repo_save (conn, edited, &error);
  g_assert_no_error (error);
  g_object_get (saved, "purpose-code", &saved_code, "purpose", &purpose, NULL);
  g_assert_cmpstr (saved_code, ==, "benefits-claim");
  g_assert_cmpstr (purpose, ==, "SSA disability appeal");

  g_clear_object (&edited);
  edited = cst_request_copy (saved);
  g_object_set (edited, "purpose-code", "lawsuit", NULL);
  refused = cst_request_repo_save (conn, edited, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_clear_error (&error);

  directive = cst_test_db_add_request_for (conn, "REPO-DIRECTIVE", "Dr. Third Party",
                                           CST_REQUESTER_PATIENT_DIRECTIVE, "TX");
  g_assert_cmpint (cst_request_get_requester_kind (directive), ==, CST_REQUESTER_PATIENT_DIRECTIVE);
}

/* Two clerks, two connections, one request: the second save is refused
 * and says who saved first. */
static void
test_optimistic_conflict (void)
{
  g_autofree char *clerk_a = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *clerk_b = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn_a = cst_db_connect (clerk_a, NULL);
  g_autoptr(PGconn) conn_b = cst_db_connect (clerk_b, NULL);
  g_autoptr(CstRequest) original = cst_test_db_add_request (conn_a, "REPO-3");
  g_autoptr(CstRequest) read_by_b = cst_request_repo_get (conn_b, cst_request_get_id (original), NULL);
  g_autoptr(CstRequest) edit_a = cst_request_copy (original);
  g_autoptr(CstRequest) saved_a = NULL;
  g_autoptr(CstRequest) saved_b = NULL;
  g_autoptr(CstRequest) merged = NULL;
  g_autoptr(CstRequest) theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) both = NULL;
  g_autofree char *purpose = NULL, *notes = NULL;
  const char *login_a = strstr (clerk_a, "user=") + 5;

  g_object_set (edit_a, "purpose", "Continuing care", NULL);
  saved_a = cst_request_repo_save (conn_a, edit_a, &error);
  g_assert_no_error (error);

  g_object_set (read_by_b, "authorization-notes", "Checked by B", NULL);
  saved_b = cst_request_repo_save (conn_b, read_by_b, &error);
  g_assert_null (saved_b);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, login_a));

  /* B reloads: the merge keeps B's notes and A's purpose, and saves. */
  theirs = cst_request_repo_get (conn_b, cst_request_get_id (original), NULL);
  merged = cst_request_merge_edits (original, read_by_b, theirs, &both);
  g_assert_cmpuint (g_strv_length (both), ==, 0);
  g_clear_error (&error);
  saved_b = cst_request_repo_save (conn_b, merged, &error);
  g_assert_no_error (error);
  g_object_get (saved_b, "purpose", &purpose, "authorization-notes", &notes, NULL);
  g_assert_cmpstr (purpose, ==, "Continuing care");
  g_assert_cmpstr (notes, ==, "Checked by B");
  g_assert_cmpint (cst_request_get_version (saved_b), ==, 3);
}

static void
test_single_extension (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "REPO-4");
  g_autoptr(CstRequest) extended = NULL;
  g_autoptr(CstRequest) again = NULL;
  g_autoptr(GBytes) notice = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) db_error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  GDate today, expected_due;

  cst_input_today (&today);
  extended = cst_request_repo_extend (conn, request, &today, "", &error);
  g_assert_null (extended);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* The written notice comes first (164.524(b)(2)(iii), migration 0041). */
  notice = cst_extension_render_notice (conn, request, &today, "Records stored off site",
                                        "en", NULL, &error);
  g_assert_no_error (error);
  extended = cst_request_repo_extend (conn, request, &today, "Records stored off site", &error);
  g_assert_no_error (error);
  g_assert_true (cst_request_is_extended (extended));
  cst_request_compute_due_date (cst_request_get_received_date (extended), 30, TRUE, &expected_due);
  g_assert_cmpint (g_date_compare (cst_request_get_due_date (extended), &expected_due), ==, 0);

  again = cst_request_repo_extend (conn, extended, &today, "Another reason", &error);
  g_assert_null (again);
  g_assert_error (error, CST_ERROR, CST_ERROR_EXTENSION);
  /* The database refuses it too, asked directly. */
  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET extended_on = current_date - 1, extension_reason = 'x' WHERE id = $1",
    1, params, &db_error));
  g_assert_error (db_error, CST_ERROR, CST_ERROR_EXTENSION);
}

static void
test_bad_input_changes_nothing (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) draft = cst_request_new ();
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) db_error = NULL;
  gint64 before = cst_request_repo_count (conn, NULL);
  GDate future, birth;

  cst_input_today (&future);
  g_date_add_days (&future, 3);
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, 1, 1, 1990);
  g_object_set (draft, "patient-mrn", "BAD-1", "patient-family-name", "Bad",
                "patient-given-name", "Input", "patient-birth-date", &birth,
                "requester-name", "Someone", "received-date", &future,
                "jurisdiction", "NY", NULL);
  created = cst_request_repo_create (conn, draft, &error);
  g_assert_null (created);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  cst_input_today (&future);
  g_object_set (draft, "received-date", &future, "jurisdiction", "ZZ", NULL);
  created = cst_request_repo_create (conn, draft, &error);
  g_assert_null (created);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_cmpint (cst_request_repo_count (conn, NULL), ==, before);

  /* The database refuses a future date even when asked directly. */
  {
    g_autoptr(CstRequest) ok = cst_test_db_add_request (conn, "BAD-2");
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (ok));
    const char *params[] = { id };
    g_assert_false (cst_db_exec_command (conn,
      "UPDATE roi_requests SET received_date = current_date + 1 WHERE id = $1",
      1, params, &db_error));
    g_assert_error (db_error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  }
}

static void
test_mrn_belongs_to_someone_else (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) first = cst_test_db_add_request (conn, "SAME-MRN");
  g_autoptr(CstRequest) draft = cst_request_copy (first);
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (draft, "patient-id", (gint64) 0, "patient-given-name", "Someone Else", NULL);
  created = cst_request_repo_create (conn, draft, &error);
  g_assert_null (created);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "SAME-MRN"));
}

static void
test_unreachable_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect ("host=/nonexistent-custodian-socket-dir connect_timeout=2",
                                           &error);

  g_assert_null (conn);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "Could not connect"));

  g_clear_error (&error);
  conn = cst_db_connect ("user=no_such_custodian_role", &error);
  g_assert_null (conn);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "no_such_custodian_role"));
}

/* The test server asks this one role for a password (build-aux/test-server.sh). */
static void
test_wrong_password (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *right = g_strdup_printf ("dbname=%s user=custodian_password_test password=right-one",
                                            db->name);
  g_autofree char *wrong = g_strdup_printf ("dbname=%s user=custodian_password_test password=wrong-one",
                                            db->name);

  /* Roles are cluster-wide: another test program may have made it. */
  cst_db_exec_command (owner, "CREATE ROLE custodian_password_test LOGIN PASSWORD 'right-one'",
                       0, NULL, NULL);
  conn = cst_db_connect (wrong, &error);
  g_assert_null (conn);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "password authentication failed"));
  g_clear_error (&error);
  conn = cst_db_connect (right, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);
}

/* A statement the server stops for running too long is told apart from
 * other database errors (the search for older requests relies on it). */
static void
test_statement_timeout (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_db_exec_command (conn, "SET statement_timeout = '20ms'", 0, NULL, &error));
  g_assert_false (cst_db_exec_command (conn, "SELECT pg_sleep(2)", 0, NULL, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_TIMEOUT);
}

/* A request for the patient @family, @given (MRN @mrn) from @requester,
 * received @days_ago days before today and cancelled: what the window's
 * search for older closed requests looks for. */
static CstRequest *
add_closed (PGconn     *owner,
            const char *mrn,
            const char *family,
            const char *given,
            const char *requester,
            int         days_ago)
{
  g_autoptr(CstRequest) draft = cst_test_db_request_draft (mrn, requester, CST_REQUESTER_ATTORNEY,
                                                           "NY");
  g_autoptr(CstRequest) created = NULL;
  g_autoptr(CstRequest) received = NULL;
  g_autoptr(GError) error = NULL;
  CstRequest *closed;

  g_object_set (draft, "patient-family-name", family, "patient-given-name", given, NULL);
  created = cst_request_repo_create (owner, draft, &error);
  g_assert_no_error (error);
  cst_test_db_set_received (owner, created, days_ago);
  received = cst_request_repo_get (owner, cst_request_get_id (created), &error);
  g_assert_no_error (error);
  closed = cst_request_repo_move (owner, received, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  return closed;
}

/* The ids the search finds for @text among closed requests received more
 * than 180 days ago, newest first, as "id id …". */
static char *
search_closed (PGconn     *conn,
               const char *text,
               guint       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GString *ids = g_string_new (NULL);
  GDate before;

  cst_input_today (&before);
  g_date_subtract_days (&before, 180);
  found = cst_request_repo_search_closed (conn, text, &before, limit, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? " " : "",
                            cst_request_get_id (g_ptr_array_index (found, i)));
  return g_string_free (ids, FALSE);
}

static char *
ids_of (CstRequest *first,
        CstRequest *second)
{
  if (second == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (first));
  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          cst_request_get_id (first), cst_request_get_id (second));
}

#define assert_found(conn, text, expected) \
  G_STMT_START { \
    g_autofree char *found_ = search_closed ((conn), (text), 200); \
    g_assert_cmpstr (found_, ==, (expected)); \
  } G_STMT_END

/* The search for older closed requests, as a clerk: every word in the
 * reference, the MRN, the patient's names or the requester's name (any
 * of them, each its own), case aside, accents as typed, LIKE's wildcards
 * taken literally; open and recent requests are not its business. */
static void
test_search_closed_words (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) older = add_closed (owner, "SRCH-ALPHA-1", "Quixadá", "Bartholomew",
                                            "Xylo Legal", 400);
  g_autoptr(CstRequest) newer = add_closed (owner, "SRCH-BETA-2", "Quixote", "Bartholomew",
                                            "Zephyr Records", 300);
  g_autoptr(CstRequest) recent = add_closed (owner, "SRCH-RECENT-3", "Quixadá", "Bartholomew",
                                             "Xylo Legal", 10);
  g_autoptr(CstRequest) open = cst_test_db_add_request_received (owner, "SRCH-OPEN-4", 400);
  g_autofree char *a = ids_of (older, NULL);
  g_autofree char *b = ids_of (newer, NULL);
  g_autofree char *both = ids_of (newer, older);
  g_autofree char *reference = g_strdup (cst_request_get_reference (older));
  g_autofree char *number = g_strdup (strrchr (reference, '-') + 1);
  g_autofree char *lowered = g_ascii_strdown (reference, -1);

  assert_found (clerk, "quixadá", a);
  assert_found (clerk, "QUIXADÁ", a);
  assert_found (clerk, "quixada", "");
  assert_found (clerk, "quix bartholomew", both);
  assert_found (clerk, "BARTHOLOMEW, quixote", b);
  assert_found (clerk, "quix zephyr", b);
  assert_found (clerk, "legal", a);
  assert_found (clerk, "srch-alpha", a);
  assert_found (clerk, "alpha-1 srch", a);
  assert_found (clerk, lowered, a);
  assert_found (clerk, number, a);
  /* No word matches across two of the texts. */
  assert_found (clerk, "quixadábartholomew", "");
  assert_found (clerk, "bartholomewxylo", "");
  assert_found (clerk, "srch_alpha", "");
  assert_found (clerk, "srch%alpha", "");
  assert_found (clerk, "srch\\alpha", "");
  assert_found (clerk, "quix nobody-has-this", "");
  /* Four words at most: the window's filter checks the rest. */
  assert_found (clerk, "quix bartholomew zephyr srch-beta nobody-has-this", b);
  assert_found (clerk, " ,\t", "");
  assert_found (clerk, "srch-open", "");
  assert_found (clerk, "srch-recent", "");
  {
    g_autofree char *first = search_closed (clerk, "bartholomew", 1);

    g_assert_cmpstr (first, ==, b);
  }
  g_assert_nonnull (recent);
  g_assert_nonnull (open);
}

/* What the search looks in follows the patient's and the requester's
 * names, and the request's closing. */
static void
test_search_closed_follows_changes (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) open = cst_test_db_add_request_received (owner, "SRCH-MOVES-1", 400);
  g_autoptr(CstRequest) closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (open));
  g_autofree char *expected = ids_of (open, NULL);
  const char *params[] = { id };

  assert_found (clerk, "srch-moves", "");
  closed = cst_request_repo_move (owner, open, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  assert_found (clerk, "srch-moves", expected);

  g_assert_true (cst_db_exec_command (owner,
    "UPDATE patients SET family_name = 'Wenceslao-Renamed', mrn = 'SRCH-MOVED-2' "
    "WHERE id = (SELECT patient_id FROM roi_requests WHERE id = $1::bigint)", 1, params, &error));
  g_assert_no_error (error);
  assert_found (clerk, "wenceslao-renamed", expected);
  assert_found (clerk, "srch-moves", "");
  assert_found (clerk, "srch-moved", expected);

  g_assert_true (cst_db_exec_command (owner,
    "UPDATE requesters SET name = 'Ulysses Renamed Counsel' "
    "WHERE id = (SELECT requester_id FROM roi_requests WHERE id = $1::bigint)", 1, params, &error));
  g_assert_no_error (error);
  assert_found (clerk, "ulysses counsel", expected);
}

/* However many words, the search is one statement, prepared on the
 * connection once it has been sent twice (cst-db-statements.c); before,
 * each number of words was a text of its own, planned on every call. */
static void
test_search_closed_one_statement (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  static const char *const searches[] = { "quix", "quix bartholomew", "a b c", "ROI 2026 x y z" };

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
      g_free (search_closed (clerk, searches[i], 200));
  g_assert_cmpint (cst_test_db_int (clerk,
    "SELECT count(*) FROM pg_prepared_statements "
    "WHERE statement LIKE '%ORDER BY r.received_date DESC, r.id DESC%'", 0, NULL), ==, 1);
  /* The server the tests start has pg_trgm: the keys have their index. */
  g_assert_cmpint (cst_test_db_int (clerk, "SELECT count(*) FROM pg_indexes "
                                    "WHERE indexname = 'request_search_keys_trigram'", 0, NULL), ==, 1);
}

typedef struct
{
  PGconn       *conn;
  GCancellable *cancellable;
  GError       *error;
  GPtrArray    *found;
} Search;

static gpointer
search_in_thread (gpointer data)
{
  Search *search = data;
  GDate before;

  cst_input_today (&before);
  search->found = cst_request_repo_search_closed (search->conn, "quix", &before, 200,
                                                  search->cancellable, &search->error);
  return NULL;
}

/* Cancelling a search stops its statement on the server, at once, not at
 * its time limit, and leaves the connection fit for the next one: the
 * window cancels the search a clerk typed past, and the store's calls
 * queue behind it on the same connection. */
static void
test_search_closed_cancel (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *pid = g_strdup_printf ("%d", PQbackendPID (clerk));
  const char *params[] = { pid };
  g_autoptr(GError) error = NULL;
  Search search = { clerk, cancellable, NULL, NULL };
  GThread *thread;

  /* The search waits behind the owner's lock until it is cancelled. */
  g_assert_true (cst_db_exec_command (owner, "BEGIN", 0, NULL, &error));
  g_assert_true (cst_db_exec_command (owner, "LOCK TABLE request_search_keys IN ACCESS EXCLUSIVE MODE",
                                      0, NULL, &error));
  g_assert_no_error (error);
  thread = g_thread_new ("search", search_in_thread, &search);
  while (cst_test_db_int (owner, "SELECT count(*) FROM pg_stat_activity "
                          "WHERE pid = $1::int AND wait_event_type = 'Lock'", 1, params) == 0)
    g_usleep (10 * 1000);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_null (search.found);
  g_assert_error (search.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&search.error);
  g_assert_true (cst_db_exec_command (owner, "ROLLBACK", 0, NULL, &error));

  /* Nothing of the cancel is left for the next statement. */
  {
    g_autofree char *found = search_closed (clerk, "quix", 200);

    g_assert_nonnull (found);
  }
  g_assert_cmpint (PQtransactionStatus (clerk), ==, PQTRANS_IDLE);
}

/* Issue 22: once a desk's connection has prepared them, a save is its
 * UPDATE and read-back in one round trip, one implicit transaction (the
 * row locked for one wait, not for BEGIN, UPDATE, read and COMMIT's
 * four), and still returns the version it wrote, and a stale save is
 * still refused as a conflict.  Counted on the wire (PQtrace), as a
 * clerk.  Fails before: four round trips. */
static void
test_save_one_round_trip (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (clerk, &error);
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRequest) stale = NULL;
  g_autoptr(CstRequest) refused = NULL;
  CstTestTrace trace = { 0 };
  guint round_trips = 0;

  g_assert_no_error (error);
  request = cst_test_db_add_request (conn, "REPO-ONE-TRIP");
  stale = cst_request_copy (request);
  /* The first two saves send the text, then prepare it (cst_db_exec). */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *purpose = g_strdup_printf ("save %u", i);
      g_autoptr(CstRequest) edited = cst_request_copy (request);
      g_autoptr(CstRequest) saved = NULL;
      g_autofree char *saved_purpose = NULL;

      g_object_set (edited, "purpose", purpose, NULL);
      if (i == 2)
        cst_test_trace_start (conn, &trace);
      saved = cst_request_repo_save (conn, edited, &error);
      if (i == 2)
        round_trips = cst_test_trace_stop (conn, &trace);
      g_assert_no_error (error);
      g_assert_cmpint (cst_request_get_version (saved), ==, cst_request_get_version (request) + 1);
      g_object_get (saved, "purpose", &saved_purpose, NULL);
      g_assert_cmpstr (saved_purpose, ==, purpose);
      g_set_object (&request, saved);
    }
  g_test_message ("save on a warm connection: %u round trips", round_trips);
  g_assert_cmpuint (round_trips, ==, 1);
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);

  refused = cst_request_repo_save (conn, stale, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONFLICT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/repo/create-and-find", test_create_and_find);
  g_test_add_func ("/repo/save-roundtrip", test_save_roundtrip);
  g_test_add_func ("/repo/purpose-code-and-directive", test_purpose_code_and_directive);
  g_test_add_func ("/repo/optimistic-conflict", test_optimistic_conflict);
  g_test_add_func ("/repo/save-one-round-trip", test_save_one_round_trip);
  g_test_add_func ("/repo/single-extension", test_single_extension);
  g_test_add_func ("/repo/bad-input", test_bad_input_changes_nothing);
  g_test_add_func ("/repo/mrn-conflict", test_mrn_belongs_to_someone_else);
  g_test_add_func ("/repo/unreachable", test_unreachable_server);
  g_test_add_func ("/repo/wrong-password", test_wrong_password);
  g_test_add_func ("/repo/statement-timeout", test_statement_timeout);
  g_test_add_func ("/repo/search-closed/words", test_search_closed_words);
  g_test_add_func ("/repo/search-closed/follows-changes", test_search_closed_follows_changes);
  g_test_add_func ("/repo/search-closed/one-statement", test_search_closed_one_statement);
  g_test_add_func ("/repo/search-closed/cancel", test_search_closed_cancel);
  return cst_test_db_run (&db);
}
