/* cst-redaction-log.c — the redaction log of a request
 * (cst-redaction-log.h)
 */
#define G_LOG_DOMAIN "custodian-packet"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-redaction-log.h"
#include "custodian/cst-request-repo.h"

void
cst_redaction_log_line_free (CstRedactionLogLine *line)
{
  if (line == NULL)
    return;
  g_free (line->reason);
  g_free (line->reason_text);
  g_free (line);
}

static gpointer
line_from_row (const PGresult *res,
               int             row)
{
  CstRedactionLogLine *line = g_new0 (CstRedactionLogLine, 1);

  line->document_id = cst_db_int64 (res, row, 0);
  line->page = (guint) cst_db_int64 (res, row, 1);
  line->reason = g_strdup (cst_db_value (res, row, 2));
  line->reason_text = g_strdup (cst_db_value (res, row, 3));
  line->boxes = (guint) cst_db_int64 (res, row, 4);
  line->packet_page = cst_db_value (res, row, 5) ? (guint) cst_db_int64 (res, row, 5) : 0;
  return line;
}

/**
 * cst_redaction_log:
 *
 * The packet page is where the page sat in the last build: the
 * document's first packet page (recorded with the build) plus the pages
 * of the document before it that were released.
 *
 * Returns: (transfer full): #CstRedactionLogLine, or NULL with @error set
 */
GPtrArray *
cst_redaction_log (PGconn  *conn,
                   gint64   request_id,
                   GError **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "WITH last_build AS ("
    "  SELECT documents FROM record_packet_builds WHERE request_id = $1"
    "   ORDER BY id DESC LIMIT 1)"
    "SELECT r.document_id, r.page, r.reason::text, r.reason_text, count(*),"
    "       (SELECT (e->>'first_page')::int + r.page - 1"
    "               - (SELECT count(*) FROM record_page_exclusions x"
    "                   WHERE x.document_id = r.document_id AND x.page < r.page)::int"
    "          FROM last_build, jsonb_array_elements(last_build.documents) e"
    "         WHERE (e->>'id')::bigint = r.document_id"
    "           AND NOT EXISTS (SELECT 1 FROM record_page_exclusions x"
    "                            WHERE x.document_id = r.document_id AND x.page = r.page))"
    "  FROM record_redactions r JOIN record_documents d ON d.id = r.document_id"
    " WHERE r.request_id = $1 AND r.state = 'applied'"
    " GROUP BY r.document_id, d.position, r.page, r.reason, r.reason_text"
    " ORDER BY d.position, r.page, r.reason::text, r.reason_text", 1, params, error);

  return res ? cst_db_collect_rows (res, line_from_row,
                                    (GDestroyNotify) cst_redaction_log_line_free)
             : NULL;
}

GPtrArray *
cst_redaction_log_at (const char  *conninfo,
                      const char  *reference,
                      GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)))
    return NULL;
  return cst_redaction_log (conn, cst_request_get_id (request), error);
}

gboolean
cst_redaction_options_get (PGconn               *conn,
                           gint64                request_id,
                           CstRedactionOptions  *options,
                           GError              **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT text_layer, log_page FROM record_redaction_options WHERE request_id = $1",
    1, params, error);

  if (res == NULL)
    return FALSE;
  options->text_layer = PQntuples (res) == 1 && cst_db_bool (res, 0, 0);
  options->log_page = PQntuples (res) == 1 && cst_db_bool (res, 0, 1);
  return TRUE;
}

gboolean
cst_redaction_options_set (PGconn                     *conn,
                           gint64                      request_id,
                           const CstRedactionOptions  *options,
                           GError                    **error)
{
  g_autofree char *id = cst_db_int_param (request_id);
  const char *params[] = { id, options->text_layer ? "true" : "false",
                           options->log_page ? "true" : "false" };

  return cst_db_exec_command (conn, "SELECT record_redaction_options_set($1, $2, $3)", 3, params,
                              error);
}

gboolean
cst_redaction_options_at (const char           *conninfo,
                          const char           *reference,
                          const gboolean       *text_layer,
                          const gboolean       *log_page,
                          CstRedactionOptions  *options,
                          GError              **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(CstRequest) request = NULL;

  if (conn == NULL || !(request = cst_request_repo_find (conn, reference, error)) ||
      !cst_redaction_options_get (conn, cst_request_get_id (request), options, error))
    return FALSE;
  if (text_layer == NULL && log_page == NULL)
    return TRUE;
  if (text_layer != NULL)
    options->text_layer = *text_layer;
  if (log_page != NULL)
    options->log_page = *log_page;
  return cst_redaction_options_set (conn, cst_request_get_id (request), options, error);
}
