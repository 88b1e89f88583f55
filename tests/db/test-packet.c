/* test-packet.c — records in (issue 18): a clerk adds record files to a
 * request; PDFs, PNG, JPEG and multi-page TIFF are counted and stored
 * once per content; damaged, protected, empty, oversized and foreign
 * files are refused by name with nothing of the call stored; a closed
 * request and the other roles are refused; opening a record is logged */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "app/core/packet/cst-packet-private.h"
#include "cst-test-async.h"
#include "cst-test-db.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *desk;   /* a clerk's login: the desk adds the records */

typedef struct
{
  gint64 documents;
  gint64 contents;
  gint64 chunks;
  gint64 audit_rows;
} Counts;

/* What is stored, counted by the owner (row-level security hides nothing). */
static Counts
count_stored (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  Counts c;

  c.documents = cst_test_db_int (owner, "SELECT count(*) FROM record_documents", 0, NULL);
  c.contents = cst_test_db_int (owner, "SELECT count(*) FROM record_contents", 0, NULL);
  c.chunks = cst_test_db_int (owner, "SELECT count(*) FROM record_content_chunks", 0, NULL);
  c.audit_rows = cst_test_db_int (owner, "SELECT count(*) FROM audit_log", 0, NULL);
  return c;
}

static void
assert_nothing_stored_since (const Counts *before)
{
  Counts now = count_stored ();

  g_assert_cmpint (now.documents, ==, before->documents);
  g_assert_cmpint (now.contents, ==, before->contents);
  g_assert_cmpint (now.chunks, ==, before->chunks);
  g_assert_cmpint (now.audit_rows, ==, before->audit_rows);
}

static char *
file_sha256 (const char *path,
             gsize      *len)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, *len);
}

/* The stored bytes of @document, streamed back, equal @path's. */
static void
assert_stored_bytes (PGconn     *conn,
                     gint64      document,
                     const char *path)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (cst_packet_document_write_to (conn, document, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  stored = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), contents, len);
}

static void
test_each_format (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-1");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "discharge.pdf", 3, "Discharge summary");
  g_autofree char *png = cst_test_records_png (dir, "scan.png", "Consent");
  g_autofree char *jpeg = cst_test_records_jpeg (dir, "photo.jpg");
  g_autofree char *tiff = cst_test_records_tiff (dir, "fax.tif", 3, 32);
  const char *paths[] = { pdf, png, jpeg, tiff, NULL };
  const guint pages[] = { 3, 1, 1, 3 };
  const CstRecordFileType types[] = { CST_RECORD_FILE_PDF, CST_RECORD_FILE_PNG,
                                      CST_RECORD_FILE_JPEG, CST_RECORD_FILE_TIFF };
  const char *names[] = { "discharge.pdf", "scan.png", "photo.jpg", "fax.tif" };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(PGresult) who = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (clerk);
  who = cst_db_exec (clerk, "SELECT session_user", 0, NULL, &error);
  g_assert_no_error (error);
  added = cst_packet_add (clerk, cst_request_get_id (request), paths, "Discharge", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 4);
  listed = cst_packet_list (clerk, cst_request_get_id (request), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      CstRecordDocument *doc = g_ptr_array_index (listed, i);
      CstRecordDocument *new_doc = g_ptr_array_index (added, i);
      gsize len = 0;
      g_autofree char *sha = file_sha256 (paths[i], &len);

      g_assert_cmpint (doc->id, ==, new_doc->id);
      g_assert_cmpuint (doc->position, ==, i + 1);
      g_assert_cmpstr (doc->name, ==, names[i]);
      g_assert_cmpstr (doc->kind, ==, "Discharge");
      g_assert_cmpint (doc->type, ==, types[i]);
      g_assert_cmpuint (doc->pages, ==, pages[i]);
      g_assert_cmpstr (doc->sha256, ==, sha);
      g_assert_cmpint (doc->byte_count, ==, (gint64) len);
      g_assert_cmpstr (doc->added_by, ==, cst_db_value (who, 0, 0));
      g_assert_nonnull (doc->added_at);
      g_assert_null (doc->service_from);
      assert_stored_bytes (clerk, doc->id, paths[i]);
    }
  cst_test_records_remove (dir);
}

