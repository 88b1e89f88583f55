/* test-release.c — releasing is one transaction: status, disclosure,
 * cover letter and invoice all exist afterwards, or none of them does */
#include "config.h"

#include "cst-test-db.h"

#include "cst-document-cache-private.h"

#include <stdio.h>

static CstTestDb *db;

/* The round trips a release may make to the server (issue 24): with its
 * documents prepared, the one call and the request read back go in one
 * pipeline; without, a snapshot reads what the cover letter is made from
 * first (BEGIN, the inputs' digest, the letterhead, the template, the
 * parts withheld, the invoice, COMMIT).  It was 13 before the one call:
 * the same reads, then BEGIN, the document, the invoices again, the
 * release function, the request, COMMIT. */
#define ROUND_TRIPS_PREPARED 1
#define ROUND_TRIPS_UNPREPARED 8

static CstRequest *
ready_request (PGconn     *conn,
               const char *mrn)
{
  return cst_test_db_move_along (conn, cst_test_db_add_request (conn, mrn), CST_STATUS_READY);
}

static void
test_release_makes_everything (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = ready_request (conn, "REL-1");
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  /* The test patient asks for her own records: the HIPAA flat fee. */
  g_object_set (request, "page-count", 12, NULL);
  cst_test_db_issue_invoice (conn, request, CST_FEE_METHOD_HIPAA_FLAT);
  release = cst_release_run (conn, request, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);
  g_assert_cmpint (release->disclosure_id, >, 0);
  g_assert_nonnull (release->cover_letter);
  g_assert_nonnull (release->invoice);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (release->cover_letter, NULL), "%PDF"));
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1", cst_request_get_id (request)), ==, 1);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1", cst_request_get_id (request)), ==, 2);
}

/* A step that fails leaves nothing behind: not the status, not the
 * disclosure, not a half-made document record. */
static void
test_failed_release_changes_nothing (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = ready_request (conn, "REL-2");
  g_autoptr(CstRequest) stale = cst_request_copy (request);
  g_autoptr(CstRequest) after = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  /* No template in this language: the cover letter cannot be made. */
  release = cst_release_run (conn, request, "xx", &options, &error);
  g_assert_null (release);
  g_assert_nonnull (error);
  after = cst_request_repo_get (conn, cst_request_get_id (request), NULL);
  g_assert_cmpint (cst_request_get_status (after), ==, CST_STATUS_READY);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1", cst_request_get_id (request)), ==, 0);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1", cst_request_get_id (request)), ==, 0);

  /* Another clerk saved first: the release is refused as a conflict. */
  g_clear_object (&after);
  g_object_set (request, "purpose", "Changed by someone else", NULL);
  after = cst_request_repo_save (conn, request, NULL);
  g_clear_error (&error);
  release = cst_release_run (conn, stale, "en", &options, &error);
  g_assert_null (release);
  g_assert_error (error, CST_ERROR, CST_ERROR_CONFLICT);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1", cst_request_get_id (request)), ==, 0);
}

/* Inside a caller's transaction the release is one step of it: rolled
 * back with it, not committed on its own. */
static void
test_release_joins_callers_transaction (void)
{
  g_autoptr(PGconn) conn = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request = ready_request (conn, "REL-3");
  g_autoptr(CstRequest) after = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  g_assert_true (cst_db_begin (conn, &error));
  release = cst_release_run (conn, request, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_INTRANS);
  cst_db_rollback (conn);
  after = cst_request_repo_get (conn, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (after), ==, CST_STATUS_READY);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1", cst_request_get_id (request)), ==, 0);
}

typedef struct
{
  char       *conninfo;
  CstRequest *request;
  CstRelease *release;
  GError     *error;
} Attempt;

static gpointer
release_thread (gpointer data)
{
  Attempt *attempt = data;
  g_autoptr(PGconn) conn = cst_db_connect (attempt->conninfo, &attempt->error);
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  if (conn != NULL)
    attempt->release = cst_release_run (conn, attempt->request, "en", &options, &attempt->error);
  return NULL;
}

