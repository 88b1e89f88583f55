/* cst-price-list-repo.c — storing and reading price lists (migration 0065)
 *
 * A list goes in whole or not at all: its row, its items and their rates
 * in one transaction.  An amount the file left empty is NULL in the
 * database and -1 in the model.
 */
#define G_LOG_DOMAIN "cst-price-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-price-list-repo.h"
#include "cst-price-list-private.h"

/* NULL for an amount the file does not give. */
static char *
amount_param (gint64 value)
{
  return value < 0 ? NULL : cst_db_int_param (value);
}

static gint64
amount_value (const PGresult *res,
              int             row,
              int             col)
{
  return PQgetisnull (res, row, col) ? -1 : cst_db_int64 (res, row, col);
}

static gboolean
insert_rate (PGconn             *conn,
             const char         *item_id,
             const CstPriceRate *rate,
             GError            **error)
{
  g_autofree char *dollar = rate->kind == CST_PRICE_RATE_DOLLAR
                            ? amount_param (rate->dollar_cents) : NULL;
  g_autofree char *percent = rate->kind == CST_PRICE_RATE_PERCENTAGE
                             ? amount_param (rate->percent_hundredths) : NULL;
  g_autofree char *line = cst_db_int_param (rate->source_line);
  const char *params[] = { item_id, rate->payer_name, rate->plan_name, dollar, percent,
                           rate->algorithm, line };

  return cst_db_exec_command (conn,
                              "INSERT INTO price_list_rates (item_id, payer_name, plan_name, "
                              "dollar_cents, percent_hundredths, algorithm, source_line) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                              G_N_ELEMENTS (params), params, error);
}

static gboolean
insert_item (PGconn             *conn,
             const char         *list_id,
             const CstPriceItem *item,
             GError            **error)
{
  g_autofree char *gross = amount_param (item->gross_cents);
  g_autofree char *cash = amount_param (item->cash_cents);
  g_autofree char *line = cst_db_int_param (item->source_line);
  const char *params[] = { list_id, item->code, item->code_type, item->description, gross, cash,
                           line };
  g_autoptr(PGresult) res = cst_db_exec (conn,
                                         "INSERT INTO price_list_items (price_list_id, code, "
                                         "code_type, description, gross_cents, cash_cents, "
                                         "source_line) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                                         "RETURNING id",
                                         G_N_ELEMENTS (params), params, error);

  if (res == NULL)
    return FALSE;
  for (guint i = 0; i < item->rates->len; i++)
    if (!insert_rate (conn, cst_db_value (res, 0, 0), g_ptr_array_index (item->rates, i), error))
      return FALSE;
  return TRUE;
}

static gint64
insert_list (PGconn             *conn,
             const CstPriceList *list,
             const GDate        *effective_from,
             GError            **error)
{
  g_autofree char *updated = cst_input_format_date (&list->last_updated);
  g_autofree char *from = cst_input_format_date (effective_from);
  const char *params[] = { list->hospital_name, list->version, updated, from };
  g_autoptr(PGresult) res = cst_db_exec (conn,
                                         "INSERT INTO price_lists (hospital_name, version, "
                                         "last_updated_on, effective_from) "
                                         "VALUES ($1, $2, $3, $4) RETURNING id",
                                         G_N_ELEMENTS (params), params, error);

  if (res == NULL)
    return 0;
  for (guint i = 0; i < list->items->len; i++)
    if (!insert_item (conn, cst_db_value (res, 0, 0), g_ptr_array_index (list->items, i), error))
      return 0;
  return cst_db_int64 (res, 0, 0);
}

/**
 * cst_price_list_repo_store:
 * @effective_from: the first day the list applies
 *
 * Returns: the stored list's id, or 0 with @error set (nothing stored)
 */
gint64
cst_price_list_repo_store (PGconn             *conn,
                           const CstPriceList *list,
                           const GDate        *effective_from,
                           GError            **error)
{
  gint64 id;

  g_return_val_if_fail (g_date_valid (effective_from), 0);
  if (!cst_db_begin (conn, error))
    return 0;
  id = insert_list (conn, list, effective_from, error);
  if (!cst_db_end (conn, id != 0, error))
    return 0;
  return id;
}

static gboolean
read_items (PGconn       *conn,
            const char   *list_id,
            CstPriceList *list,
            GError      **error)
{
  const char *params[] = { list_id };
  g_autoptr(PGresult) res = cst_db_exec (conn,
      "SELECT i.code, i.code_type, i.description, i.gross_cents, i.cash_cents, i.source_line, "
      "       r.payer_name, r.plan_name, r.dollar_cents, r.percent_hundredths, r.algorithm, "
      "       r.source_line "
      "FROM price_list_items i LEFT JOIN price_list_rates r ON r.item_id = i.id "
      "WHERE i.price_list_id = $1 ORDER BY i.source_line, i.id, r.source_line, r.id",
      1, params, error);
  CstPriceItem *item = NULL;

  if (res == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (res); row++)
    {
      if (item == NULL || !g_str_equal (item->code, cst_db_value (res, row, 0)))
        {
          item = cst_price_item_new (cst_db_value (res, row, 0), cst_db_value (res, row, 1),
                                     cst_db_value (res, row, 2), amount_value (res, row, 3),
                                     amount_value (res, row, 4),
                                     (guint) cst_db_int64 (res, row, 5));
          cst_price_list_add_item (list, item);
        }
      if (PQgetisnull (res, row, 6))
        continue;
      cst_price_item_add_rate (item, cst_price_rate_new (cst_db_value (res, row, 6),
                                                         cst_db_value (res, row, 7),
                                                         amount_value (res, row, 8),
                                                         amount_value (res, row, 9),
                                                         PQgetisnull (res, row, 10) ? NULL
                                                         : cst_db_value (res, row, 10),
                                                         (guint) cst_db_int64 (res, row, 11)));
    }
  return TRUE;
}

/**
 * cst_price_list_repo_in_effect:
 *
 * Returns: (transfer full): the list in effect on @day, or NULL with
 *   CST_ERROR_NOT_FOUND when none is
 */
CstPriceList *
cst_price_list_repo_in_effect (PGconn       *conn,
                               const GDate  *day,
                               GError      **error)
{
  g_autofree char *date = cst_input_format_date (day);
  const char *params[] = { date };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(CstPriceList) list = NULL;
  g_autoptr(GDate) updated = NULL;
  gboolean own = FALSE;
  gboolean ok;

  if (!cst_db_join (conn, CST_DB_SNAPSHOT, &own, error))
    return NULL;
  res = cst_db_exec (conn,
                     "SELECT id, hospital_name, version, last_updated_on FROM price_lists "
                     "WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1",
                     1, params, error);
  ok = res != NULL;
  if (ok && PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("No price list is in effect on %s"), date);
      ok = FALSE;
    }
  if (ok)
    {
      list = cst_price_list_new_empty ();
      list->hospital_name = g_strdup (cst_db_value (res, 0, 1));
      list->version = g_strdup (cst_db_value (res, 0, 2));
      updated = cst_db_date (res, 0, 3);
      if (updated != NULL)
        list->last_updated = *updated;
      ok = read_items (conn, cst_db_value (res, 0, 0), list, error);
    }
  if (!cst_db_leave (conn, own, ok, error) || !ok)
    return NULL;
  return g_steal_pointer (&list);
}

