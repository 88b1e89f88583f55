/* cst-statement-export.c — itemized bills to statement PDFs off the caller's thread
 *
 * One bill with a template being edited renders for a preview
 * (cst_statement_render_async()); a newer edit supersedes it, which is for
 * the caller to judge (a generation, DESIGN.md's stale results).
 *
 * Batch export runs on one worker thread, file after file, and reports
 * progress to the caller's main context.  A bad file does not stop the
 * batch: its import error (which names the line and column of the first
 * defect) is kept with the file's name and the next file goes on.  Cancel
 * stops between files, never halfway through writing one.
 */
#define G_LOG_DOMAIN "cst-statement-export"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-statement-extras.h"
#include "custodian/cst-statement-pdf.h"

static char *
pdf_name_for (const char *csv_path)
{
  g_autofree char *base = g_path_get_basename (csv_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strconcat (base, ".pdf", NULL);
}

/**
 * cst_statement_export_bill_file:
 * @csv_path: an itemized bill (see cst_bill_import_file())
 * @rules: the categories and wording
 * @tpl: the template; not changed, so one template serves a whole batch
 * @out_dir: an existing folder; the PDF is named after the CSV
 * @today: fills a missing statement date and due date, as the CLI does
 *
 * Returns: (transfer full): the path of the PDF written, or NULL with
 *   @error saying which file failed and why
 */
char *
cst_statement_export_bill_file (const char            *csv_path,
                                CstStatementRules     *rules,
                                CstStatementTemplate  *tpl,
                                const char            *out_dir,
                                const GDate           *today,
                                GError               **error)
{
  g_autofree char *name = g_path_get_basename (csv_path);
  g_autofree char *pdf_name = pdf_name_for (csv_path);
  g_autofree char *out_path = g_build_filename (out_dir, pdf_name, NULL);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CstBill) bill = NULL;
  g_autoptr(CstStatement) statement = NULL;
  g_autoptr(GError) local = NULL;

  bill = cst_bill_import_file (csv_path, CST_BILL_IMPORT_NONE, &problems, &local);
  if (bill != NULL)
    {
      cst_bill_fill_defaults (bill, today);
      statement = cst_statement_new (bill, rules, tpl, &local);
    }
  if (statement == NULL || !cst_statement_render_pdf_to_file (statement, out_path, &local))
    {
      g_set_error (error, local->domain, local->code, "%s: %s", name, local->message);
      return NULL;
    }
  return g_steal_pointer (&out_path);
}

/* ---- the batch on a worker thread --------------------------------------- */

void
cst_statement_batch_result_free (CstStatementBatchResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->written);
  g_ptr_array_unref (result->failures);
  g_free (result);
}

typedef struct
{
  GStrv                     paths;
  CstStatementRules        *rules;
  CstStatementTemplate     *template;
  char                     *out_dir;
  CstStatementBatchProgress progress;
  gpointer                  progress_data;
  GMainContext             *context;
} BatchJob;

static void
batch_job_free (BatchJob *job)
{
  g_strfreev (job->paths);
  cst_statement_rules_unref (job->rules);
  cst_statement_template_unref (job->template);
  g_free (job->out_dir);
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct
{
  GTask *task;           /* keeps the job and the caller's object alive */
  guint  done;
  guint  total;
} Progress;

/* On the caller's thread; silent once the batch is cancelled, so a
 * window closing mid-batch gets no more calls. */
static gboolean
report_progress (gpointer data)
{
  Progress *progress = data;
  BatchJob *job = g_task_get_task_data (progress->task);
  GCancellable *cancellable = g_task_get_cancellable (progress->task);

  if (job->progress != NULL && !g_cancellable_is_cancelled (cancellable))
    job->progress (progress->done, progress->total, job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_free (Progress *progress)
{
  g_object_unref (progress->task);
  g_free (progress);
}

static void
post_progress (GTask *task,
               guint  done,
               guint  total)
{
  BatchJob *job = g_task_get_task_data (task);
  Progress *progress = g_new0 (Progress, 1);

  progress->task = g_object_ref (task);
  progress->done = done;
  progress->total = total;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, report_progress, progress,
                              (GDestroyNotify) progress_free);
}

static void
batch_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  BatchJob *job = task_data;
  CstStatementBatchResult *result = g_new0 (CstStatementBatchResult, 1);
  guint total = g_strv_length (job->paths);
  GDate today;

  result->written = g_ptr_array_new_with_free_func (g_free);
  result->failures = g_ptr_array_new_with_free_func (g_free);
  cst_input_today (&today);
  for (guint i = 0; i < total; i++)
    {
      g_autoptr(GError) error = NULL;
      char *written;

      if (g_cancellable_is_cancelled (cancellable))
        {
          result->cancelled = TRUE;
          break;
        }
      written = cst_statement_export_bill_file (job->paths[i], job->rules, job->template,
                                                job->out_dir, &today, &error);
      if (written != NULL)
        g_ptr_array_add (result->written, written);
      else
        g_ptr_array_add (result->failures, g_strdup (error->message));
      post_progress (task, i + 1, total);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) cst_statement_batch_result_free);
}