/* Waits until the session of @login waits for a lock; returns what it
 * holds for writing then (a transaction id, relation locks of writers). */
static gint64
wait_until_blocked (PGconn     *owner,
                    const char *login)
{
  for (int tries = 0; tries < 600; tries++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) res = cst_db_exec (owner,
        "SELECT (a.backend_xid IS NOT NULL)::int"
        "       + (SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
        "            AND l.mode IN ('RowExclusiveLock', 'RowShareLock', 'ExclusiveLock')"
        "            AND l.locktype = 'relation')"
        "  FROM pg_stat_activity a WHERE a.usename = $1 AND a.wait_event_type = 'Lock'",
        1, (const char *[]) { login }, &error);

      g_assert_no_error (error);
      if (PQntuples (res) == 1)
        return cst_db_int64 (res, 0, 0);
      g_usleep (50 * G_USEC_PER_SEC / 1000);
    }
  g_error ("the release never waited for a lock");
}

/* Issue 24: the documents are made before the release writes anything.
 * The invoices are locked away while the clerk releases an invoiced
 * request; the release waits to read them (to make the invoice) and must
 * not have written a row by then: no transaction id, no lock taken for a
 * write.  Made inside the transaction, the cover letter was recorded
 * first and the request's rows stayed locked while the invoice rendered. */
static void
test_release_renders_before_writing (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) locker = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = ready_request (conn, "REL-4");
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) login = cst_db_exec (conn, "SELECT session_user", 0, NULL, &error);
  Attempt attempt = { clerk, request, NULL, NULL };
  gint64 blocked = -1;

  g_object_set (request, "page-count", 12, NULL);
  cst_test_db_issue_invoice (conn, request, CST_FEE_METHOD_HIPAA_FLAT);
  {
    gint64 id = cst_request_get_id (request);

    g_clear_object (&request);
    request = cst_request_repo_get (conn, id, &error);
    g_assert_no_error (error);
    attempt.request = request;
  }
  cst_test_db_exec_ok (locker, "BEGIN", 0, NULL);
  cst_test_db_exec_ok (locker, "LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE", 0, NULL);
  thread = g_thread_new ("release", release_thread, &attempt);
  blocked = wait_until_blocked (owner, cst_db_value (login, 0, 0));
  g_assert_cmpint (blocked, ==, 0);
  cst_test_db_exec_ok (locker, "COMMIT", 0, NULL);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_no_error (attempt.error);
  g_assert_nonnull (attempt.release);
  g_assert_nonnull (attempt.release->invoice);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 2);
  cst_release_free (attempt.release);
}

/* An invoice issued after the documents were made (here: while the
 * release waits to record them) makes the release refuse as a conflict
 * and write nothing: it would otherwise send an invoice that is no
 * longer the one owed. */
static void
test_release_refuses_invoice_changed (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *other_clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(PGconn) other = cst_db_connect (other_clerk, NULL);
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) locker = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = ready_request (conn, "REL-5");
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) login = cst_db_exec (conn, "SELECT session_user", 0, NULL, &error);
  Attempt attempt = { clerk, request, NULL, NULL };

  g_object_set (request, "page-count", 12, NULL);
  cst_test_db_exec_ok (locker, "BEGIN", 0, NULL);
  cst_test_db_exec_ok (locker, "LOCK TABLE rendered_documents IN ACCESS EXCLUSIVE MODE", 0, NULL);
  thread = g_thread_new ("release", release_thread, &attempt);
  wait_until_blocked (owner, cst_db_value (login, 0, 0));
  {
    g_autoptr(CstRequest) copy = cst_request_copy (request);

    cst_test_db_issue_invoice (other, copy, CST_FEE_METHOD_HIPAA_FLAT);
  }
  cst_test_db_exec_ok (locker, "COMMIT", 0, NULL);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_null (attempt.release);
  g_assert_error (attempt.error, CST_ERROR, CST_ERROR_CONFLICT);
  g_clear_error (&attempt.error);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 0);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 0);
}

