/* test-redaction.c — redaction burned and proven, as the people who do it
 *
 * A born-digital PDF carries planted names: in plain text, split across
 * text operators, in a form field, in an annotation, in the document's
 * metadata; a scanned page carries one in its pixels.  A clerk with the
 * redaction right marks them (custodian-cli packet redact, by text and by
 * box), the packet is built, and pdftotext, Poppler, Tesseract and the
 * packet's decompressed bytes find none of them, while an unredacted page
 * keeps its text.  A clerk without the right can only propose.  A packet
 * whose read-back still finds a redacted name is built, says which page,
 * and cannot be released.
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>

#include "custodian/cst-packet.h"
#include "custodian/cst-redaction.h"
#include "custodian/cst-release.h"

#include "cst-redaction-private.h"
#include "cst-test-async.h"
#include "cst-test-cli.h"
#include "cst-test-db.h"
#include "cst-test-pdf.h"
#include "cst-test-records.h"

static CstTestDb *db;
static char *redactor;   /* a clerk with the redaction right */
static char *desk;       /* a clerk without it */

/* Every name planted in the records below: none may leave. */
static const char *const planted[] = {
  "Marisol Quintero",        /* plain text, page 1 */
  "Zephyrine Okafor",        /* split across Tj, Tj and a TJ array, page 1 */
  "Rosalind Achterberg",     /* a form field's value and appearance, page 1 */
  "Thaddeus Lindqvist",      /* a note annotation's contents, page 1 */
  "HIV panel reactive",      /* under a box drawn by hand, page 2 */
  "Ingeborg Villanueva",     /* the document's metadata only */
  "Cornelius Blackwood",     /* the pixels of a scanned page */
  NULL
};

/* ---- record files ------------------------------------------------------ */

/* A PDF written object by object, with its cross-reference table; object
 * 13 is its /Info. */
static char *
write_pdf (const char        *dir,
           const char        *name,
           const char *const *objects)
{
  g_autoptr(GString) pdf = g_string_new ("%PDF-1.7\n");
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  char *path = g_build_filename (dir, name, NULL);
  guint n = g_strv_length ((char **) objects);
  gsize xref;

  for (guint i = 0; i < n; i++)
    {
      gsize at = pdf->len;

      g_array_append_val (offsets, at);
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", n + 1);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R /Info 13 0 R >>\nstartxref\n%"
                          G_GSIZE_FORMAT "\n%%%%EOF\n", n + 1, xref);
  g_assert_true (g_file_set_contents (path, pdf->str, (gssize) pdf->len, NULL));
  return path;
}

static char *
stream (const char *extra,
        const char *content)
{
  return g_strdup_printf ("<< %s /Length %zu >>\nstream\n%s\nendstream", extra, strlen (content),
                          content);
}

/* Three pages: 1 with four planted names and a line of its own, 2 with
 * the result a box hides and a line of its own, 3 untouched. */
