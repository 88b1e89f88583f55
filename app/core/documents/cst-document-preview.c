/* cst-document-preview.c — the documents dialog's document: drawn for the
 * screen to preview it, made as a PDF to save or print it
 *
 * Both run on the connection's worker with the same choices (letter
 * paper, an accounting of the six years up to today, the issued invoice)
 * and the same layout (cst-document-render-private.h): what the screen
 * shows is what the PDF holds.  Only the PDF is recorded.
 */
#define G_LOG_DOMAIN "cst-document"

#include "config.h"

#include "custodian/cst-document-preview.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-input.h"

#include "cst-document-render-private.h"

typedef struct
{
  CstDocumentKind kind;
  CstRequest     *request;     /* a private copy: the caller's may change meanwhile */
  char           *language;
  char           *logo_path;
  guint           shown_page;
  double          shown_scale;
  GCancellable   *cancellable;
  /* The dialog's choices, filled on the worker. */
  CstDocumentOptions options;
  GDate           from;
  GDate           to;
} PreviewJob;

static void
preview_job_free (PreviewJob *job)
{
  g_clear_object (&job->request);
  g_clear_object (&job->cancellable);
  g_free (job->language);
  g_free (job->logo_path);
  g_free (job);
}

static PreviewJob *
preview_job_new (CstDocumentKind  kind,
                 CstRequest      *request,
                 const char      *language,
                 const char      *logo_path,
                 GCancellable    *cancellable)
{
  PreviewJob *job = g_new0 (PreviewJob, 1);

  job->kind = kind;
  job->request = cst_request_copy (request);
  job->language = g_strdup (language);
  job->logo_path = logo_path && *logo_path ? g_strdup (logo_path) : NULL;
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  return job;
}

static const CstDocumentOptions *
dialog_options (PreviewJob *job)
{
  job->options.paper = CST_PDF_PAPER_LETTER;
  job->options.facility.logo_path = job->logo_path;
  cst_input_today (&job->to);
  job->from = job->to;
  g_date_subtract_years (&job->from, CST_ACCOUNTING_YEARS);
  job->options.period_from = &job->from;
  job->options.period_to = &job->to;
  return &job->options;
}

static gpointer
pdf_in_worker (PGconn   *conn,
               gpointer  data,
               GError  **error)
{
  PreviewJob *job = data;

  return cst_document_repo_render (conn, job->kind, job->request, job->language, NULL,
                                   dialog_options (job), NULL, error);
}

/**
 * cst_document_repo_preview_async:
 * @language: "en" or "es"
 * @logo_path: (nullable): the facility's logo, a file on this computer;
 *   %NULL or "" for none
 *
 * Makes the PDF of (@kind, @language) for @request as the documents
 * dialog shows it (cst_document_preview_async()), to save or print it.
 * Runs on @connection's worker thread, which records the rendering like
 * cst_document_repo_render() does.
 */
void
cst_document_repo_preview_async (CstConnection       *connection,
                                 CstDocumentKind      kind,
                                 CstRequest          *request,
                                 const char          *language,
                                 const char          *logo_path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  cst_connection_run_async (connection, pdf_in_worker,
                            preview_job_new (kind, request, language, logo_path, NULL),
                            (GDestroyNotify) preview_job_free, (GDestroyNotify) g_bytes_unref,
                            cancellable, callback, user_data);
}

/**
 * cst_document_repo_preview_finish:
 *
 * Returns: (transfer full): the PDF, or %NULL with @error set
 */
GBytes *
cst_document_repo_preview_finish (CstConnection  *connection,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

static gpointer
pages_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  PreviewJob *job = data;
  CstDocumentMade made = { TRUE, job->cancellable };

  if (!cst_document_repo_make_into (conn, job->kind, job->request, job->language, NULL,
                                    dialog_options (job), NULL, &made, error))
    return NULL;
  if (job->shown_scale > 0)
    cst_pdf_pages_paint (made.pages, job->shown_page, job->shown_scale);
  return made.pages;
}

/**
 * cst_document_preview_async:
 * @language: "en" or "es"
 * @logo_path: (nullable): the facility's logo, a file on this computer;
 *   %NULL or "" for none
 * @shown_page: the page the preview shows, from 0
 * @shown_scale: its pixels per point; 0 for none
 *
 * Draws (@kind, @language) for @request for the screen, as
 * cst_document_repo_preview_async() would make its PDF, on @connection's
 * worker thread, which also paints @shown_page at @shown_scale
 * (cst_pdf_pages_get_painted()).  Makes no PDF and records nothing.
 */
void
cst_document_preview_async (CstConnection       *connection,
                            CstDocumentKind      kind,
                            CstRequest          *request,
                            const char          *language,
                            const char          *logo_path,
                            guint                shown_page,
                            double               shown_scale,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PreviewJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (CST_IS_REQUEST (request));

  job = preview_job_new (kind, request, language, logo_path, cancellable);
  job->shown_page = shown_page;
  job->shown_scale = shown_scale;
  cst_connection_run_async (connection, pages_in_worker, job, (GDestroyNotify) preview_job_free,
                            (GDestroyNotify) cst_pdf_pages_unref, cancellable, callback, user_data);
}

/**
 * cst_document_preview_finish:
 *
 * Returns: (transfer full): the pages, or %NULL with @error set
 */
CstPdfPages *
cst_document_preview_finish (CstConnection  *connection,
                             GAsyncResult   *result,
                             GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
