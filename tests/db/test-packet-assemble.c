/* test-packet-assemble.c — the packet as it is sent: the letters first
 * (cover letter, the invoice when one was issued), then the notices the
 * records call for, then the records; only record pages stamped and
 * counted; bookmarks per part; the 42 CFR 2.32 notice exactly when Part 2
 * records are in it; state notices as effective-dated data; Bates numbers
 * consecutive and never handed out twice, across builds and clerks.
 * Built as clerks, read back with Poppler. */
#include "config.h"

#include <cairo.h>
#include <string.h>

#include <glib/gstdio.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-packet-assemble.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *desk;     /* a clerk's login */
static char *second;   /* another clerk's */
static char *admin;

/* Stands in for a notice's wording: the tests check that the stored words
 * are what the page shows, whatever they are. */
#define TEST_WORDING "Test wording of the re-disclosure notice, entered by the administrator."

/* Two text PDFs of @kind: "Discharge" (3 pages), "Labs" (2). */
static CstRequest *
add_records (CstRequest *request,
             const char *kind,
             const char *dir)
{
  g_autofree char *discharge = cst_test_records_pdf (dir, "discharge.pdf", 3, "Discharge");
  g_autofree char *labs = cst_test_records_pdf (dir, "labs.pdf", 2, "Labs");
  const char *paths[] = { discharge, labs, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (request),
                                                 paths, kind, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 2);
  return request;
}

/* A New York request with those records. */
static CstRequest *
request_with_records (PGconn     *owner,
                      const char *mrn,
                      const char *kind,
                      const char *dir)
{
  return add_records (cst_test_db_add_request (owner, mrn), kind, dir);
}

static CstPacketBuild *
build_as (const char     *login,
          CstRequest     *request,
          const char     *path,
          gboolean        bates,
          CstPacketBates *numbers,
          GError        **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (login, NULL);
  CstPacketOptions options = { bates, NULL, CST_PDF_PAPER_LETTER };

  g_assert_nonnull (conn);
  return cst_packet_build_with (conn, cst_request_get_id (request), path, &options, numbers,
                                NULL, error);
}

/* The pages before @front are not stamped; the rest say "page N of M" of
 * the record pages only. */
static void
assert_stamps (PopplerDocument *pdf,
               const char      *reference,
               int              front)
{
  int n = poppler_document_get_n_pages (pdf);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *text = cst_test_pdf_page_text (pdf, i);
      g_autofree char *stamp = g_strdup_printf ("page %d of %d", i - front + 1, n - front);

      /* The letters number their own pages ("Page 1 of 1"), never with
       * the records' stamp. */
      if (i < front)
        g_assert_null (strstr (text, reference) != NULL ? strstr (text, "page 1 of") : NULL);
      else
        {
          g_assert_nonnull (strstr (text, stamp));
          g_assert_nonnull (strstr (text, reference));
        }
    }
}

/* The bookmarks' titles and first pages (from 1), as "title@page;...". */
static char *
outline_of (PopplerDocument *pdf)
{
  GString *out = g_string_new (NULL);
  PopplerIndexIter *iter = poppler_index_iter_new (pdf);

  g_assert_nonnull (iter);
  do
    {
      PopplerAction *action = poppler_index_iter_get_action (iter);

      g_assert_cmpint (action->type, ==, POPPLER_ACTION_GOTO_DEST);
      g_string_append_printf (out, "%s@%d;", action->any.title, action->goto_dest.dest->page_num);
      poppler_action_free (action);
    }
  while (poppler_index_iter_next (iter));
  poppler_index_iter_free (iter);
  return g_string_free (out, FALSE);
}

