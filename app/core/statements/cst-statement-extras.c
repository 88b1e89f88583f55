/* cst-statement-extras.c — a statement with its remittance, estimate,
 * screening and pay link, and the file reads the workbench needs off
 * the main loop (see cst-statement-extras.h) */
#define G_LOG_DOMAIN "cst-statement"

#include "config.h"

#include <string.h>

#include "custodian/cst-statement-extras.h"
#include "custodian/cst-statement-pay.h"

/**
 * cst_statement_new_with_extras:
 * @extras: (nullable): what to apply; NULL is cst_statement_new()
 *
 * In the CLI's order: the screening while the statement is made, then
 * the remittance (refused when its claim is not the bill's), the
 * estimate and the pay link.
 */
CstStatement *
cst_statement_new_with_extras (CstBill                   *bill,
                               CstStatementRules         *rules,
                               CstStatementTemplate      *tpl,
                               const CstStatementExtras  *extras,
                               GError                   **error)
{
  const CstStatementExtras none = { 0 };
  g_autoptr(CstStatement) st = NULL;

  if (extras == NULL)
    extras = &none;
  st = cst_statement_new_assisted (bill, rules, tpl, extras->screening, error);
  if (st == NULL ||
      (extras->remittance && !cst_statement_set_remittance (st, extras->remittance, extras->claim_id, error)))
    return NULL;
  if (extras->estimate != NULL)
    cst_statement_set_estimate (st, extras->estimate,
                                g_date_valid (&bill->first_statement_date) ? &bill->first_statement_date : NULL);
  if (extras->pay_link != NULL)
    cst_statement_set_pay_link (st, extras->pay_link);
  return g_steal_pointer (&st);
}

void
cst_assistance_screening_copy (const CstAssistanceScreening *from,
                               CstAssistanceScreening       *to)
{
  *to = *from;
  to->guideline_source = g_strdup (from->guideline_source);
  to->band = g_strdup (from->band);
}

/* ---- Reading the files on a worker thread -------------------------------- */

static void
load_remittance_in_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  CstRemittance *remittance = NULL;

  if (g_file_load_contents (task_data, cancellable, &data, &length, NULL, &error))
    remittance = cst_remittance_parse (data, length, &error);
  if (remittance == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, remittance, (GDestroyNotify) cst_remittance_unref);
}

/**
 * cst_remittance_load_file_async:
 *
 * Reads and parses an X12 835 or a CARIN ExplanationOfBenefit (told
 * apart by content) on a worker thread.
 */
void
cst_remittance_load_file_async (GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cst_remittance_load_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_remittance_in_thread);
}

/**
 * cst_remittance_load_file_finish:
 *
 * Returns: (transfer full): the remittance, or NULL with the parser's
 *   error (the segment and element, or the JSON member, named)
 */
CstRemittance *
cst_remittance_load_file_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_estimate_in_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  CstEstimateSummary *summary = g_new0 (CstEstimateSummary, 1);

  if (!g_file_load_contents (task_data, cancellable, &data, &length, NULL, &error) ||
      !cst_estimate_summary_parse (data, length, summary, &error))
    {
      g_free (summary);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, summary, g_free);
}

/**
 * cst_estimate_summary_load_file_async:
 *
 * Reads the JSON `estimate render --json` wrote, on a worker thread.
 */
void
cst_estimate_summary_load_file_async (GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cst_estimate_summary_load_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_estimate_in_thread);
}

gboolean
cst_estimate_summary_load_file_finish (GAsyncResult        *result,
                                       CstEstimateSummary  *summary,
                                       GError             **error)
{
  g_autofree CstEstimateSummary *loaded = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return FALSE;
  *summary = *loaded;
  return TRUE;
}
