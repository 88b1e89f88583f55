/* cst-packet-pages.c — the pages a request releases, their order, and the
 * page count the fee is quoted on
 *
 * The choices live in the database (0067): pages left out with their
 * reason, the documents' positions, the paper-only pages.  The server
 * checks the caller's role, that the request is open and that the pages
 * exist, and writes the released page count into the request itself, so
 * nothing here computes the fee's count on its own word.  The build asks
 * cst_packet_pages_included() which pages of a document go in.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <stdlib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-packet-pages.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-request-lookup.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-pages-private.h"

static void
packet_pages_free (CstPacketPages *pages)
{
  if (pages == NULL)
    return;
  cst_record_document_free (pages->document);
  g_clear_pointer (&pages->excluded, g_array_unref);
  g_free (pages);
}

void
cst_packet_outline_free (CstPacketOutline *outline)
{
  if (outline == NULL)
    return;
  g_clear_pointer (&outline->documents, g_ptr_array_unref);
  g_free (outline->invoice_number);
  g_free (outline);
}

gboolean
cst_packet_pages_is_excluded (const CstPacketPages *pages,
                              guint                 page,
                              CstWithheldReason    *reason)
{
  for (guint i = 0; i < pages->excluded->len; i++)
    {
      const CstPageExclusion *x = &g_array_index (pages->excluded, CstPageExclusion, i);

      if (x->page == page)
        {
          if (reason != NULL)
            *reason = x->reason;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- page ranges --------------------------------------------------------- */

static gboolean
parse_page_number (const char *text,
                   guint       n_pages,
                   guint      *page,
                   GError    **error)
{
  guint64 value = 0;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (!g_ascii_string_to_unsigned (trimmed, 10, 1, G_MAXUINT, &value, NULL))
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not a page number; write pages as 1-3,7."), trimmed);
      return FALSE;
    }
  if (value > n_pages)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   g_dngettext (NULL, "Page %u is not in the document: it has %u page.",
                                "Page %u is not in the document: it has %u pages.", n_pages),
                   (guint) value, n_pages);
      return FALSE;
    }
  *page = (guint) value;
  return TRUE;
}

static gint
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/**
 * cst_page_range_parse:
 * @text: pages and ranges separated by commas: "1-3,7"
 * @n_pages: the document's page count
 *
 * Returns: (transfer full): the pages, ascending and each once; NULL with
 *   @error set when a part is not a page or a range of the document's
 */
GArray *
cst_page_range_parse (const char  *text,
                      guint        n_pages,
                      GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (guint));
  guint kept = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (parts[i], "-", 3);
      guint first, last;

      if (ends[0] == NULL || (g_strv_length (ends) == 1 && g_strstrip (ends[0])[0] == '\0'))
        continue;
      if (g_strv_length (ends) > 2 ||
          !parse_page_number (ends[0], n_pages, &first, error) ||
          !parse_page_number (ends[1] ? ends[1] : ends[0], n_pages, &last, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                         _("“%s” is not a page range; write pages as 1-3,7."), parts[i]);
          return NULL;
        }
      if (first > last)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                       _("The range %u-%u runs backwards; write it as %u-%u."), first, last, last, first);
          return NULL;
        }
      for (guint p = first; p <= last; p++)
        g_array_append_val (pages, p);
    }
  if (pages->len == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Which pages? Write them as 1-3,7."));
      return NULL;
    }
  g_array_sort (pages, compare_uint);
  for (guint i = 0; i < pages->len; i++)
    if (kept == 0 || g_array_index (pages, guint, kept - 1) != g_array_index (pages, guint, i))
      g_array_index (pages, guint, kept++) = g_array_index (pages, guint, i);
  g_array_set_size (pages, kept);
  return g_steal_pointer (&pages);
}

char *
cst_page_range_format (const guint *pages,
                       guint        n_pages)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_pages;)
    {
      guint j = i;

      while (j + 1 < n_pages && pages[j + 1] == pages[j] + 1)
        j++;
      if (out->len > 0)
        g_string_append (out, ", ");
      if (j == i)
        g_string_append_printf (out, "%u", pages[i]);
      else
        g_string_append_printf (out, "%u-%u", pages[i], pages[j]);
      i = j + 1;
    }
  return g_string_free (out, FALSE);
}