/* Without --kind, a document takes the request's first record type. */
static void
test_kind_from_request (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-KIND");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "labs.pdf", 1, "Labs");
  const char *paths[] = { pdf, NULL };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;

  cst_test_db_exec_ok (owner, "UPDATE roi_requests SET record_types = '{Lab results,Imaging}'"
                       " WHERE id = $1", 1, params);
  added = cst_packet_add (clerk, cst_request_get_id (request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((CstRecordDocument *) g_ptr_array_index (added, 0))->kind, ==, "Lab results");
  cst_test_records_remove (dir);
}

/* Adds @path alone and expects a refusal naming it and saying @why. */
static void
assert_refused (PGconn                *clerk,
                gint64                 request_id,
                const char            *path,
                const CstPacketLimits *limits,
                const char            *why)
{
  const char *paths[] = { path, NULL };
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = NULL;
  Counts before = count_stored ();

  added = cst_packet_add (clerk, request_id, paths, NULL, limits, &error);
  g_assert_null (added);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, base));
  if (strstr (error->message, why) == NULL)
    g_error ("“%s” does not say “%s”", error->message, why);
  assert_nothing_stored_since (&before);
}

static void
test_bad_files_refused (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-2");
  gint64 id = cst_request_get_id (request);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "good.pdf", 2, "Progress note");
  g_autofree char *tiff = cst_test_records_tiff (dir, "good.tif", 3, 32);
  g_autofree char *png = cst_test_records_png (dir, "good.png", "x");
  g_autofree char *text = cst_test_records_file (dir, "notes.txt", "Not a record\n", -1);
  g_autofree char *empty = cst_test_records_file (dir, "empty.pdf", "", 0);
  g_autofree char *encrypted = cst_test_records_encrypted (dir, "locked.pdf", pdf);
  g_autofree char *truncated = NULL;
  g_autofree char *cut_tiff = NULL;
  g_autofree char *cut_png = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  CstPacketLimits small = { 100, 0 };

  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  truncated = cst_test_records_truncated (dir, "truncated.pdf", pdf, len * 2 / 3);
  /* The cross-reference table's offsets point into nothing. */
  {
    g_autoptr(GString) broken = g_string_new_len (contents, (gssize) len);
    char *xref = NULL;

    /* The PDF holds binary streams: search bytes, not a C string. */
    for (gsize i = broken->len - 9; xref == NULL && i > 0; i--)
      if (memcmp (broken->str + i, "startxref", 9) == 0)
        xref = broken->str + i;
    g_assert_nonnull (xref);
    memcpy (xref + strlen ("startxref\n"), "99", 2);
    damaged = cst_test_records_file (dir, "damaged.pdf", broken->str, (gssize) broken->len);
  }
  {
    g_autofree char *tiff_contents = NULL;
    gsize tiff_len = 0;

    g_assert_true (g_file_get_contents (tiff, &tiff_contents, &tiff_len, NULL));
    cut_tiff = cst_test_records_truncated (dir, "cut.tif", tiff, tiff_len - 200);
  }
  {
    g_autofree char *png_contents = NULL;
    gsize png_len = 0;

    g_assert_true (g_file_get_contents (png, &png_contents, &png_len, NULL));
    cut_png = cst_test_records_truncated (dir, "cut.png", png, png_len - 20);
  }

  assert_refused (clerk, id, text, NULL, "is not a PDF or an image");
  assert_refused (clerk, id, empty, NULL, "is empty");
  assert_refused (clerk, id, encrypted, NULL, "password");
  assert_refused (clerk, id, truncated, NULL, "damaged or incomplete PDF");
  assert_refused (clerk, id, damaged, NULL, "damaged or incomplete PDF");
  assert_refused (clerk, id, cut_tiff, NULL, "damaged or incomplete image");
  assert_refused (clerk, id, cut_png, NULL, "damaged or incomplete image");
  assert_refused (clerk, id, pdf, &small, "larger than the limit");
  cst_test_records_remove (dir);
}

