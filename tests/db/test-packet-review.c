/* test-packet-review.c — the second person's check of a records packet,
 * as the people who do it: a clerk adds the records, builds the packet
 * and sends the request to its quality check; another clerk (or an
 * administrator) approves it or returns it with a reason.  The database
 * refuses the assembler's own approval under every role, refuses to
 * release a packet changed after its approval, and the release records
 * the packet (SHA-256, pages, each document with its hash and pages),
 * which `packet verify` then checks files against. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-packet-review.h"
#include "custodian/cst-packet.h"
#include "custodian/cst-packet-kept.h"

#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-file.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;

typedef struct
{
  char       *dir;
  char       *packet;       /* the last packet built */
  char       *login;        /* the assembler's conninfo */
  PGconn     *assembler;    /* adds, builds, submits */
  CstRequest *request;      /* as stored after the last step */
} Fixture;

static void
fixture_clear (Fixture *f)
{
  cst_test_records_remove (f->dir);
  g_free (f->dir);
  g_free (f->packet);
  g_free (f->login);
  g_clear_pointer (&f->assembler, PQfinish);
  g_clear_object (&f->request);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static void
refresh (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CstRequest *fresh = cst_request_repo_get (f->assembler, cst_request_get_id (f->request), &error);

  g_assert_no_error (error);
  g_set_object (&f->request, fresh);
  g_object_unref (fresh);
}

static void
add_records (Fixture    *f,
             const char *name,
             guint       pages)
{
  g_autofree char *path = cst_test_records_pdf (f->dir, name, pages, name);
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add (f->assembler, cst_request_get_id (f->request),
                                              paths, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 1);
  /* The records set the request's page count (0067): read it again. */
  refresh (f);
}

static CstPacketBuild *
build (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CstPacketBuild *built;

  g_free (f->packet);
  f->packet = g_build_filename (f->dir, "packet.pdf", NULL);
  built = cst_packet_build (f->assembler, cst_request_get_id (f->request), f->packet, NULL, &error);
  g_assert_no_error (error);
  return built;
}

static void
move (Fixture          *f,
      CstRequestStatus  to)
{
  g_autoptr(GError) error = NULL;
  CstRequest *moved = cst_request_repo_move (f->assembler, f->request, to, NULL, &error);

  g_assert_no_error (error);
  g_set_object (&f->request, moved);
  g_object_unref (moved);
}

/* A request in progress with two record documents (3 and 2 pages), built
 * and sent to its quality check by @assembler (a group role). */
static void
fixture_submitted (Fixture    *f,
                   const char *mrn,
                   const char *assembler)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstPacketBuild) built = NULL;

  f->dir = g_dir_make_tmp ("cst-packet-review-XXXXXX", NULL);
  f->login = cst_test_db_create_login (db, assembler);
  f->assembler = cst_db_connect (f->login, NULL);
  g_assert_nonnull (f->assembler);
  f->request = cst_test_db_add_request (owner, mrn);
  refresh (f);
  f->request = cst_test_db_move_along (f->assembler, f->request, CST_STATUS_IN_PROGRESS);
  add_records (f, "discharge.pdf", 3);
  add_records (f, "labs.pdf", 2);
  built = build (f);
  /* The cover letter, then the five record pages. */
  g_assert_cmpuint (built->pages, ==, 6);
  g_assert_cmpuint (built->record_pages, ==, 5);
  move (f, CST_STATUS_QUALITY_CHECK);
}

static CstPacketReview *
decide (PGconn     *conn,
        Fixture    *f,
        const char *reason,
        GError    **error)
{
  return cst_packet_review_decide (conn, cst_request_get_id (f->request), reason, error);
}

static CstPacketReview *
review_of (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CstPacketReview *review = cst_packet_review_get (f->assembler, cst_request_get_id (f->request),
                                                   &error);

  g_assert_no_error (error);
  return review;
}

static CstRelease *
release (Fixture *f,
         GError **error)
{
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  refresh (f);
  return cst_release_run (f->assembler, f->request, "en", &options, error);
}

/* Whoever assembled the packet cannot approve it, as a clerk or as an
 * administrator; nor can billing or an auditor approve at all; another
 * clerk can, and the request is then ready. */
