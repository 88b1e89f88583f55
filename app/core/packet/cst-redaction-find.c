/* cst-redaction-find.c — finding a text in a request's record pages
 *
 * Each document streams out of the database into a private directory (a
 * scan becomes the PDF page the packet carries, so a box found on it lands
 * where the packet draws it).  A born-digital page is searched through
 * Poppler's text with a box per character, plus the text of its
 * annotations and form fields (which a page's text may not show); a page
 * with no text is rendered and read by Tesseract, a box per word.  The
 * comparison ignores case and white space, so a name split across text
 * operators or lines is still found; each occurrence gives one box per
 * line it spans.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-private-file.h"

#include "cst-redaction-private.h"

/* Scanned pages are read at 300 dpi, Tesseract's best resolution. */
#define FIND_OCR_DPI 300
/* Room left around a found word, in points. */
#define FIND_PADDING 1.0

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

/**
 * cst_redaction_squash:
 *
 * Returns: (transfer full): @text without white space, in lower case: the
 *   form in which texts are compared
 */
char *
cst_redaction_squash (const char *text)
{
  GString *out = g_string_new ("");

  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}

/* ---- matching characters that carry boxes ------------------------------ */

typedef CstRedactionGlyph Glyph;

/* Appends @c: squashed (lower case, no white space), or as it is with a
 * run of white space as one ' ' without a box ('\n' when it ends a line,
 * so that a label can be looked for where a line starts). */
static void
append_glyph (GArray   *glyphs,
              gboolean  spaces,
              gunichar  c,
              double    x1,
              double    y1,
              double    x2,
              double    y2)
{
  Glyph g = { spaces ? c : g_unichar_tolower (c), x1, y1, x2, y2 };

  if (g_unichar_isspace (c))
    {
      gboolean line = c == '\n' || c == '\r';
      Glyph space = { line ? '\n' : ' ', 0, 0, 0, 0 };
      Glyph *last = glyphs->len > 0 ? &g_array_index (glyphs, Glyph, glyphs->len - 1) : NULL;

      if (!spaces || last == NULL)
        return;
      if (last->c == ' ' && line)
        last->c = '\n';
      else if (last->c != ' ' && last->c != '\n')
        g_array_append_val (glyphs, space);
      return;
    }
  /* A NUL would end the text the patterns read; one glyph stays one
   * character. */
  if (c == 0)
    g.c = 0xFFFD;
  g_array_append_val (glyphs, g);
}

static void
add_glyphs (GArray     *glyphs,
            gboolean    spaces,
            const char *text,
            double      x1,
            double      y1,
            double      x2,
            double      y2)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    append_glyph (glyphs, spaces, g_utf8_get_char (p), x1, y1, x2, y2);
  /* Words stay apart. */
  append_glyph (glyphs, spaces, ' ', 0, 0, 0, 0);
}

static void
add_hit (GPtrArray    *hits,
         gint64        document_id,
         guint         page,
         const Glyph  *box)
{
  CstRedactionHit *hit = g_new0 (CstRedactionHit, 1);

  hit->document_id = document_id;
  hit->page = page;
  hit->box.x = MAX (0, box->x1 - FIND_PADDING);
  hit->box.y = MAX (0, box->y1 - FIND_PADDING);
  hit->box.width = box->x2 + FIND_PADDING - hit->box.x;
  hit->box.height = box->y2 + FIND_PADDING - hit->box.y;
  g_ptr_array_add (hits, hit);
}

/**
 * cst_redaction_glyph_hits:
 *
 * One box per line the glyphs [@start, @end) span; white space has no box
 * and is skipped.
 */
