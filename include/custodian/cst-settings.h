/* cst-settings.h — where the database is, and other stored preferences */
#pragma once

#include <gio/gio.h>

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
gboolean           cst_settings_needs_first_run  (GSettings   *settings,
                                                  const char  *command_line);

G_END_DECLS
