/* cst-dashboard.c — the numbers behind the dashboard page
 *
 * A few aggregate queries in one repeatable-read, read-only transaction,
 * so the counts, the turnaround buckets and the fees describe the same
 * moment.  The database does the counting: only a few dozen numbers come
 * back, whatever the number of requests.  Everything read here is granted
 * to the clerk, billing and auditor roles alike.
 *
 * A health system's (issue 22): the figures are for one facility, or for
 * every facility the login sees (row-level security decides which: the
 * whole system for an administrator or auditor), with each facility's own
 * totals beside them.  Every query takes the facility's id as its last
 * parameter, NULL for all of them.
 */
#define G_LOG_DOMAIN "cst-dashboard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "custodian/cst-dashboard.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"

/* Inclusive upper bounds, in days, of every turnaround bucket but the
 * last. */
static const int turnaround_upper[CST_DASHBOARD_N_TURNAROUND - 1] = { 7, 15, 30, 60 };

/* Status counts; overdue and due this week are summed over open statuses only. */
static const char *counts_sql =
  "SELECT r.status::text, count(*),"
  "       count(*) FILTER (WHERE r.due_date < $1::date),"
  "       count(*) FILTER (WHERE r.due_date >= $1::date AND r.due_date < $1::date + $2::int)"
  "  FROM roi_requests r WHERE ($3::bigint IS NULL OR r.facility_id = $3::bigint)"
  " GROUP BY r.status";

/* width_bucket over the buckets' lower bounds: 0 for the first bucket.
 * The first disclosures come from one hash join, not a subquery per
 * released request (at 100,000 requests that was the whole cost). */
static const char *turnaround_sql =
  "SELECT width_bucket (t.released_on - t.received_date, $3::int[]), count(*)"
  "  FROM (SELECT r.received_date, COALESCE (d.first_on, r.updated_at::date) AS released_on"
  "          FROM roi_requests r"
  "          LEFT JOIN (SELECT request_id, min (disclosed_on) AS first_on"
  "                       FROM disclosures GROUP BY request_id) d ON d.request_id = r.id"
  "         WHERE r.status = 'released'"
  "           AND ($4::bigint IS NULL OR r.facility_id = $4::bigint)) t"
  " WHERE t.released_on BETWEEN $1::date AND $2::date"
  " GROUP BY 1";

static const char *fees_sql =
  "SELECT date_trunc ('month', i.issued_at)::date::text, sum (i.total_cents)::bigint"
  "  FROM invoices i"
  " WHERE i.issued_at >= $1::date AND i.issued_at < $2::date + 1"
  "   AND ($3::bigint IS NULL OR i.facility_id = $3::bigint)"
  " GROUP BY 1";

static const char *collected_sql =
  "SELECT date_trunc ('month', p.paid_on)::date::text, sum (p.amount_cents)::bigint"
  "  FROM payments p"
  " WHERE p.paid_on BETWEEN $1::date AND $2::date"
  "   AND ($3::bigint IS NULL OR p.request_id IN"
  "        (SELECT r.id FROM roi_requests r WHERE r.facility_id = $3::bigint))"
  " GROUP BY 1";

static const char *outstanding_sql =
  "SELECT COALESCE ((SELECT sum (total_cents) FROM invoices WHERE issued_at < $1::date + 1"
  "                    AND ($2::bigint IS NULL OR facility_id = $2::bigint)), 0)"
  "     - COALESCE ((SELECT sum (amount_cents) FROM payments WHERE paid_on <= $1::date"
  "                    AND ($2::bigint IS NULL OR request_id IN"
  "                         (SELECT r.id FROM roi_requests r WHERE r.facility_id = $2::bigint))), 0)";

/* Each facility's totals, the same figures as above grouped by facility
 * ($1 the as-of date, $2 the days of "this week", $3 the first month,
 * $4 the facility or NULL); the facilities the login sees only.  Only the
 * open requests are read (0131's index of them): a facility with none has
 * no row in req, and its counts are the same zeros. */