void
cst_redaction_glyph_hits (GPtrArray   *hits,
                          gint64       document_id,
                          guint        page,
                          const Glyph *glyphs,
                          guint        start,
                          guint        end)
{
  Glyph box;

  while (start < end && (glyphs[start].c == ' ' || glyphs[start].c == '\n'))
    start++;
  if (start == end)
    return;
  box = glyphs[start];
  for (guint i = start + 1; i < end; i++)
    {
      const Glyph *g = &glyphs[i];
      double middle = (g->y1 + g->y2) / 2;

      if (g->c == ' ' || g->c == '\n')
        continue;
      if (middle < box.y1 || middle > box.y2)
        {
          add_hit (hits, document_id, page, &box);
          box = *g;
          continue;
        }
      box.x1 = MIN (box.x1, g->x1);
      box.y1 = MIN (box.y1, g->y1);
      box.x2 = MAX (box.x2, g->x2);
      box.y2 = MAX (box.y2, g->y2);
    }
  add_hit (hits, document_id, page, &box);
}

static guint
match_glyphs (GPtrArray      *hits,
              gint64          document_id,
              guint           page,
              GArray         *glyphs,
              const gunichar *needle,
              glong           n)
{
  const Glyph *g = (const Glyph *) glyphs->data;
  guint found = 0;

  for (guint i = 0; n > 0 && i + (guint) n <= glyphs->len; i++)
    {
      glong k = 0;

      while (k < n && g[i + k].c == needle[k])
        k++;
      if (k < n)
        continue;
      cst_redaction_glyph_hits (hits, document_id, page, g, i, i + (guint) n);
      found++;
      i += (guint) n - 1;
    }
  return found;
}

/* ---- born-digital pages ------------------------------------------------ */

static void
text_glyphs (PopplerPage *page,
             gboolean     spaces,
             GArray      *glyphs)
{
  g_autofree char *text = poppler_page_get_text (page);
  PopplerRectangle *rects = NULL;
  guint n_rects = 0;
  guint i = 0;

  if (text == NULL || !poppler_page_get_text_layout (page, &rects, &n_rects))
    return;
  for (const char *p = text; *p && i < n_rects; p = g_utf8_next_char (p), i++)
    {
      append_glyph (glyphs, spaces, g_utf8_get_char (p), rects[i].x1, rects[i].y1, rects[i].x2,
                    rects[i].y2);
    }
  g_free (rects);
}

/**
 * cst_redaction_text_in_box:
 *
 * The page's characters whose middle lies in @box, in reading order, a
 * line break where a line ends.  (Poppler's own text for an area selects
 * as a reader's drag does, and snaps to the nearest lines even when the
 * area holds no text.)
 *
 * Returns: (transfer full): the text, maybe empty
 */
char *
cst_redaction_text_in_box (PopplerPage           *page,
                           const CstRedactionBox *box)
{
  g_autofree char *text = poppler_page_get_text (page);
  PopplerRectangle *rects = NULL;
  guint n_rects = 0;
  guint i = 0;
  GString *out = g_string_new ("");
  double last_y = -1;

  if (text == NULL || !poppler_page_get_text_layout (page, &rects, &n_rects))
    return g_string_free (out, FALSE);
  for (const char *p = text; *p && i < n_rects; p = g_utf8_next_char (p), i++)
    {
      double x = (rects[i].x1 + rects[i].x2) / 2;
      double y = (rects[i].y1 + rects[i].y2) / 2;
      gunichar c = g_utf8_get_char (p);

      if (x < box->x || x > box->x + box->width || y < box->y || y > box->y + box->height)
        continue;
      if (last_y >= 0 && fabs (y - last_y) > (rects[i].y2 - rects[i].y1) / 2)
        g_string_append_c (out, '\n');
      last_y = y;
      g_string_append_unichar (out, c == '\n' ? ' ' : c);
    }
  g_free (rects);
  return g_string_free (out, FALSE);
}

/* Annotation and form-field areas are in PDF space (origin bottom-left);
 * boxes are from the top-left. */
static void
area_glyphs (GArray                 *glyphs,
             const char             *text,
             const PopplerRectangle *area,
             double                  page_height)
{
  if (text != NULL)
    add_glyphs (glyphs, FALSE, text, area->x1, page_height - area->y2, area->x2, page_height - area->y1);
}

