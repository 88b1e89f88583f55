/* cst-packet.c — adding record files to a request, listing them, opening them
 *
 * Adding is two steps.  First every file is looked into (format, pages,
 * digest; cst-record-file.c), each on a thread of its own with a time
 * limit, before anything reaches the database: one refused file and the
 * call stops there.  Then, in one transaction, each file streams to the
 * server in chunks of CST_RECORD_CHUNK_SIZE through one buffer, and the
 * server seals it as a document of the request (0062's functions): it
 * stores the same content once, and stamps who added it when.  A file
 * whose digest changed between the two steps is refused, and the
 * transaction rolled back.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-request-lookup.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-private.h"

void
cst_record_document_free (CstRecordDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->name);
  g_free (doc->kind);
  g_clear_pointer (&doc->service_from, g_date_free);
  g_clear_pointer (&doc->service_to, g_date_free);
  g_free (doc->sha256);
  g_free (doc->added_by);
  g_clear_pointer (&doc->added_at, g_date_time_unref);
  g_free (doc);
}

static gboolean
file_type_from_string (const char      *text,
                    CstRecordFileType *format)
{
  for (CstRecordFileType f = CST_RECORD_FILE_PDF; f <= CST_RECORD_FILE_TIFF; f++)
    if (g_strcmp0 (text, cst_record_file_type_to_string (f)) == 0)
      {
        *format = f;
        return TRUE;
      }
  return FALSE;
}

/* ---- listing --------------------------------------------------------- */

#define DOCUMENT_COLUMNS \
  "d.id, d.request_id, d.position, d.name, d.kind, d.format, d.service_from, d.service_to," \
  " d.page_count, c.sha256, c.byte_count, d.added_by, d.added_at" \
  " FROM record_documents d JOIN record_contents c ON c.id = d.content_id"

static CstRecordDocument *
document_from_row (const PGresult *res,
                   int             row)
{
  CstRecordDocument *doc = g_new0 (CstRecordDocument, 1);

  doc->id = cst_db_int64 (res, row, 0);
  doc->request_id = cst_db_int64 (res, row, 1);
  doc->position = (guint) cst_db_int64 (res, row, 2);
  doc->name = g_strdup (cst_db_value (res, row, 3));
  doc->kind = g_strdup (cst_db_value (res, row, 4));
  if (!file_type_from_string (cst_db_value (res, row, 5), &doc->type))
    g_warn_if_reached ();
  doc->service_from = cst_db_value (res, row, 6) ? cst_db_date (res, row, 6) : NULL;
  doc->service_to = cst_db_value (res, row, 7) ? cst_db_date (res, row, 7) : NULL;
  doc->pages = (guint) cst_db_int64 (res, row, 8);
  doc->sha256 = g_strdup (cst_db_value (res, row, 9));
  doc->byte_count = cst_db_int64 (res, row, 10);
  doc->added_by = g_strdup (cst_db_value (res, row, 11));
  doc->added_at = cst_db_timestamp (res, row, 12);
  return doc;
}

static GPtrArray *
documents_from_result (const PGresult *res)
{
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_record_document_free);

  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (docs, document_from_row (res, i));
  return docs;
}

/**
 * cst_packet_list:
 *
 * Returns: (transfer full): the request's record documents in release
 * order (#CstRecordDocument), or NULL with @error set
 */
GPtrArray *
cst_packet_list (PGconn  *conn,
                 gint64   request_id,
                 GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT " DOCUMENT_COLUMNS " WHERE d.request_id = $1 ORDER BY d.position", 1, params, error);

  return res ? documents_from_result (res) : NULL;
}

static gpointer
list_job_run (PGconn   *conn,
              gpointer  data,
              GError  **error)
{
  return cst_packet_list (conn, *(gint64 *) data, error);
}

/**
 * cst_packet_list_async:
 *
 * cst_packet_list() on @connection's worker thread.
 */
void
cst_packet_list_async (CstConnection       *connection,
                       gint64               request_id,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  cst_connection_run_async (connection, list_job_run, g_memdup2 (&request_id, sizeof request_id),
                            g_free, (GDestroyNotify) g_ptr_array_unref, cancellable, callback,
                            user_data);
}

GPtrArray *
cst_packet_list_finish (CstConnection  *connection,
                        GAsyncResult   *result,
                        GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* ---- storing one file ------------------------------------------------ */

static gint64
single_int (PGconn      *conn,
            const char  *sql,
            int          n_params,
            const char **params,
            GError     **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, n_params, params, error);

  return res ? cst_db_int64 (res, 0, 0) : 0;
}

