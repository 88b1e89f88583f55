/* cst-facility-form.h — the facility's letterhead and default state, bound to settings */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CST_TYPE_FACILITY_FORM (cst_facility_form_get_type ())
G_DECLARE_FINAL_TYPE (CstFacilityForm, cst_facility_form, CST, FACILITY_FORM, AdwBin)

GtkWidget *cst_facility_form_new  (void);
void       cst_facility_form_bind (CstFacilityForm *self,
                                   GSettings       *settings);

G_END_DECLS
