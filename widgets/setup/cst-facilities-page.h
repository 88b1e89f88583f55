/* cst-facilities-page.h — a health system's facilities, managed in the app */
#pragma once

#include <adwaita.h>
#include <custodian/cst-connection.h>

G_BEGIN_DECLS

#define CST_TYPE_FACILITIES_PAGE (cst_facilities_page_get_type ())
G_DECLARE_FINAL_TYPE (CstFacilitiesPage, cst_facilities_page, CST, FACILITIES_PAGE, AdwBin)

GtkWidget  *cst_facilities_page_new            (void);
void        cst_facilities_page_set_connection (CstFacilitiesPage *self,
                                                CstConnection     *connection);
gboolean    cst_facilities_page_is_busy        (CstFacilitiesPage *self);
guint       cst_facilities_page_get_n_facilities (CstFacilitiesPage *self);
gboolean    cst_facilities_page_select_code    (CstFacilitiesPage *self,
                                                const char        *code);
void        cst_facilities_page_start_new      (CstFacilitiesPage *self);
const char *cst_facilities_page_get_message    (CstFacilitiesPage *self);
char       *cst_facilities_page_dup_members    (CstFacilitiesPage *self);

G_END_DECLS