static gboolean
send_chunk (PGconn       *conn,
            const char   *upload,
            guint         seq,
            const guint8 *data,
            gsize         len,
            GError      **error)
{
  g_autofree char *seq_text = g_strdup_printf ("%u", seq);
  const char *values[] = { upload, seq_text, (const char *) data };
  const int lengths[] = { 0, 0, (int) len };
  const int formats[] = { 0, 0, 1 };
  g_autoptr(PGresult) res = PQexecParams (conn, "SELECT record_upload_append($1, $2, $3)",
                                          3, NULL, values, lengths, formats, 0);

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      cst_db_set_error_from_result (error, res, conn);
      return FALSE;
    }
  return TRUE;
}

/* Streams @path into the upload @upload; returns the digest of what was
 * sent (the packet's bytes are kept through it too, cst-packet-kept.c). */
char *
cst_record_upload_send_file (PGconn     *conn,
                             const char *upload,
                             const char *path,
                             GError    **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (CST_RECORD_CHUNK_SIZE);
  FILE *file = g_fopen (path, "rb");
  guint seq = 0;
  size_t n;

  if (file == NULL)
    {
      int saved = errno;
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("cannot be read (%s)."),
                   g_strerror (saved));
      return NULL;
    }
  while ((n = fread (buffer, 1, CST_RECORD_CHUNK_SIZE, file)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      if (!send_chunk (conn, upload, seq++, buffer, n, error))
        {
          fclose (file);
          return NULL;
        }
    }
  if (ferror (file))
    {
      fclose (file);
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("cannot be read to its end."));
      return NULL;
    }
  fclose (file);
  return g_strdup (g_checksum_get_string (checksum));
}

static gint64
store_file (PGconn                  *conn,
            gint64                   request_id,
            const char              *path,
            const char              *kind,
            const CstRecordFileInfo *info,
            GError                 **error)
{
  g_autofree char *request = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *begin_params[] = { request };
  g_autofree char *upload = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_filename_display_name (base);
  g_autofree char *pages = g_strdup_printf ("%u", info->pages);
  gint64 upload_id;

  upload_id = single_int (conn, "SELECT record_upload_begin($1)", 1, begin_params, error);
  if (upload_id == 0)
    return 0;
  upload = g_strdup_printf ("%" G_GINT64_FORMAT, upload_id);
  if (!(sent = cst_record_upload_send_file (conn, upload, path, error)))
    return 0;
  if (!g_str_equal (sent, info->sha256))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("changed while it was being added; add it again."));
      return 0;
    }
  {
    const char *params[] = { upload, info->sha256, name, kind,
                             cst_record_file_type_to_string (info->type), pages };
    return single_int (conn, "SELECT record_document_add($1, $2, $3, $4, $5, $6)",
                       6, params, error);
  }
}

/* A failure while storing one file names it, unless it is about the
 * request or the login rather than the file. */
static void
name_file_in_error (GError    **error,
                    const char *path)
{
  g_autofree char *display = NULL;

  if (error == NULL || *error == NULL ||
      g_error_matches (*error, CST_ERROR, CST_ERROR_CLOSED) ||
      g_error_matches (*error, CST_ERROR, CST_ERROR_PERMISSION_DENIED) ||
      g_error_matches (*error, CST_ERROR, CST_ERROR_CONNECTION))
    return;
  display = g_filename_display_name (path);
  g_prefix_error (error, "%s: ", display);
}

static GPtrArray *
list_documents (PGconn  *conn,
                GArray  *ids,
                GError **error)
{
  g_autoptr(GString) array = g_string_new ("{");
  const char *params[1];
  g_autoptr(PGresult) res = NULL;

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (array, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (ids, gint64, i));
  g_string_append_c (array, '}');
  params[0] = array->str;
  res = cst_db_exec (conn, "SELECT " DOCUMENT_COLUMNS
                     " WHERE d.id = ANY ($1::bigint[]) ORDER BY d.position", 1, params, error);
  return res ? documents_from_result (res) : NULL;
}

/**
 * cst_packet_add:
 * @paths: the files, in the order they join the packet
 * @kind: (nullable): the documents' kind; NULL for the request's first
 *   record type
 *
 * Adds every file of @paths to the request, or none: a refused file names
 * itself in @error and nothing of the call is stored.  Joins the caller's
 * transaction when there is one.
 *
 * Returns: (transfer full): the new documents (#CstRecordDocument), in order
 */
GPtrArray *
cst_packet_add (PGconn                 *conn,
                gint64                  request_id,
                const char *const      *paths,
                const char             *kind,
                const CstPacketLimits  *limits,
                GError                **error)
{
  guint n = paths ? g_strv_length ((char **) paths) : 0;
  g_autofree CstRecordFileInfo *infos = g_new0 (CstRecordFileInfo, MAX (n, 1));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GPtrArray *docs = NULL;
  gboolean own = FALSE;
  guint looked = 0;

  if (n == 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT, _("No files to add."));
      return NULL;
    }
  for (; looked < n; looked++)
    if (!cst_record_file_inspect (paths[looked], limits, &infos[looked], error))
      goto out;

  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    goto out;
  for (guint i = 0; i < n; i++)
    {
      gint64 id = store_file (conn, request_id, paths[i], kind, &infos[i], error);

      if (id == 0)
        {
          name_file_in_error (error, paths[i]);
          cst_db_leave (conn, own, FALSE, NULL);
          goto out;
        }
      g_array_append_val (ids, id);
    }
  docs = list_documents (conn, ids, error);
  if (!cst_db_leave (conn, own, docs != NULL, docs ? error : NULL))
    g_clear_pointer (&docs, g_ptr_array_unref);
