/* cst-release.c — releasing a request: status, disclosure and documents at once
 *
 * Releasing moves the request to "released", records the disclosure in
 * the accounting of disclosures (45 CFR 164.528), and makes the cover
 * letter and, when one was issued, the invoice, recording which template
 * version each used.  All of it happens in one transaction: if any step
 * fails, or the server goes away halfway, none of it exists afterwards.
 *
 * The application makes the PDFs and has the server record each one
 * (document_record(), which hashes the bytes itself); the release itself
 * is one SECURITY DEFINER function, release_request()
 * (resources/sql/0057-release-the-server-decides.sql), because a clerk may
 * neither log a disclosure nor set a request to released directly.  It
 * cites the documents recorded in this transaction by their ids and dates
 * the disclosure with the server's today, never the client's.
 */
#define G_LOG_DOMAIN "cst-release"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-release.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-withholding.h"
#include "cst-request-private.h"

void
cst_release_free (CstRelease *release)
{
  if (release == NULL)
    return;
  g_clear_object (&release->request);
  g_clear_pointer (&release->cover_letter, g_bytes_unref);
  g_clear_pointer (&release->invoice, g_bytes_unref);
  g_free (release);
}

/* One document of the release: made here and recorded by the server in
 * the release's transaction.  Appends the record's id to @documents. */
static GBytes *
render_document (PGconn                    *conn,
                 CstDocumentKind            kind,
                 CstRequest                *request,
                 const CstInvoice          *invoice,
                 const char                *language,
                 const CstDocumentOptions  *options,
                 GString                   *documents,
                 GError                   **error)
{
  guint pages = 0;
  g_autoptr(CstDocumentTemplate) tpl = NULL;
  g_autoptr(GBytes) pdf = cst_document_repo_make (conn, kind, request, language, invoice, options,
                                                   &tpl, &pages, error);
  gint64 recorded;

  if (pdf == NULL ||
      (recorded = cst_document_repo_record_rendering (conn, cst_request_get_id (request), tpl, pdf,
                                                       pages, error)) == 0)
    return NULL;
  g_string_append_printf (documents, "%s%" G_GINT64_FORMAT, documents->len > 1 ? "," : "",
                          recorded);
  return g_steal_pointer (&pdf);
}

/* The invoice issued for @request, or %NULL without error when there is none. */
static gboolean
load_invoice (PGconn      *conn,
              CstRequest  *request,
              CstInvoice **invoice,
              GError     **error)
{
  g_autoptr(GError) local = NULL;

  *invoice = cst_document_repo_load_invoice (conn, request, &local);
  if (*invoice != NULL || g_error_matches (local, CST_ERROR, CST_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* The letters are made from the request as the clerk read it; the server
 * then checks that version is still the stored one before changing
 * anything, so they describe exactly what was released.  The server
 * dates the disclosure. */
static gint64
call_release_function (PGconn      *conn,
                       CstRequest  *request,
                       const char  *language,
                       const char  *documents,
                       GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));
  const char *params[] = { id, version, language, documents,
                           _("Health records as requested"), _("At the requester's request") };
  g_autoptr(PGresult) res = NULL;

  res = cst_db_exec (conn,
    "SELECT release_request($1::bigint, $2::integer, $3, $4::bigint[], $5, $6)",
    G_N_ELEMENTS (params), params, error);
  if (res == NULL)
    return 0;
  if (cst_db_value (res, 0, 0) == NULL)
    {
      _cst_request_repo_explain_missed_update (conn, request, error);
      return 0;
    }
  return cst_db_int64 (res, 0, 0);
}

static CstRelease *
release_in_transaction (PGconn                   *conn,
                        CstRequest               *request,
                        const char               *language,
                        const CstDocumentOptions *options,
                        GError                  **error)
{
  g_autoptr(CstRelease) release = g_new0 (CstRelease, 1);
  g_autoptr(CstInvoice) invoice = NULL;
  g_autoptr(GString) documents = g_string_new ("{");

  release->cover_letter = render_document (conn, CST_DOCUMENT_COVER_LETTER, request, NULL,
                                           language, options, documents, error);
  if (release->cover_letter == NULL || !load_invoice (conn, request, &invoice, error))
    return NULL;
  if (invoice != NULL)
    {
      release->invoice = render_document (conn, CST_DOCUMENT_INVOICE, request, invoice,
                                          language, options, documents, error);
      if (release->invoice == NULL)
        return NULL;
    }
  g_string_append_c (documents, '}');
  release->disclosure_id = call_release_function (conn, request, language, documents->str, error);
  if (release->disclosure_id <= 0)
    return NULL;
  release->request = cst_request_repo_get (conn, cst_request_get_id (request), error);
  if (release->request == NULL)
    return NULL;
  return g_steal_pointer (&release);
}

/**
 * cst_release_run:
 * @request: the request as the clerk last read it (its version is checked)
 *
 * Returns: (transfer full): what the release produced, or %NULL with
 *   nothing changed
 */
CstRelease *
cst_release_run (PGconn                   *conn,
                 CstRequest               *request,
                 const char               *language,
                 const CstDocumentOptions *options,
                 GError                  **error)
{
  g_autoptr(CstRelease) release = NULL;
  gboolean own;

  if (!cst_request_status_check_move (cst_request_get_status (request), CST_STATUS_RELEASED,
                                      NULL, error) ||
      !cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  release = release_in_transaction (conn, request, language, options, error);
  return cst_db_leave (conn, own, release != NULL, error) ? g_steal_pointer (&release) : NULL;
}

/**
 * cst_release_record_particulars:
 * @withheld: (element-type CstWithholding): what the release leaves out,
 *   each with its reason and description (who recorded it is the login)
 * @delivery: (nullable): the format and delivery proof, or NULL when it is
 *   on record already
 *
 * Records what the clerk gathered for a release, before releasing it
 * (cst_release_run()): the withholdings and the delivery proof, all of
 * them or, when the database refuses one, none.
 */
gboolean
cst_release_record_particulars (PGconn            *conn,
                                CstRequest        *request,
                                GPtrArray         *withheld,
                                const CstDelivery *delivery,
                                GError           **error)
{
  gboolean ok = TRUE;

  if (!cst_db_begin (conn, error))
    return FALSE;
  for (guint i = 0; ok && withheld != NULL && i < withheld->len; i++)
    {
      CstWithholding *w = g_ptr_array_index (withheld, i);
      ok = cst_withholding_record (conn, request, w->reason, w->description, error);
    }
  if (ok && delivery != NULL)
    ok = cst_delivery_record (conn, request, delivery, error);
  return cst_db_end (conn, ok, error);
}