/* A file that takes longer to look into than the limit is refused when
 * the time is up, not when the look ends: here 64 GB of zeros (a sparse
 * file, no disk used) against a limit of one second. */
static void
test_time_limit (void)
{
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "endless.pdf", NULL);
  const char *paths[] = { path, NULL };
  CstPacketLimits limits = { G_GINT64_CONSTANT (128) * 1000 * 1000 * 1000, 1 };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  Counts before = count_stored ();
  gint64 start;
  FILE *file = g_fopen (path, "wb");

  g_assert_nonnull (file);
  g_assert_cmpint (fputs ("%PDF-1.4\n", file), >=, 0);
  g_assert_cmpint (fseeko (file, G_GINT64_CONSTANT (64) * 1000 * 1000 * 1000, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc ('\n', file), ==, '\n');
  g_assert_cmpint (fclose (file), ==, 0);

  start = g_get_monotonic_time ();
  added = cst_packet_add (clerk, 1, paths, NULL, &limits, &error);
  g_assert_null (added);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "endless.pdf"));
  g_assert_nonnull (strstr (error->message, "took too long"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  assert_nothing_stored_since (&before);
  cst_test_records_remove (dir);
}

/* One bad file among good ones: the call stores nothing, and names it. */
static void
test_one_bad_file_stores_nothing (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-3");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *first = cst_test_records_pdf (dir, "first.pdf", 2, "First");
  g_autofree char *bad = cst_test_records_file (dir, "middle.pdf", "%PDF-1.4\ngarbage", -1);
  g_autofree char *last = cst_test_records_tiff (dir, "last.tif", 2, 32);
  const char *paths[] = { first, bad, last, NULL };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  Counts before = count_stored ();

  added = cst_packet_add (clerk, cst_request_get_id (request), paths, NULL, NULL, &error);
  g_assert_null (added);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "middle.pdf"));
  assert_nothing_stored_since (&before);
  listed = cst_packet_list (clerk, cst_request_get_id (request), &error);
  g_assert_cmpuint (listed->len, ==, 0);
  cst_test_records_remove (dir);
}

/* A failure while storing a later file rolls back the files stored
 * before it.  The server refuses the second file here through a trigger
 * the owner installs for the test (set-up, not the clerk's doing). */
static void
test_storing_is_one_transaction (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-TX");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *first = cst_test_records_pdf (dir, "first.pdf", 1, "One");
  g_autofree char *second = cst_test_records_pdf (dir, "refused-by-server.pdf", 1, "Two");
  const char *paths[] = { first, second, NULL };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  Counts before;

  cst_test_db_exec_ok (owner,
    "CREATE FUNCTION test_refuse_second() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN IF NEW.name = 'refused-by-server.pdf' THEN"
    "   RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'CS004'; END IF;"
    " RETURN NEW; END $$", 0, NULL);
  cst_test_db_exec_ok (owner, "CREATE TRIGGER test_refuse_second BEFORE INSERT ON record_documents"
                       " FOR EACH ROW EXECUTE FUNCTION test_refuse_second()", 0, NULL);
  before = count_stored ();
  added = cst_packet_add (clerk, cst_request_get_id (request), paths, NULL, NULL, &error);
  cst_test_db_exec_ok (owner, "DROP TRIGGER test_refuse_second ON record_documents", 0, NULL);
  g_assert_null (added);
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, second));
  assert_nothing_stored_since (&before);
  cst_test_records_remove (dir);
}