static void
test_order_and_bookmarks (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PASM-1", NULL, dir);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *summary = g_build_filename (dir, "packet.json", NULL);
  g_autofree char *out = NULL, *err = NULL, *json = NULL;
  g_autofree char *cover = NULL, *invoice = NULL, *first_record = NULL, *outline = NULL;
  g_autofree char *expected_outline = NULL, *pages_json = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  int n;

  /* The patient asks for her own records: the HIPAA flat fee. */
  g_object_set (request, "page-count", 5, NULL);
  cst_test_db_issue_invoice (owner, request, CST_FEE_METHOD_HIPAA_FLAT);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request", reference,
                                     "--output", packet, "--json", summary, NULL), ==, 0);
  pdf = cst_test_pdf_open_file (packet);
  n = poppler_document_get_n_pages (pdf);

  /* Cover letter, invoice (one page each), then the five record pages. */
  g_assert_cmpint (n, ==, 7);
  cover = cst_test_pdf_page_text (pdf, 0);
  g_assert_nonnull (strstr (cover, "Health information released"));
  invoice = cst_test_pdf_page_text (pdf, 1);
  g_assert_nonnull (strstr (invoice, "Invoice"));
  first_record = cst_test_pdf_page_text (pdf, 2);
  g_assert_nonnull (strstr (first_record, "Discharge page 1"));
  assert_stamps (pdf, reference, 2);

  /* The summary counts the letters in pages, not in record pages. */
  g_assert_true (g_file_get_contents (summary, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"pages\":7"));
  g_assert_nonnull (strstr (json, "\"record_pages\":5"));
  pages_json = g_strdup_printf ("%d", (int) cst_test_db_int_for_id (owner,
    "SELECT record_pages FROM record_packet_builds WHERE request_id = $1",
    cst_request_get_id (request)));
  g_assert_cmpstr (pages_json, ==, "5");

  /* One bookmark per letter and per document, at its first page; the
   * documents by kind, never by file name. */
  outline = outline_of (pdf);
  expected_outline = g_strdup ("Cover letter@1;Invoice@2;Record 1: records@3;Record 2: records@6;");
  g_assert_cmpstr (outline, ==, expected_outline);
  cst_test_records_remove (dir);
}

static void
test_no_invoice_no_invoice_page (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PASM-2", NULL, dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuild) build = build_as (desk, request, packet, FALSE, NULL, &error);
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL, *outline = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (build->pages, ==, 6);
  g_assert_cmpuint (build->record_pages, ==, 5);
  pdf = cst_test_pdf_open_file (packet);
  text = cst_test_pdf_text (pdf);
  g_assert_null (strstr (text, "Invoice"));
  assert_stamps (pdf, cst_request_get_reference (request), 1);
  outline = outline_of (pdf);
  g_assert_cmpstr (outline, ==, "Cover letter@1;Record 1: records@2;Record 2: records@5;");
  cst_test_records_remove (dir);
}

/* The administrator enters a notice's wording as a new version. */
static void
enter_notice (const char *code,
              const char *title,
              const char *citation,
              const char *jurisdiction,
              const char *category,
              const char *wording,
              int         days_from_today)
{
  g_autoptr(PGconn) conn = cst_db_connect (admin, NULL);
  g_autofree char *days = g_strdup_printf ("%d", days_from_today);
  const char *params[] = { code, title, citation, jurisdiction, category, wording, days };

  cst_test_db_exec_ok (conn,
    "INSERT INTO release_notices (code, title, citation, jurisdiction, category, wording, source,"
    " effective_from) VALUES ($1, $2, $3, $4, $5, $6, 'test', current_date + $7::integer)",
    7, params);
}