static char *
recorded_sha256 (PGconn     *conn,
                 CstRequest *request,
                 int         nth)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *offset = g_strdup_printf ("%d", nth);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT sha256 FROM rendered_documents WHERE request_id = $1::bigint ORDER BY id OFFSET $2::int LIMIT 1",
    2, (const char *[]) { id, offset }, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (res), ==, 1);
  return g_strdup (cst_db_value (res, 0, 0));
}

/* Issue 24: the documents a release records are made when a ready
 * request is opened (cst_release_prepare(), from its release forms); the
 * release of the request as it stands records those, drawing nothing
 * while the clerk waits, and the server hashes the same bytes the
 * release hands back. */
static void
test_release_uses_prepared_documents (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) ready = ready_request (conn, "REL-6");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *letter_sha = NULL;
  g_autofree char *invoice_sha = NULL;
  g_autofree char *recorded_letter = NULL;
  g_autofree char *recorded_invoice = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  guint drawn;

  g_object_set (ready, "page-count", 12, NULL);
  cst_test_db_issue_invoice (conn, ready, CST_FEE_METHOD_HIPAA_FLAT);
  request = cst_request_repo_get (conn, cst_request_get_id (ready), &error);
  g_assert_no_error (error);
  drawn = cst_document_cache_n_drawn ();
  cst_release_prepare (conn, request, "en", &options);
  g_assert_cmpuint (cst_document_cache_n_drawn (), ==, drawn + 2);   /* letter and invoice */
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 0);

  release = cst_release_run (conn, request, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_document_cache_n_drawn (), ==, drawn + 2);   /* nothing drawn again */
  letter_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, release->cover_letter);
  invoice_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, release->invoice);
  recorded_letter = recorded_sha256 (conn, request, 0);
  recorded_invoice = recorded_sha256 (conn, request, 1);
  g_assert_cmpstr (recorded_letter, ==, letter_sha);
  g_assert_cmpstr (recorded_invoice, ==, invoice_sha);
}

/* What changed after the documents were made is in the letter: a part
 * withheld after the request was opened draws the letter again, with it. */
static void
test_release_draws_what_changed (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) ready = ready_request (conn, "REL-7");
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(CstDocumentTemplate) tpl = NULL;
  g_autoptr(GBytes) prepared = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  guint drawn = cst_document_cache_n_drawn ();
  guint pages = 0;

  cst_release_prepare (conn, ready, "en", &options);
  g_assert_cmpuint (cst_document_cache_n_drawn (), ==, drawn + 1);   /* no invoice: the letter */
  prepared = cst_document_repo_make (conn, CST_DOCUMENT_COVER_LETTER, ready, "en", NULL, &options,
                                     &tpl, &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_document_cache_n_drawn (), ==, drawn + 1);   /* the same, kept */

  g_assert_true (cst_withholding_record (conn, ready, CST_WITHHELD_PSYCHOTHERAPY_NOTES,
                                         "Therapy session notes, 2024", &error));
  g_assert_no_error (error);
  request = cst_request_repo_get (conn, cst_request_get_id (ready), &error);
  g_assert_no_error (error);
  release = cst_release_run (conn, request, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_document_cache_n_drawn (), ==, drawn + 2);
  g_assert_false (g_bytes_equal (release->cover_letter, prepared));
  /* The prepared letter was refused before anything was written. */
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM rendered_documents WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 1);
}

/* Issue 24: a release whose documents were prepared is one round trip to
 * the server; one that makes them first adds only the snapshot that reads
 * what they are made from.  Counted on the wire (PQtrace), as a clerk. */