static void
test_assembler_cannot_approve (void)
{
  const char *assemblers[] = { "custodian_clerk", "custodian_admin" };

  for (guint i = 0; i < G_N_ELEMENTS (assemblers); i++)
    {
      g_auto(Fixture) f = { 0 };
      g_autofree char *mrn = g_strdup_printf ("PREV-1%u", i);
      g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
      g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
      g_autoptr(PGconn) second = cst_test_db_connect_as (db, "custodian_clerk");
      g_autoptr(CstPacketReview) refused = NULL;
      g_autoptr(CstPacketReview) review = NULL;
      g_autoptr(CstPacketReview) approved = NULL;
      g_autoptr(CstRequest) skipped = NULL;
      g_autoptr(GError) error = NULL;

      fixture_submitted (&f, mrn, assemblers[i]);
      refused = decide (f.assembler, &f, NULL, &error);
      g_assert_null (refused);
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "second person"));
      g_clear_error (&error);
      g_assert_null (decide (billing, &f, NULL, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);
      g_assert_null (decide (auditor, &f, NULL, &error));
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);

      /* Nor may the assembler skip the check by marking the request ready. */
      skipped = cst_request_repo_move (f.assembler, f.request, CST_STATUS_READY, NULL, &error);
      g_assert_null (skipped);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
      g_clear_error (&error);

      review = review_of (&f);
      g_assert_cmpint (review->state, ==, CST_PACKET_REVIEW_SUBMITTED);
      g_assert_true (review->current);
      g_assert_cmpuint (review->pages, ==, 6);

      approved = decide (second, &f, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (approved->state, ==, CST_PACKET_REVIEW_APPROVED);
      g_assert_cmpstr (approved->decided_by, !=, approved->assembled_by);
      refresh (&f);
      g_assert_cmpint (cst_request_get_status (f.request), ==, CST_STATUS_READY);
    }
}

/* An administrator approves a clerk's packet; the request cannot go to
 * its quality check with a build older than its documents. */
static void
test_submit_needs_current_build (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(PGconn) admin = cst_test_db_connect_as (db, "custodian_admin");
  g_autoptr(CstPacketReview) approved = NULL;
  g_autoptr(CstRequest) refused = NULL;
  g_autoptr(CstPacketBuild) rebuilt = NULL;
  g_autoptr(GError) error = NULL;

  fixture_submitted (&f, "PREV-20", "custodian_clerk");
  approved = decide (admin, &f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (approved->state, ==, CST_PACKET_REVIEW_APPROVED);

  /* Back to work; a document added after the build. */
  refresh (&f);
  move (&f, CST_STATUS_IN_PROGRESS);
  add_records (&f, "late.pdf", 1);
  refused = cst_request_repo_move (f.assembler, f.request, CST_STATUS_QUALITY_CHECK, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  rebuilt = build (&f);
  g_assert_cmpuint (rebuilt->pages, ==, 7);
  move (&f, CST_STATUS_QUALITY_CHECK);
}

/* A returned packet shows its reason, and the request is back at work. */
static void
test_returned_shows_reason (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(PGconn) second = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstPacketReview) returned = NULL;
  g_autoptr(CstPacketReview) read = NULL;
  g_autoptr(CstPacketReview) empty = NULL;
  g_autoptr(GError) error = NULL;

  fixture_submitted (&f, "PREV-30", "custodian_clerk");
  empty = decide (second, &f, "   ", &error);
  g_assert_null (empty);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  returned = decide (second, &f, "Labs are from another patient's visit", &error);
  g_assert_no_error (error);
  g_assert_cmpint (returned->state, ==, CST_PACKET_REVIEW_RETURNED);
  read = review_of (&f);
  g_assert_cmpint (read->state, ==, CST_PACKET_REVIEW_RETURNED);
  g_assert_cmpstr (read->reason, ==, "Labs are from another patient's visit");
  g_assert_nonnull (read->decided_by);
  refresh (&f);
  g_assert_cmpint (cst_request_get_status (f.request), ==, CST_STATUS_IN_PROGRESS);
}

/* After approval, a new build or a changed document voids it: the
 * release is refused until the packet is checked again. */
static void
test_changed_after_approval_not_released (void)
{
  for (guint change = 0; change < 2; change++)
    {
      g_auto(Fixture) f = { 0 };
      g_autofree char *mrn = g_strdup_printf ("PREV-4%u", change);
      g_autoptr(PGconn) second = cst_test_db_connect_as (db, "custodian_clerk");
      g_autoptr(CstPacketReview) approved = NULL;
      g_autoptr(CstPacketReview) after = NULL;
      g_autoptr(CstRelease) refused = NULL;
      g_autoptr(GError) error = NULL;

      fixture_submitted (&f, mrn, "custodian_clerk");
      approved = decide (second, &f, NULL, &error);
      g_assert_no_error (error);
      if (change == 0)
        {
          g_autoptr(CstPacketBuild) again = build (&f);
        }
      else
        add_records (&f, "late.pdf", 1);
      after = review_of (&f);
      g_assert_cmpint (after->state, ==, CST_PACKET_REVIEW_APPROVED);
      g_assert_false (after->current);

      refused = release (&f, &error);
      g_assert_null (refused);
      g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
      g_assert_nonnull (strstr (error->message, "changed after it was approved"));
      refresh (&f);
      g_assert_cmpint (cst_request_get_status (f.request), ==, CST_STATUS_READY);
      g_assert_cmpint (cst_test_db_int_for_id (f.assembler,
                         "SELECT count(*) FROM disclosures WHERE request_id = $1",
                         cst_request_get_id (f.request)), ==, 0);
    }
}

/* A request with records but never checked is not released. */
static void
test_unchecked_not_released (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRelease) refused = NULL;
  g_autoptr(GError) error = NULL;

  /* Ready before any records came in (the plain quality check). */
  f.dir = g_dir_make_tmp ("cst-packet-review-XXXXXX", NULL);
  f.assembler = cst_test_db_connect_as (db, "custodian_clerk");
  f.request = cst_test_db_add_request (owner, "PREV-50");
  refresh (&f);
  f.request = cst_test_db_move_along (f.assembler, f.request, CST_STATUS_READY);
  add_records (&f, "discharge.pdf", 2);
  refused = release (&f, &error);
  g_assert_null (refused);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "approved by a second person"));
}

