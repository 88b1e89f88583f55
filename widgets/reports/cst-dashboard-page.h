/* cst-dashboard-page.h — open, overdue and due-this-week counts and four
 * charts, refreshed off the main loop */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-request-store.h>

#include "cst-bar-chart.h"
#include "cst-facility-chooser.h"

G_BEGIN_DECLS

#define CST_TYPE_DASHBOARD_PAGE (cst_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (CstDashboardPage, cst_dashboard_page, CST, DASHBOARD_PAGE, GtkWidget)

typedef enum
{
  CST_DASHBOARD_CHART_STATUS,      /* open requests by status */
  CST_DASHBOARD_CHART_DEADLINE,    /* open requests: overdue, due this week, later */
  CST_DASHBOARD_CHART_TURNAROUND,  /* released requests by days taken */
  CST_DASHBOARD_CHART_FEES,        /* net invoiced by month */
} CstDashboardChart;

typedef enum
{
  CST_DASHBOARD_COUNT_OPEN,
  CST_DASHBOARD_COUNT_OVERDUE,
  CST_DASHBOARD_COUNT_DUE_THIS_WEEK,
} CstDashboardCount;

GtkWidget   *cst_dashboard_page_new             (void);
void         cst_dashboard_page_set_store       (CstDashboardPage  *self,
                                                 CstRequestStore   *store);
void         cst_dashboard_page_refresh         (CstDashboardPage  *self);
/* A hot standby to read from (NULL for none), and how many seconds it may
 * be behind; call after cst_dashboard_page_set_store(). */
void         cst_dashboard_page_set_report_database (CstDashboardPage *self,
                                                     const char       *conninfo,
                                                     guint             lag_limit);
void         cst_dashboard_page_use_primary     (CstDashboardPage  *self);
const char  *cst_dashboard_page_get_as_of_text  (CstDashboardPage  *self);
gboolean     cst_dashboard_page_get_loading     (CstDashboardPage  *self);
gint64       cst_dashboard_page_get_refresh_due (CstDashboardPage  *self);
const char  *cst_dashboard_page_get_state       (CstDashboardPage  *self);
CstBarChart *cst_dashboard_page_get_chart       (CstDashboardPage  *self,
                                                 CstDashboardChart  which);
GtkLabel    *cst_dashboard_page_get_count_label (CstDashboardPage  *self,
                                                 CstDashboardCount  which);
const char  *cst_dashboard_page_get_expiry_text (CstDashboardPage  *self);

CstFacilityChooser *cst_dashboard_page_get_facility_chooser (CstDashboardPage *self);
GtkWidget  *cst_dashboard_page_get_facilities_table (CstDashboardPage *self);

G_END_DECLS