static void
test_part2_notice (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) part2 = request_with_records (owner, "PASM-3",
                                                      "Substance Use Disorder Records ", dir);
  g_autoptr(CstRequest) plain = request_with_records (owner, "PASM-4", "discharge summary", dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *other = g_build_filename (dir, "other.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuild) shipped = NULL, refused = NULL, build = NULL, without = NULL;
  g_autoptr(PopplerDocument) shipped_pdf = NULL, pdf = NULL, plain_pdf = NULL;
  g_autofree char *shipped_notice = NULL, *notice = NULL, *record = NULL, *plain_text = NULL;
  g_autofree char *outline = NULL;

  /* Shipped with the regulation's short statement, 2.32(a)(2) (0082). */
  shipped = build_as (desk, part2, packet, FALSE, NULL, &error);
  g_assert_no_error (error);
  shipped_pdf = cst_test_pdf_open_file (packet);
  shipped_notice = cst_test_pdf_page_text (shipped_pdf, 1);
  g_assert_nonnull (strstr (shipped_notice, "Prohibition on re-disclosure"));
  g_assert_nonnull (strstr (shipped_notice,
                            "42 CFR part 2 prohibits unauthorized use or disclosure of these records."));
  g_unlink (packet);

  /* A version in effect without its text: Part 2 records are refused
   * rather than sent without their notice, and nothing is recorded. */
  enter_notice ("part2_redisclosure", "Prohibition on re-disclosure", "42 CFR 2.32(a)", NULL,
                "part2", NULL, -1);
  refused = build_as (desk, part2, packet, FALSE, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "42 CFR 2.32(a)"));
  g_assert_false (g_file_test (packet, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cst_test_db_int_for_id (owner,
                     "SELECT count(*) FROM record_packet_builds WHERE request_id = $1",
                     cst_request_get_id (part2)), ==, 1);
  g_clear_error (&error);

  /* The list says so; a clerk may not enter the wording, an
   * administrator does, through custodian-cli notice add. */
  {
    g_autofree char *out = NULL, *err = NULL, *out1 = NULL, *err1 = NULL;
    g_autofree char *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
    g_autofree char *wording = g_build_filename (dir, "wording.txt", NULL);
    g_autofree char *today = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    today = g_date_time_format (now, "%Y-%m-%d");
    g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "notice", "list", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "part2_redisclosure\t2026-02-16\tfederal\tpart2\t42 CFR 2.32(a)"));
    g_assert_nonnull (strstr (out, "NO WORDING"));
    g_assert_true (g_file_set_contents (wording, TEST_WORDING "\n", -1, NULL));
    g_assert_cmpint (cst_test_cli_run (desk, &out1, &err1, "notice", "add", "--code",
                                       "part2_redisclosure", "--title", "Prohibition on re-disclosure",
                                       "--citation", "42 CFR 2.32(a)", "--category", "part2",
                                       "--source", "test", "--from", today, "--wording-file", wording,
                                       NULL), ==, 1);
    g_assert_nonnull (strstr (err1, "permission denied"));
    g_assert_cmpint (cst_test_cli_run (admin, &out2, &err2, "notice", "add", "--code",
                                       "part2_redisclosure", "--title", "Prohibition on re-disclosure",
                                       "--citation", "42 CFR 2.32(a)", "--category", "part2",
                                       "--source", "test", "--from", today, "--wording-file", wording,
                                       NULL), ==, 0);
    g_assert_cmpint (cst_test_cli_run (desk, &out3, &err3, "notice", "list", NULL), ==, 0);
    g_assert_nonnull (strstr (out3, "wording on file"));
  }

  build = build_as (desk, part2, packet, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (build->pages, ==, 7);
  g_assert_cmpuint (build->record_pages, ==, 5);
  pdf = cst_test_pdf_open_file (packet);
  notice = cst_test_pdf_page_text (pdf, 1);
  g_assert_nonnull (strstr (notice, "Prohibition on re-disclosure"));
  g_assert_nonnull (strstr (notice, "42 CFR 2.32(a)"));
  g_assert_nonnull (strstr (notice, "entered by the administrator"));
  record = cst_test_pdf_page_text (pdf, 2);
  g_assert_nonnull (strstr (record, "Discharge page 1"));
  assert_stamps (pdf, cst_request_get_reference (part2), 2);
  outline = outline_of (pdf);
  g_assert_nonnull (strstr (outline, "Prohibition on re-disclosure@2;"));

  /* No Part 2 records, no Part 2 notice. */
  without = build_as (desk, plain, other, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (without->pages, ==, 6);
  plain_pdf = cst_test_pdf_open_file (other);
  plain_text = cst_test_pdf_text (plain_pdf);
  g_assert_null (strstr (plain_text, "re-disclosure notice"));
  g_assert_null (strstr (plain_text, "42 CFR 2.32"));
  cst_test_records_remove (dir);
}

/* A state's notice is data: only in its state's packets, only from its
 * effective date. */
static void
test_state_notice (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) ca = add_records (cst_test_db_add_request_for (owner, "PASM-5", "Zoë Ångström",
                                                                       CST_REQUESTER_PATIENT, "CA"),
                                          NULL, dir);
  g_autoptr(CstRequest) tx = cst_test_db_add_request_for (owner, "PASM-6", "Zoë Ångström",
                                                          CST_REQUESTER_PATIENT, "TX");
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *other = g_build_filename (dir, "other.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuild) ca_build = NULL, tx_build = NULL;
  g_autoptr(PopplerDocument) ca_pdf = NULL, tx_pdf = NULL;
  g_autofree char *ca_text = NULL, *tx_text = NULL;

  {
    g_autofree char *file = cst_test_records_pdf (dir, "tx.pdf", 1, "Texas");
    const char *paths[] = { file, NULL };
    g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (tx), paths,
                                                   NULL, NULL, &error);
    g_assert_no_error (error);
  }
  enter_notice ("test_ca_notice", "California test notice", "Test citation CA", "CA", NULL,
                "Words of the California test notice.", 0);
  enter_notice ("test_ca_later", "Later test notice", "Test citation later", "CA", NULL,
                "Words not yet in effect.", 1);
  ca_build = build_as (desk, ca, packet, FALSE, NULL, &error);
  g_assert_no_error (error);
  ca_pdf = cst_test_pdf_open_file (packet);
  ca_text = cst_test_pdf_text (ca_pdf);
  g_assert_nonnull (strstr (ca_text, "Words of the California test notice."));
  g_assert_null (strstr (ca_text, "Words not yet in effect."));
  g_assert_cmpuint (ca_build->pages, ==, 7);
  g_assert_cmpuint (ca_build->record_pages, ==, 5);

  tx_build = build_as (desk, tx, other, FALSE, NULL, &error);
  g_assert_no_error (error);
  tx_pdf = cst_test_pdf_open_file (other);
  tx_text = cst_test_pdf_text (tx_pdf);
  g_assert_null (strstr (tx_text, "California test notice"));
  g_assert_cmpuint (tx_build->pages, ==, 2);
  cst_test_records_remove (dir);
}

