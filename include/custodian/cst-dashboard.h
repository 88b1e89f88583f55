/* cst-dashboard.h — the numbers behind the dashboard page
 *
 * A plain snapshot, computed by the database in one read-only
 * transaction: open requests by status, how many are overdue or due this
 * week, how long released requests took, and what was invoiced month by
 * month.  Every figure is "as of" a date the caller gives, so the same
 * data always gives the same numbers (and the tests can say which).
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-enums.h"

G_BEGIN_DECLS

/* The window of the turnaround and fee charts: the as-of date's month and
 * the 11 before it, up to and including the as-of date. */
#define CST_DASHBOARD_N_MONTHS 12
/* "Due this week": open, due on the as-of date or within the next 6 days. */
#define CST_DASHBOARD_DUE_THIS_WEEK_DAYS 7

/* Turnaround = released date − received date, in days. */
typedef enum
{
  CST_DASHBOARD_TURNAROUND_WEEK,      /* 0–7 days */
  CST_DASHBOARD_TURNAROUND_FORTNIGHT, /* 8–15 days */
  CST_DASHBOARD_TURNAROUND_MONTH,     /* 16–30 days */
  CST_DASHBOARD_TURNAROUND_TWO_MONTHS,/* 31–60 days */
  CST_DASHBOARD_TURNAROUND_LONGER,    /* more than 60 days */
} CstDashboardTurnaround;

#define CST_DASHBOARD_N_TURNAROUND (CST_DASHBOARD_TURNAROUND_LONGER + 1)

/* One facility's figures on the as-of date (issue 22). */
typedef struct
{
  char  *code;
  char  *name;
  gint64 n_open;
  gint64 overdue;
  gint64 due_this_week;
  gint64 fees_cents;          /* net invoiced in the window */
  gint64 collected_cents;     /* payments less refunds in the window */
  gint64 outstanding_cents;   /* still owed on the as-of date */
} CstDashboardFacility;

typedef struct
{
  GDate  as_of;
  /* The facility the figures are for; NULL: every facility the login
   * sees, the whole system for an administrator or auditor. */
  char  *facility_code;
  GDate  first_month;        /* the first day of the window's first month */
  gint64 n_requests;         /* every request ever logged, open or closed */
  gint64 n_open;
  /* Current status of each request; only open statuses are counted. */
  gint64 open_by_status[CST_N_STATUSES];
  gint64 overdue;            /* open and due before the as-of date */
  gint64 due_this_week;      /* open and due within CST_DASHBOARD_DUE_THIS_WEEK_DAYS */
  /* Requests released in the window (released date as in the fee report:
   * the first disclosure, else the day the status became "released"). */
  gint64 n_released;
  gint64 turnaround[CST_DASHBOARD_N_TURNAROUND];
  /* Net invoiced cents (adjustments included) by the month of issue;
   * [0] is first_month, [CST_DASHBOARD_N_MONTHS - 1] the as-of month. */
  gint64 fees_cents[CST_DASHBOARD_N_MONTHS];
  /* Payments less refunds by the month they were paid (0071), as above. */
  gint64 collected_cents[CST_DASHBOARD_N_MONTHS];
  /* Still owed on the as-of date: invoiced (adjustments included) up to
   * it, less what was paid up to it. */
  gint64 outstanding_cents;
  /* CstDashboardFacility: each facility the figures cover, the default
   * first, then by code; they add up to the figures above. */
  GPtrArray *facilities;
} CstDashboard;

CstDashboard *cst_dashboard_load            (PGconn                 *conn,
                                             const GDate            *as_of,
                                             GError                **error);
/* @facility_code: (nullable): one facility's figures; NULL for all. */
CstDashboard *cst_dashboard_load_for        (PGconn                 *conn,
                                             const GDate            *as_of,
                                             const char             *facility_code,
                                             GError                **error);
void          cst_dashboard_free            (CstDashboard           *dashboard);
void          cst_dashboard_get_month       (const CstDashboard     *dashboard,
                                             guint                   index,
                                             GDate                  *month);
const char   *cst_dashboard_turnaround_get_label (CstDashboardTurnaround bucket);

void          cst_dashboard_fetch_async     (CstConnection          *connection,
                                             const GDate            *as_of,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
void          cst_dashboard_fetch_for_async (CstConnection          *connection,
                                             const GDate            *as_of,
                                             const char             *facility_code,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
CstDashboard *cst_dashboard_fetch_finish    (CstConnection          *connection,
                                             GAsyncResult           *result,
                                             GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDashboard, cst_dashboard_free)

G_END_DECLS