/* "{1,2,3}": an integer[] parameter. */
static char *
pages_param (GArray *pages)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; i < pages->len; i++)
    g_string_append_printf (out, "%s%u", i ? "," : "", g_array_index (pages, guint, i));
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* ---- reading --------------------------------------------------------------- */

/* The request's exclusions, "document page reason" rows, by document and page. */
static PGresult *
load_exclusions (PGconn  *conn,
                 gint64   request_id,
                 GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };

  return cst_db_exec (conn,
    "SELECT x.document_id, x.page, x.reason FROM record_page_exclusions x"
    " JOIN record_documents d ON d.id = x.document_id"
    " WHERE d.request_id = $1 ORDER BY x.document_id, x.page", 1, params, error);
}

static guint
load_paper_pages (PGconn   *conn,
                  gint64    request_id,
                  gboolean *ok,
                  GError  **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT pages FROM record_paper_pages WHERE request_id = $1", 1, params, error);

  *ok = res != NULL;
  return res && PQntuples (res) > 0 ? (guint) cst_db_int64 (res, 0, 0) : 0;
}

/* The newest invoice issued for the request and the pages it was quoted
 * for: when they differ from the pages released, the invoice no longer
 * agrees and an adjustment is due. */
static gboolean
load_invoiced (PGconn           *conn,
               CstPacketOutline *outline,
               GError          **error)
{
  g_autofree char *id = cst_db_int_param (outline->request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT number, (quote_inputs ->> 'pages')::integer FROM invoices"
    " WHERE request_id = $1 AND adjusts_invoice_id IS NULL ORDER BY issued_at DESC, id DESC LIMIT 1",
    1, params, error);

  outline->invoiced_pages = -1;
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) > 0)
    {
      outline->invoice_number = g_strdup (cst_db_value (res, 0, 0));
      if (cst_db_value (res, 0, 1) != NULL)
        outline->invoiced_pages = (int) cst_db_int64 (res, 0, 1);
    }
  return TRUE;
}

static CstPacketPages *
pages_of (CstRecordDocument *doc,
          const PGresult    *exclusions)
{
  CstPacketPages *pages = g_new0 (CstPacketPages, 1);

  pages->document = doc;
  pages->excluded = g_array_new (FALSE, FALSE, sizeof (CstPageExclusion));
  for (int row = 0; row < PQntuples (exclusions); row++)
    {
      CstPageExclusion x = { 0, CST_WITHHELD_NOT_HELD };

      if (cst_db_int64 (exclusions, row, 0) != doc->id)
        continue;
      x.page = (guint) cst_db_int64 (exclusions, row, 1);
      cst_withheld_reason_from_nick (cst_db_value (exclusions, row, 2), &x.reason);
      g_array_append_val (pages->excluded, x);
    }
  pages->included = doc->pages - MIN (doc->pages, pages->excluded->len);
  return pages;
}

/**
 * cst_packet_pages_load:
 *
 * The request's documents in release order with the pages left out, and
 * its page counts, read in one snapshot.
 *
 * Returns: (transfer full): the outline, or NULL with @error set
 */
CstPacketOutline *
cst_packet_pages_load (PGconn  *conn,
                       gint64   request_id,
                       GError **error)
{
  g_autoptr(CstPacketOutline) outline = g_new0 (CstPacketOutline, 1);
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(PGresult) exclusions = NULL;
  gboolean own = FALSE, ok = FALSE;

  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  outline->request_id = request_id;
  outline->invoiced_pages = -1;
  outline->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) packet_pages_free);
  if ((docs = cst_packet_list (conn, request_id, error)) &&
      (exclusions = load_exclusions (conn, request_id, error)))
    {
      outline->paper_pages = load_paper_pages (conn, request_id, &ok, error);
      ok = ok && load_invoiced (conn, outline, error);
      for (guint i = 0; ok && i < docs->len; i++)
        {
          CstPacketPages *pages = pages_of (g_ptr_array_index (docs, i), exclusions);

          g_ptr_array_index (docs, i) = NULL;
          outline->record_pages += pages->document->pages;
          outline->included_pages += pages->included;
          g_ptr_array_add (outline->documents, pages);
        }
    }
  if (docs != NULL)
    g_ptr_array_set_free_func (docs, NULL);
  if (!cst_db_leave (conn, own, ok, ok ? error : NULL) || !ok)
    return NULL;
  outline->released_pages = outline->included_pages + outline->paper_pages;
  return g_steal_pointer (&outline);
}