static void
annotation_glyphs (PopplerPage *page,
                   GArray      *glyphs,
                   double       page_height)
{
  GList *annots = poppler_page_get_annot_mapping (page);
  GList *fields = poppler_page_get_form_field_mapping (page);

  for (GList *l = annots; l != NULL; l = l->next)
    {
      PopplerAnnotMapping *m = l->data;
      g_autofree char *contents = poppler_annot_get_contents (m->annot);

      if (poppler_annot_get_annot_type (m->annot) != POPPLER_ANNOT_WIDGET)
        area_glyphs (glyphs, contents, &m->area, page_height);
    }
  for (GList *l = fields; l != NULL; l = l->next)
    {
      PopplerFormFieldMapping *m = l->data;
      g_autofree char *value = NULL;

      if (poppler_form_field_get_field_type (m->field) == POPPLER_FORM_FIELD_TEXT)
        value = poppler_form_field_text_get_text (m->field);
      else if (poppler_form_field_get_field_type (m->field) == POPPLER_FORM_FIELD_CHOICE)
        value = poppler_form_field_choice_get_text (m->field);
      area_glyphs (glyphs, value, &m->area, page_height);
    }
  poppler_page_free_annot_mapping (annots);
  poppler_page_free_form_field_mapping (fields);
}

/* ---- scanned pages ------------------------------------------------------ */

/* @page drawn on white at @dpi. */
static cairo_surface_t *
render_page (PopplerPage *page,
             int          dpi)
{
  double w, h;
  cairo_surface_t *image;
  cairo_t *cr;

  poppler_page_get_size (page, &w, &h);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (w * dpi / 72.0),
                                      (int) ceil (h * dpi / 72.0));
  cr = cairo_create (image);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  return image;
}

static gboolean
ocr_glyphs (CstOcr        *ocr,
            PopplerPage   *page,
            gboolean       spaces,
            GArray        *glyphs,
            GCancellable  *cancellable,
            GError       **error)
{
  cairo_surface_t *image = render_page (page, FIND_OCR_DPI);
  g_autoptr(GPtrArray) words = cst_ocr_words (ocr, image, FIND_OCR_DPI, cancellable, error);
  double scale = 72.0 / FIND_OCR_DPI;

  cairo_surface_destroy (image);
  if (words == NULL)
    return FALSE;
  for (guint i = 0; i < words->len; i++)
    {
      CstOcrWord *w = g_ptr_array_index (words, i);

      /* A word left of the one before starts a new line. */
      if (i > 0 && w->x < ((CstOcrWord *) g_ptr_array_index (words, i - 1))->x)
        append_glyph (glyphs, spaces, '\n', 0, 0, 0, 0);

      add_glyphs (glyphs, spaces, w->text, w->x * scale, w->y * scale, (w->x + w->width) * scale,
                  (w->y + w->height) * scale);
    }
  return TRUE;
}

static gboolean
page_has_text (PopplerPage *page)
{
  g_autofree char *text = poppler_page_get_text (page);
  g_autofree char *squashed = cst_redaction_squash (text);

  return squashed[0] != '\0';
}

/* ---- documents ---------------------------------------------------------- */

typedef struct
{
  PGconn               *conn;
  const gunichar       *needle;
  glong                 n;
  CstOcr               *ocr;     /* made at the first scanned page */
  CstRedactionProgress  progress;
  gpointer              progress_data;
  guint                 done;
  guint                 total;
  GCancellable         *cancellable;
  GPtrArray            *hits;
} Search;

/**
 * cst_redaction_page_glyphs:
 *
 * Returns: FALSE with @error set when OCR could not run
 */
gboolean
cst_redaction_page_glyphs (PopplerPage   *page,
                           CstOcr       **ocr,
                           gboolean       spaces,
                           GArray        *glyphs,
                           GCancellable  *cancellable,
                           GError       **error)
{
  if (page_has_text (page))
    {
      text_glyphs (page, spaces, glyphs);
      return TRUE;
    }
  if (*ocr == NULL && !(*ocr = cst_ocr_new (error)))
    return FALSE;
  return ocr_glyphs (*ocr, page, spaces, glyphs, cancellable, error);
}

