/* cst-release.c — releasing a request: status, disclosure and documents at once
 *
 * Releasing moves the request to "released", records the disclosure in
 * the accounting of disclosures (45 CFR 164.528), and makes the cover
 * letter and, when one was issued, the invoice, recording which template
 * version each used.  The documents are made first, outside the write
 * transaction (issue 24: a letter rendered inside it held the request's
 * locks for as long as the PDF took), and usually before the clerk even
 * confirms (cst_release_prepare(), when a ready request is opened).
 *
 * What is written is then one call, release_with_documents()
 * (resources/sql/0102-release-in-one-call.sql), sent in one pipeline with
 * the request's read-back: one round trip to the server, one transaction.
 * The server hashes the documents itself (document_record()), checks that
 * nothing they are made from changed (release_inputs(), a digest the
 * client read in the snapshot it made them from) and releases through the
 * SECURITY DEFINER release_request() (0057, 0074), because a clerk may
 * neither log a disclosure nor set a request to released directly.  It
 * dates the disclosure with the server's today, never the client's.  If
 * any step fails, or the server goes away halfway, none of it exists
 * afterwards.
 */
#define G_LOG_DOMAIN "cst-release"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
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

/**
 * cst_release_desk_setup:
 * @options: (out caller-allocates): set to how the desk's release
 *   documents are made (the letterhead comes from the database)
 *
 * The language and paper the desk releases in.  The release
 * (cst_request_store_release_async() without a language) and its
 * preparation when a ready request is opened
 * (cst_release_on_file_load_async()) both ask here, so what is prepared
 * is what the release looks for.
 *
 * Returns: the language of the cover letter and invoice
 */
const char *
cst_release_desk_setup (CstDocumentOptions *options)
{
  *options = (CstDocumentOptions) { .paper = CST_PDF_PAPER_LETTER };
  return "en";
}

/* One document of the release, made before its transaction: the PDF,
 * the template version it used and its pages. */
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
  char  *inputs;           /* release_inputs() in that snapshot */
} Documents;

static void
documents_clear (Documents *documents)
{
  made_clear (&documents->cover_letter);
  made_clear (&documents->invoice);
  g_clear_pointer (&documents->inputs, g_free);
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

/* The server's digest of what the documents are made from (templates,
 * parts withheld, letterhead, invoices): the release refuses to record
 * documents made from anything else. */
static char *
read_inputs (PGconn      *conn,
             CstRequest  *request,
             const char  *language,
             GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT release_inputs($1::bigint, $2)",
                                         2, (const char *[]) { id, language }, error);

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

  if (!(documents->inputs = read_inputs (conn, request, language, error)) ||
      !make_document (conn, CST_DOCUMENT_COVER_LETTER, request, NULL, language, options,
                      &documents->cover_letter, error) ||
      !load_invoice (conn, request, &invoice, error))
    return FALSE;
  return invoice == NULL ||
         make_document (conn, CST_DOCUMENT_INVOICE, request, invoice, language, options,
                        &documents->invoice, error);
}

/* From one read-only snapshot (or the caller's transaction), writing nothing. */
static gboolean
make_in_snapshot (PGconn                   *conn,
                  CstRequest               *request,
                  const char               *language,
                  const CstDocumentOptions *options,
                  Documents                *documents,
                  GError                  **error)
{
  gboolean own;

  documents_clear (documents);
  return cst_db_join (conn, CST_DB_SNAPSHOT, &own, error) &&
         cst_db_leave (conn, own, make_documents (conn, request, language, options, documents, error),
                       error);
}

/* ---- documents prepared before the release ------------------------------ */

/* A few requests opened and not yet released, per process (a desk's, or
 * the load bench's fifty clerks'). */
#define N_PREPARED 64

typedef struct
{
  char      *key;
  Documents  documents;
} Prepared;

static GMutex prepared_lock;
static GQueue prepared = G_QUEUE_INIT;   /* of Prepared, newest first */

static void
prepared_free (Prepared *entry)
{
  g_free (entry->key);
  documents_clear (&entry->documents);
  g_free (entry);
}

/* Whose release of what, as what: the server, database and login, the
 * request at its version, the language, the paper, the logo and the day
 * the letter is dated. */
static char *
prepared_key (PGconn                   *conn,
              CstRequest               *request,
              const char               *language,
              const CstDocumentOptions *options)
{
  GDate today;

  if (options->today != NULL)
    today = *options->today;
  else
    cst_input_today (&today);
  return g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%d\x1f%s\x1f%d\x1f%s\x1f%u",
                          PQhost (conn), PQport (conn), PQdb (conn), PQuser (conn),
                          cst_request_get_id (request), cst_request_get_version (request),
                          language, (int) options->paper,
                          options->facility.logo_path ? options->facility.logo_path : "",
                          g_date_get_julian (&today));
}

