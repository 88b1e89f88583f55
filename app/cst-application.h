/* cst-application.h — the GtkApplication */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CST_TYPE_APPLICATION (cst_application_get_type ())
G_DECLARE_FINAL_TYPE (CstApplication, cst_application, CST, APPLICATION, AdwApplication)

CstApplication *cst_application_new (void);

G_END_DECLS
