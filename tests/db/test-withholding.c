/* test-withholding.c — a partial release records what was withheld, by
 * category, stamped by the server; fixed once the request is closed.  The
 * cover letter, read back, names each withheld category and part, in the
 * letter's language, even from a template saved before that wording. */
#include "config.h"

#include "cst-test-db.h"
#include "cst-test-pdf.h"

static CstTestDb *db;

static void
test_withheld_by_category (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (conn, "WH-1");
  g_autoptr(CstRequest) cancelled = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) me = cst_db_exec (conn, "SELECT session_user", 0, NULL, NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };

  g_assert_false (cst_withholding_record (conn, request, CST_WITHHELD_PART2, " ", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (cst_withholding_record (conn, request, CST_WITHHELD_PART2,
                                         "Substance use program notes 2019", &error));
  g_assert_true (cst_withholding_record (conn, request, CST_WITHHELD_OUTSIDE_DATE_RANGE,
                                         "Visits before 2015", &error));
  g_assert_no_error (error);
  list = cst_withholding_list (conn, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((CstWithholding *) list->pdata[0])->reason, ==, CST_WITHHELD_PART2);
  g_assert_cmpint (((CstWithholding *) list->pdata[1])->reason, ==, CST_WITHHELD_OUTSIDE_DATE_RANGE);
  g_assert_cmpstr (((CstWithholding *) list->pdata[0])->recorded_by, ==, PQgetvalue (me, 0, 0));
  g_assert_cmpstr (cst_withheld_reason_get_label (CST_WITHHELD_PSYCHOTHERAPY_NOTES), ==,
                   "Psychotherapy notes");

  /* Append-only, and fixed once the request is closed. */
  g_assert_false (cst_db_exec_command (conn, "DELETE FROM release_withholdings WHERE request_id = $1",
                                       1, params, &error));
  g_clear_error (&error);
  cancelled = cst_request_repo_move (conn, request, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  g_assert_false (cst_withholding_record (conn, cancelled, CST_WITHHELD_NOT_HELD, "Late", &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
}

/* The cover letter as stored documents make it, read back, squashed. */
static char *
cover_letter_text (PGconn     *conn,
                   CstRequest *request,
                   const char *language)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = cst_document_repo_render (conn, CST_DOCUMENT_COVER_LETTER, request,
                                                     language, NULL, &options, NULL, &error);
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  return cst_test_pdf_squash (text);
}

static void
assert_before (const char *text,
               const char *first,
               const char *second)
{
  const char *a = strstr (text, first);
  const char *b = strstr (text, second);

  if (a == NULL || b == NULL || a > b)
    g_error ("“%s” should come before “%s” in: %s", first, second, text);
}

static CstRequest *
partial_release (PGconn     *conn,
                 const char *mrn)
{
  CstRequest *request = cst_test_db_add_request (conn, mrn);
  CstRequest *saved;
  g_autoptr(GError) error = NULL;

  g_object_set (request, "format", CST_FORMAT_PORTABLE_MEDIA, "delivery", CST_DELIVERY_MAIL, NULL);
  saved = cst_request_repo_save (conn, request, &error);
  g_assert_no_error (error);
  g_object_unref (request);
  g_assert_true (cst_withholding_record (conn, saved, CST_WITHHELD_PART2,
                                         "Substance use program notes 2019", &error));
  g_assert_true (cst_withholding_record (conn, saved, CST_WITHHELD_PSYCHOTHERAPY_NOTES,
                                         "Session notes 2023", &error));
  g_assert_no_error (error);
  return saved;
}

static void
test_cover_letter_says_why (void)
{
  g_autofree char *info = cst_test_db_create_login (db, "custodian_clerk");
  g_autoptr(PGconn) conn = cst_db_connect (info, NULL);
  g_autoptr(CstRequest) whole = cst_test_db_add_request (conn, "WH-2");
  g_autoptr(CstRequest) partial = partial_release (conn, "WH-3");
  g_autofree char *none = cover_letter_text (conn, whole, "en");
  g_autofree char *en = cover_letter_text (conn, partial, "en");
  g_autofree char *es = cover_letter_text (conn, partial, "es");

  g_assert_null (strstr (none, "Whatwedidnotrelease"));
  assert_before (en, "Whatwedidnotrelease,andwhy", "Substanceusedisordertreatmentrecordsprotectedby42CFRPart2");
  assert_before (en, "42CFRPart2", "Substanceuseprogramnotes2019");
  assert_before (en, "Substanceuseprogramnotes2019", "Psychotherapynotes,whicharenotpartoftherightofaccess");
  assert_before (en, "Psychotherapynotes,which", "Sessionnotes2023");
  g_assert_nonnull (strstr (en, "Portablemedia(CD,DVDorUSB)"));
  /* The Spanish letter is Spanish throughout: the categories, and the
   * format and delivery, whatever the program's own language. */
  assert_before (es, "Quénoentregamosyporqué", "Registrosdetratamiento");
  assert_before (es, "Substanceuseprogramnotes2019", "Notasdepsicoterapia");
  g_assert_nonnull (strstr (es, "Sessionnotes2023"));
  g_assert_nonnull (strstr (es, "Medioportátil(CD,DVDoUSB)"));
  g_assert_nonnull (strstr (es, "Correopostal"));
  g_assert_null (strstr (es, "Portablemedia"));
  g_assert_null (strstr (es, "Psychotherapy"));
}

/* A hospital's template saved before the withheld wording existed: the
 * letter still says what was withheld, in the shipped wording. */
static void
test_older_template_still_says_why (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");   /* keeps an older letter */
  g_autoptr(CstRequest) partial = partial_release (clerk, "WH-4");
  g_autoptr(GError) error = NULL;
  g_autofree char *shipped = cst_document_template_dup_default_body (CST_DOCUMENT_COVER_LETTER,
                                                                     "en", &error);
  g_auto(GStrv) lines = g_strsplit (shipped, "\n", -1);
  g_autoptr(GString) older = g_string_new (NULL);
  g_autoptr(CstDocumentTemplate) saved = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; lines[i]; i++)
    if (!g_str_has_prefix (lines[i], "withheld_") && !g_str_has_prefix (lines[i], "format_") &&
        !g_str_has_prefix (lines[i], "delivery_"))
      g_string_append_printf (older, "%s\n", lines[i]);
  saved = cst_document_repo_save_template (admin, CST_DOCUMENT_COVER_LETTER, "en", older->str, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_document_template_get_version (saved), >=, 2);
  text = cover_letter_text (clerk, partial, "en");
  assert_before (text, "Whatwedidnotrelease,andwhy", "Substanceuseprogramnotes2019");
  g_assert_nonnull (strstr (text, "Sessionnotes2023"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/withholding/by-category", test_withheld_by_category);
  g_test_add_func ("/withholding/cover-letter-says-why", test_cover_letter_says_why);
  g_test_add_func ("/withholding/older-template-still-says-why", test_older_template_still_says_why);
  return cst_test_db_run (&db);
}
