/* cst-report-database.h — reports read from a PostgreSQL hot standby
 *
 * The report database (the `report-database` setting, custodian-cli
 * `--report-database`) is a streaming replica of the primary: the
 * dashboard, the Reports page, `report fees` and the evidence pack read
 * from it, opened read-only, while every write (the audit rows of an
 * export) goes to the primary.  What it shows is as of the replica's last
 * replayed transaction; a replica further behind than the lag limit, or
 * one that cannot be reached, is said so, and the primary offered.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

/* Seconds a replica may be behind before reports say so (the default of
 * the `report-lag-limit` setting). */
#define CST_REPORT_LAG_LIMIT_DEFAULT 300

typedef enum
{
  CST_REPORT_READING_PRIMARY,      /* no report database, or the primary chosen instead */
  CST_REPORT_READING_REPLICA,      /* the replica, within the lag limit */
  CST_REPORT_READING_LAGGING,      /* the replica, further behind than the limit */
  CST_REPORT_READING_UNREACHABLE,  /* the replica could not be reached */
} CstReportReadingState;

typedef struct
{
  CstReportReadingState state;
  GDateTime *as_of;        /* the last replayed transaction's commit time; NULL if unknown */
  gint64     lag_seconds;  /* how far behind the primary; 0 when caught up */
  guint      lag_limit;    /* the limit it was checked against, in seconds */
  char      *problem;      /* why it could not be reached, or NULL */
} CstReportReading;

typedef struct _CstConnection CstConnection;

char             *cst_report_database_conninfo   (const char        *conninfo,
                                                  GError           **error);
PGconn           *cst_report_database_connect    (const char        *conninfo,
                                                  GError           **error);
CstReportReading *cst_report_reading_check       (PGconn            *conn,
                                                  guint              lag_limit,
                                                  GError           **error);
CstReportReading *cst_report_reading_new         (CstReportReadingState state,
                                                  guint              lag_limit,
                                                  const char        *problem);
CstReportReading *cst_report_database_check_at   (const char        *conninfo,
                                                  guint              lag_limit);
void              cst_report_reading_free        (CstReportReading  *reading);
gboolean          cst_report_reading_is_trouble  (const CstReportReading *reading);
char             *cst_report_reading_describe    (const CstReportReading *reading);

void              cst_report_reading_check_async  (CstConnection       *replica,
                                                   guint                lag_limit,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
CstReportReading *cst_report_reading_check_finish (CstConnection       *replica,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstReportReading, cst_report_reading_free)

G_END_DECLS
