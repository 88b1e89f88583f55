/* test-packet-pages.c — the pages a request releases, as the clerk: pages
 * left out with a withholding reason and put back, the documents
 * reordered, paper-only pages counted; the packet built from it read back
 * with Poppler (the pages left out are absent, the order is the one
 * chosen, "page N of M" counts what is released); the request's page
 * count (the fee's) follows; a closed request, another role, a page not
 * in the document and a partial order are refused with nothing changed. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-packet-pages.h"
#include "custodian/cst-request-repo.h"

#include "cst-test-async.h"
#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *desk;   /* a clerk's login: the desk chooses the pages */

/* A request with two text PDFs: "Discharge" (3 pages), then "Labs" (2). */
static CstRequest *
request_with_records (PGconn     *owner,
                      const char *mrn,
                      const char *dir,
                      gint64      ids[2])
{
  CstRequest *request = cst_test_db_add_request (owner, mrn);
  g_autofree char *discharge = cst_test_records_pdf (dir, "discharge.pdf", 3, "Discharge");
  g_autofree char *labs = cst_test_records_pdf (dir, "labs.pdf", 2, "Labs");
  const char *paths[] = { discharge, labs, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (request),
                                                 paths, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 2);
  ids[0] = ((CstRecordDocument *) g_ptr_array_index (docs, 0))->id;
  ids[1] = ((CstRecordDocument *) g_ptr_array_index (docs, 1))->id;
  return request;
}

static gint64
stored_page_count (PGconn     *owner,
                   CstRequest *request)
{
  return cst_test_db_int_for_id (owner, "SELECT page_count FROM roi_requests WHERE id = $1",
                                 cst_request_get_id (request));
}

static void
test_range_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pages = cst_page_range_parse (" 7, 1-3,2 ", 10, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 4);
  g_assert_cmpuint (g_array_index (pages, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (pages, guint, 3), ==, 7);
  text = cst_page_range_format ((const guint *) pages->data, pages->len);
  g_assert_cmpstr (text, ==, "1-3, 7");

  for (guint i = 0; i < 6; i++)
    {
      static const char *const bad[] = { "", "0", "11", "3-1", "1-2-3", "a" };
      g_autoptr(GError) refused = NULL;
      g_autoptr(GArray) none = cst_page_range_parse (bad[i], 10, &refused);

      g_assert_null (none);
      g_assert_error (refused, CST_ERROR, CST_ERROR_INVALID_INPUT);
    }
}

/* Page 2 of the discharge left out, the labs first: the packet has the
 * four other pages, in that order, stamped 1 to 4 of 4. */
