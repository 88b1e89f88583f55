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

/* The same on a connection of their own to @conninfo, opened and closed
 * here, for a front end that holds none (custodian-cli).  @where (nullable)
 * gets the server and database the status was read from. */
gboolean   cst_migrations_apply_at       (const char  *conninfo,
                                          guint       *n_applied,
                                          GError     **error);
GPtrArray *cst_migrations_status_at      (const char  *conninfo,
                                          char       **where,
                                          GError     **error);
/* How many of @migrations (a status list) are not applied yet. */
guint      cst_migrations_count_pending  (GPtrArray   *migrations);

G_END_DECLS