static void
prepared_keep (char      *key,
               Documents *documents)
{
  Prepared *entry = g_new0 (Prepared, 1);

  entry->key = key;
  entry->documents = *documents;
  *documents = (Documents) { 0 };
  g_mutex_lock (&prepared_lock);
  for (GList *l = prepared.head; l != NULL; l = l->next)
    if (g_str_equal (((Prepared *) l->data)->key, key))
      {
        prepared_free (l->data);
        g_queue_delete_link (&prepared, l);
        break;
      }
  g_queue_push_head (&prepared, entry);
  while (prepared.length > N_PREPARED)
    prepared_free (g_queue_pop_tail (&prepared));
  g_mutex_unlock (&prepared_lock);
}

/* Moves the documents prepared under @key into @documents. */
static gboolean
prepared_take (const char *key,
               Documents  *documents)
{
  Prepared *found = NULL;

  g_mutex_lock (&prepared_lock);
  for (GList *l = prepared.head; l != NULL && found == NULL; l = l->next)
    if (g_str_equal (((Prepared *) l->data)->key, key))
      {
        found = l->data;
        g_queue_delete_link (&prepared, l);
      }
  g_mutex_unlock (&prepared_lock);
  if (found == NULL)
    return FALSE;
  *documents = found->documents;
  found->documents = (Documents) { 0 };
  prepared_free (found);
  return TRUE;
}

/* ---- the release's one round trip ---------------------------------------- */

typedef enum
{
  CALL_FAILED,
  CALL_RELEASED,
  CALL_MOVED,    /* the request is gone, closed or at another version */
  CALL_STALE,    /* what the documents are made from changed since */
} Outcome;

static char *
base64_of (GBytes *bytes)
{
  gsize size = 0;
  const guchar *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return g_base64_encode (data, size);
}

static char *
template_id_of (const Made *made)
{
  return made->tpl ? g_strdup_printf ("%" G_GINT64_FORMAT, cst_document_template_get_id (made->tpl))
                   : NULL;
}

static char *
pages_of (const Made *made)
{
  return made->pdf ? g_strdup_printf ("%u", made->pages) : NULL;
}

static const char release_call_sql[] =
  "SELECT outcome, disclosure FROM release_with_documents($1::bigint, $2::integer, $3, $4,"
  " $5::bigint, $6::integer, decode($7, 'base64'), $8::bigint, $9::integer,"
  " decode($10, 'base64'), $11, $12)";

/* The call and the request read back, sent together and answered
 * together (cst_db_write_and_read()): outside a caller's transaction one
 * implicit transaction, its request notices sent after its commit;
 * inside one, two more of its steps.  The read-back is the connection's
 * prepared statement once the request's reads made it hot; the call, a
 * function's, has little to plan. */
static gboolean
send_release (PGconn           *conn,
              const char *const call_params[12],
              const char       *id,
              PGresult        **call,
              PGresult        **stored,
              GError          **error)
{
  return cst_db_write_and_read (conn, release_call_sql, 12, call_params,
                                _cst_request_repo_get_sql, 1, (const char *[]) { id },
                                call, stored, error);
}

/* send_release(), once more when a prepared statement of it was outdated
 * (a migration changed what it returns, or the server dropped it): outside
 * a caller's transaction nothing was written, and it is prepared again. */
static gboolean
send_release_again_if_outdated (PGconn           *conn,
                                const char *const call_params[12],
                                const char       *id,
                                PGresult        **call,
                                PGresult        **stored,
                                GError          **error)
{
  gboolean own = PQtransactionStatus (conn) == PQTRANS_IDLE;
  gboolean outdated;

  if (!send_release (conn, call_params, id, call, stored, error))
    return FALSE;
  /* Both looked at: each forgets its statement if outdated. */
  outdated = cst_db_forget_if_outdated (conn, release_call_sql, *call);
  outdated = cst_db_forget_if_outdated (conn, _cst_request_repo_get_sql, *stored) || outdated;
  if (!outdated || !own)
    return TRUE;
  g_clear_pointer (call, PQclear);
  g_clear_pointer (stored, PQclear);
  return send_release (conn, call_params, id, call, stored, error);
}

/* Reads a result of the pipeline as cst_db_exec() would have. */
static gboolean
check_result (PGconn          *conn,
              const PGresult  *res,
              GError         **error)
{
  ExecStatusType status = PQresultStatus (res);

  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
    return TRUE;
  cst_db_set_error_from_result (error, res, conn);
  return FALSE;
}

/* What the documents are made from changed while the release was under
 * way (the server's CS006 from the call, or stale twice running). */
static void
set_changed_meanwhile (CstRequest  *request,
                       GError     **error)
{
  g_set_error (error, CST_ERROR, CST_ERROR_CONFLICT,
               _("What request %s is released with (an invoice, a part withheld, the letterhead "
                 "or a template) changed while it was being released; release it again."),
               cst_request_get_reference (request));
}

/* The write: one call that checks the version and the documents' inputs,
 * records the documents' hashes and writes every row, and the request as
 * stored afterwards.  The documents move into @release when released. */