static const char *by_facility_sql =
  "WITH req AS ("
  "  SELECT r.facility_id, count(*) AS n_open,"
  "         count(*) FILTER (WHERE r.due_date < $1::date) AS overdue,"
  "         count(*) FILTER (WHERE r.due_date >= $1::date"
  "                            AND r.due_date < $1::date + $2::int) AS due_this_week"
  "    FROM roi_requests r WHERE r.status NOT IN ('released', 'denied', 'cancelled') GROUP BY 1),"
  " inv AS ("
  "  SELECT i.facility_id,"
  "         sum (i.total_cents) FILTER (WHERE i.issued_at >= $3::date) AS fees,"
  "         sum (i.total_cents) AS invoiced"
  "    FROM invoices i WHERE i.issued_at < $1::date + 1 GROUP BY 1),"
  " pay AS ("
  "  SELECT r.facility_id,"
  "         sum (p.amount_cents) FILTER (WHERE p.paid_on >= $3::date) AS collected,"
  "         sum (p.amount_cents) AS paid"
  "    FROM payments p JOIN roi_requests r ON r.id = p.request_id"
  "   WHERE p.paid_on <= $1::date GROUP BY 1)"
  "SELECT f.code, f.name, COALESCE (req.n_open, 0), COALESCE (req.overdue, 0),"
  "       COALESCE (req.due_this_week, 0), COALESCE (inv.fees, 0)::bigint,"
  "       COALESCE (pay.collected, 0)::bigint,"
  "       (COALESCE (inv.invoiced, 0) - COALESCE (pay.paid, 0))::bigint"
  "  FROM facilities f"
  "  LEFT JOIN req ON req.facility_id = f.id"
  "  LEFT JOIN inv ON inv.facility_id = f.id"
  "  LEFT JOIN pay ON pay.facility_id = f.id"
  " WHERE f.id = ANY ((SELECT visible_facility_ids())::bigint[])"
  "   AND ($4::bigint IS NULL OR f.id = $4::bigint)"
  " ORDER BY f.is_default DESC, f.code";

static void
facility_free (CstDashboardFacility *facility)
{
  g_free (facility->code);
  g_free (facility->name);
  g_free (facility);
}

void
cst_dashboard_free (CstDashboard *dashboard)
{
  g_free (dashboard->facility_code);
  g_clear_pointer (&dashboard->facilities, g_ptr_array_unref);
  g_free (dashboard);
}

const char *
cst_dashboard_turnaround_get_label (CstDashboardTurnaround bucket)
{
  switch (bucket)
    {
    case CST_DASHBOARD_TURNAROUND_WEEK: return _("0–7 days");
    case CST_DASHBOARD_TURNAROUND_FORTNIGHT: return _("8–15 days");
    case CST_DASHBOARD_TURNAROUND_MONTH: return _("16–30 days");
    case CST_DASHBOARD_TURNAROUND_TWO_MONTHS: return _("31–60 days");
    case CST_DASHBOARD_TURNAROUND_LONGER: return _("Over 60 days");
    default: g_return_val_if_reached ("");
    }
}

/**
 * cst_dashboard_get_month:
 * @month: (out): the first day of month @index of the window
 */
void
cst_dashboard_get_month (const CstDashboard *dashboard,
                         guint               index,
                         GDate              *month)
{
  g_return_if_fail (index < CST_DASHBOARD_N_MONTHS);

  *month = dashboard->first_month;
  g_date_add_months (month, index);
}

static void
format_date (const GDate *date,
             char         out[16])
{
  g_date_strftime (out, 16, "%Y-%m-%d", date);
}

static gboolean
load_counts (PGconn        *conn,
             CstDashboard  *dashboard,
             const char    *facility,
             GError       **error)
{
  char as_of[16], days[8];
  const char *params[] = { as_of, days, facility };
  g_autoptr(PGresult) res = NULL;

  format_date (&dashboard->as_of, as_of);
  g_snprintf (days, sizeof days, "%d", CST_DASHBOARD_DUE_THIS_WEEK_DAYS);
  if (!(res = cst_db_exec (conn, counts_sql, G_N_ELEMENTS (params), params, error)))
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      int status;
      gint64 n = cst_db_int64 (res, i, 1);

      dashboard->n_requests += n;
      if (!cst_enum_from_nick (CST_TYPE_REQUEST_STATUS, cst_db_value (res, i, 0), &status) ||
          cst_request_status_is_closed (status))
        continue;
      dashboard->open_by_status[status] = n;
      dashboard->n_open += n;
      dashboard->overdue += cst_db_int64 (res, i, 2);
      dashboard->due_this_week += cst_db_int64 (res, i, 3);
    }
  return TRUE;
}

static char *
turnaround_bounds (void)
{
  GString *bounds = g_string_new ("{");

  for (guint i = 0; i < G_N_ELEMENTS (turnaround_upper); i++)
    g_string_append_printf (bounds, "%s%d", i ? "," : "", turnaround_upper[i] + 1);
  g_string_append_c (bounds, '}');
  return g_string_free (bounds, FALSE);
}

