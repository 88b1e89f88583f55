/* cst-settings.h — where the database is, and other stored preferences */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-facility.h"

G_BEGIN_DECLS

typedef enum
{
  CST_DATABASE_FROM_COMMAND_LINE,
  CST_DATABASE_FROM_SETTINGS,
  CST_DATABASE_FROM_ENVIRONMENT,
  CST_DATABASE_EMBEDDED,
} CstDatabaseSource;

CstDatabaseSource  cst_settings_resolve_database (const char  *command_line,
                                                  const char  *settings_value,
                                                  char       **conninfo);
GSettings         *cst_settings_new_if_installed (void);
GSettingsBackend  *cst_settings_get_backend      (void);
gboolean           cst_settings_needs_first_run  (GSettings   *settings,
                                                  const char  *command_line);

CstFacility       *cst_settings_dup_legacy_facility    (GSettings *settings);
void               cst_settings_forget_legacy_facility (GSettings *settings);

G_END_DECLS