/* New York's statement for confidential HIV-related information, as
 * 10 NYCRR 63.5(b) gives it (0095 ships it; resources/seed/notice-sources.md
 * says where it was read): written out here again, so that a word changed
 * in the migration fails. */
#define NY_HIV_WORDING \
  "This information has been disclosed to you from confidential records which are protected " \
  "by State law. State law prohibits you from making any further disclosure of this " \
  "information without the specific written consent of the person to whom it pertains, or " \
  "as otherwise permitted by law. Any unauthorized further disclosure in violation of State " \
  "law may result in a fine or jail sentence or both. A general authorization for the release " \
  "of medical or other information is not, except in limited circumstances set forth in this " \
  "Part, sufficient authorization for further disclosure. Disclosure of confidential HIV " \
  "information that occurs as the result of a general authorization for the release of " \
  "medical or other information will be in violation of the State law and may result in a " \
  "fine or a jail sentence or both."

/* The shipped New York notice: on its own page, ahead of the records, when
 * a New York request's records are HIV-related information; not for the
 * same records of a New Jersey request, nor for other records in New York. */
static void
test_ny_hiv_notice (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) ny = add_records (cst_test_db_add_request_for (owner, "PASM-HIV-1", "Zoë Ångström",
                                                                       CST_REQUESTER_PATIENT, "NY"),
                                          "HIV-related information", dir);
  g_autoptr(CstRequest) nj = add_records (cst_test_db_add_request_for (owner, "PASM-HIV-2", "Zoë Ångström",
                                                                       CST_REQUESTER_PATIENT, "NJ"),
                                          "HIV-related information", dir);
  g_autoptr(CstRequest) plain = add_records (cst_test_db_add_request_for (owner, "PASM-HIV-3", "Zoë Ångström",
                                                                          CST_REQUESTER_PATIENT, "NY"),
                                             "discharge summary", dir);
  g_autofree char *packet = g_build_filename (dir, "ny.pdf", NULL);
  g_autofree char *other = g_build_filename (dir, "nj.pdf", NULL);
  g_autofree char *third = g_build_filename (dir, "plain.pdf", NULL);
  g_autofree char *wording = cst_test_pdf_squash (NY_HIV_WORDING);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuild) ny_build = NULL, nj_build = NULL, plain_build = NULL;
  g_autoptr(PopplerDocument) ny_pdf = NULL, nj_pdf = NULL, plain_pdf = NULL;
  g_autofree char *notice = NULL, *notice_words = NULL, *record = NULL;
  g_autofree char *nj_text = NULL, *plain_text = NULL;

  ny_build = build_as (desk, ny, packet, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ny_build->pages, ==, 7);
  g_assert_cmpuint (ny_build->record_pages, ==, 5);
  ny_pdf = cst_test_pdf_open_file (packet);
  notice = cst_test_pdf_page_text (ny_pdf, 1);
  notice_words = cst_test_pdf_squash (notice);
  g_assert_nonnull (strstr (notice, "Confidential HIV-related information: prohibition on re-disclosure"));
  g_assert_nonnull (strstr (notice, "N.Y. Public Health Law 2782(5); 10 NYCRR 63.5(b)"));
  g_assert_nonnull (strstr (notice_words, wording));
  record = cst_test_pdf_page_text (ny_pdf, 2);
  g_assert_nonnull (strstr (record, "Discharge page 1"));
  assert_stamps (ny_pdf, cst_request_get_reference (ny), 2);

  nj_build = build_as (desk, nj, other, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nj_build->pages, ==, 6);
  nj_pdf = cst_test_pdf_open_file (other);
  nj_text = cst_test_pdf_text (nj_pdf);
  g_assert_null (strstr (nj_text, "2782"));
  g_assert_null (strstr (nj_text, "protected by State law"));

  plain_build = build_as (desk, plain, third, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plain_build->pages, ==, 6);
  plain_pdf = cst_test_pdf_open_file (third);
  plain_text = cst_test_pdf_text (plain_pdf);
  g_assert_null (strstr (plain_text, "2782"));
  cst_test_records_remove (dir);
}