static char *
planted_pdf (const char *dir)
{
  g_autofree char *page1 = stream ("",
    "BT /F1 12 Tf 72 700 Td (Seen with Marisol Quintero today) Tj ET\n"
    "BT /F1 12 Tf 72 650 Td (Sister: ) Tj (Zeph) Tj (yri) Tj [(ne) -10 ( Oka) 20 (for)] TJ ET\n"
    "BT /F1 12 Tf 72 600 Td (Vital signs stable) Tj ET");
  g_autofree char *page2 = stream ("",
    "BT /F1 12 Tf 72 700 Td (HIV panel reactive) Tj ET\n"
    "BT /F1 12 Tf 72 600 Td (Follow-up visit unremarkable) Tj ET");
  g_autofree char *page3 = stream ("", "BT /F1 12 Tf 72 700 Td (Unrelated clinic note kept) Tj ET");
  g_autofree char *field_look = stream (
    "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /Helv 5 0 R >> >>",
    "/Tx BMC BT /Helv 10 Tf 2 6 Td (Rosalind Achterberg) Tj ET EMC");
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] /DA (/Helv 10 Tf 0 g)"
    " /DR << /Font << /Helv 5 0 R >> >> >> >>",
    "<< /Type /Pages /Kids [3 0 R 4 0 R 12 0 R] /Count 3 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
    " /Contents 6 0 R /Annots [7 0 R 8 0 R] >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
    " /Contents 9 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    page1,
    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (guardian) /V (Rosalind Achterberg)"
    " /Rect [72 500 300 520] /P 3 0 R /F 4 /DA (/Helv 10 Tf 0 g) /AP << /N 10 0 R >> >>",
    "<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /P 3 0 R"
    " /Contents (Call Thaddeus Lindqvist) /F 4 >>",
    page2,
    field_look,
    page3,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
    " /Contents 11 0 R /Annots [14 0 R] >>",
    "<< /Title (Consult for Ingeborg Villanueva) /Author (Ingeborg Villanueva) >>",
    /* A link on the untouched page whose /P names page 1: copying page 3
     * must not drag page 1's objects along. */
    "<< /Type /Annot /Subtype /Link /Rect [72 650 200 670] /P 3 0 R /Border [0 0 0] >>",
    NULL
  };

  return write_pdf (dir, "consult.pdf", objects);
}

/* A scanned page (150 dpi letter) whose only name is in its pixels. */
static char *
scanned_png (const char *dir)
{
  char *path = g_build_filename (dir, "intake.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1275, 1650);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 40);
  cairo_move_to (cr, 150, 300);
  cairo_show_text (cr, "Emergency contact Cornelius Blackwood");
  cairo_move_to (cr, 150, 500);
  cairo_show_text (cr, "Scanned intake form");
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

/* @request as stored now (transfer full; @request's reference is dropped). */
static CstRequest *
reread (PGconn     *owner,
        CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  CstRequest *now = cst_request_repo_get (owner, cst_request_get_id (request), &error);

  g_assert_no_error (error);
  g_object_unref (request);
  return now;
}

/* Sends @request (transfer full) to its quality check with its last
 * build, which the redactor (not the desk that built it) approves: the
 * request is then ready (0068). */
static CstRequest *
reviewed (PGconn     *owner,
          CstRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstPacketReview) review = NULL;

  request = cst_test_db_move_along (owner, request, CST_STATUS_QUALITY_CHECK);
  review = cst_packet_review_decide_at (redactor, cst_request_get_reference (request), NULL, &error);
  g_assert_no_error (error);
  return reread (owner, request);
}

static CstRequest *
request_with (PGconn            *owner,
              const char        *mrn,
              const char *const *paths)
{
  CstRequest *request = cst_test_db_add_request (owner, mrn);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = cst_packet_add_at (redactor, cst_request_get_reference (request),
                                                 paths, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, g_strv_length ((char **) paths));
  /* The records set the request's page count (0067): read it again. */
  return reread (owner, request);
}

static gint64
first_document (PGconn     *owner,
                CstRequest *request)
{
  return cst_test_db_int_for_id (owner,
    "SELECT min(id) FROM record_documents WHERE request_id = $1", cst_request_get_id (request));
}

/* ---- reading the packet back ------------------------------------------- */

static PopplerDocument *
open_pdf (const char *path)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_nonnull (mapped);
  bytes = g_mapped_file_get_bytes (mapped);
  return cst_test_pdf_open (bytes);
}

static void
assert_none_planted (const char *text,
                     const char *where)
{
  g_autofree char *squashed = cst_redaction_squash (text);

  for (const char *const *p = planted; *p; p++)
    {
      g_autofree char *name = cst_redaction_squash (*p);

      if (strstr (squashed, name) != NULL)
        g_error ("%s still shows “%s”", where, *p);
    }
}