out:
  for (guint i = 0; i < looked; i++)
    cst_record_file_info_clear (&infos[i]);
  return docs;
}

typedef struct
{
  gint64           request_id;
  char           **paths;
  char            *kind;
  CstPacketLimits  limits;
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_strfreev (job->paths);
  g_free (job->kind);
  g_free (job);
}

static gpointer
add_job_run (PGconn   *conn,
             gpointer  data,
             GError  **error)
{
  AddJob *job = data;

  return cst_packet_add (conn, job->request_id, (const char *const *) job->paths, job->kind,
                         &job->limits, error);
}

/**
 * cst_packet_add_async:
 *
 * cst_packet_add() on @connection's worker thread: looking into the files
 * and storing them never blocks the caller's main loop.
 */
void
cst_packet_add_async (CstConnection          *connection,
                      gint64                  request_id,
                      const char *const      *paths,
                      const char             *kind,
                      const CstPacketLimits  *limits,
                      GCancellable           *cancellable,
                      GAsyncReadyCallback     callback,
                      gpointer                user_data)
{
  AddJob *job = g_new0 (AddJob, 1);

  job->request_id = request_id;
  job->paths = g_strdupv ((char **) paths);
  job->kind = g_strdup (kind);
  if (limits != NULL)
    job->limits = *limits;
  cst_connection_run_async (connection, add_job_run, job, (GDestroyNotify) add_job_free,
                            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
cst_packet_add_finish (CstConnection  *connection,
                       GAsyncResult   *result,
                       GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

GPtrArray *
cst_packet_add_at (const char             *conninfo,
                   const char             *reference,
                   const char *const      *paths,
                   const char             *kind,
                   const CstPacketLimits  *limits,
                   GError                **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_packet_add (conn, request_id, paths, kind, limits, error);
}

GPtrArray *
cst_packet_list_at (const char  *conninfo,
                    const char  *reference,
                    GError     **error)
{
  gint64 request_id = 0;
  g_autoptr(PGconn) conn = cst_request_connect (conninfo, reference, &request_id, error);

  if (conn == NULL)
    return NULL;
  return cst_packet_list (conn, request_id, error);
}

/* ---- opening a document ---------------------------------------------- */

/**
 * cst_packet_document_viewed:
 *
 * Logs that the person logged in opened @document_id to look at it: the
 * server writes the audit row (who, which document, when).  Call it each
 * time a record page is shown.
 *
 * Returns: the audit log row's id, or 0 with @error set
 */
gint64
cst_packet_document_viewed (PGconn  *conn,
                            gint64   document_id,
                            GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, document_id);
  const char *params[] = { id };

  return single_int (conn, "SELECT record_document_viewed($1)", 1, params, error);
}

/**
 * cst_packet_document_write_to:
 *
 * Streams the stored bytes of @document_id to @out one chunk at a time.
 * Does not log a view: a caller that shows the pages calls
 * cst_packet_document_viewed().
 */
gboolean
cst_packet_document_write_to (PGconn         *conn,
                              gint64          document_id,
                              GOutputStream  *out,
                              GCancellable   *cancellable,
                              GError        **error)
{
  return cst_record_chunks_write_to (conn,
    "SELECT k.data FROM record_documents d"
    " JOIN record_content_chunks k ON k.content_id = d.content_id"
    " WHERE d.id = $1 AND k.seq = $2", document_id, out, cancellable, error);
}

/* Streams the chunks @sql finds for @id ($1) and each sequence number
 * ($2), in order, to @out: one chunk in memory at a time. */
gboolean
cst_record_chunks_write_to (PGconn         *conn,
                            const char     *sql,
                            gint64          id,
                            GOutputStream  *out,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  for (guint seq = 0;; seq++)
    {
      g_autofree char *seq_text = g_strdup_printf ("%u", seq);
      const char *values[] = { id_text, seq_text };
      g_autoptr(PGresult) res = PQexecParams (conn, sql, 2, NULL, values, NULL, NULL, 1);

      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          cst_db_set_error_from_result (error, res, conn);
          return FALSE;
        }
      if (PQntuples (res) == 0)
        {
          if (seq > 0)
            return TRUE;
          g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                       _("Record document %s does not exist."), id_text);
          return FALSE;
        }
      if (!g_output_stream_write_all (out, PQgetvalue (res, 0, 0), (gsize) PQgetlength (res, 0, 0),
                                      NULL, cancellable, error))
        return FALSE;
    }
}