/* The Bates number on each record page, in order; none on the letters. */
static GPtrArray *
bates_on_pages (const char *path,
                const char *prefix,
                guint       front)
{
  g_autoptr(PopplerDocument) pdf = cst_test_pdf_open_file (path);
  GPtrArray *numbers = g_ptr_array_new_with_free_func (g_free);
  int n = poppler_document_get_n_pages (pdf);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *text = cst_test_pdf_page_text (pdf, i);
      const char *at = strstr (text, prefix);

      if ((guint) i < front)
        {
          g_assert_null (at);
          continue;
        }
      g_assert_nonnull (at);
      g_ptr_array_add (numbers, g_strndup (at, strlen (prefix) + 6));
    }
  return numbers;
}

static void
assert_consecutive (GPtrArray  *numbers,
                    const char *prefix,
                    gint64      first)
{
  for (guint i = 0; i < numbers->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%s%06" G_GINT64_FORMAT, prefix, first + i);

      g_assert_cmpstr (g_ptr_array_index (numbers, i), ==, expected);
    }
}

typedef struct
{
  const char     *login;
  CstRequest     *request;
  char           *path;
  CstPacketBuild *build;
  CstPacketBates  bates;
} BuildJob;

static gpointer
build_thread (gpointer data)
{
  BuildJob *job = data;
  g_autoptr(GError) error = NULL;

  job->build = build_as (job->login, job->request, job->path, TRUE, &job->bates, &error);
  g_assert_no_error (error);
  return NULL;
}