static gboolean
load_turnaround (PGconn        *conn,
                 CstDashboard  *dashboard,
                 const char    *facility,
                 GError       **error)
{
  char from[16], to[16];
  g_autofree char *bounds = turnaround_bounds ();
  const char *params[] = { from, to, bounds, facility };
  g_autoptr(PGresult) res = NULL;

  format_date (&dashboard->first_month, from);
  format_date (&dashboard->as_of, to);
  if (!(res = cst_db_exec (conn, turnaround_sql, G_N_ELEMENTS (params), params, error)))
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 bucket = cst_db_int64 (res, i, 0);
      gint64 n = cst_db_int64 (res, i, 1);

      dashboard->turnaround[CLAMP (bucket, 0, CST_DASHBOARD_N_TURNAROUND - 1)] += n;
      dashboard->n_released += n;
    }
  return TRUE;
}

/* Sums by month of the window from @sql ($1 the first month, $2 the
 * as-of date, $3 the facility; rows: month, cents) into @by_month. */
static gboolean
load_by_month (PGconn        *conn,
               CstDashboard  *dashboard,
               const char    *sql,
               const char    *facility,
               gint64        *by_month,
               GError       **error)
{
  char from[16], to[16];
  const char *params[] = { from, to, facility };
  g_autoptr(PGresult) res = NULL;

  format_date (&dashboard->first_month, from);
  format_date (&dashboard->as_of, to);
  if (!(res = cst_db_exec (conn, sql, G_N_ELEMENTS (params), params, error)))
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      g_autoptr(GDate) month = cst_db_date (res, i, 0);
      int index;

      if (month == NULL)
        continue;
      index = ((int) g_date_get_year (month) - (int) g_date_get_year (&dashboard->first_month)) * 12 +
              (int) g_date_get_month (month) - (int) g_date_get_month (&dashboard->first_month);
      if (index >= 0 && index < CST_DASHBOARD_N_MONTHS)
        by_month[index] = cst_db_int64 (res, i, 1);
    }
  return TRUE;
}

static gboolean
load_outstanding (PGconn        *conn,
                  CstDashboard  *dashboard,
                  const char    *facility,
                  GError       **error)
{
  char as_of[16];
  const char *params[] = { as_of, facility };
  g_autoptr(PGresult) res = NULL;

  format_date (&dashboard->as_of, as_of);
  if (!(res = cst_db_exec (conn, outstanding_sql, G_N_ELEMENTS (params), params, error)))
    return FALSE;
  dashboard->outstanding_cents = cst_db_int64 (res, 0, 0);
  return TRUE;
}

static gboolean
load_by_facility (PGconn        *conn,
                  CstDashboard  *dashboard,
                  const char    *facility,
                  GError       **error)
{
  char as_of[16], days[8], from[16];
  const char *params[] = { as_of, days, from, facility };
  g_autoptr(PGresult) res = NULL;

  format_date (&dashboard->as_of, as_of);
  g_snprintf (days, sizeof days, "%d", CST_DASHBOARD_DUE_THIS_WEEK_DAYS);
  format_date (&dashboard->first_month, from);
  if (!(res = cst_db_exec (conn, by_facility_sql, G_N_ELEMENTS (params), params, error)))
    return FALSE;
  dashboard->facilities = g_ptr_array_new_with_free_func ((GDestroyNotify) facility_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      CstDashboardFacility *row = g_new0 (CstDashboardFacility, 1);

      row->code = g_strdup (cst_db_value (res, i, 0));
      row->name = g_strdup (cst_db_value (res, i, 1));
      row->n_open = cst_db_int64 (res, i, 2);
      row->overdue = cst_db_int64 (res, i, 3);
      row->due_this_week = cst_db_int64 (res, i, 4);
      row->fees_cents = cst_db_int64 (res, i, 5);
      row->collected_cents = cst_db_int64 (res, i, 6);
      row->outstanding_cents = cst_db_int64 (res, i, 7);
      g_ptr_array_add (dashboard->facilities, row);
    }
  return TRUE;
}

/* The id of the facility of @code, as text for a parameter; NULL with
 * @error set when the login sees none of that code. */
static char *
facility_id_of (PGconn      *conn,
                const char  *code,
                GError     **error)
{
  const char *params[] = { code };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT id FROM facilities WHERE code = $1"
    " AND id = ANY ((SELECT visible_facility_ids())::bigint[])",
    G_N_ELEMENTS (params), params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_NOT_FOUND,
                   _("No facility this login works for has the code “%s”."), code);
      return NULL;
    }
  return g_strdup (cst_db_value (res, 0, 0));
}
/**
 * cst_dashboard_load:
 * @as_of: the day the figures are for (usually today)
 *
 * Blocking: call it from a worker (see cst_dashboard_fetch_async()).
 *
 * Returns: (transfer full): the snapshot, or NULL with @error set
 */