/**
 * cst_packet_pages_included:
 *
 * The build's page selection: which pages of @doc go into the packet, in
 * order, counted from 0 (qpdf's page numbers).  Read on @conn, inside the
 * build's transaction, so the pages built are the pages recorded.
 *
 * Returns: (transfer full) (element-type guint): NULL with @error set
 */
GArray *
cst_packet_pages_included (PGconn                  *conn,
                           const CstRecordDocument *doc,
                           GError                 **error)
{
  g_autofree char *id = cst_db_int_param (doc->id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT page FROM record_page_exclusions WHERE document_id = $1 ORDER BY page",
    1, params, error);
  GArray *pages;
  int row = 0;

  if (res == NULL)
    return NULL;
  pages = g_array_sized_new (FALSE, FALSE, sizeof (guint), doc->pages);
  for (guint p = 1; p <= doc->pages; p++)
    {
      guint index = p - 1;

      if (row < PQntuples (res) && cst_db_int64 (res, row, 0) == p)
        {
          row++;
          continue;
        }
      g_array_append_val (pages, index);
    }
  return pages;
}

/* ---- changing ---------------------------------------------------------------- */

static gboolean
run_counting (PGconn      *conn,
              const char  *sql,
              int          n_params,
              const char **params,
              guint       *n_changed,
              GError     **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, n_params, params, error);

  if (res == NULL)
    return FALSE;
  if (n_changed != NULL)
    *n_changed = PQntuples (res) > 0 ? (guint) cst_db_int64 (res, 0, 0) : 0;
  return TRUE;
}

/**
 * cst_packet_pages_exclude:
 * @pages: (element-type guint): the pages, from 1
 * @n_changed: (out) (optional): how many were not left out before
 *
 * Leaves @pages of a record document out of the release, for @reason.
 */
gboolean
cst_packet_pages_exclude (PGconn             *conn,
                          gint64              document_id,
                          GArray             *pages,
                          CstWithheldReason   reason,
                          guint              *n_changed,
                          GError            **error)
{
  g_autofree char *id = cst_db_int_param (document_id);
  g_autofree char *list = pages_param (pages);
  const char *params[] = { id, list, cst_withheld_reason_to_nick (reason) };

  return run_counting (conn, "SELECT record_pages_exclude($1, $2::integer[], $3::withholding_reason)",
                       3, params, n_changed, error);
}

/**
 * cst_packet_pages_include:
 * @n_changed: (out) (optional): how many of @pages were left out
 *
 * Puts @pages of a record document back into the release.
 */
gboolean
cst_packet_pages_include (PGconn   *conn,
                          gint64    document_id,
                          GArray   *pages,
                          guint    *n_changed,
                          GError  **error)
{
  g_autofree char *id = cst_db_int_param (document_id);
  g_autofree char *list = pages_param (pages);
  const char *params[] = { id, list };

  return run_counting (conn, "SELECT record_pages_include($1, $2::integer[])", 2, params,
                       n_changed, error);
}

/**
 * cst_packet_pages_order:
 * @document_ids: every document of the request, once each, in the order
 *   they are to be released
 */
gboolean
cst_packet_pages_order (PGconn       *conn,
                        gint64        request_id,
                        const gint64 *document_ids,
                        guint         n_documents,
                        GError      **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  g_autoptr(GString) list = g_string_new ("{");
  const char *params[] = { id, NULL };

  for (guint i = 0; i < n_documents; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i ? "," : "", document_ids[i]);
  g_string_append_c (list, '}');
  params[1] = list->str;
  return run_counting (conn, "SELECT record_documents_order($1, $2::bigint[])", 2, params,
                       NULL, error);
}

gboolean
cst_packet_pages_set_paper (PGconn  *conn,
                            gint64   request_id,
                            guint    pages,
                            GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  g_autofree char *count = g_strdup_printf ("%u", pages);
  const char *params[] = { id, count };

  return run_counting (conn, "SELECT record_paper_pages_set($1, $2)", 2, params, NULL, error);
}