/* ---- off the main loop ---------------------------------------------------- */

typedef struct
{
  CstPriceList *list;
  GDate         effective_from;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  cst_price_list_unref (job->list);
  g_free (job);
}

static gpointer
store_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  StoreJob *job = data;
  gint64 id = cst_price_list_repo_store (conn, job->list, &job->effective_from, error);

  return id == 0 ? NULL : g_memdup2 (&id, sizeof id);
}

/**
 * cst_price_list_repo_store_async:
 *
 * cst_price_list_repo_store() on @connection's worker thread: a list of
 * many thousand items takes seconds to store.
 */
void
cst_price_list_repo_store_async (CstConnection       *connection,
                                 CstPriceList        *list,
                                 const GDate         *effective_from,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  StoreJob *job;

  g_return_if_fail (CST_IS_CONNECTION (connection));
  g_return_if_fail (list != NULL && g_date_valid (effective_from));
  job = g_new0 (StoreJob, 1);
  job->list = cst_price_list_ref (list);
  job->effective_from = *effective_from;
  cst_connection_run_async (connection, store_in_worker, job, (GDestroyNotify) store_job_free,
                            g_free, cancellable, callback, user_data);
}

/* Returns: the stored list's id, or 0 with @error set */
gint64
cst_price_list_repo_store_finish (CstConnection  *connection,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_autofree gint64 *id = cst_connection_run_finish (connection, result, error);

  return id != NULL ? *id : 0;
}
