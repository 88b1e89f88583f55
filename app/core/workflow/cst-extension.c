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

/* What the request will look like once extended: the governing rule's
 * one extension (HIPAA's 30 days, 164.524(b)(2)(ii), or a state's own),
 * where the database computed it would move the deadline. */
static CstRequest *
as_extended (CstRequest  *request,
             const GDate *on,
             const char  *reason,
             const GDate *new_due)
{
  CstRequest *copy = cst_request_copy (request);

  g_object_set (copy, "extended-on", on, "extension-reason", reason, "due-date", new_due, NULL);
  return copy;
}

/* Business days and holidays are counted by the database, as for the
 * deadline itself; a list row does not carry the date. */
static gboolean
extended_due (PGconn      *conn,
              CstRequest  *request,
              GDate       *due,
              GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  const char *params[] = { id };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GDate) date = NULL;

  if (g_date_valid (&cst_request_get_deadline (request)->extension_due))
    {
      *due = cst_request_get_deadline (request)->extension_due;
      return TRUE;
    }
  res = cst_db_exec (conn, "SELECT roi_deadline_extended(deadline_rule_id, original_due_date)"
                           " FROM roi_requests WHERE id = $1::bigint", 1, params, error);
  if (res == NULL)
    return FALSE;
  date = PQntuples (res) == 1 ? cst_db_date (res, 0, 0) : NULL;
  if (date == NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_EXTENSION,
                           _("The governing rule allows no extension for this request."));
      return FALSE;
    }
  *due = *date;
  return TRUE;
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
  g_autofree char *why_not = NULL;
  GDate new_due;

  /* Only where the governing rule allows one: CA's 15 days or a third
   * party's request have none to take. */
  if (!cst_request_can_extend (request, &why_not))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_EXTENSION, why_not);
      return NULL;
    }
  if (cst_input_is_blank (reason))
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("An extension needs a reason; the requester must be told it in writing."));
      return NULL;
    }
  if (!extended_due (conn, request, &new_due, error))
    return NULL;
  extended = as_extended (request, on, reason, &new_due);
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