/* The one text value @sql (with $1 the request's id) selects. */
static char *
text_for_request (PGconn     *conn,
                  Fixture    *f,
                  const char *sql)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (f->request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = PQexecParams (conn, sql, 1, NULL, params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (res), ==, 1);
  return g_strdup (PQgetvalue (res, 0, 0));
}

/* The accounting of disclosures lists the packet: its pages, SHA-256
 * and documents with their pages (rendered from the list the repo reads,
 * as the accounting document is). */
static void
assert_accounting_shows_packet (PGconn     *conn,
                                Fixture    *f,
                                const char *sha)
{
  CstDocumentOptions options = { CST_PDF_PAPER_LETTER,
                                 { "General Hospital", "1 Main Street", "555-0100", NULL },
                                 NULL, NULL, NULL, NULL, NULL };
  const CstDocumentTemplate *tpl = cst_document_template_get_shipped (CST_DOCUMENT_ACCOUNTING,
                                                                      "en", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autofree char *text = NULL, *squashed = NULL, *sha_squashed = NULL;
  const CstDisclosure *d;
  gint64 patient_id = 0;

  g_object_get (f->request, "patient-id", &patient_id, NULL);
  listed = cst_document_repo_list_disclosures (conn, patient_id, NULL, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  d = g_ptr_array_index (listed, 0);
  g_assert_cmpstr (d->packet_sha256, ==, sha);
  g_assert_cmpuint (d->packet_pages, ==, 6);
  g_assert_cmpstr (d->packet_documents, ==, "discharge.pdf (2–4), labs.pdf (5–6)");
  pdf = cst_document_render_accounting (tpl, f->request, listed, &options, NULL, &error);
  g_assert_no_error (error);
  doc = cst_test_pdf_open (pdf);
  text = cst_test_pdf_text (doc);
  squashed = cst_test_pdf_squash (text);
  sha_squashed = g_strdup_printf ("SHA-256%s", sha);
  g_assert_nonnull (strstr (squashed, "Recordspacket:6pages"));
  g_assert_nonnull (strstr (squashed, sha_squashed));
  g_assert_nonnull (strstr (squashed, "labs.pdf(5–6)"));
}

/* The evidence pack shows the packet and each document's pages and hash. */
static void
assert_evidence_shows_packet (PGconn     *conn,
                              Fixture    *f,
                              const char *sha)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstEvidencePack) pack = cst_evidence_pack_load (conn, cst_request_get_reference (f->request),
                                                           &error);
  g_autofree char *json = NULL;
  g_autofree char *sha_json = g_strdup_printf ("\"sha256\":\"%s\"", sha);

  g_assert_no_error (error);
  json = cst_evidence_pack_to_json (pack);
  g_assert_nonnull (strstr (json, "\"packet\""));
  g_assert_nonnull (strstr (strstr (json, "\"packet\""), sha_json));
  g_assert_nonnull (strstr (json, "\"packet_documents\""));
  g_assert_nonnull (strstr (strstr (json, "\"packet_documents\""), "\"first_page\":5"));
}