static void
test_same_content_stored_once (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) one = cst_test_db_add_request (owner, "PKT-4");
  g_autoptr(CstRequest) two = cst_test_db_add_request (owner, "PKT-5");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  /* Over one chunk, so the content spans several chunk rows. */
  g_autofree char *big = cst_test_records_tiff (dir, "big.tif", 60, 1000);
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *paths[] = { big, NULL };
  const char *copy_paths[2] = { NULL, NULL };
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GError) error = NULL;
  Counts before, after_first, after_all;

  g_assert_true (g_file_get_contents (big, &contents, &len, NULL));
  copy = cst_test_records_file (dir, "same-scan-again.tif", contents, (gssize) len);
  copy_paths[0] = copy;

  before = count_stored ();
  first = cst_packet_add (clerk, cst_request_get_id (one), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  after_first = count_stored ();
  g_assert_cmpint (after_first.contents, ==, before.contents + 1);
  g_assert_cmpint (after_first.chunks, ==, before.chunks + (gint64) (len + CST_RECORD_CHUNK_SIZE - 1) / CST_RECORD_CHUNK_SIZE);
  g_assert_cmpint (after_first.chunks - before.chunks, >=, 2);

  second = cst_packet_add (clerk, cst_request_get_id (one), copy_paths, NULL, NULL, &error);
  g_assert_no_error (error);
  third = cst_packet_add (clerk, cst_request_get_id (two), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  after_all = count_stored ();
  g_assert_cmpint (after_all.documents, ==, before.documents + 3);
  g_assert_cmpint (after_all.contents, ==, after_first.contents);
  g_assert_cmpint (after_all.chunks, ==, after_first.chunks);
  g_assert_cmpuint (((CstRecordDocument *) g_ptr_array_index (second, 0))->position, ==, 2);
  g_assert_cmpstr (((CstRecordDocument *) g_ptr_array_index (second, 0))->name, ==, "same-scan-again.tif");
  g_assert_cmpuint (((CstRecordDocument *) g_ptr_array_index (third, 0))->pages, ==, 60);
  assert_stored_bytes (clerk, ((CstRecordDocument *) g_ptr_array_index (third, 0))->id, big);
  cst_test_records_remove (dir);
}

static void
test_closed_request_refused (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-6");
  g_autoptr(CstRequest) cancelled = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "late.pdf", 1, "Late");
  const char *paths[] = { pdf, NULL };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  Counts before;

  cancelled = cst_request_repo_move (owner, request, CST_STATUS_CANCELLED, "Withdrawn", &error);
  g_assert_no_error (error);
  before = count_stored ();
  added = cst_packet_add (clerk, cst_request_get_id (cancelled), paths, NULL, NULL, &error);
  g_assert_null (added);
  g_assert_error (error, CST_ERROR, CST_ERROR_CLOSED);
  assert_nothing_stored_since (&before);
  cst_test_records_remove (dir);
}

/* Only the desk (and administrators) add records; the functions check
 * the caller's role themselves, and nobody writes the tables directly. */
static void
test_other_roles_cannot_add (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-7");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "chart.pdf", 1, "Chart");
  const char *paths[] = { pdf, NULL };
  const char *roles[] = { "custodian_auditor", "custodian_billing" };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(PGconn) conn = cst_test_db_connect_as (db, roles[i]);
      g_autoptr(GPtrArray) added = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) direct_error = NULL;
      Counts before = count_stored ();

      added = cst_packet_add (conn, cst_request_get_id (request), paths, NULL, NULL, &error);
      g_assert_null (added);
      g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      g_assert_false (cst_db_exec_command (conn, "DELETE FROM record_documents", 0, NULL, &direct_error));
      g_assert_error (direct_error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
      assert_nothing_stored_since (&before);
    }
  cst_test_records_remove (dir);
}

