/* cst-reports-page.h — the auditor's Reports area: the fee justification
 * report for a period and filters, its totals, flags and requests, and
 * its export as PDF or CSV */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-fee-report.h>
#include <custodian/cst-report-database.h>

#include "cst-access-log-panel.h"

#include "cst-facility-chooser.h"

G_BEGIN_DECLS

/* One request of the report as the list shows it. */
#define CST_TYPE_REPORT_ROW (cst_report_row_get_type ())
G_DECLARE_FINAL_TYPE (CstReportRow, cst_report_row, CST, REPORT_ROW, GObject)

gint64      cst_report_row_get_request_id  (CstReportRow *self);
const char *cst_report_row_get_reference   (CstReportRow *self);
gint64      cst_report_row_get_total_cents (CstReportRow *self);
guint       cst_report_row_get_flags       (CstReportRow *self);   /* CstFeeReportFlag */
/* The words of a column as shown: "reference", "received", "released",
 * "class", "method", "total", "flags". */
const char *cst_report_row_get_text        (CstReportRow *self,
                                            const char   *column);

#define CST_TYPE_REPORTS_PAGE (cst_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (CstReportsPage, cst_reports_page, CST, REPORTS_PAGE, AdwBin)

GtkWidget  *cst_reports_page_new            (void);
void        cst_reports_page_set_connection (CstReportsPage     *self,
                                             CstConnection      *connection);
/* A hot standby to read from (NULL for none) and how many seconds it may
 * be behind; the page says "as of" its last replayed transaction, or why
 * it is not used, and offers the primary. */
void        cst_reports_page_set_report_database (CstReportsPage *self,
                                                  const char     *conninfo,
                                                  guint           lag_limit);
void        cst_reports_page_use_primary    (CstReportsPage     *self);
const char *cst_reports_page_get_as_of_text (CstReportsPage     *self);
const char *cst_reports_page_get_replica_problem (CstReportsPage *self);
/* Fills the period and filter fields as a user would type and pick them;
 * NULL leaves a filter at "all". */
void        cst_reports_page_set_filters    (CstReportsPage     *self,
                                             const char         *from,
                                             const char         *to,
                                             const char         *state,
                                             const char         *requester,
                                             const char         *clerk,
                                             const char         *status);
void        cst_reports_page_run            (CstReportsPage     *self);
/* TRUE while a report runs or an export is being written. */
gboolean    cst_reports_page_get_busy       (CstReportsPage     *self);
GListModel *cst_reports_page_get_rows       (CstReportsPage     *self);  /* of CstReportRow */
const char *cst_reports_page_get_totals_text (CstReportsPage    *self);
/* The list keeps the first @limit requests of a report (default 5,000;
 * 0 restores it); totals, flags and exports cover every request.  The
 * note saying so, or NULL when the list holds the whole report. */
void        cst_reports_page_set_row_limit  (CstReportsPage     *self,
                                             guint               limit);
const char *cst_reports_page_get_limit_text (CstReportsPage     *self);
gint64      cst_reports_page_get_flag_count (CstReportsPage     *self,
                                             CstFeeReportFlag    flag);
/* The message under the filters, or NULL. */
const char *cst_reports_page_get_error      (CstReportsPage     *self);
/* What the export bar last said ("Saved …", "Export cancelled"…), or NULL. */
const char *cst_reports_page_get_export_status (CstReportsPage  *self);
void        cst_reports_page_activate_row   (CstReportsPage     *self,
                                             guint               position);
/* Exports the report on screen to @file: what the file chooser's answer
 * does.  cst_reports_page_cancel_export stops it and removes the file. */
void        cst_reports_page_export         (CstReportsPage     *self,
                                             GFile              *file,
                                             CstFeeReportFormat  format);
void        cst_reports_page_cancel_export  (CstReportsPage     *self);
/* The access log, shown under the page's "Access Log" tab. */
CstAccessLogPanel *cst_reports_page_get_access_log (CstReportsPage *self);

CstFacilityChooser *cst_reports_page_get_facility_chooser (CstReportsPage *self);

G_END_DECLS