/* The release records the approved packet; the packet is rebuilt byte
 * for byte from what is stored; verify compares with the released packet
 * even when a later build is recorded. */
static void
test_release_records_packet (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(PGconn) second = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(CstPacketReview) approved = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autoptr(CstPacketBuild) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *released_file = NULL;
  g_autofree char *sha = NULL, *pages = NULL, *ranges = NULL, *hashes = NULL;
  g_autofree char *stored_hashes = NULL;
  g_autofree char *file_sha = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *copy = NULL;

  fixture_submitted (&f, "PREV-60", "custodian_clerk");
  released_file = g_build_filename (f.dir, "released.pdf", NULL);
  g_assert_cmpint (g_rename (f.packet, released_file), ==, 0);
  approved = decide (second, &f, NULL, &error);
  g_assert_no_error (error);
  released = release (&f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (released);

  /* What left, read by an auditor. */
  file_sha = cst_test_file_sha256 (released_file);
  sha = text_for_request (auditor, &f, "SELECT packet_sha256 FROM disclosures WHERE request_id = $1");
  g_assert_cmpstr (sha, ==, file_sha);
  pages = text_for_request (auditor, &f, "SELECT packet_pages FROM disclosures WHERE request_id = $1");
  g_assert_cmpstr (pages, ==, "6");
  ranges = text_for_request (auditor, &f,
    "SELECT string_agg(e ->> 'name' || ':' || (e ->> 'first_page') || '-' || (e ->> 'last_page'),"
    "                  ',' ORDER BY n)"
    "  FROM disclosures d, jsonb_array_elements(d.packet_documents) WITH ORDINALITY AS x(e, n)"
    " WHERE d.request_id = $1");
  g_assert_cmpstr (ranges, ==, "discharge.pdf:2-4,labs.pdf:5-6");
  hashes = text_for_request (auditor, &f,
    "SELECT string_agg(e ->> 'sha256', ',' ORDER BY n)"
    "  FROM disclosures d, jsonb_array_elements(d.packet_documents) WITH ORDINALITY AS x(e, n)"
    " WHERE d.request_id = $1");
  stored_hashes = text_for_request (auditor, &f,
    "SELECT string_agg(c.sha256, ',' ORDER BY x.position) FROM record_documents x"
    "  JOIN record_contents c ON c.id = x.content_id WHERE x.request_id = $1");
  g_assert_cmpstr (hashes, ==, stored_hashes);
  assert_accounting_shows_packet (f.assembler, &f, sha);
  assert_evidence_shows_packet (auditor, &f, sha);

  /* A later build recorded with other bytes does not change what verify
   * compares with (set up as the owner: the desk cannot make one). */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (f.request));
    const char *params[] = { id };

    cst_test_db_exec_ok (owner,
      "SELECT record_packet_built($1, repeat('a', 64), 5, 5, documents)"
      "  FROM record_packet_builds WHERE request_id = $1 ORDER BY id DESC LIMIT 1", 1, params);
  }
  /* The released packet is kept: read back after that later build, the
   * same bytes as the file the release wrote (nothing rebuilt). */
  {
    g_autofree char *kept_file = g_build_filename (f.dir, "kept.pdf", NULL);
    g_autofree char *kept_sha = NULL;
    gboolean was_released = FALSE;

    kept = cst_packet_kept_write (second, cst_request_get_id (f.request), kept_file, &was_released,
                                  NULL, &error);
    g_assert_no_error (error);
    g_assert_true (was_released);
    kept_sha = cst_test_file_sha256 (kept_file);
    g_assert_cmpstr (kept_sha, ==, file_sha);
    g_assert_cmpint (kept->id, ==, approved->build_id);
    g_assert_cmpint (cst_test_db_int_for_id (auditor,
                       "SELECT count(*) FROM disclosures d JOIN record_packet_contents k"
                       "  ON k.build_id = d.packet_build_id AND k.content_id = d.packet_content_id"
                       " WHERE d.request_id = $1", cst_request_get_id (f.request)), ==, 1);
  }
  desk = cst_test_db_create_login (db, "custodian_clerk");
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "verify", "--request",
                                     cst_request_get_reference (f.request), released_file, NULL),
                   ==, 0);
  /* Said against the packet released, not "the last packet built". */
  g_assert_nonnull (strstr (out, "the packet released"));
  g_assert_null (strstr (out, "last packet built"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  copy = g_build_filename (f.dir, "changed.pdf", NULL);
  {
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (released_file, &contents, &len, NULL));
    contents[len - 2] = contents[len - 2] == ' ' ? '\n' : ' ';
    g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  }
  g_assert_cmpint (cst_test_cli_run (desk, &out, &err, "packet", "verify", "--request",
                                     cst_request_get_reference (f.request), copy, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "the packet released is"));
}

