/* test-async-jobs.c — the model's _async jobs the views call (issue 16),
 * as the clerk's ordinary login: each stores or reads on the
 * connection's worker thread what the blocking call it wraps would, and a
 * cancelled call ends in G_IO_ERROR_CANCELLED. */
#include "config.h"

#include <locale.h>

#include "cst-test-db.h"
#include "cst-test-pdf.h"
#include "cst-test-async.h"

static CstTestDb *db;

static CstConnection *
clerk_connection (PGconn **conn)
{
  g_autofree char *login = cst_test_db_create_login (db, "custodian_clerk");

  if (conn != NULL)
    *conn = cst_db_connect (login, NULL);
  return cst_connection_new (login);
}

/* ---- the documents dialog -------------------------------------------------- */

static char *
preview_text (CstConnection   *connection,
              CstDocumentKind  kind,
              CstRequest      *request,
              const char      *language)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;

  cst_document_repo_preview_async (connection, kind, request, language, "", NULL, cst_test_result_cb, &result);
  pdf = cst_document_repo_preview_finish (connection, cst_test_wait_result (&result, 20), &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  return cst_test_pdf_squash (text);
}

static void
test_document_preview (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstConnection) connection = clerk_connection (&conn);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "ASYNC-DOC-1");
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cover = preview_text (connection, CST_DOCUMENT_COVER_LETTER, request, "en");
  g_autofree char *spanish = preview_text (connection, CST_DOCUMENT_COVER_LETTER, request, "es");
  g_autofree char *accounting = preview_text (connection, CST_DOCUMENT_ACCOUNTING, request, "en");

  g_assert_nonnull (strstr (cover, cst_request_get_reference (request)));
  g_assert_nonnull (strstr (spanish, cst_request_get_reference (request)));
  g_assert_cmpstr (cover, !=, spanish);
  g_assert_nonnull (strstr (accounting, "JoséNúñez"));

  g_cancellable_cancel (cancelled);
  cst_document_repo_preview_async (connection, CST_DOCUMENT_INVOICE, request, "en", NULL,
                                    cancelled, cst_test_result_cb, &result);
  g_assert_null (cst_document_repo_preview_finish (connection, cst_test_wait_result (&result, 20), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- the authorization checklist ----------------------------------------- */

static const CstAuthorizationItem *
find_item (GPtrArray  *items,
           const char *code)
{
  for (guint i = 0; i < items->len; i++)
    {
      const CstAuthorizationItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->code, code))
        return item;
    }
  g_assert_not_reached ();
}

static GPtrArray *
check (CstConnection            *connection,
       CstRequest               *request,
       const char               *code,
       CstAuthorizationFinding   finding,
       GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cst_authorization_check_async (connection, request, code, finding, NULL, cst_test_result_cb, &result);
  return cst_authorization_check_finish (connection, cst_test_wait_result (&result, 20), error);
}

static void
test_authorization_check (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstConnection) connection = clerk_connection (&conn);
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (conn, "ASYNC-AUTH-1", "Demo Law Group",
                                                               CST_REQUESTER_ATTORNEY, "NY");
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(GError) error = NULL;

  read = check (connection, request, NULL, CST_AUTHORIZATION_UNCHECKED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (find_item (read, "right_to_revoke")->finding, ==, CST_AUTHORIZATION_UNCHECKED);
  gaps = cst_authorization_gaps (read);
  g_assert_cmpuint (gaps->len, ==, read->len);

  saved = check (connection, request, "right_to_revoke", CST_AUTHORIZATION_PRESENT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->len, ==, read->len);
  g_assert_cmpint (find_item (saved, "right_to_revoke")->finding, ==, CST_AUTHORIZATION_PRESENT);
  /* The server's stamp: the clerk's login. */
  g_assert_nonnull (find_item (saved, "right_to_revoke")->checked_by);
  g_assert_null (find_item (saved, "signature")->checked_by);

  /* The signature is never "not applicable": refused, nothing read. */
  refused = check (connection, request, "signature", CST_AUTHORIZATION_NOT_APPLICABLE, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
}

/* ---- the request's safeguards -------------------------------------------- */

static CstSafeguards *
load_safeguards (CstConnection *connection,
                 CstRequest    *request)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CstSafeguards *safeguards;

  cst_safeguards_load_async (connection, request, NULL, cst_test_result_cb, &result);
  safeguards = cst_safeguards_load_finish (connection, cst_test_wait_result (&result, 20), &error);
  g_assert_no_error (error);
  return safeguards;
}

