/* cst-migrations.h — numbered SQL migrations shipped in the GResource */
#pragma once

#include <glib.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  guint     version;
  char     *name;        /* file name, e.g. "0001-foundation.sql" */
  gboolean  applied;
  char     *applied_at;  /* ISO timestamp, NULL when pending */
} CstMigrationStatus;

void       cst_migration_status_free (CstMigrationStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstMigrationStatus, cst_migration_status_free)

GPtrArray *cst_migrations_list_available (GError **error);
gboolean   cst_migrations_apply          (PGconn   *conn,
                                          guint    *n_applied,
                                          GError  **error);
GPtrArray *cst_migrations_status         (PGconn   *conn,
                                          GError  **error);

G_END_DECLS