/**
 * cst_redaction_document_pdf:
 *
 * Returns: (transfer full): the path of @doc as a PDF in @dir (a scan as
 *   the packet draws it), or NULL with @error set
 */
char *
cst_redaction_document_pdf (PGconn             *conn,
                            const char         *dir,
                            CstRecordDocument  *doc,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autofree char *name = g_strdup_printf ("document-%" G_GINT64_FORMAT, doc->id);
  g_autofree char *base = g_build_filename (dir, name, NULL);
  g_autofree char *path = NULL;
  g_autoptr(GOutputStream) out = NULL;
  int fd = cst_private_file_create_temp (base, &path, error);

  if (fd < 0)
    return NULL;
  out = g_unix_output_stream_new (fd, TRUE);
  if (!cst_packet_document_write_to (conn, doc->id, out, cancellable, error) ||
      !g_output_stream_close (out, cancellable, error))
    {
      g_unlink (path);
      return NULL;
    }
  if (doc->type != CST_RECORD_FILE_PDF)
    return cst_packet_scan_to_pdf (path, doc->type, error);
  return g_steal_pointer (&path);
}

static gboolean
search_page (Search             *s,
             CstRecordDocument  *doc,
             PopplerPage        *page,
             guint               number,
             GError            **error)
{
  g_autoptr(GArray) glyphs = g_array_new (FALSE, FALSE, sizeof (Glyph));
  guint before = s->hits->len;
  double w, h;

  poppler_page_get_size (page, &w, &h);
  if (!cst_redaction_page_glyphs (page, &s->ocr, FALSE, glyphs, s->cancellable, error))
    return FALSE;
  match_glyphs (s->hits, doc->id, number, glyphs, s->needle, s->n);
  /* Annotations and form fields: their own boxes, unless a box found in
   * the page's text covers them already. */
  g_array_set_size (glyphs, 0);
  annotation_glyphs (page, glyphs, h);
  {
    g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);

    match_glyphs (extra, doc->id, number, glyphs, s->needle, s->n);
    for (guint i = 0; i < extra->len; i++)
      {
        CstRedactionHit *e = g_ptr_array_index (extra, i);
        gboolean covered = FALSE;

        for (guint j = before; j < s->hits->len && !covered; j++)
          {
            CstRedactionHit *hit = g_ptr_array_index (s->hits, j);

            covered = hit->box.x <= e->box.x && hit->box.y <= e->box.y &&
                      hit->box.x + hit->box.width >= e->box.x + e->box.width &&
                      hit->box.y + hit->box.height >= e->box.y + e->box.height;
          }
        if (!covered)
          g_ptr_array_add (s->hits, g_ptr_array_steal_index (extra, i--));
      }
  }
  return TRUE;
}

static gboolean
search_document (Search             *s,
                 const char         *dir,
                 CstRecordDocument  *doc,
                 GError            **error)
{
  g_autofree char *path = cst_redaction_document_pdf (s->conn, dir, doc, s->cancellable, error);
  g_autofree char *uri = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  gboolean ok = TRUE;

  if (path == NULL)
    return FALSE;
  uri = g_filename_to_uri (path, NULL, error);
  if (uri == NULL || !(pdf = poppler_document_new_from_file (uri, NULL, error)))
    {
      g_unlink (path);
      return FALSE;
    }
  for (int i = 0; ok && i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);

      ok = !g_cancellable_set_error_if_cancelled (s->cancellable, error) &&
           search_page (s, doc, page, (guint) i + 1, error);
      s->done++;
      if (ok && s->progress != NULL)
        s->progress (s->done, s->total, s->progress_data);
    }
  g_unlink (path);
  return ok;
}

