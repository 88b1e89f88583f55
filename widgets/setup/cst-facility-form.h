/* cst-facility-form.h — the facility's details on every document (the database's) */
#pragma once

#include <adwaita.h>
#include <custodian/cst-facility.h>

G_BEGIN_DECLS

#define CST_TYPE_FACILITY_FORM (cst_facility_form_get_type ())
G_DECLARE_FINAL_TYPE (CstFacilityForm, cst_facility_form, CST, FACILITY_FORM, AdwBin)

GtkWidget *cst_facility_form_new  (void);
void       cst_facility_form_bind (CstFacilityForm *self,
                                   GSettings       *settings);
void       cst_facility_form_set_connection (CstFacilityForm   *self,
                                             CstConnection     *connection);
void       cst_facility_form_set_facility   (CstFacilityForm   *self,
                                             const CstFacility *facility);
CstFacility *cst_facility_form_get_facility (CstFacilityForm   *self);
const char *cst_facility_form_get_message   (CstFacilityForm   *self);
void        cst_facility_form_hide_logo     (CstFacilityForm   *self);

G_END_DECLS