static void
test_viewing_is_logged (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = cst_db_connect (desk, NULL);
  g_autoptr(PGconn) auditor = cst_test_db_connect_as (db, "custodian_auditor");
  g_autoptr(PGconn) billing = cst_test_db_connect_as (db, "custodian_billing");
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-8");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *pdf = cst_test_records_pdf (dir, "op-note.pdf", 2, "Operative note");
  const char *paths[] = { pdf, NULL };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) row = NULL;
  g_autoptr(PGresult) who = NULL;
  g_autofree char *audit_id = NULL;
  CstRecordDocument *doc;
  gint64 audit;

  added = cst_packet_add (clerk, cst_request_get_id (request), paths, NULL, NULL, &error);
  g_assert_no_error (error);
  doc = g_ptr_array_index (added, 0);

  audit = cst_packet_document_viewed (auditor, doc->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (audit, >, 0);
  audit_id = g_strdup_printf ("%" G_GINT64_FORMAT, audit);
  {
    const char *params[] = { audit_id };
    row = cst_db_exec (owner, "SELECT actor, new_row->>'kind', (new_row->'details'->>'document_id')::bigint,"
                       " new_row->>'source', occurred_at IS NOT NULL FROM audit_log WHERE id = $1",
                       1, params, &error);
  }
  g_assert_no_error (error);
  who = cst_db_exec (auditor, "SELECT session_user", 0, NULL, &error);
  g_assert_cmpstr (cst_db_value (row, 0, 0), ==, cst_db_value (who, 0, 0));
  g_assert_cmpstr (cst_db_value (row, 0, 1), ==, "record.viewed");
  g_assert_cmpint (cst_db_int64 (row, 0, 2), ==, doc->id);
  g_assert_cmpstr (cst_db_value (row, 0, 3), ==, "database");
  g_assert_true (cst_db_bool (row, 0, 4));

  /* Billing reads the list (page counts) but neither opens nor reads bytes. */
  g_assert_cmpint (cst_packet_document_viewed (billing, doc->id, &error), ==, 0);
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

    g_assert_false (cst_packet_document_write_to (billing, doc->id, out, NULL, &error));
    g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
  }
  {
    g_autoptr(GPtrArray) listed = cst_packet_list (billing, cst_request_get_id (request), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (((CstRecordDocument *) g_ptr_array_index (listed, 0))->pages, ==, 2);
  }
  cst_test_records_remove (dir);
}

static void
test_add_async (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(CstConnection) connection = cst_connection_new (desk);
  g_autoptr(CstRequest) request = cst_test_db_add_request (owner, "PKT-9");
  g_autofree char *dir = g_dir_make_tmp ("cst-packet-XXXXXX", NULL);
  g_autofree char *tiff = cst_test_records_tiff (dir, "scan.tif", 3, 32);
  const char *paths[] = { tiff, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;

  cst_packet_add_async (connection, cst_request_get_id (request), paths, "Scan", NULL, NULL,
                        cst_test_result_cb, &result);
  added = cst_packet_add_finish (connection, cst_test_wait_result (&result, 30), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpuint (((CstRecordDocument *) g_ptr_array_index (added, 0))->pages, ==, 3);
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
  g_test_add_func ("/packet/each-format", test_each_format);
  g_test_add_func ("/packet/kind-from-request", test_kind_from_request);
  g_test_add_func ("/packet/bad-files-refused", test_bad_files_refused);
  g_test_add_func ("/packet/time-limit", test_time_limit);
  g_test_add_func ("/packet/one-bad-file-stores-nothing", test_one_bad_file_stores_nothing);
  g_test_add_func ("/packet/storing-is-one-transaction", test_storing_is_one_transaction);
  g_test_add_func ("/packet/same-content-stored-once", test_same_content_stored_once);
  g_test_add_func ("/packet/closed-request-refused", test_closed_request_refused);
  g_test_add_func ("/packet/other-roles-cannot-add", test_other_roles_cannot_add);
  g_test_add_func ("/packet/viewing-is-logged", test_viewing_is_logged);
  g_test_add_func ("/packet/add-async", test_add_async);
  status = g_test_run ();
  g_free (desk);
  cst_test_db_free (db);
  return status;
}