static void
test_safeguards_repeats (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstConnection) connection = clerk_connection (&conn);
  g_autoptr(CstRequest) first = cst_test_db_add_request_for (conn, "ASYNC-REP-1", "José Núñez",
                                                             CST_REQUESTER_PATIENT, "NY");
  g_autoptr(CstRequest) second = cst_test_db_add_request_for (conn, "ASYNC-REP-1", "José Núñez",
                                                              CST_REQUESTER_PATIENT, "NY");
  g_autoptr(CstSafeguards) of_first = load_safeguards (connection, first);
  g_autoptr(CstSafeguards) of_second = load_safeguards (connection, second);

  g_assert_cmpuint (of_first->service_days, >, 0);
  g_assert_cmpint (of_first->repeat.repeat_of, ==, 0);
  g_assert_cmpuint (of_first->repeated_by->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (of_first->repeated_by, 0), ==, cst_request_get_reference (second));
  g_assert_cmpint (of_second->repeat.repeat_of, ==, cst_request_get_id (first));
  g_assert_cmpstr (of_second->repeat.repeat_of_reference, ==, cst_request_get_reference (first));
  g_assert_cmpuint (of_second->repeated_by->len, ==, 0);
  /* Not a representative: nothing to read about one. */
  g_assert_cmpint (of_first->representative_id, ==, 0);
}

static CstSafeguards *
record_representative (CstConnection  *connection,
                       CstRequest     *request,
                       const char     *document,
                       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GDate) until = g_date_new_dmy (31, 12, 2099);

  cst_safeguards_record_representative_async (connection, request, CST_AUTHORITY_GUARDIAN, document,
                                              until, NULL, cst_test_result_cb, &result);
  return cst_safeguards_record_representative_finish (connection, cst_test_wait_result (&result, 20), error);
}

static void
test_safeguards_representative (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstConnection) connection = clerk_connection (&conn);
  g_autoptr(CstRequest) request = cst_test_db_add_request_for (conn, "ASYNC-REP-2", "Ana Núñez",
                                                               CST_REQUESTER_PERSONAL_REPRESENTATIVE,
                                                               "NY");
  g_autoptr(CstSafeguards) before = load_safeguards (connection, request);
  g_autoptr(CstSafeguards) refused = NULL;
  g_autoptr(CstSafeguards) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (before->representative_id, ==, 0);
  /* A blank document proves nothing: refused, and nothing is on file. */
  refused = record_representative (connection, request, " ", &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&before, cst_safeguards_free);
  before = load_safeguards (connection, request);
  g_assert_cmpint (before->representative_id, ==, 0);

  after = record_representative (connection, request, "Letters of guardianship, docket 12-345", &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->representative_id, >, 0);
  g_assert_cmpint (after->representative.authority, ==, CST_AUTHORITY_GUARDIAN);
  g_assert_cmpstr (after->representative.document, ==, "Letters of guardianship, docket 12-345");
  g_assert_nonnull (after->representative.valid_until);
  g_assert_nonnull (after->representative.verified_by);
}

/* ---- the release forms ----------------------------------------------------- */

static CstReleaseOnFile *
on_file_finish (CstConnection  *connection,
                GAsyncResult  **result,
                GError        **error)
{
  return cst_release_on_file_finish (connection, cst_test_wait_result (result, 20), error);
}