/* ---- on a connection's worker thread ------------------------------------------ */

typedef enum
{
  JOB_LOAD,
  JOB_EXCLUDE,
  JOB_INCLUDE,
  JOB_ORDER,
  JOB_PAPER,
} JobKind;

typedef struct
{
  JobKind            kind;
  gint64             request_id;
  gint64             document_id;
  GArray            *pages;     /* guint; or gint64 document ids for JOB_ORDER */
  CstWithheldReason  reason;
  guint              paper;
} PagesJob;

static void
pages_job_free (PagesJob *job)
{
  g_clear_pointer (&job->pages, g_array_unref);
  g_free (job);
}

static gboolean
pages_job_change (PGconn   *conn,
                  PagesJob *job,
                  GError  **error)
{
  switch (job->kind)
    {
    case JOB_LOAD:
      return TRUE;
    case JOB_EXCLUDE:
      return cst_packet_pages_exclude (conn, job->document_id, job->pages, job->reason, NULL, error);
    case JOB_INCLUDE:
      return cst_packet_pages_include (conn, job->document_id, job->pages, NULL, error);
    case JOB_ORDER:
      return cst_packet_pages_order (conn, job->request_id, (const gint64 *) job->pages->data,
                                     job->pages->len, error);
    case JOB_PAPER:
      return cst_packet_pages_set_paper (conn, job->request_id, job->paper, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

static gpointer
pages_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  PagesJob *job = data;

  if (!pages_job_change (conn, job, error))
    return NULL;
  return cst_packet_pages_load (conn, job->request_id, error);
}

static void
run_pages_job (CstConnection       *connection,
               PagesJob            *job,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  cst_connection_run_async (connection, pages_job_run, job, (GDestroyNotify) pages_job_free,
                            (GDestroyNotify) cst_packet_outline_free, cancellable, callback,
                            user_data);
}

static PagesJob *
pages_job_new (JobKind kind,
               gint64  request_id)
{
  PagesJob *job = g_new0 (PagesJob, 1);

  job->kind = kind;
  job->request_id = request_id;
  return job;
}

void
cst_packet_pages_load_async (CstConnection       *connection,
                             gint64               request_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  run_pages_job (connection, pages_job_new (JOB_LOAD, request_id), cancellable, callback, user_data);
}

void
cst_packet_pages_exclude_async (CstConnection       *connection,
                                gint64               request_id,
                                gint64               document_id,
                                GArray              *pages,
                                CstWithheldReason    reason,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  PagesJob *job = pages_job_new (JOB_EXCLUDE, request_id);

  job->document_id = document_id;
  job->pages = g_array_ref (pages);
  job->reason = reason;
  run_pages_job (connection, job, cancellable, callback, user_data);
}

void
cst_packet_pages_include_async (CstConnection       *connection,
                                gint64               request_id,
                                gint64               document_id,
                                GArray              *pages,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  PagesJob *job = pages_job_new (JOB_INCLUDE, request_id);

  job->document_id = document_id;
  job->pages = g_array_ref (pages);
  run_pages_job (connection, job, cancellable, callback, user_data);
}

void
cst_packet_pages_order_async (CstConnection       *connection,
                              gint64               request_id,
                              const gint64        *document_ids,
                              guint                n_documents,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  PagesJob *job = pages_job_new (JOB_ORDER, request_id);

  job->pages = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_documents);
  g_array_append_vals (job->pages, document_ids, n_documents);
  run_pages_job (connection, job, cancellable, callback, user_data);
}

void
cst_packet_pages_set_paper_async (CstConnection       *connection,
                                  gint64               request_id,
                                  guint                pages,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  PagesJob *job = pages_job_new (JOB_PAPER, request_id);

  job->paper = pages;
  run_pages_job (connection, job, cancellable, callback, user_data);
}

/**
 * cst_packet_pages_finish:
 *
 * Returns: (transfer full): the request's outline after the change, or
 *   NULL with @error set (nothing changed then)
 */
CstPacketOutline *
cst_packet_pages_finish (CstConnection  *connection,
                         GAsyncResult   *result,
                         GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
view_job_run (PGconn   *conn,
              gpointer  data,
              GError  **error)
{
  gint64 id = cst_packet_document_viewed (conn, *(gint64 *) data, error);

  return id != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

void
cst_packet_pages_view_async (CstConnection       *connection,
                             gint64               document_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  cst_connection_run_async (connection, view_job_run, g_memdup2 (&document_id, sizeof document_id),
                            g_free, NULL, cancellable, callback, user_data);
}

gboolean
cst_packet_pages_view_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error) != NULL;
}

static gpointer
fetch_job_run (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  gint64 id = *(gint64 *) data;
  g_autofree char *base = g_build_filename (g_get_tmp_dir (), "custodian-page-view", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GOutputStream) out = NULL;
  int fd = cst_private_file_create_temp (base, &path, error);

  if (fd < 0)
    return NULL;
  out = g_unix_output_stream_new (fd, TRUE);
  if (!cst_packet_document_write_to (conn, id, out, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    {
      g_unlink (path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

void
cst_packet_pages_fetch_async (CstConnection       *connection,
                              gint64               document_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  cst_connection_run_async (connection, fetch_job_run, g_memdup2 (&document_id, sizeof document_id),
                            g_free, (GDestroyNotify) g_free, cancellable, callback, user_data);
}

char *
cst_packet_pages_fetch_finish (CstConnection  *connection,
                               GAsyncResult   *result,
                               GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* ---- custodian-cli ------------------------------------------------------------- */

CstPacketOutline *
cst_packet_pages_load_at (const char  *conninfo,
                          const char  *reference,
                          GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_packet_pages_load (conn, request_id, error);
}

/* The document @document_id of @outline, or NULL with @error naming it. */
static CstPacketPages *
find_document (CstPacketOutline *outline,
               const char       *reference,
               gint64            document_id,
               GError          **error)
{
  for (guint i = 0; i < outline->documents->len; i++)
    {
      CstPacketPages *pages = g_ptr_array_index (outline->documents, i);

      if (pages->document->id == document_id)
        return pages;
    }
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, document_id);

    g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                 _("Request %s has no record document %s."), reference, id);
  }
  return NULL;
}

static CstPacketOutline *
change_pages_at (const char        *conninfo,
                 const char        *reference,
                 gint64             document_id,
                 const char        *range,
                 gboolean           exclude,
                 CstWithheldReason  reason,
                 guint             *n_changed,
                 GError           **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);
  g_autoptr(CstPacketOutline) outline = NULL;
  g_autoptr(GArray) pages = NULL;
  CstPacketPages *doc;

  if (conn == NULL ||
      !(outline = cst_packet_pages_load (conn, request_id, error)) ||
      !(doc = find_document (outline, reference, document_id, error)) ||
      !(pages = cst_page_range_parse (range, doc->document->pages, error)))
    return NULL;
  if (exclude ? !cst_packet_pages_exclude (conn, document_id, pages, reason, n_changed, error)
              : !cst_packet_pages_include (conn, document_id, pages, n_changed, error))
    return NULL;
  return cst_packet_pages_load (conn, request_id, error);
}

CstPacketOutline *
cst_packet_pages_exclude_at (const char         *conninfo,
                             const char         *reference,
                             gint64              document_id,
                             const char         *range,
                             CstWithheldReason   reason,
                             guint              *n_changed,
                             GError            **error)
{
  return change_pages_at (conninfo, reference, document_id, range, TRUE, reason, n_changed, error);
}

CstPacketOutline *
cst_packet_pages_include_at (const char  *conninfo,
                             const char  *reference,
                             gint64       document_id,
                             const char  *range,
                             guint       *n_changed,
                             GError     **error)
{
  return change_pages_at (conninfo, reference, document_id, range, FALSE, 0, n_changed, error);
}

CstPacketOutline *
cst_packet_pages_order_at (const char    *conninfo,
                           const char    *reference,
                           const gint64  *document_ids,
                           guint          n_documents,
                           GError       **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL ||
      !cst_packet_pages_order (conn, request_id, document_ids, n_documents, error))
    return NULL;
  return cst_packet_pages_load (conn, request_id, error);
}

CstPacketOutline *
cst_packet_pages_set_paper_at (const char  *conninfo,
                               const char  *reference,
                               guint        pages,
                               GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL ||
      !cst_packet_pages_set_paper (conn, request_id, pages, error))
    return NULL;
  return cst_packet_pages_load (conn, request_id, error);
}
