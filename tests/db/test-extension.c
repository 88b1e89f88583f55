/* test-extension.c — the one extension needs its written notice on file
 * (45 CFR 164.524(b)(2)(iii)): refused without, in the model's call and in
 * the database; taken with it; the notice states the reason and new date. */
#include "config.h"

#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static void
test_refused_without_notice (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "EXT-1");
  g_autoptr(CstRequest) extended = NULL;
  g_autoptr(GBytes) notice = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  GDate today;

  cst_input_today (&today);
  g_assert_false (cst_extension_notice_on_file (conn, request, &error));
  g_assert_no_error (error);
  extended = cst_request_repo_extend (conn, request, &today, "Records stored off site", &error);
  g_assert_null (extended);
  g_assert_error (error, CST_ERROR, CST_ERROR_EXTENSION);
  g_clear_error (&error);
  g_assert_false (cst_db_exec_command (conn,
    "UPDATE roi_requests SET extended_on = current_date, extension_reason = 'x' WHERE id = $1",
    1, params, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_EXTENSION);
  g_clear_error (&error);

  /* Another kind of document is not a notice. */
  notice = cst_document_repo_render (conn, CST_DOCUMENT_COVER_LETTER, request, "en", NULL,
                                      &(CstDocumentOptions) { .paper = CST_PDF_PAPER_LETTER },
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cst_extension_notice_on_file (conn, request, &error));
  g_clear_pointer (&notice, g_bytes_unref);

  notice = cst_extension_render_notice (conn, request, &today, "Records stored off site",
                                        "en", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_extension_notice_on_file (conn, request, &error));
  extended = cst_request_repo_extend (conn, request, &today, "Records stored off site", &error);
  g_assert_no_error (error);
  g_assert_true (cst_request_is_extended (extended));
}

/* Notice and extension at once; the notice names the reason and the date
 * the extension sets. */
static void
test_take_with_notice (void)
{
  g_autofree char *clerk = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (clerk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "EXT-2");
  g_autoptr(CstRequest) extended = NULL;
  g_autoptr(GBytes) notice = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  g_autofree char *due = NULL;
  g_autofree char *due_squashed = NULL;
  GDate today;

  cst_input_today (&today);
  extended = cst_extension_take (conn, request, &today, "Records held at the archive",
                                 "en", NULL, &notice, &error);
  g_assert_no_error (error);
  g_assert_true (cst_request_is_extended (extended));
  doc = cst_test_pdf_open (notice);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  g_assert_nonnull (strstr (squashed, "Recordsheldatthearchive"));
  due = cst_pdf_format_date (cst_request_get_due_date (extended), "en");
  due_squashed = cst_test_pdf_squash (due);
  g_assert_nonnull (strstr (squashed, due_squashed));

  /* A blank reason renders nothing and extends nothing. */
  g_clear_object (&extended);
  g_clear_pointer (&notice, g_bytes_unref);
  {
    g_autoptr(CstRequest) other = cst_test_db_add_request (conn, "EXT-3");
    extended = cst_extension_take (conn, other, &today, " ", "en", NULL, &notice, &error);
    g_assert_null (extended);
    g_assert_null (notice);
    g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
    g_assert_false (cst_extension_notice_on_file (conn, other, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/extension/refused-without-notice", test_refused_without_notice);
  g_test_add_func ("/extension/take-with-notice", test_take_with_notice);
  return cst_test_db_run (&db);
}
