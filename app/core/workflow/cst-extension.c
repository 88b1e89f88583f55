/* cst-extension.c — the one extension, always with its written notice
 *
 * The notice is rendered from a copy of the request that already carries
 * the reason and the extended due date, so the letter states the date the
 * extension will set (164.524(b)(2)(iii)); the database then accepts the
 * extension because the notice is on file (migration 0041).
 */
#define G_LOG_DOMAIN "cst-extension"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-extension.h"
#include "custodian/cst-input.h"
#include "custodian/cst-request-repo.h"

/* What the request will look like once extended: one 30-day extension
 * (164.524(b)(2)(ii)) on top of the current due date. */
static CstRequest *
as_extended (CstRequest  *request,
             const GDate *on,
             const char  *reason)
{
  CstRequest *copy = cst_request_copy (request);
  GDate due = *cst_request_get_due_date (request);

  g_date_add_days (&due, 30);
  g_object_set (copy, "extended-on", on, "extension-reason", reason, "due-date", &due, NULL);
  return copy;
}

GBytes *
cst_extension_render_notice (PGconn                   *conn,
                             CstRequest               *request,
                             const GDate              *on,
                             const char               *reason,
                             const char               *language,
                             const CstDocumentOptions *options,
                             GError                  **error)
{
  CstDocumentOptions plain = { .paper = CST_PDF_PAPER_LETTER };
  g_autoptr(CstRequest) extended = NULL;

  if (cst_request_is_extended (request))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_EXTENSION,
                           _("This request was already extended once; HIPAA allows one extension."));
      return NULL;
    }
  if (cst_input_is_blank (reason))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An extension needs a reason; the requester must be told it in writing."));
      return NULL;
    }
  extended = as_extended (request, on, reason);
  return cst_document_repo_render (conn, CST_DOCUMENT_EXTENSION_NOTICE, extended,
                                    language != NULL ? language : "en", NULL,
                                    options != NULL ? options : &plain, NULL, error);
}

gboolean
cst_extension_notice_on_file (PGconn      *conn,
                              CstRequest  *request,
                              GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *due = cst_input_format_date (cst_request_get_due_date (request));
  const char *params[] = { id, due };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT roi_extension_notice_on_file($1::bigint, $2::date)", 2, params, error);

  return res != NULL && cst_db_bool (res, 0, 0);
}

CstRequest *
cst_extension_take (PGconn                   *conn,
                    CstRequest               *request,
                    const GDate              *on,
                    const char               *reason,
                    const char               *language,
                    const CstDocumentOptions *options,
                    GBytes                  **notice,
                    GError                  **error)
{
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(CstRequest) extended = NULL;
  gboolean own;

  if (!cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  pdf = cst_extension_render_notice (conn, request, on, reason, language, options, error);
  if (pdf != NULL)
    extended = cst_request_repo_extend (conn, request, on, reason, error);
  if (!cst_db_leave (conn, own, extended != NULL, error))
    return NULL;
  if (notice != NULL)
    *notice = g_steal_pointer (&pdf);
  return g_steal_pointer (&extended);
}