static void
test_release_no_records (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstConnection) searcher = clerk_connection (&conn);
  g_autoptr(CstConnection) second = clerk_connection (NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "ASYNC-REL-1");
  const char *const systems[] = { "Epic", NULL };
  const char *const locations[] = { "Main campus HIM", NULL };
  g_autoptr(GDate) from = g_date_new_dmy (1, 1, 2015);
  g_autoptr(GDate) to = g_date_new_dmy (1, 1, 2025);
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL;
  g_autoptr(CstReleaseOnFile) empty = NULL, searched = NULL, own = NULL, signed_off = NULL, answered = NULL;
  g_autoptr(GError) error = NULL;

  cst_release_on_file_load_async (searcher, request, NULL, cst_test_result_cb, &r1);
  empty = on_file_finish (searcher, &r1, &error);
  g_assert_no_error (error);
  g_assert_null (empty->search);
  g_assert_null (empty->proof);
  g_assert_cmpuint (empty->withholdings->len, ==, 0);

  cst_release_on_file_record_search_async (searcher, request, systems, from, to, locations, NULL,
                                           cst_test_result_cb, &r2);
  searched = on_file_finish (searcher, &r2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (searched->search);
  g_assert_cmpstr (searched->search->systems[0], ==, "Epic");
  g_assert_null (searched->search->signed_off_by);

  /* Not by the one who searched. */
  cst_release_on_file_sign_off_async (searcher, request, NULL, cst_test_result_cb, &r3);
  own = on_file_finish (searcher, &r3, &error);
  g_assert_null (own);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  cst_release_on_file_sign_off_async (second, request, NULL, cst_test_result_cb, &r4);
  signed_off = on_file_finish (second, &r4, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signed_off->search->signed_off_by);
  g_assert_cmpstr (signed_off->search->signed_off_by, !=, signed_off->search->searched_by);
  g_assert_null (signed_off->answered);

  cst_release_on_file_answer_no_records_async (searcher, request, "Ask Clinic X", NULL, cst_test_result_cb, &r5);
  answered = on_file_finish (searcher, &r5, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answered->answered);
  g_assert_cmpint (cst_request_get_status (answered->answered), ==, CST_STATUS_DENIED);
}

static void
test_release_particulars (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(CstConnection) connection = clerk_connection (&conn);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "ASYNC-REL-2");
  g_autoptr(GPtrArray) withheld = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_withholding_free);
  CstWithholding notes = { CST_WITHHELD_PSYCHOTHERAPY_NOTES, g_strdup ("Psychotherapy notes"), NULL };
  /* Paper where electronic was asked, and no agreed reason: refused. */
  CstDelivery paper = { .produced_format = CST_FORMAT_PAPER, .delivery = CST_DELIVERY_PORTAL,
                        .mismatch_reason = "  " };
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(CstReleaseOnFile) refused = NULL, nothing = NULL, recorded = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (withheld, g_memdup2 (&notes, sizeof notes));
  cst_release_on_file_record_particulars_async (connection, request, withheld, &paper, NULL,
                                                cst_test_result_cb, &r1);
  refused = on_file_finish (connection, &r1, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* All or nothing: the withholding did not go in either. */
  cst_release_on_file_load_async (connection, request, NULL, cst_test_result_cb, &r2);
  nothing = on_file_finish (connection, &r2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nothing->withholdings->len, ==, 0);
  g_assert_null (nothing->proof);

  paper.mismatch_reason = "Requester asked for paper at the desk";
  cst_release_on_file_record_particulars_async (connection, request, withheld, &paper, NULL,
                                                cst_test_result_cb, &r3);
  /* The job holds copies: the caller's may go at once. */
  g_ptr_array_set_size (withheld, 0);
  recorded = on_file_finish (connection, &r3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recorded->withholdings->len, ==, 1);
  g_assert_cmpstr (((CstWithholding *) g_ptr_array_index (recorded->withholdings, 0))->description, ==,
                   "Psychotherapy notes");
  g_assert_nonnull (recorded->proof);
  g_assert_cmpint (recorded->proof->produced_format, ==, CST_FORMAT_PAPER);
  g_assert_cmpstr (recorded->proof->mismatch_reason, ==, "Requester asked for paper at the desk");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/async-jobs/document-preview", test_document_preview);
  g_test_add_func ("/async-jobs/authorization-check", test_authorization_check);
  g_test_add_func ("/async-jobs/safeguards-repeats", test_safeguards_repeats);
  g_test_add_func ("/async-jobs/safeguards-representative", test_safeguards_representative);
  g_test_add_func ("/async-jobs/release-no-records", test_release_no_records);
  g_test_add_func ("/async-jobs/release-particulars", test_release_particulars);
  return cst_test_db_run (&db);
}