static void
test_bates (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) one = request_with_records (owner, "PASM-7", NULL, dir);
  g_autoptr(CstRequest) two = request_with_records (owner, "PASM-8", NULL, dir);
  g_autoptr(CstRequest) three = request_with_records (owner, "PASM-9", NULL, dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *summary = g_build_filename (dir, "packet.json", NULL);
  g_autofree char *out = NULL, *err = NULL, *json = NULL;
  g_autoptr(GPtrArray) first_numbers = NULL, again_numbers = NULL;
  BuildJob jobs[2] = { { desk, two, g_build_filename (dir, "two.pdf", NULL), NULL, { 0 } },
                       { second, three, g_build_filename (dir, "three.pdf", NULL), NULL, { 0 } } };
  GThread *threads[2];

  /* The administrator sets the prefix; a clerk can neither set it nor
   * move the counter. */
  {
    g_autoptr(PGconn) conn = cst_db_connect (admin, NULL);
    g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
    g_autoptr(PGresult) res = PQexec (clerk, "UPDATE bates_counters SET next_number = 1");

    g_assert_cmpstr (PQresultErrorField (res, PG_DIAG_SQLSTATE), ==, "42501");
    cst_test_db_exec_ok (conn, "UPDATE bates_counters SET prefix = 'MERCY'", 0, NULL);
  }

  /* Through the CLI: five record pages, MERCY000001 to MERCY000005. */
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request",
                                     cst_request_get_reference (one), "--output", packet,
                                     "--json", summary, "--bates", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Bates numbers MERCY000001 to MERCY000005"));
  g_assert_true (g_file_get_contents (summary, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"bates_first\":\"MERCY000001\""));
  first_numbers = bates_on_pages (packet, "MERCY", 1);
  g_assert_cmpuint (first_numbers->len, ==, 5);
  assert_consecutive (first_numbers, "MERCY", 1);

  /* The same packet built again gets new numbers: none is used twice. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "build", "--request",
                                     cst_request_get_reference (one), "--output", packet,
                                     "--bates", NULL), ==, 0);
  again_numbers = bates_on_pages (packet, "MERCY", 1);
  assert_consecutive (again_numbers, "MERCY", 6);

  /* Two clerks building at the same moment: two ranges, one after the
   * other, never overlapping. */
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("build", build_thread, &jobs[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  {
    gint64 low = MIN (jobs[0].bates.first_number, jobs[1].bates.first_number);
    gint64 high = MAX (jobs[0].bates.first_number, jobs[1].bates.first_number);

    g_assert_cmpint (low, ==, 11);
    g_assert_cmpint (high, ==, 16);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) numbers = bates_on_pages (jobs[i].path, "MERCY", 1);

      assert_consecutive (numbers, "MERCY", jobs[i].bates.first_number);
      g_assert_cmpint (jobs[i].bates.last_number, ==, jobs[i].bates.first_number + 4);
      cst_packet_build_free (jobs[i].build);
      cst_packet_bates_clear (&jobs[i].bates);
      g_free (jobs[i].path);
    }

  /* Every range the server handed out, and to whom. */
  g_assert_cmpint (cst_test_db_int (owner,
    "SELECT count(*) FROM bates_ranges a JOIN bates_ranges b ON a.id < b.id"
    " AND a.first_number <= b.last_number AND b.first_number <= a.last_number", 0, NULL), ==, 0);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT count(DISTINCT allocated_by) FROM bates_ranges",
                                    0, NULL), ==, 2);
  cst_test_records_remove (dir);
}

