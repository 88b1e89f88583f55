/* cst-packet-kept.c — the packet's bytes kept with its build, and read
 * back to be sent (0074)
 *
 * A build keeps the file it wrote in the record content store, in the
 * transaction that records it; what a request sends is the packet it
 * released or, before the release, the one a second person approved
 * (packet_to_send).  Reading it back checks the bytes against the
 * build's SHA-256 before anything leaves.
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-packet-kept.h"
#include "custodian/cst-private-file.h"
#include "custodian/cst-request-repo.h"

#include "cst-packet-private.h"

gboolean
cst_packet_keep (PGconn      *conn,
                 gint64       build_id,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *build = g_strdup_printf ("%" G_GINT64_FORMAT, build_id);
  const char *begin_params[] = { build };
  g_autoptr(PGresult) begun = cst_db_exec (conn, "SELECT record_packet_keep_begin($1)", 1,
                                           begin_params, error);
  g_autofree char *sent = NULL;

  if (begun == NULL || !(sent = cst_record_upload_send_file (conn, cst_db_value (begun, 0, 0),
                                                            path, error)))
    return FALSE;
  {
    const char *params[] = { build, cst_db_value (begun, 0, 0) };
    g_autoptr(PGresult) kept = cst_db_exec (conn, "SELECT record_packet_kept($1, $2)", 2,
                                            params, error);

    return kept != NULL;
  }
}

/* The build @request_id sends, its content's id in @content_id. */
static CstPacketBuild *
packet_to_send (PGconn      *conn,
                gint64       request_id,
                gint64      *content_id,
                gboolean    *released,
                GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT build_id, content_id, sha256, page_count, record_pages, released"
    "  FROM packet_to_send($1)", 1, params, error);
  CstPacketBuild *build;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_autoptr(CstRequest) request = cst_request_repo_get (conn, request_id, NULL);

      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("Request %s has no approved packet to send: build it and have a second person check it first."),
                   request ? cst_request_get_reference (request) : id);
      return NULL;
    }
  build = g_new0 (CstPacketBuild, 1);
  build->id = cst_db_int64 (res, 0, 0);
  *content_id = cst_db_int64 (res, 0, 1);
  build->sha256 = g_strdup (cst_db_value (res, 0, 2));
  build->pages = (guint) cst_db_int64 (res, 0, 3);
  build->record_pages = (guint) cst_db_int64 (res, 0, 4);
  build->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_record_document_free);
  build->spans = g_array_new (FALSE, FALSE, sizeof (CstPacketSpan));
  if (released != NULL)
    *released = g_str_equal (cst_db_value (res, 0, 5), "t");
  return build;
}

static gboolean
write_content (PGconn        *conn,
               gint64         content_id,
               int            fd,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (fd, TRUE);

  return cst_record_chunks_write_to (conn,
           "SELECT data FROM record_content_chunks WHERE content_id = $1 AND seq = $2",
           content_id, out, cancellable, error) &&
         g_output_stream_close (out, cancellable, error);
}

/* The bytes read back are the build's, or the packet is not sent. */
static gboolean
check_sha256 (const char      *path,
              const char      *expected,
              GError         **error)
{
  g_autofree char *sha256 = cst_packet_file_sha256 (path, error);

  if (sha256 == NULL)
    return FALSE;
  if (!g_str_equal (sha256, expected))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("The kept packet does not match its recorded SHA-256: it is not sent."));
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_packet_kept_write:
 * @output: where the packet goes (0600, put in place whole)
 * @released: (out) (optional): whether it is the released packet (else
 *   the approved one, before the release)
 *
 * Writes the packet @request_id sends — the one it released or, before
 * its release, the one a second person approved and that is still
 * current — from the bytes kept with its build.  Nothing is built and no
 * build recorded.
 *
 * Returns: (transfer full): the build it is (id, SHA-256, pages; no
 *   documents), or NULL with @error set
 */
CstPacketBuild *
cst_packet_kept_write (PGconn        *conn,
                       gint64         request_id,
                       const char    *output,
                       gboolean      *released,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(CstPacketBuild) build = NULL;
  g_autofree char *temp = NULL;
  gint64 content_id = 0;
  int fd;

  if (!(build = packet_to_send (conn, request_id, &content_id, released, error)) ||
      (fd = cst_private_file_create_temp (output, &temp, error)) < 0)
    return NULL;
  if (!write_content (conn, content_id, fd, cancellable, error) ||
      !check_sha256 (temp, build->sha256, error) ||
      !cst_private_file_commit (temp, output, error))
    {
      g_unlink (temp);
      return NULL;
    }
  return g_steal_pointer (&build);
}

typedef struct
{
  gint64  request_id;
  char   *output;
} KeptJob;

static void
kept_job_free (KeptJob *job)
{
  g_free (job->output);
  g_free (job);
}

static gpointer
kept_job_run (PGconn   *conn,
              gpointer  data,
              GError  **error)
{
  KeptJob *job = data;

  return cst_packet_kept_write (conn, job->request_id, job->output, NULL, NULL, error);
}

/**
 * cst_packet_kept_write_async:
 *
 * cst_packet_kept_write() on @connection's worker thread.
 */
void
cst_packet_kept_write_async (CstConnection       *connection,
                             gint64               request_id,
                             const char          *output,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  KeptJob *job = g_new0 (KeptJob, 1);

  job->request_id = request_id;
  job->output = g_strdup (output);
  cst_connection_run_async (connection, kept_job_run, job, (GDestroyNotify) kept_job_free,
                            (GDestroyNotify) cst_packet_build_free, cancellable, callback,
                            user_data);
}

CstPacketBuild *
cst_packet_kept_write_finish (CstConnection  *connection,
                              GAsyncResult   *result,
                              GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