/**
 * cst_statement_export_batch_async:
 * @paths: the itemized bills (CSV)
 * @tpl: copied: later edits of the caller's template do not reach the batch
 * @progress: (nullable): called on the caller's thread-default main
 *   context after each file, until the batch ends or is cancelled
 *
 * Writes one PDF per bill into @out_dir on a worker thread.
 */
void
cst_statement_export_batch_async (const char * const        *paths,
                                  CstStatementRules         *rules,
                                  CstStatementTemplate      *tpl,
                                  const char                *out_dir,
                                  CstStatementBatchProgress  progress,
                                  gpointer                   progress_data,
                                  gpointer                   source_object,
                                  GCancellable              *cancellable,
                                  GAsyncReadyCallback        callback,
                                  gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  BatchJob *job = g_new0 (BatchJob, 1);

  job->paths = g_strdupv ((char **) paths);
  job->rules = cst_statement_rules_ref (rules);
  job->template = cst_statement_template_copy (tpl);
  job->out_dir = g_strdup (out_dir);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, job, (GDestroyNotify) batch_job_free);
  g_task_set_source_tag (task, cst_statement_export_batch_async);
  /* Cancel is reported in the result (how far it got), not as an error. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, batch_in_thread);
}

/**
 * cst_statement_export_batch_finish:
 *
 * Returns: (transfer full): what was written, what failed and whether
 *   the batch was cancelled before the end
 */
CstStatementBatchResult *
cst_statement_export_batch_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cst_statement_export_batch_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- one statement and its PDF, off the caller's thread ------------------ */

typedef struct
{
  CstBill              *bill;
  CstStatementRules    *rules;
  CstStatementTemplate *template;
  GBytes               *pdf;         /* out */
  guint                 n_pages;     /* out */
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_clear_pointer (&job->bill, cst_bill_unref);
  g_clear_pointer (&job->rules, cst_statement_rules_unref);
  g_clear_pointer (&job->template, cst_statement_template_unref);
  g_clear_pointer (&job->pdf, g_bytes_unref);
  g_free (job);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  RenderJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStatement) statement = cst_statement_new_with_extras (job->bill, job->rules, job->template,
                                                                     NULL, &error);

  if (statement != NULL)
    job->pdf = cst_statement_render_pdf_counted (statement, &job->n_pages, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&statement), (GDestroyNotify) cst_statement_unref);
}

/**
 * cst_statement_render_async:
 * @bill: the itemized bill
 * @rules: the categories and wording
 * @tpl: copied: later edits of the caller's template do not reach the render
 *
 * Makes the statement of @bill and renders its PDF on a worker thread,
 * for a preview that must not keep the main loop waiting.
 */
void
cst_statement_render_async (CstBill              *bill,
                            CstStatementRules    *rules,
                            CstStatementTemplate *tpl,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RenderJob *job = g_new0 (RenderJob, 1);

  job->bill = cst_bill_ref (bill);
  job->rules = cst_statement_rules_ref (rules);
  job->template = cst_statement_template_copy (tpl);
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_set_source_tag (task, cst_statement_render_async);
  g_task_run_in_thread (task, render_in_thread);
}

/**
 * cst_statement_render_finish:
 * @pdf: (out) (transfer full): the statement as PDF
 * @n_pages: (out) (optional): its pages
 *
 * Returns: (transfer full): the statement, or NULL with @error (the
 *   template's or the bill's problem, or %G_IO_ERROR_CANCELLED)
 */
CstStatement *
cst_statement_render_finish (GAsyncResult  *result,
                             GBytes       **pdf,
                             guint         *n_pages,
                             GError       **error)
{
  RenderJob *job;
  CstStatement *statement;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cst_statement_render_async, NULL);
  statement = g_task_propagate_pointer (G_TASK (result), error);
  if (statement == NULL)
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  *pdf = g_steal_pointer (&job->pdf);
  if (n_pages != NULL)
    *n_pages = job->n_pages;
  return statement;
}