CstDashboard *
cst_dashboard_load (PGconn       *conn,
                    const GDate  *as_of,
                    GError      **error)
{
  return cst_dashboard_load_for (conn, as_of, NULL, error);
}

/**
 * cst_dashboard_load_for:
 * @as_of: the day the figures are for (usually today)
 * @facility_code: (nullable): the facility's code; NULL for every
 *   facility the login sees
 *
 * Blocking: call it from a worker (see cst_dashboard_fetch_for_async()).
 *
 * Returns: (transfer full): the snapshot, or NULL with @error set
 */
CstDashboard *
cst_dashboard_load_for (PGconn       *conn,
                        const GDate  *as_of,
                        const char   *facility_code,
                        GError      **error)
{
  g_autoptr(CstDashboard) dashboard = NULL;
  g_autofree char *facility = NULL;

  g_return_val_if_fail (as_of != NULL && g_date_valid (as_of), NULL);

  dashboard = g_new0 (CstDashboard, 1);
  dashboard->facility_code = g_strdup (facility_code);
  dashboard->as_of = *as_of;
  g_date_clear (&dashboard->first_month, 1);
  g_date_set_dmy (&dashboard->first_month, 1, g_date_get_month (as_of), g_date_get_year (as_of));
  g_date_subtract_months (&dashboard->first_month, CST_DASHBOARD_N_MONTHS - 1);

  /* A few aggregates: compiling them (JIT) would cost more than running them. */
  if (!cst_db_begin_snapshot (conn, error) ||
      !cst_db_end (conn,
                   cst_db_exec_command (conn, "SET LOCAL jit = off", 0, NULL, error) &&
                   (facility_code == NULL ||
                    (facility = facility_id_of (conn, facility_code, error)) != NULL) &&
                   load_counts (conn, dashboard, facility, error) &&
                   load_turnaround (conn, dashboard, facility, error) &&
                   load_by_month (conn, dashboard, fees_sql, facility, dashboard->fees_cents, error) &&
                   load_by_month (conn, dashboard, collected_sql, facility,
                                  dashboard->collected_cents, error) &&
                   load_outstanding (conn, dashboard, facility, error) &&
                   load_by_facility (conn, dashboard, facility, error), error))
    return NULL;
  return g_steal_pointer (&dashboard);
}

typedef struct
{
  GDate  as_of;
  char  *facility_code;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_free (data->facility_code);
  g_free (data);
}

static gpointer
fetch_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  FetchData *fetch = data;

  return cst_dashboard_load_for (conn, &fetch->as_of, fetch->facility_code, error);
}

/**
 * cst_dashboard_fetch_async:
 * @as_of: (nullable): the day the figures are for; NULL for today
 *
 * Loads the snapshot on @connection's worker thread, behind any earlier
 * call on it; the main loop never waits.
 */
void
cst_dashboard_fetch_async (CstConnection       *connection,
                           const GDate         *as_of,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  cst_dashboard_fetch_for_async (connection, as_of, NULL, cancellable, callback, user_data);
}

/**
 * cst_dashboard_fetch_for_async:
 * @as_of: (nullable): the day the figures are for; NULL for today
 * @facility_code: (nullable): one facility's figures; NULL for all
 *
 * cst_dashboard_fetch_async() for one facility, or for every facility the
 * login sees with each one's totals.
 */
void
cst_dashboard_fetch_for_async (CstConnection       *connection,
                               const GDate         *as_of,
                               const char          *facility_code,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FetchData *data = g_new0 (FetchData, 1);

  g_return_if_fail (CST_IS_CONNECTION (connection));

  g_date_clear (&data->as_of, 1);
  if (as_of != NULL)
    data->as_of = *as_of;
  else
    cst_input_today (&data->as_of);
  data->facility_code = g_strdup (facility_code);
  cst_connection_run_async (connection, fetch_in_worker, data, (GDestroyNotify) fetch_data_free,
                            (GDestroyNotify) cst_dashboard_free, cancellable, callback, user_data);
}

/**
 * cst_dashboard_fetch_finish:
 *
 * Returns: (transfer full): the snapshot, or NULL with @error set
 */
CstDashboard *
cst_dashboard_fetch_finish (CstConnection  *connection,
                            GAsyncResult   *result,
                            GError        **error)
{
  return cst_connection_run_finish (connection, result, error);
}
