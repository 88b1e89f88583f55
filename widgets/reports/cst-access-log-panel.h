/* cst-access-log-panel.h — the Reports page's access log: the individuals'
 * requests of a period, the totals and shares answered within 30 and 15
 * days, and the export as CSV or PDF (custodian-cli report access) */
#pragma once

#include <adwaita.h>
#include <custodian/cst-access-log.h>
#include <custodian/cst-connection.h>

#include "cst-facility-chooser.h"

G_BEGIN_DECLS

#define CST_TYPE_ACCESS_LOG_PANEL (cst_access_log_panel_get_type ())
G_DECLARE_FINAL_TYPE (CstAccessLogPanel, cst_access_log_panel, CST, ACCESS_LOG_PANEL, AdwBin)

GtkWidget  *cst_access_log_panel_new            (void);
/* The connection the panel reads through (the Reports page's own). */
void        cst_access_log_panel_set_connection (CstAccessLogPanel *self,
                                                 CstConnection     *connection);
/* Fills the period fields as a user would type them. */
void        cst_access_log_panel_set_period     (CstAccessLogPanel *self,
                                                 const char        *from,
                                                 const char        *to);
void        cst_access_log_panel_run            (CstAccessLogPanel *self);
gboolean    cst_access_log_panel_get_busy       (CstAccessLogPanel *self);
guint       cst_access_log_panel_get_n_rows     (CstAccessLogPanel *self);
/* The words of a cell as shown: "reference", "received", "completed",
 * "days", "formats", "pages", "fee", "status". */
const char *cst_access_log_panel_get_text       (CstAccessLogPanel *self,
                                                 guint              row,
                                                 const char        *column);
/* The totals and shares under the period, or NULL before a run. */
const char *cst_access_log_panel_get_summary    (CstAccessLogPanel *self);
/* The message under the period, or NULL. */
const char *cst_access_log_panel_get_error      (CstAccessLogPanel *self);
/* Writes the period on screen to @file (what the file chooser's answer
 * does); the status line says when it is saved. */
void        cst_access_log_panel_export         (CstAccessLogPanel  *self,
                                                 GFile              *file,
                                                 CstAccessLogFormat  format);
const char *cst_access_log_panel_get_status     (CstAccessLogPanel *self);

CstFacilityChooser *cst_access_log_panel_get_facility_chooser (CstAccessLogPanel *self);

G_END_DECLS