/**
 * cst_redaction_find_text:
 * @progress: (nullable): called after each page
 *
 * Finds every occurrence of @text (case and white space ignored) in the
 * request's record pages, in release order.
 *
 * Returns: (transfer full): #CstRedactionHit (empty when nowhere), or
 *   NULL with @error set
 */
GPtrArray *
cst_redaction_find_text (PGconn                *conn,
                         gint64                 request_id,
                         const char            *text,
                         CstRedactionProgress   progress,
                         gpointer               progress_data,
                         GCancellable          *cancellable,
                         GError               **error)
{
  g_autofree char *squashed = cst_redaction_squash (text);
  g_autofree gunichar *needle = g_utf8_to_ucs4_fast (squashed, -1, NULL);
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  Search s = { conn, needle, g_utf8_strlen (squashed, -1), NULL, progress, progress_data, 0, 0,
               cancellable, hits };
  gboolean ok = TRUE;

  if (s.n == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("Which text? It is empty."));
      return NULL;
    }
  if (!(docs = cst_packet_list (conn, request_id, error)) ||
      !(dir = g_dir_make_tmp ("custodian-redaction-XXXXXX", error)))
    return NULL;
  for (guint i = 0; i < docs->len; i++)
    s.total += ((CstRecordDocument *) g_ptr_array_index (docs, i))->pages;
  for (guint i = 0; ok && i < docs->len; i++)
    ok = search_document (&s, dir, g_ptr_array_index (docs, i), error);
  g_rmdir (dir);
  cst_ocr_free (s.ocr);
  return ok ? g_steal_pointer (&hits) : NULL;
}

/* ---- off the main loop -------------------------------------------------- */

typedef struct
{
  gint64                request_id;
  char                 *text;
  CstRedactionProgress  progress;
  gpointer              progress_data;
  GMainContext         *context;       /* where progress is told */
  GCancellable         *cancellable;
} FindJob;

typedef struct
{
  CstRedactionProgress progress;
  gpointer             data;
  guint                done;
  guint                total;
} Told;

static void
find_job_free (FindJob *job)
{
  g_free (job->text);
  g_main_context_unref (job->context);
  g_clear_object (&job->cancellable);
  g_free (job);
}

static gboolean
tell_progress (gpointer data)
{
  Told *told = data;

  told->progress (told->done, told->total, told->data);
  return G_SOURCE_REMOVE;
}

/* Tells @progress, in @context, how far a worker thread's page walk got:
 * the search and the proposal finder report the same way. */
void
cst_redaction_progress_relay (GMainContext         *context,
                              CstRedactionProgress  progress,
                              gpointer              data,
                              guint                 done,
                              guint                 total)
{
  Told *told = g_new (Told, 1);

  *told = (Told) { progress, data, done, total };
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, tell_progress, told, g_free);
}

static void
progress_to_context (guint    done,
                     guint    total,
                     gpointer data)
{
  FindJob *job = data;
  cst_redaction_progress_relay (job->context, job->progress, job->progress_data, done, total);
}

static gpointer
find_job_run (PGconn   *conn,
              gpointer  data,
              GError  **error)
{
  FindJob *job = data;

  return cst_redaction_find_text (conn, job->request_id, job->text,
                                  job->progress ? progress_to_context : NULL, job,
                                  job->cancellable, error);
}

/**
 * cst_redaction_find_text_async:
 * @progress: (nullable): called in the caller's thread-default main
 *   context after each page, while the search runs
 *
 * cst_redaction_find_text() on @connection's worker thread: rendering and
 * OCR never block the caller's main loop; @cancellable stops it between
 * words.
 */
void
cst_redaction_find_text_async (CstConnection        *connection,
                               gint64                request_id,
                               const char           *text,
                               CstRedactionProgress  progress,
                               gpointer              progress_data,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  FindJob *job = g_new0 (FindJob, 1);

  job->request_id = request_id;
  job->text = g_strdup (text);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  cst_connection_run_async (connection, find_job_run, job, (GDestroyNotify) find_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
cst_redaction_find_text_finish (CstConnection  *connection,
                                GAsyncResult   *result,
                                GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
