/* cst-release.c — releasing a request: status, disclosure and documents at once
 *
 * Releasing moves the request to "released", records the disclosure in
 * the accounting of disclosures (45 CFR 164.528), and makes the cover
 * letter and, when one was issued, the invoice, recording which template
 * version each used.  The documents are made first, outside the write
 * transaction (issue 24: a letter rendered inside it held the request's
 * locks for as long as the PDF took); what is written happens in one
 * transaction: if any step fails, or the server goes away halfway, none
 * of it exists afterwards.
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

/* One document of the release, made before its transaction: the PDF,
 * the template version it used and its pages, recorded in the
 * transaction by record_document(). */
typedef struct
{
  GBytes              *pdf;
  CstDocumentTemplate *tpl;
  guint                pages;
} Made;

static void
made_clear (Made *made)
{
  g_clear_pointer (&made->pdf, g_bytes_unref);
  g_clear_pointer (&made->tpl, cst_document_template_free);
}

/* What the release records, made from one snapshot of the database. */
typedef struct
{
  Made   cover_letter;
  Made   invoice;          /* pdf NULL when no invoice was issued */
  char  *invoices_seen;    /* the request's invoices then (invoices_now()) */
} Documents;

static void
documents_clear (Documents *documents)
{
  made_clear (&documents->cover_letter);
  made_clear (&documents->invoice);
  g_clear_pointer (&documents->invoices_seen, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Documents, documents_clear)

static gboolean
make_document (PGconn                   *conn,
               CstDocumentKind           kind,
               CstRequest               *request,
               const CstInvoice         *invoice,
               const char               *language,
               const CstDocumentOptions *options,
               Made                     *made,
               GError                  **error)
{
  made->pdf = cst_document_repo_make (conn, kind, request, language, invoice, options, &made->tpl,
                                      &made->pages, error);
  return made->pdf != NULL;
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

/* The request's invoices as one text: how many, and the newest id.  An
 * invoice or adjustment issued after the documents were made changes it,
 * and the release then refuses rather than send an out-of-date invoice. */
static char *
invoices_now (PGconn     *conn,
              CstRequest *request,
              GError    **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT count(*) || '/' || COALESCE (max(id), 0) FROM invoices WHERE request_id = $1::bigint",
    1, (const char *[]) { id }, error);

  return res ? g_strdup (cst_db_value (res, 0, 0)) : NULL;
}

static gboolean
make_documents (PGconn                   *conn,
                CstRequest               *request,
                const char               *language,
                const CstDocumentOptions *options,
                Documents                *documents,
                GError                  **error)
{
  g_autoptr(CstInvoice) invoice = NULL;

  if (!(documents->invoices_seen = invoices_now (conn, request, error)) ||
      !make_document (conn, CST_DOCUMENT_COVER_LETTER, request, NULL, language, options,
                      &documents->cover_letter, error) ||
      !load_invoice (conn, request, &invoice, error))
    return FALSE;
  return invoice == NULL ||
         make_document (conn, CST_DOCUMENT_INVOICE, request, invoice, language, options,
                        &documents->invoice, error);
}

/* The server records the document (document_record(), which hashes the
 * bytes itself); its id goes into @ids for the release function. */
static gboolean
record_document (PGconn     *conn,
                 CstRequest *request,
                 const Made *made,
                 GString    *ids,
                 GError    **error)
{
  gint64 recorded = cst_document_repo_record_rendering (conn, cst_request_get_id (request), made->tpl,
                                                        made->pdf, made->pages, error);

  if (recorded == 0)
    return FALSE;
  g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, ids->len > 1 ? "," : "", recorded);
  return TRUE;
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

static gboolean
check_invoices_unchanged (PGconn          *conn,
                          CstRequest      *request,
                          const Documents *documents,
                          GError         **error)
{
  g_autofree char *now = invoices_now (conn, request, error);

  if (now == NULL)
    return FALSE;
  if (g_strcmp0 (now, documents->invoices_seen) != 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_CONFLICT,
                   _("An invoice for request %s was issued or adjusted while it was being released; "
                     "release it again."),
                   cst_request_get_reference (request));
      return FALSE;
    }
  return TRUE;
}

/* The write transaction: versions checked, hashes recorded, rows written;
 * nothing in it waits on a PDF. */
static CstRelease *
record_release (PGconn          *conn,
                CstRequest      *request,
                const char      *language,
                Documents       *documents,
                GError         **error)
{
  g_autoptr(CstRelease) release = g_new0 (CstRelease, 1);
  g_autoptr(GString) ids = g_string_new ("{");

  if (!record_document (conn, request, &documents->cover_letter, ids, error) ||
      (documents->invoice.pdf != NULL &&
       !record_document (conn, request, &documents->invoice, ids, error)) ||
      !check_invoices_unchanged (conn, request, documents, error))
    return NULL;
  g_string_append_c (ids, '}');
  release->disclosure_id = call_release_function (conn, request, language, ids->str, error);
  if (release->disclosure_id <= 0 ||
      !(release->request = cst_request_repo_get (conn, cst_request_get_id (request), error)))
    return NULL;
  release->cover_letter = g_steal_pointer (&documents->cover_letter.pdf);
  release->invoice = g_steal_pointer (&documents->invoice.pdf);
  return g_steal_pointer (&release);
}

/**
 * cst_release_run:
 * @request: the request as the clerk last read it (its version is checked)
 *
 * The cover letter and the invoice are made first, from one read-only
 * snapshot; the release's own transaction then only checks the request's
 * version and that no invoice came or changed meanwhile, has the server
 * record the documents' hashes, and writes the status and the disclosure.
 * Rendering (the slow part) thus holds no lock and no write transaction:
 * other clerks' work on the request never waits for a PDF.
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
  g_auto(Documents) documents = { 0 };
  g_autoptr(CstRelease) release = NULL;
  gboolean own;

  if (!cst_request_status_check_move (cst_request_get_status (request), CST_STATUS_RELEASED,
                                      NULL, error) ||
      !cst_db_join (conn, CST_DB_SNAPSHOT, &own, error) ||
      !cst_db_leave (conn, own, make_documents (conn, request, language, options, &documents, error),
                     error) ||
      !cst_db_join (conn, CST_DB_READ_WRITE, &own, error))
    return NULL;
  release = record_release (conn, request, language, &documents, error);
  return cst_db_leave (conn, own, release != NULL, error) ? g_steal_pointer (&release) : NULL;
}

/**
 * cst_release_prepare:
 *
 * Makes the documents a release of @request would make now, from one
 * read-only snapshot, and writes nothing.  Documents are kept by what
 * they are made from (cst-document-cache-private.h), so a release of the
 * request as it stands uses them instead of drawing them again while the
 * clerk waits; anything changed meanwhile (the request, a withholding, an
 * invoice, the template, the day) makes them again.  A document that
 * cannot be made now is left to the release, which says why.
 */
void
cst_release_prepare (PGconn                   *conn,
                     CstRequest               *request,
                     const char               *language,
                     const CstDocumentOptions *options)
{
  g_auto(Documents) documents = { 0 };
  gboolean own;

  /* Only on a connection at rest: a failed read must not end a caller's
   * transaction. */
  if (cst_request_get_status (request) != CST_STATUS_READY ||
      PQtransactionStatus (conn) != PQTRANS_IDLE ||
      !cst_db_join (conn, CST_DB_SNAPSHOT, &own, NULL))
    return;
  (void) cst_db_leave (conn, own,
                       make_documents (conn, request, language, options, &documents, NULL), NULL);
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