/* Without --bates, no numbers are spent. */
static void
test_no_bates_spends_none (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) request = request_with_records (owner, "PASM-10", NULL, dir);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autoptr(GError) error = NULL;
  gint64 before = cst_test_db_int (owner, "SELECT next_number FROM bates_counters", 0, NULL);
  g_auto(CstPacketBates) numbers = { 0 };
  g_autoptr(CstPacketBuild) build = build_as (desk, request, packet, FALSE, &numbers, &error);

  g_assert_no_error (error);
  g_assert_null (numbers.first);
  g_assert_cmpint (cst_test_db_int (owner, "SELECT next_number FROM bates_counters", 0, NULL),
                   ==, before);
  cst_test_records_remove (dir);
}

/* A scanned PNG's data goes into the packet as it is (no decoding, no
 * compressing again): the page still shows the scan, the right way up
 * and the right colours. */
static void
test_png_scan_copied (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-assemble-XXXXXX", NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PASM-11");
  g_autofree char *png = g_build_filename (dir, "scan.png", NULL);
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *bytes = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketBuild) build = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autoptr(PopplerPage) page = NULL;
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 600);
  cairo_t *cr = cairo_create (image);
  double width, height;
  guint32 *pixels;
  int stride;

  /* Red above, blue below: a page upside down or in the wrong colours
   * shows it. */
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_rectangle (cr, 0, 0, 400, 300);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 1);
  cairo_rectangle (cr, 0, 300, 400, 300);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (image, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (image);
  {
    const char *paths[] = { png, NULL };
    g_autoptr(GPtrArray) docs = cst_packet_add_at (desk, cst_request_get_reference (request),
                                                   paths, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  build = build_as (desk, request, packet, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (build->record_pages, ==, 1);

  /* The PNG's own rows, with the PNG predictor, not an image drawn again. */
  g_assert_true (g_file_get_contents (packet, &bytes, &length, NULL));
  g_assert_nonnull (memmem (bytes, length, "/Predictor 15", strlen ("/Predictor 15")));

  pdf = cst_test_pdf_open_file (packet);
  page = poppler_document_get_page (pdf, 1);
  poppler_page_get_size (page, &width, &height);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  cr = cairo_create (image);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  pixels = (guint32 *) cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image) / 4;
  /* Letter, 612 × 792 (+ the strip below): the scan fills its height. */
  g_assert_cmphex (pixels[(int) (792 * 0.25) * stride + 306] & 0xffffff, ==, 0xff0000);
  g_assert_cmphex (pixels[(int) (792 * 0.75) * stride + 306] & 0xffffff, ==, 0x0000ff);
  cairo_surface_destroy (image);
  cst_test_records_remove (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);

    cst_test_db_fill_facility (owner);
  }
  desk = cst_test_db_create_login (db, "custodian_clerk");
  second = cst_test_db_create_login (db, "custodian_clerk");
  admin = cst_test_db_create_login (db, "custodian_admin");
  g_test_add_func ("/packet-assemble/order-and-bookmarks", test_order_and_bookmarks);
  g_test_add_func ("/packet-assemble/no-invoice", test_no_invoice_no_invoice_page);
  g_test_add_func ("/packet-assemble/part2-notice", test_part2_notice);
  g_test_add_func ("/packet-assemble/state-notice", test_state_notice);
  g_test_add_func ("/packet-assemble/ny-hiv-notice", test_ny_hiv_notice);
  g_test_add_func ("/packet-assemble/no-bates-spends-none", test_no_bates_spends_none);
  g_test_add_func ("/packet-assemble/bates", test_bates);
  g_test_add_func ("/packet-assemble/png-scan-copied", test_png_scan_copied);
  status = g_test_run ();
  g_free (desk);
  g_free (second);
  g_free (admin);
  cst_test_db_free (db);
  return status;
}
