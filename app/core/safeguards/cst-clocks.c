/* cst-clocks.c — the legal deadline and the service target, side by side
 *
 * The legal clock is the request's due date, which the database computes
 * from the rule that governs it (migration 0059: HIPAA's 164.524(b)(2), a
 * shorter state clock, or none for a third party's authorization); the service target is the department's own, shorter
 * promise.  Late requests were the core of OCR's Right of Access cases, so
 * "at risk" (open, 5 days or fewer left, or past) is counted by the
 * database for the header and the morning summary.
 */
#define G_LOG_DOMAIN "cst-clocks"

#include "config.h"

#include "custodian/cst-clocks.h"
#include "custodian/cst-db.h"
#include "custodian/cst-enums.h"

void
cst_clocks_compute (CstRequest  *request,
                    guint        service_days,
                    const GDate *today,
                    CstClocks   *clocks)
{
  const GDate *legal_due = cst_request_get_due_date (request);

  clocks->has_legal_deadline = legal_due != NULL;
  g_date_clear (&clocks->legal_due, 1);
  if (legal_due != NULL)
    clocks->legal_due = *legal_due;
  clocks->service_due = *cst_request_get_received_date (request);
  g_date_add_days (&clocks->service_due, service_days);
  clocks->legal_days_left = legal_due ? g_date_days_between (today, legal_due) : G_MAXINT;
  clocks->service_days_left = g_date_days_between (today, &clocks->service_due);
  clocks->at_risk = !cst_request_status_is_closed (cst_request_get_status (request)) &&
                    clocks->has_legal_deadline && clocks->legal_days_left <= CST_AT_RISK_DAYS;
}

guint
cst_clocks_get_service_days (PGconn  *conn,
                             GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT days FROM service_target", 0, NULL, error);

  if (res == NULL || PQntuples (res) != 1)
    return 0;
  return (guint) cst_db_int64 (res, 0, 0);
}

gint64
cst_clocks_count_at_risk (PGconn  *conn,
                          GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT count(*) FROM roi_request_clocks WHERE at_risk", 0, NULL, error);

  if (res == NULL)
    return -1;
  return cst_db_int64 (res, 0, 0);
}
