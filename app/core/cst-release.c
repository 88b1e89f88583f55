/* cst-release.c — releasing a request: status, disclosure and documents at once
 *
 * Releasing moves the request to "released", records the disclosure in
 * the accounting of disclosures (45 CFR 164.528), and makes the cover
 * letter and, when one was issued, the invoice, recording which template
 * version each used.  All of it happens in one transaction: if any step
 * fails, or the server goes away halfway, none of it exists afterwards.
 */
#define G_LOG_DOMAIN "cst-release"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-document-store.h"
#include "custodian/cst-fee-store.h"
#include "custodian/cst-input.h"
#include "custodian/cst-release.h"
#include "custodian/cst-request-repo.h"

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

static gboolean
has_invoice (PGconn      *conn,
             CstRequest  *request,
             gboolean    *found,
             GError     **error)
{
  g_autoptr(GPtrArray) invoices = cst_fee_store_list_invoices (conn, cst_request_get_id (request), error);

  *found = invoices != NULL && invoices->len > 0;
  return invoices != NULL;
}

static CstRelease *
release_in_transaction (PGconn                   *conn,
                        CstRequest               *request,
                        const char               *language,
                        const CstDocumentOptions *options,
                        GError                  **error)
{
  g_autoptr(CstRelease) release = g_new0 (CstRelease, 1);
  gboolean invoiced = FALSE;
  GDate today;

  cst_input_today (&today);
  release->request = cst_request_repo_move (conn, request, CST_STATUS_RELEASED, NULL, error);
  if (release->request == NULL)
    return NULL;
  release->disclosure_id = cst_document_store_record_release (conn, release->request, &today, error);
  if (release->disclosure_id <= 0)
    return NULL;
  release->cover_letter = cst_document_store_render (conn, CST_DOCUMENT_COVER_LETTER, release->request,
                                                     language, NULL, options, NULL, error);
  if (release->cover_letter == NULL || !has_invoice (conn, release->request, &invoiced, error))
    return NULL;
  if (invoiced)
    {
      release->invoice = cst_document_store_render (conn, CST_DOCUMENT_INVOICE, release->request,
                                                    language, NULL, options, NULL, error);
      if (release->invoice == NULL)
        return NULL;
    }
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

  if (!cst_db_begin (conn, error))
    return NULL;
  release = release_in_transaction (conn, request, language, options, error);
  if (release == NULL || !cst_db_commit (conn, error))
    {
      cst_db_rollback (conn);
      return NULL;
    }
  return g_steal_pointer (&release);
}