static void
test_exclude_and_order_build (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-pages-XXXXXX", NULL);
  gint64 ids[2];
  g_autoptr(CstRequest) request = request_with_records (owner, "PPG-1", dir, ids);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(CstPacketBuild) build = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *all = NULL;
  const gint64 order[] = { ids[1], ids[0] };
  guint changed = 0;

  g_assert_cmpint (stored_page_count (owner, request), ==, 5);
  outline = cst_packet_pages_exclude_at (desk, reference, ids[0], "2", CST_WITHHELD_PSYCHOTHERAPY_NOTES,
                                         &changed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (outline->included_pages, ==, 4);
  g_assert_cmpuint (outline->released_pages, ==, 4);
  g_clear_pointer (&outline, cst_packet_outline_free);
  outline = cst_packet_pages_order_at (desk, reference, order, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((CstPacketPages *) g_ptr_array_index (outline->documents, 0))->document->id, ==, ids[1]);
  {
    CstPacketPages *discharge = g_ptr_array_index (outline->documents, 1);
    CstWithheldReason reason = CST_WITHHELD_PART2;

    g_assert_cmpuint (discharge->included, ==, 2);
    g_assert_true (cst_packet_pages_is_excluded (discharge, 2, &reason));
    g_assert_cmpint (reason, ==, CST_WITHHELD_PSYCHOTHERAPY_NOTES);
    g_assert_false (cst_packet_pages_is_excluded (discharge, 1, NULL));
  }
  /* The fee's page count is the released one. */
  g_assert_cmpint (stored_page_count (owner, request), ==, 4);

  build = cst_packet_build (clerk, cst_request_get_id (request), packet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (build->record_pages, ==, 4);
  pdf = cst_test_pdf_open_file (packet);
  /* The letters come first (packet-assemble), then the four record pages. */
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, (int) build->pages);
  g_assert_cmpuint (build->pages, ==, build->record_pages + 1);
  {
    static const char *const expected[] = { "Labs page 1", "Labs page 2", "Discharge page 1",
                                            "Discharge page 3" };
    int first = (int) (build->pages - build->record_pages);

    for (int i = 0; i < 4; i++)
      {
        g_autofree char *text = cst_test_pdf_page_text (pdf, first + i);
        g_autofree char *stamp = g_strdup_printf ("page %d of 4", i + 1);

        g_assert_nonnull (strstr (text, expected[i]));
        g_assert_nonnull (strstr (text, stamp));
      }
  }
  all = cst_test_pdf_text (pdf);
  g_assert_null (strstr (all, "Discharge page 2"));
  /* Where each document sits, as the release records it (0068): the
   * letter, labs at 2-3, the discharge summary's two released pages at
   * 4-5, not its three. */
  {
    static const struct { int n; const char *key; gint64 page; } where[] = {
      { 0, "first_page", 2 }, { 0, "last_page", 3 }, { 1, "first_page", 4 }, { 1, "last_page", 5 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (where); i++)
      {
        g_autofree char *sql = g_strdup_printf (
          "SELECT (packet_build_documents (b) -> %d ->> '%s')::bigint FROM record_packet_builds b"
          " WHERE request_id = $1 ORDER BY id DESC LIMIT 1", where[i].n, where[i].key);

        g_assert_cmpint (cst_test_db_int_for_id (owner, sql, cst_request_get_id (request)), ==,
                         where[i].page);
      }
  }
  cst_test_records_remove (dir);
}

/* Include undoes exclude; the audit log keeps both; paper pages count. */
static void
test_include_undoes_and_paper_counts (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-pages-XXXXXX", NULL);
  gint64 ids[2];
  g_autoptr(CstRequest) request = request_with_records (owner, "PPG-2", dir, ids);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(CstPacketBuild) build = NULL;
  g_autofree char *doc_id = g_strdup_printf ("%" G_GINT64_FORMAT, ids[1]);
  guint changed = 0;

  outline = cst_packet_pages_exclude_at (desk, reference, ids[1], "1-2", CST_WITHHELD_OUTSIDE_DATE_RANGE,
                                         &changed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outline->included_pages, ==, 3);
  g_clear_pointer (&outline, cst_packet_outline_free);
  outline = cst_packet_pages_include_at (desk, reference, ids[1], "1", &changed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (outline->included_pages, ==, 4);
  g_clear_pointer (&outline, cst_packet_outline_free);
  outline = cst_packet_pages_set_paper_at (desk, reference, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outline->paper_pages, ==, 7);
  g_assert_cmpuint (outline->released_pages, ==, 11);
  g_assert_cmpint (stored_page_count (owner, request), ==, 11);

  /* Left out, put back: both in the audit log, as the clerk. */
  {
    const char *params[] = { doc_id };

    g_assert_cmpint (cst_test_db_int (owner,
      "SELECT count(*) FROM audit_log WHERE table_name = 'record_page_exclusions'"
      " AND action = 'INSERT' AND new_row->>'document_id' = $1", 1, params), ==, 2);
    g_assert_cmpint (cst_test_db_int (owner,
      "SELECT count(*) FROM audit_log WHERE table_name = 'record_page_exclusions'"
      " AND action = 'DELETE' AND old_row->>'document_id' = $1 AND actor <> current_user",
      1, params), ==, 1);
  }

  /* The clerk's form cannot type another page count over the packet's. */
  {
    g_autoptr(CstRequest) edited = cst_request_repo_get (clerk, cst_request_get_id (request), &error);
    g_autoptr(CstRequest) saved = NULL;

    g_assert_no_error (error);
    g_object_set (edited, "page-count", 500, NULL);
    saved = cst_request_repo_save (clerk, edited, &error);
    g_assert_no_error (error);
    g_assert_cmpint (stored_page_count (owner, request), ==, 11);
  }

  build = cst_packet_build (clerk, cst_request_get_id (request), packet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (build->record_pages, ==, 4);
  cst_test_records_remove (dir);
}

/* Through the worker thread, as the page view does it. */
static void
test_async (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstConnection) connection = cst_connection_new (desk);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-pages-XXXXXX", NULL);
  gint64 ids[2];
  g_autoptr(CstRequest) request = request_with_records (owner, "PPG-3", dir, ids);
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(GError) error = NULL;
  guint page = 3;

  g_array_append_val (pages, page);
  cst_packet_pages_exclude_async (connection, cst_request_get_id (request), ids[0], pages,
                                  CST_WITHHELD_PART2, NULL, cst_test_result_cb, &result);
  outline = cst_packet_pages_finish (connection, cst_test_wait_result (&result, 30), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outline->included_pages, ==, 4);
  g_assert_cmpint (stored_page_count (owner, request), ==, 4);
  g_clear_object (&result);
  g_clear_pointer (&outline, cst_packet_outline_free);

  cst_packet_pages_view_async (connection, ids[0], NULL, cst_test_result_cb, &result);
  g_assert_true (cst_packet_pages_view_finish (connection, cst_test_wait_result (&result, 30), &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT count(*) FROM audit_log WHERE action = 'EVENT' AND new_row->>'kind' = 'record.viewed'"
    " AND (new_row->'details'->>'document_id')::bigint = $1", ids[0]), ==, 1);
  cst_test_records_remove (dir);
}

/* Refusals: nothing changes. */
static void
test_refused (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-pages-XXXXXX", NULL);
  gint64 ids[2];
  g_autoptr(CstRequest) request = request_with_records (owner, "PPG-4", dir, ids);
  const char *reference = cst_request_get_reference (request);
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketOutline) outline = NULL;
  guint page = 1;

  g_array_append_val (pages, page);
  /* Billing reads the page count but does not choose the pages. */
  g_assert_false (cst_packet_pages_exclude (billing, ids[0], pages, CST_WITHHELD_PART2, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A page not in the document (the server checks, not only the parser). */
  {
    g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
    guint nine = 9;

    g_array_index (pages, guint, 0) = nine;
    g_assert_false (cst_packet_pages_exclude (clerk, ids[0], pages, CST_WITHHELD_PART2, NULL, &error));
    g_assert_nonnull (strstr (error->message, "pages 1 to 3"));
    g_clear_error (&error);
    g_array_index (pages, guint, 0) = 1;

    /* An order that leaves a document out. */
    g_assert_false (cst_packet_pages_order (clerk, cst_request_get_id (request), ids, 1, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  outline = cst_packet_pages_exclude_at (desk, reference, ids[0], "4", CST_WITHHELD_PART2, NULL, &error);
  g_assert_null (outline);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* A closed request keeps its pages. */
  {
    /* Read again: adding the documents wrote its page count. */
    g_autoptr(CstRequest) current = cst_request_repo_get (owner, cst_request_get_id (request), &error);
    g_autoptr(CstRequest) cancelled = cst_request_repo_move (owner, current, CST_STATUS_CANCELLED,
                                                             "withdrawn", &error);

    g_assert_no_error (error);
    outline = cst_packet_pages_exclude_at (desk, reference, ids[0], "1", CST_WITHHELD_PART2, NULL, &error);
    g_assert_null (outline);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "closed"));
    g_clear_error (&error);
    outline = cst_packet_pages_set_paper_at (desk, reference, 3, &error);
    g_assert_null (outline);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT count(*) FROM record_page_exclusions x JOIN record_documents d ON d.id = x.document_id"
    " WHERE d.request_id = $1", cst_request_get_id (request)), ==, 0);
  g_assert_cmpint (stored_page_count (owner, request), ==, 5);
  cst_test_records_remove (dir);
}

/* custodian-cli packet exclude, include, order, paper, and list's
 * included pages, as the clerk. */
static void
test_cli (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-pages-XXXXXX", NULL);
  gint64 ids[2];
  g_autoptr(CstRequest) request = request_with_records (owner, "PPG-5", dir, ids);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *first = g_strdup_printf ("%" G_GINT64_FORMAT, ids[0]);
  g_autofree char *second = g_strdup_printf ("%" G_GINT64_FORMAT, ids[1]);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "exclude", "--request", reference,
                                     "--document", first, "--pages", "1,3",
                                     "--reason", "minor_confidential", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Left 2 more pages out of document"));
  g_assert_nonnull (strstr (out, "releases 3 pages: 3 of 5 record pages, 0 on paper only"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "list", "--request", reference,
                                     "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"pages\":3,\"included_pages\":1"));
  g_assert_nonnull (strstr (out, "\"pages\":2,\"included_pages\":2"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "include", "--request", reference,
                                     "--document", first, "--pages", "3", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Put 1 page of document"));
  g_assert_nonnull (strstr (out, "releases 4 pages"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "order", "--request", reference,
                                     second, first, NULL), ==, 0);
  g_assert_cmpint (cst_test_db_int_for_id (owner, "SELECT position FROM record_documents WHERE id = $1",
                                           ids[1]), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "paper", "--request", reference,
                                     "--pages", "6", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "releases 10 pages: 4 of 5 record pages, 6 on paper only"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A reason that is not one, a page not in the document: refused, nothing changed. */
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "exclude", "--request", reference,
                                     "--document", first, "--pages", "2", "--reason", "tired", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "exclude", "--request", reference,
                                     "--document", first, "--pages", "2-4", "--reason", "part2", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Page 4 is not in the document"));
  g_assert_cmpint (stored_page_count (owner, request), ==, 10);
  cst_test_records_remove (dir);
}

/* After an invoice, a changed page count says the invoice no longer
 * agrees (custodian-cli), and agrees again when the pages come back. */
static void
test_invoice_differs (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-pages-XXXXXX", NULL);
  gint64 ids[2];
  g_autoptr(CstRequest) request = request_with_records (owner, "PPG-6", dir, ids);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *first = g_strdup_printf ("%" G_GINT64_FORMAT, ids[0]);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRequest) stored = cst_request_repo_get (clerk, cst_request_get_id (request), &error);

  g_assert_no_error (error);
  cst_test_db_issue_invoice (clerk, stored, CST_FEE_METHOD_DEFAULT);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "exclude", "--request", reference,
                                     "--document", first, "--pages", "1", "--reason", "not_held", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "was quoted for 5 pages: it no longer agrees"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "include", "--request", reference,
                                     "--document", first, "--pages", "1", NULL), ==, 0);
  g_assert_null (strstr (out, "no longer agrees"));
  cst_test_records_remove (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  desk = cst_test_db_create_login (db, "custodian_clerk");
  g_test_add_func ("/packet-pages/range-parse", test_range_parse);
  g_test_add_func ("/packet-pages/exclude-and-order-build", test_exclude_and_order_build);
  g_test_add_func ("/packet-pages/include-undoes-and-paper-counts", test_include_undoes_and_paper_counts);
  g_test_add_func ("/packet-pages/async", test_async);
  g_test_add_func ("/packet-pages/refused", test_refused);
  g_test_add_func ("/packet-pages/cli", test_cli);
  g_test_add_func ("/packet-pages/invoice-differs", test_invoice_differs);
  status = g_test_run ();
  g_free (desk);
  cst_test_db_free (db);
  return status;
}
