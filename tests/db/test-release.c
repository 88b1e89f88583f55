/* test-release.c — releasing is one transaction: status, disclosure,
 * cover letter and invoice all exist afterwards, or none of them does */
#include "config.h"

#include "cst-test-db.h"

static CstTestDb *db;

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/release/makes-everything", test_release_makes_everything);
  g_test_add_func ("/release/failed-changes-nothing", test_failed_release_changes_nothing);
  g_test_add_func ("/release/joins-callers-transaction", test_release_joins_callers_transaction);
  return cst_test_db_run (&db);
}