static char *
run_program (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* Every object of the packet, streams decompressed (qpdf --qdf). */
static char *
packet_bytes (const char *packet,
              const char *dir)
{
  g_autofree char *qdf = g_build_filename (dir, "packet-qdf.pdf", NULL);
  const char *argv[] = { "qpdf", "--qdf", "--object-streams=disable", "--decode-level=all",
                         packet, qdf, NULL };
  g_autofree char *ignored = run_program (argv);
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (qdf, &contents, &len, NULL));
  /* Image data may hold NUL bytes: make it one searchable string. */
  for (gsize i = 0; i < len; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return contents;
}

/* Not inlined: GCC 12 then mistakes the packet's bytes for a local. */
static G_GNUC_NO_INLINE guint
occurrences (const char *haystack,
             const char *needle)
{
  gsize at = 0;
  guint n = 0;
  const char *found;

  while ((found = strstr (haystack + at, needle)) != NULL)
    {
      n++;
      at = (gsize) (found - haystack) + strlen (needle);
    }
  return n;
}

/* Page @number (from 1) of @packet read by Tesseract, as programs:
 * pdftoppm renders it at 300 dpi in grey and the tesseract command reads
 * it, in the languages Custodian reads.  Independent of Custodian's own
 * OCR, and outside this process, whose own code is what valgrind checks
 * (Tesseract inside it was two thirds of this test under memcheck). */
static char *
ocr_page (const char *packet,
          int         number,
          const char *dir)
{
  g_autofree char *at = g_strdup_printf ("%d", number);
  g_autofree char *prefix = g_build_filename (dir, "ocr-page", NULL);
  g_autofree char *image = g_strconcat (prefix, ".pgm", NULL);
  const char *render[] = { "pdftoppm", "-r", "300", "-gray", "-singlefile", "-f", at, "-l", at,
                           packet, prefix, NULL };
  const char *read[] = { "tesseract", image, "stdout", "-l", "eng+spa", "--dpi", "300", NULL };
  g_autofree char *ignored = run_program (render);
  char *text = run_program (read);

  g_assert_cmpint (g_remove (image), ==, 0);
  return text;
}

/* Fails with what the program said when it exits otherwise than @want. */
static void
check_exit (int         got,
            int         want,
            const char *out,
            const char *err)
{
  if (got != want)
    g_error ("custodian-cli exited %d, not %d:\n%s%s", got, want, out, err);
}

#define redact(login, reference, want, out, err, ...)                                          \
  G_STMT_START {                                                                                \
    int status_ = cst_test_cli_run (login, out, err, "packet", "redact", "--request", reference, \
                                    __VA_ARGS__);                                               \
    check_exit (status_, want, *(out), *(err));                                                 \
  } G_STMT_END

/* ---- the tests ---------------------------------------------------------- */

static void
test_planted_names_gone (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-redaction-XXXXXX", NULL);
  g_autofree char *consult = planted_pdf (dir);
  g_autofree char *intake = scanned_png (dir);
  const char *paths[] = { consult, intake, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "RDCT-1", paths);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *doc = g_strdup_printf ("%" G_GINT64_FORMAT, first_document (owner, request));
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *summary = g_build_filename (dir, "packet.json", NULL);
  g_autoptr(PopplerDocument) pdf = NULL;
  int front;
  g_autofree char *json = NULL;
  g_autofree char *all_bytes = NULL;

  /* By text: born-digital words, a form field, an annotation, OCR. */
  {
    g_autofree char *out = NULL, *err = NULL;

    redact (redactor, reference, 0, &out, &err, "--text", "marisol quintero", "--reason", "other_person", NULL);
    g_assert_nonnull (strstr (out, "Marked 1 occurrence"));
    g_assert_nonnull (strstr (out, "page 1"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    redact (redactor, reference, 0, &out, &err, "--text", "Zephyrine Okafor", "--reason", "other_person", NULL);
    g_assert_nonnull (strstr (out, "Marked 1 occurrence"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    redact (redactor, reference, 0, &out, &err, "--text", "Rosalind Achterberg", "--reason",
            "minor_confidential", NULL);
    g_assert_nonnull (strstr (out, "Marked "));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    redact (redactor, reference, 0, &out, &err, "--text", "Thaddeus Lindqvist", "--reason",
            "other", "--reason-text", "the neighbour's number", NULL);
    g_assert_nonnull (strstr (out, "Marked 1 occurrence"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *scan = g_strdup_printf ("document %" G_GINT64_FORMAT ": page 1",
                                             first_document (owner, request) + 1);

    redact (redactor, reference, 0, &out, &err, "--text", "Cornelius Blackwood", "--reason",
            "psychotherapy_notes", NULL);
    g_assert_nonnull (strstr (out, "Marked 1 occurrence"));
    g_assert_nonnull (strstr (out, scan));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    /* Only in the metadata: no page shows it. */
    redact (redactor, reference, 1, &out, &err, "--text", "Ingeborg Villanueva", "--reason",
            "other_person", NULL);
    g_assert_nonnull (strstr (out, "nowhere"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    /* By hand: the result line on page 2 (baseline 92 pt from the top). */
    redact (redactor, reference, 0, &out, &err, "--document", doc, "--page", "2", "--box",
            "70,76,200,22", "--reason", "state_protected", NULL);
    g_assert_nonnull (strstr (out, "Marked redaction"));
  }

  /* Built as the desk: three pages rebuilt, the check passed. */
  {
    g_autofree char *out = NULL, *err = NULL;

    int status = cst_test_cli_run (desk, &out, &err, "packet", "build", "--request", reference,
                                   "--output", packet, "--json", summary, NULL);

    check_exit (status, 0, out, err);
    g_assert_nonnull (strstr (out, "burned into 3 pages"));
  }
  g_assert_true (g_file_get_contents (summary, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"redacted_pages\":3"));
  g_assert_nonnull (strstr (json, "\"redaction_check\":\"passed\""));
  g_assert_null (strstr (json, "\"redactions\":0"));

  /* pdftotext, the whole packet. */
  {
    const char *argv[] = { "pdftotext", packet, "-", NULL };
    g_autofree char *text = run_program (argv);

    assert_none_planted (text, "pdftotext");
    g_assert_nonnull (strstr (text, "Unrelated clinic note kept"));
  }

  /* Poppler: every page's text, annotations and form fields; the
   * metadata; the untouched page still text, the rebuilt ones only the
   * stamp. */
  pdf = open_pdf (packet);
  /* The cover letter first (packet-assemble), then the four record pages. */
  front = poppler_document_get_n_pages (pdf) - 4;
  g_assert_cmpint (front, ==, 1);
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, front + i);
      g_autofree char *text = poppler_page_get_text (page);
      GList *annots = poppler_page_get_annot_mapping (page);
      g_autofree char *where = g_strdup_printf ("Poppler's text of page %d", i + 1);

      assert_none_planted (text, where);
      for (GList *l = annots; l; l = l->next)
        {
          g_autofree char *contents = poppler_annot_get_contents (((PopplerAnnotMapping *) l->data)->annot);

          if (contents)
            assert_none_planted (contents, "an annotation");
        }
      if (i != 2)
        {
          /* A rebuilt page: no annotation, and no text but the stamp. */
          g_autofree char *squashed = cst_test_pdf_squash (text);
          g_autofree char *stamp = g_strdup_printf ("%spage%dof4", reference, i + 1);

          g_assert_null (annots);
          g_assert_cmpstr (squashed, ==, stamp);
        }
      poppler_page_free_annot_mapping (annots);
    }
  {
    g_autofree char *third = cst_test_pdf_page_text (pdf, front + 2);
    g_autofree char *title = poppler_document_get_title (pdf);
    g_autofree char *author = poppler_document_get_author (pdf);
    g_autofree char *xmp = poppler_document_get_metadata (pdf);

    g_assert_nonnull (strstr (third, "Unrelated clinic note kept"));
    assert_none_planted (title ? title : "", "the title");
    assert_none_planted (author ? author : "", "the author");
    assert_none_planted (xmp ? xmp : "", "the XMP metadata");
  }

  /* Tesseract, every page; it does read the scanned page's other line. */
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *read = ocr_page (packet, front + i + 1, dir);
      g_autofree char *where = g_strdup_printf ("OCR of page %d", i + 1);

      assert_none_planted (read, where);
      if (i == 3)
        g_assert_nonnull (strstr (read, "intake form"));
    }

  /* Every object of the file, streams decompressed.  The rebuilt pages are
   * grey where the original was (page 2, the scan) and colour where it
   * was not (page 1: the note's icon is drawn yellow). */
  all_bytes = packet_bytes (packet, dir);
  assert_none_planted (all_bytes, "the packet's objects");
  g_assert_cmpuint (occurrences (all_bytes, "/ColorSpace /DeviceGray"), ==, 2);
  g_assert_cmpuint (occurrences (all_bytes, "/ColorSpace /DeviceRGB"), ==, 1);
  cst_test_records_remove (dir);
}

/* The finder reads the scanned page by OCR off the main loop, telling its
 * progress page by page; cancelled, it stops with nothing found. */
static void
test_find_async (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-redaction-XXXXXX", NULL);
  g_autofree char *intake = scanned_png (dir);
  g_autofree char *notes = cst_test_records_pdf (dir, "notes.pdf", 2, "Blackwood visited");
  const char *paths[] = { notes, intake, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "RDCT-2", paths);
  g_autoptr(CstConnection) connection = cst_connection_new (desk);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;

  cst_redaction_find_text_async (connection, cst_request_get_id (request), "BLACKWOOD",
                                 NULL, NULL, NULL, cst_test_result_cb, &result);
  hits = cst_redaction_find_text_finish (connection, cst_test_wait_result (&result, 120), &error);
  g_assert_no_error (error);
  /* Both text pages, and the scan's word read by OCR. */
  g_assert_cmpuint (hits->len, ==, 3);
  g_assert_cmpuint (((CstRedactionHit *) g_ptr_array_index (hits, 2))->page, ==, 1);
  g_assert_cmpfloat (((CstRedactionHit *) g_ptr_array_index (hits, 2))->box.width, >, 20);

  g_cancellable_cancel (cancellable);
  cst_redaction_find_text_async (connection, cst_request_get_id (request), "Blackwood", NULL, NULL,
                                 cancellable, cst_test_result_cb, &cancelled_result);
  none = cst_redaction_find_text_finish (connection, cst_test_wait_result (&cancelled_result, 60),
                                         &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  cst_test_records_remove (dir);
}

static void
count_progress (guint    done,
                guint    total,
                gpointer data)
{
  guint *told = data;

  g_assert_cmpuint (done, <=, total);
  told[0] = done;
  told[1] = total;
}

static void
test_find_progress (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autofree char *dir = g_dir_make_tmp ("cst-redaction-XXXXXX", NULL);
  g_autofree char *notes = cst_test_records_pdf (dir, "notes.pdf", 3, "Progress check");
  const char *paths[] = { notes, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "RDCT-3", paths);
  g_autoptr(CstConnection) connection = cst_connection_new (desk);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  guint told[2] = { 0, 0 };

  cst_redaction_find_text_async (connection, cst_request_get_id (request), "progress check",
                                 count_progress, told, NULL, cst_test_result_cb, &result);
  hits = cst_redaction_find_text_finish (connection, cst_test_wait_result (&result, 60), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 3);
  /* Told on this thread's main context, the last time with every page done. */
  cst_test_iterate (10);
  g_assert_cmpuint (told[0], ==, 3);
  g_assert_cmpuint (told[1], ==, 3);
  cst_test_records_remove (dir);
}

/* Without the redaction right a clerk proposes; applying waits for a
 * person with it, and the build burns only what is applied. */
static void
test_propose_only_without_the_right (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) holder = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-redaction-XXXXXX", NULL);
  g_autofree char *notes = cst_test_records_pdf (dir, "notes.pdf", 1, "Octavia Brennan");
  const char *paths[] = { notes, NULL };
  g_autoptr(CstRequest) request = request_with (owner, "RDCT-4", paths);
  const char *reference = cst_request_get_reference (request);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  CstRedaction *r;

  {
    g_autofree char *o = NULL, *e = NULL;

    /* A box that is not four numbers is a usage error, before any database. */
    redact (desk, reference, 2, &o, &e, "--document", "1", "--page", "1", "--box", "1,2,3",
            "--reason", "other_person", NULL);
    g_assert_nonnull (strstr (e, "X,Y,W,H"));
  }
  redact (desk, reference, 1, &out, &err, "--text", "Octavia Brennan", "--reason", "other_person", NULL);
  g_assert_nonnull (strstr (err, "redaction right"));
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT count(*) FROM record_redactions WHERE request_id = $1", cst_request_get_id (request)), ==, 0);

  redact (desk, reference, 0, &out2, &err2, "--text", "Octavia Brennan", "--reason", "other_person",
          "--propose", NULL);
  list = cst_redaction_list_at (desk, reference, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  r = g_ptr_array_index (list, 0);
  g_assert_cmpstr (r->state, ==, "proposed");
  g_assert_null (r->decided_by);

  /* The desk cannot accept its own proposal; the redactor can. */
  holder = cst_db_connect (desk, &error);
  g_assert_false (cst_redaction_decide (holder, r->id, TRUE, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_clear_pointer (&holder, PQfinish);
  holder = cst_db_connect (redactor, &error);
  g_assert_true (cst_redaction_decide (holder, r->id, TRUE, &error));
  g_assert_no_error (error);

  /* Listed as applied, with who decided; JSON too. */
  g_assert_cmpint (cst_test_cli_run (desk, &out3, &err3, "packet", "redactions", "--request",
                                     reference, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "\"state\":\"applied\""));
  g_assert_nonnull (strstr (out3, "\"reason\":\"other_person\""));
  g_assert_nonnull (strstr (out3, "\"source\":\"text\""));

  /* The desk cannot remove an applied one; the redactor can, before release. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);
    g_autofree char *o = NULL, *e = NULL, *o2 = NULL, *e2 = NULL;

    g_assert_cmpint (cst_test_cli_run (desk, &o, &e, "packet", "unredact", "--request", reference,
                                       "--id", id, NULL), ==, 1);
    g_assert_nonnull (strstr (e, "redaction right"));
    g_assert_cmpint (cst_test_cli_run (redactor, &o2, &e2, "packet", "unredact", "--request",
                                       reference, "--id", id, NULL), ==, 0);
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  list = cst_redaction_list_at (desk, reference, &error);
  g_assert_cmpstr (((CstRedaction *) g_ptr_array_index (list, 0))->state, ==, "removed");
  /* Audited: the insert, the decision and the removal. */
  g_assert_cmpint (cst_test_db_int_for_id (owner,
    "SELECT count(*) FROM audit_log WHERE table_name = 'record_redactions'"
    " AND (new_row ->> 'request_id')::bigint = $1", cst_request_get_id (request)), >=, 3);
  cst_test_records_remove (dir);
}

/* A packet whose read-back still finds a redacted name (another page
 * shows it unredacted) is built, names the page, and cannot be released;
 * redacted there too and built again, the release may go on. */
static void
test_failed_check_blocks_release (void)
{
  g_autoptr(PGconn) owner = cst_test_db_connect (db);
  g_autoptr(PGconn) clerk = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-redaction-XXXXXX", NULL);
  g_autofree char *notes = cst_test_records_pdf (dir, "notes.pdf", 2, "Leopold Fairweather");
  const char *paths[] = { notes, NULL };
  CstRequest *request = request_with (owner, "RDCT-5", paths);
  g_autofree char *reference = g_strdup (cst_request_get_reference (request));
  g_autofree char *doc = g_strdup_printf ("%" G_GINT64_FORMAT, first_document (owner, request));
  g_autofree char *packet = g_build_filename (dir, "packet.pdf", NULL);
  g_autofree char *summary = g_build_filename (dir, "packet.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(CstRelease) refused = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };
  CstRequest *ready;

  {
    g_autofree char *out = NULL, *err = NULL;

    /* Page 1 only, by hand: the name (not "page 1") on the line at 72 pt
     * from the top, 143 pt long in DejaVu Sans 14. */
    redact (redactor, reference, 0, &out, &err, "--document", doc, "--page", "1", "--box",
            "60,50,160,30", "--reason", "other_person", NULL);
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    int status = cst_test_cli_run (desk, &out, &err, "packet", "build", "--request", reference,
                                   "--output", packet, "--json", summary, NULL);

    check_exit (status, 1, out, err);
    /* The packet's page 3: its cover letter, then record pages 1 and 2. */
    g_assert_nonnull (strstr (err, "page 3 of the packet"));
  }
  g_assert_true (g_file_get_contents (summary, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"redaction_check\":\"failed\""));
  g_assert_nonnull (strstr (json, "\"redaction_check_failed_page\":3"));

  ready = reviewed (owner, request);
  g_assert_cmpint (cst_request_get_status (ready), ==, CST_STATUS_READY);
  clerk = cst_db_connect (desk, &error);
  g_assert_null (cst_release_run (clerk, ready, "en", &options, &error));
  g_assert_error (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "page 3"));
  g_clear_error (&error);

  /* Redacted on page 2 as well: the check passes, the release goes on. */
  {
    g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

    redact (redactor, reference, 0, &out, &err, "--document", doc, "--page", "2", "--box",
            "60,50,160,30", "--reason", "other_person", NULL);
    /* Changed since the build: refused until built again. */
    g_assert_null ((refused = cst_release_run (clerk, ready, "en", &options, &error)));
    g_assert_nonnull (strstr (error->message, "changed since"));
    g_clear_error (&error);
    g_assert_cmpint (cst_test_cli_run (desk, &out2, &err2, "packet", "build", "--request",
                                       reference, "--output", packet, NULL), ==, 0);
  }
  /* A new build is a new packet: back to work, and checked again. */
  {
    CstRequest *back = cst_request_repo_move (owner, ready, CST_STATUS_IN_PROGRESS, NULL, &error);

    g_assert_no_error (error);
    g_object_unref (ready);
    ready = reviewed (owner, back);
  }
  release = cst_release_run (clerk, ready, "en", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_request_get_status (release->request), ==, CST_STATUS_RELEASED);
  g_object_unref (ready);
  cst_test_records_remove (dir);
}

static char *
login_of (const char *conninfo)
{
  const char *user = strstr (conninfo, "user=");

  g_assert_nonnull (user);
  return g_strdup (user + strlen ("user="));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  redactor = cst_test_db_create_login (db, "custodian_clerk");
  desk = cst_test_db_create_login (db, "custodian_clerk");
  {
    g_autoptr(PGconn) owner = cst_test_db_connect (db);
    g_autofree char *login = login_of (redactor);
    g_autofree char *sql = g_strdup_printf ("GRANT custodian_redactor TO %s", login);

    cst_test_db_exec_ok (owner, sql, 0, NULL);
  }
  g_test_add_func ("/redaction/planted-names-gone", test_planted_names_gone);
  g_test_add_func ("/redaction/find-async", test_find_async);
  g_test_add_func ("/redaction/find-progress", test_find_progress);
  g_test_add_func ("/redaction/propose-only-without-the-right", test_propose_only_without_the_right);
  g_test_add_func ("/redaction/failed-check-blocks-release", test_failed_check_blocks_release);
  status = g_test_run ();
  cst_test_db_free (db);
  g_free (redactor);
  g_free (desk);
  return status;
}