static Outcome
record_release (PGconn      *conn,
                CstRequest  *request,
                const char  *language,
                Documents   *documents,
                CstRelease  *release,
                GError     **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, cst_request_get_id (request));
  g_autofree char *version = g_strdup_printf ("%d", cst_request_get_version (request));
  g_autofree char *letter_template = template_id_of (&documents->cover_letter);
  g_autofree char *letter_pages = pages_of (&documents->cover_letter);
  g_autofree char *letter = base64_of (documents->cover_letter.pdf);
  g_autofree char *invoice_template = template_id_of (&documents->invoice);
  g_autofree char *invoice_pages = pages_of (&documents->invoice);
  g_autofree char *invoice = base64_of (documents->invoice.pdf);
  const char *params[12] = { id, version, language, documents->inputs,
                             letter_template, letter_pages, letter,
                             invoice_template, invoice_pages, invoice,
                             _("Health records as requested"), _("At the requester's request") };
  g_autoptr(PGresult) call = NULL;
  g_autoptr(PGresult) stored = NULL;
  g_autoptr(GError) local = NULL;
  const char *outcome;

  if (!cst_input_check_text (language, -1, error) ||
      !send_release_again_if_outdated (conn, params, id, &call, &stored, error))
    return CALL_FAILED;
  if (!check_result (conn, call, &local) || !check_result (conn, stored, &local))
    {
      if (g_error_matches (local, CST_ERROR, CST_ERROR_CONFLICT))
        set_changed_meanwhile (request, error);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return CALL_FAILED;
    }
  outcome = cst_db_value (call, 0, 0);
  if (g_strcmp0 (outcome, "stale") == 0)
    return CALL_STALE;
  if (g_strcmp0 (outcome, "released") != 0)
    {
      _cst_request_repo_explain_missed_update (conn, request, error);
      return CALL_MOVED;
    }
  if (!(release->request = _cst_request_repo_get_result (stored, error)))
    return CALL_FAILED;
  release->disclosure_id = cst_db_int64 (call, 0, 1);
  release->cover_letter = g_steal_pointer (&documents->cover_letter.pdf);
  release->invoice = g_steal_pointer (&documents->invoice.pdf);
  return CALL_RELEASED;
}

/**
 * cst_release_run:
 * @request: the request as the clerk last read it (its version is checked)
 *
 * The cover letter and the invoice are those cst_release_prepare() made
 * for @request as it stands, or are made now from one read-only snapshot;
 * the release itself is then one round trip to the server: one call that
 * checks the request's version and that nothing the documents are made
 * from changed, has the server record the documents' hashes, and writes
 * the status and the disclosure (release_with_documents()), sent with the
 * request's read-back.  Rendering (the slow part) thus holds no lock and
 * no write transaction: other clerks' work on the request never waits for
 * a PDF.  Documents prepared from what has changed since are made again.
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
  g_autoptr(CstRelease) release = g_new0 (CstRelease, 1);
  g_autofree char *key = NULL;
  Outcome outcome;

  if (!cst_request_status_check_move (cst_request_get_status (request), CST_STATUS_RELEASED,
                                      NULL, error))
    return NULL;
  key = prepared_key (conn, request, language, options);
  if (!prepared_take (key, &documents) &&
      !make_in_snapshot (conn, request, language, options, &documents, error))
    return NULL;
  outcome = record_release (conn, request, language, &documents, release, error);
  if (outcome == CALL_STALE)
    outcome = make_in_snapshot (conn, request, language, options, &documents, error)
                ? record_release (conn, request, language, &documents, release, error)
                : CALL_FAILED;
  if (outcome == CALL_STALE)   /* changed again since the second snapshot */
    set_changed_meanwhile (request, error);
  return outcome == CALL_RELEASED ? g_steal_pointer (&release) : NULL;
}

/**
 * cst_release_prepare:
 *
 * Makes the documents a release of @request would make now, from one
 * read-only snapshot, and writes nothing.  They are kept for the release
 * of @request at this version on this connection's database and login,
 * in @language on this paper, today (a few requests' worth, per process),
 * so cst_release_run() of the request as it stands neither draws nor
 * reads anything before its one call; the server still refuses them if
 * anything they are made from (the request, a part withheld, an invoice,
 * the letterhead, a template) changed meanwhile, and the release makes
 * them again.  A document that cannot be made now is left to the
 * release, which says why.
 */
void
cst_release_prepare (PGconn                   *conn,
                     CstRequest               *request,
                     const char               *language,
                     const CstDocumentOptions *options)
{
  g_auto(Documents) documents = { 0 };

  /* Only on a connection at rest: a failed read must not end a caller's
   * transaction. */
  if (cst_request_get_status (request) != CST_STATUS_READY ||
      PQtransactionStatus (conn) != PQTRANS_IDLE ||
      !make_in_snapshot (conn, request, language, options, &documents, NULL))
    return;
  prepared_keep (prepared_key (conn, request, language, options), &documents);
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