/* A build whose bytes were not kept (recorded by the owner, as a client
 * that skipped keeping them would) is approved by a second person, but
 * the release refuses it: only a kept packet is released (0074). */
static void
test_unkept_not_released (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(PGconn) second = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstPacketReview) returned = NULL;
  g_autoptr(CstPacketReview) approved = NULL;
  g_autoptr(CstRelease) released = NULL;
  g_autoptr(GError) error = NULL;

  fixture_submitted (&f, "PREV-80", "custodian_clerk");
  returned = decide (second, &f, "Build it again", &error);
  g_assert_no_error (error);
  refresh (&f);
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (f.request));
    const char *params[] = { id };

    cst_test_db_exec_ok (owner,
      "SELECT record_packet_built($1, repeat('c', 64), page_count, record_pages, documents)"
      "  FROM record_packet_builds WHERE request_id = $1 ORDER BY id DESC LIMIT 1", 1, params);
  }
  move (&f, CST_STATUS_QUALITY_CHECK);
  approved = decide (second, &f, NULL, &error);
  g_assert_no_error (error);
  released = release (&f, &error);
  g_assert_null (released);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "was not kept"));
  refresh (&f);
  g_assert_cmpint (cst_request_get_status (f.request), ==, CST_STATUS_READY);
}

/* custodian-cli packet review: the assembler's --approve is refused by
 * the database (exit 1); another clerk returns it with a reason, then,
 * built and sent again, approves it. */
static void
test_cli (void)
{
  g_auto(Fixture) f = { 0 };
  g_autofree char *second = cst_test_db_create_login (db, "custodian_clerk");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(CstPacketReview) read = NULL;
  g_autoptr(CstPacketBuild) rebuilt = NULL;
  g_autofree char *reference = NULL;
  int status;

  fixture_submitted (&f, "PREV-70", "custodian_clerk");
  reference = g_strdup (cst_request_get_reference (f.request));
  g_assert_cmpint (cst_test_cli_run (f.login, &out, &err, "packet", "review", "--request",
                                     reference, "--approve", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "second person"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cst_test_cli_run (second, &out, &err, "packet", "review", "--request",
                                     reference, "--approve", "--return", "x", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cst_test_cli_run (second, &out, &err, "packet", "review", "--request", reference,
                                     "--return", "The labs belong to another visit", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "The labs belong to another visit"));
  read = review_of (&f);
  g_assert_cmpint (read->state, ==, CST_PACKET_REVIEW_RETURNED);
  g_assert_cmpstr (read->reason, ==, "The labs belong to another visit");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  refresh (&f);
  rebuilt = build (&f);
  move (&f, CST_STATUS_QUALITY_CHECK);
  status = cst_test_cli_run (second, &out, &err, "packet", "review", "--request", reference,
                             "--approve", NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, rebuilt->sha256));
  refresh (&f);
  g_assert_cmpint (cst_request_get_status (f.request), ==, CST_STATUS_READY);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/packet-review/assembler-cannot-approve", test_assembler_cannot_approve);
  g_test_add_func ("/packet-review/submit-needs-current-build", test_submit_needs_current_build);
  g_test_add_func ("/packet-review/returned-shows-reason", test_returned_shows_reason);
  g_test_add_func ("/packet-review/changed-after-approval", test_changed_after_approval_not_released);
  g_test_add_func ("/packet-review/unchecked-not-released", test_unchecked_not_released);
  g_test_add_func ("/packet-review/release-records-packet", test_release_records_packet);
  g_test_add_func ("/packet-review/cli", test_cli);
  g_test_add_func ("/packet-review/unkept-not-released", test_unkept_not_released);
  return cst_test_db_run (&db);
}