static void
test_release_round_trips (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) prepared = ready_request (conn, "REL-8");
  g_autoptr(CstRequest) unprepared = ready_request (conn, "REL-9");
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);
  CstTestTrace trace = { 0 };
  guint round_trips;

  cst_release_prepare (conn, prepared, language, &options);
  cst_test_trace_start (conn, &trace);
  release = cst_release_run (conn, prepared, language, &options, &error);
  round_trips = cst_test_trace_stop (conn, &trace);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);
  g_assert_cmpint (cst_request_get_version (release->request), >, cst_request_get_version (prepared));
  g_test_message ("prepared release: %u round trips", round_trips);
  g_assert_cmpuint (round_trips, <=, ROUND_TRIPS_PREPARED);

  g_clear_pointer (&release, cst_release_free);
  cst_test_trace_start (conn, &trace);
  release = cst_release_run (conn, unprepared, language, &options, &error);
  round_trips = cst_test_trace_stop (conn, &trace);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);
  g_test_message ("unprepared release: %u round trips", round_trips);
  g_assert_cmpuint (round_trips, <=, ROUND_TRIPS_UNPREPARED);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                                           cst_request_get_id (unprepared)), ==, 1);
}

/* The preparation and the release at the desk ask one function for the
 * language and paper (cst_release_desk_setup()): what the release forms
 * prepare is what the desk's release finds, with nothing drawn again. */
static void
test_release_desk_finds_prepared (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = ready_request (conn, "REL-10");
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);
  guint drawn;

  cst_release_prepare (conn, request, language, &options);
  drawn = cst_document_cache_n_drawn ();
  /* The desk's defaults, asked again as the store's release asks them. */
  language = cst_release_desk_setup (&options);
  release = cst_release_run (conn, request, language, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cst_document_cache_n_drawn (), ==, drawn);
  g_assert_cmpstr (language, ==, "en");
  g_assert_cmpint (options.paper, ==, CST_PDF_PAPER_LETTER);
}

/* The release's read-back goes as the connection's prepared statement
 * (cst_db_send_query()); dropped behind the connection's back (a pooler,
 * DEALLOCATE ALL) it fails in the pipeline, which rolls the call back
 * whole, and the release is sent again: released once, one disclosure. */
static void
test_release_survives_dropped_statements (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = ready_request (conn, "REL-11");
  g_autoptr(CstRequest) read = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(PGresult) dropped = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);

  /* Opened twice: the request's read is prepared on the connection. */
  for (int i = 0; i < 2; i++)
    {
      g_clear_object (&read);
      read = cst_request_repo_get (conn, cst_request_get_id (request), &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (cst_test_db_int (conn, "SELECT count(*) FROM pg_prepared_statements", 0, NULL), >, 0);
  /* The documents made first: the release is then its pipeline alone. */
  cst_release_prepare (conn, read, language, &options);
  dropped = PQexec (conn, "DEALLOCATE ALL");
  g_assert_cmpint (PQresultStatus (dropped), ==, PGRES_COMMAND_OK);

  release = cst_release_run (conn, read, language, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (release);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);
  g_assert_cmpint (cst_test_db_int_for_id (conn, "SELECT count(*) FROM disclosures WHERE request_id = $1",
                                           cst_request_get_id (request)), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/release/makes-everything", test_release_makes_everything);
  g_test_add_func ("/release/failed-changes-nothing", test_failed_release_changes_nothing);
  g_test_add_func ("/release/joins-callers-transaction", test_release_joins_callers_transaction);
  g_test_add_func ("/release/renders-before-writing", test_release_renders_before_writing);
  g_test_add_func ("/release/refuses-invoice-changed", test_release_refuses_invoice_changed);
  g_test_add_func ("/release/uses-prepared-documents", test_release_uses_prepared_documents);
  g_test_add_func ("/release/draws-what-changed", test_release_draws_what_changed);
  g_test_add_func ("/release/round-trips", test_release_round_trips);
  g_test_add_func ("/release/desk-finds-prepared", test_release_desk_finds_prepared);
  g_test_add_func ("/release/survives-dropped-statements", test_release_survives_dropped_statements);
  return cst_test_db_run (&db);
}
