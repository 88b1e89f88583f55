/* cst-estimate-save.c — an estimate made in the window, off the main loop
 *
 * Both files are private to the user (cst_private_file_write): an
 * estimate names the patient's plan and, on the PDF, the patient.
 */
#define G_LOG_DOMAIN "cst-estimate"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "custodian/cst-error.h"
#include "custodian/cst-estimate-save.h"
#include "custodian/cst-price-list-repo.h"
#include "custodian/cst-private-file.h"

/* ---- what the window offers ------------------------------------------------ */

static void
plan_free (CstEstimatePlan *plan)
{
  g_free (plan->payer_name);
  g_free (plan->plan_name);
  g_free (plan);
}

static int
compare_plans (gconstpointer a,
               gconstpointer b)
{
  const CstEstimatePlan *x = *(CstEstimatePlan * const *) a;
  const CstEstimatePlan *y = *(CstEstimatePlan * const *) b;
  int by_payer = g_utf8_collate (x->payer_name, y->payer_name);

  return by_payer != 0 ? by_payer : g_utf8_collate (x->plan_name, y->plan_name);
}

/* Each payer and plan with a rate in the list, once. */
static GPtrArray *
collect_plans (const CstPriceList *prices)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *plans = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_free);

  for (guint i = 0; i < prices->items->len; i++)
    {
      const CstPriceItem *item = g_ptr_array_index (prices->items, i);

      for (guint r = 0; r < item->rates->len; r++)
        {
          const CstPriceRate *rate = g_ptr_array_index (item->rates, r);
          char *key = g_strconcat (rate->payer_name, "\n", rate->plan_name, NULL);
          CstEstimatePlan *plan;

          if (!g_hash_table_add (seen, key))
            continue;
          plan = g_new0 (CstEstimatePlan, 1);
          plan->payer_name = g_strdup (rate->payer_name);
          plan->plan_name = g_strdup (rate->plan_name);
          g_ptr_array_add (plans, plan);
        }
    }
  g_ptr_array_sort (plans, compare_plans);
  return plans;
}

/* Returns: (transfer full): what @prices offers (a reference is taken) */
CstEstimateChoices *
cst_estimate_choices_new (CstPriceList *prices)
{
  CstEstimateChoices *choices = g_new0 (CstEstimateChoices, 1);

  choices->prices = cst_price_list_ref (prices);
  choices->services = g_new0 (char *, prices->items->len + 1);
  for (guint i = 0; i < prices->items->len; i++)
    {
      const CstPriceItem *item = g_ptr_array_index (prices->items, i);
      choices->services[i] = g_strdup_printf ("%s — %s", item->code, item->description);
    }
  choices->plans = collect_plans (prices);
  return choices;
}

void
cst_estimate_choices_free (CstEstimateChoices *choices)
{
  if (choices == NULL)
    return;
  cst_price_list_unref (choices->prices);
  g_strfreev (choices->services);
  g_ptr_array_unref (choices->plans);
  g_free (choices);
}

static gpointer
choices_in_worker (PGconn   *conn,
                   gpointer  data,
                   GError  **error)
{
  g_autoptr(CstPriceList) prices = cst_price_list_repo_in_effect (conn, data, error);

  return prices != NULL ? cst_estimate_choices_new (prices) : NULL;
}

/**
 * cst_estimate_choices_load_async:
 *
 * Reads the price list in effect on @day and what it offers on
 * @connection's worker thread.
 */
void
cst_estimate_choices_load_async (CstConnection       *connection,
                                 const GDate         *day,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (g_date_valid (day));
  cst_connection_run_async (connection, choices_in_worker, g_memdup2 (day, sizeof *day), g_free,
                            (GDestroyNotify) cst_estimate_choices_free, cancellable, callback,
                            user_data);
}

/* Returns: (transfer full): the choices, or NULL with @error set (no list
 *   in effect: CST_ERROR_NOT_FOUND naming the day) */
CstEstimateChoices *
cst_estimate_choices_load_finish (CstConnection  *connection,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}

/* ---- saving ------------------------------------------------------------------ */

char *
cst_estimate_json_path_for (const char *pdf_path)
{
  if (g_str_has_suffix (pdf_path, ".pdf") || g_str_has_suffix (pdf_path, ".PDF"))
    {
      g_autofree char *stem = g_strndup (pdf_path, strlen (pdf_path) - 4);
      return g_strconcat (stem, ".json", NULL);
    }
  return g_strconcat (pdf_path, ".json", NULL);
}

/**
 * cst_estimate_save:
 *
 * Writes the PDF to @pdf_path and the JSON beside it
 * (cst_estimate_json_path_for), each private to the user.
 */
gboolean
cst_estimate_save (const CstEstimate  *estimate,
                   const GDate        *issued,
                   const char         *pdf_path,
                   GError            **error)
{
  g_autoptr(GBytes) pdf = cst_estimate_render_pdf (estimate, issued, error);
  g_autofree char *json = NULL;
  g_autofree char *json_path = NULL;
  gsize size = 0;
  const void *data;

  if (pdf == NULL)
    return FALSE;
  data = g_bytes_get_data (pdf, &size);
  if (!cst_private_file_write (pdf_path, data, (gssize) size, error))
    return FALSE;
  json = cst_estimate_to_json (estimate);
  json_path = cst_estimate_json_path_for (pdf_path);
  return cst_private_file_write (json_path, json, -1, error);
}

typedef struct
{
  CstEstimate *estimate;
  GDate        issued;
  char        *path;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  cst_estimate_unref (job->estimate);
  g_free (job->path);
  g_free (job);
}

static void
save_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  SaveJob *job = data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (cst_estimate_save (job->estimate, &job->issued, job->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * cst_estimate_save_async:
 * @pdf: a local file
 *
 * cst_estimate_save() on a worker thread: drawing the PDF never holds up
 * the window.
 */
void
cst_estimate_save_async (CstEstimate         *estimate,
                         const GDate         *issued,
                         GFile               *pdf,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SaveJob *job;

  g_task_set_source_tag (task, cst_estimate_save_async);
  job = g_new0 (SaveJob, 1);
  job->estimate = cst_estimate_ref (estimate);
  job->issued = *issued;
  job->path = g_file_get_path (pdf);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  if (job->path == NULL)
    {
      g_task_return_new_error (task, CST_ERROR, CST_ERROR_INVALID_INPUT,
                               _("An estimate is saved to a local folder."));
      return;
    }
  g_task_run_in_thread (task, save_in_thread);
}

gboolean
cst_estimate_save_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
