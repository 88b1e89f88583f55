/* cst-facility-chooser.h — the request list's facility filter (issue 22) */
#pragma once

#include <gtk/gtk.h>
#include <custodian/cst-connection.h>
#include <custodian/cst-request.h>

G_BEGIN_DECLS

#define CST_TYPE_FACILITY_CHOOSER (cst_facility_chooser_get_type ())
G_DECLARE_FINAL_TYPE (CstFacilityChooser, cst_facility_chooser, CST, FACILITY_CHOOSER, GtkWidget)

GtkWidget  *cst_facility_chooser_new            (void);
void        cst_facility_chooser_set_connection (CstFacilityChooser *self,
                                                 CstConnection      *connection);
GtkFilter  *cst_facility_chooser_get_filter     (CstFacilityChooser *self);
const char *cst_facility_chooser_get_code       (CstFacilityChooser *self);
gboolean    cst_facility_chooser_select_code    (CstFacilityChooser *self,
                                                 const char         *code);
guint       cst_facility_chooser_get_n_facilities (CstFacilityChooser *self);
gboolean    cst_facility_chooser_is_loading     (CstFacilityChooser *self);

gboolean    cst_facility_chooser_matches        (CstFacilityChooser *self,
                                                 CstRequest         *request);

CstFacilityChooser *cst_facility_chooser_attach (GtkWidget          *beside);

G_END_DECLS
