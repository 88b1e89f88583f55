/* cst-database-target.h — the database this run of Custodian uses */
#pragma once

#include "custodian/cst-embedded-server.h"
#include "custodian/cst-settings.h"

G_BEGIN_DECLS

typedef struct
{
  CstDatabaseSource  source;
  char              *conninfo;        /* how the app connects */
  char              *owner_conninfo;  /* how migrations connect */
  CstEmbeddedServer *server;          /* NULL unless embedded */
} CstDatabaseTarget;

CstDatabaseTarget *cst_database_target_open   (const char         *command_line,
                                               const char         *settings_value,
                                               GError            **error);
void               cst_database_target_free   (CstDatabaseTarget  *target);
const char        *cst_database_target_describe (CstDatabaseTarget *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDatabaseTarget, cst_database_target_free)

G_END_DECLS
