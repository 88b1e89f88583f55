/* cst-migrations.c — apply the schema migrations in order, once
 *
 * Each migration runs in its own transaction and is recorded in
 * schema_migrations.  A session advisory lock serialises two instances of
 * the app starting at once against the same database: the second waits,
 * then finds nothing left to do.
 */
#define G_LOG_DOMAIN "cst-migrations"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "custodian/cst-db.h"
#include "custodian/cst-document-repo.h"
#include "custodian/cst-error.h"
#include "custodian/cst-deadline-repo.h"
#include "custodian/cst-fee-repo.h"
#include "custodian/cst-migrations.h"
#include "custodian/cst-partition.h"
#include "custodian/cst-statement-template-repo.h"

#define MIGRATIONS_PATH RESOURCE_BASE "/sql/"
/* An arbitrary, fixed key for pg_advisory_lock: "CUST" in ASCII. */
#define MIGRATION_LOCK_KEY "1129665364"

void
cst_migration_status_free (CstMigrationStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->name);
  g_free (status->applied_at);
  g_free (status);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const CstMigrationStatus *ma = *(CstMigrationStatus *const *) a;
  const CstMigrationStatus *mb = *(CstMigrationStatus *const *) b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

GPtrArray *
cst_migrations_list_available (GError **error)
{
  g_auto(GStrv) names = g_resources_enumerate_children (MIGRATIONS_PATH, 0, error);
  g_autoptr(GPtrArray) list = NULL;

  if (names == NULL)
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_migration_status_free);
  for (guint i = 0; names[i] != NULL; i++)
    {
      CstMigrationStatus *m;
      char *end = NULL;
      guint64 version;

      if (!g_str_has_suffix (names[i], ".sql"))
        continue;
      version = g_ascii_strtoull (names[i], &end, 10);
      if (end == names[i] || *end != '-' || version == 0 || version > G_MAXUINT)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_DATABASE,
                       "Migration file %s is not named NNNN-name.sql", names[i]);
          return NULL;
        }
      m = g_new0 (CstMigrationStatus, 1);
      m->version = (guint) version;
      m->name = g_strdup (names[i]);
      g_ptr_array_add (list, m);
    }
  g_ptr_array_sort (list, compare_names);
  for (guint i = 1; i < list->len; i++)
    {
      const CstMigrationStatus *prev = g_ptr_array_index (list, i - 1);
      const CstMigrationStatus *cur = g_ptr_array_index (list, i);
      if (prev->version == cur->version)
        {
          g_set_error (error, CST_ERROR, CST_ERROR_DATABASE,
                       "Two migrations share version %u", cur->version);
          return NULL;
        }
    }
  return g_steal_pointer (&list);
}

static gboolean
ensure_migrations_table (PGconn  *conn,
                         GError **error)
{
  return cst_db_exec_command (conn,
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  version    integer PRIMARY KEY,"
    "  name       text NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  applied_by text NOT NULL DEFAULT session_user)",
    0, NULL, error);
}

static GHashTable *
load_applied (PGconn  *conn,
              GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT version, applied_at FROM schema_migrations", 0, NULL, error);
  GHashTable *applied;

  if (res == NULL)
    return NULL;
  applied = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  for (int row = 0; row < PQntuples (res); row++)
    g_hash_table_insert (applied,
                         GUINT_TO_POINTER ((guint) cst_db_int64 (res, row, 0)),
                         g_strdup (cst_db_value (res, row, 1)));
  return applied;
}

static gboolean
apply_one (PGconn                   *conn,
           const CstMigrationStatus *m,
           GError                  **error)
{
  g_autofree char *path = g_strconcat (MIGRATIONS_PATH, m->name, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, error);
  g_autofree char *script = NULL;
  g_autofree char *version = g_strdup_printf ("%u", m->version);
  const char *params[] = { version, m->name };

  if (bytes == NULL)
    return FALSE;
  script = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (!cst_db_begin (conn, error))
    return FALSE;
  if (!cst_db_exec_script (conn, script, error) ||
      !cst_db_exec_command (conn,
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            2, params, error) ||
      !cst_db_commit (conn, error))
    {
      cst_db_rollback (conn);
      g_prefix_error (error, _("Migration %s failed: "), m->name);
      return FALSE;
    }
  g_debug ("Applied migration %s", m->name);
  return TRUE;
}

static gboolean
apply_pending (PGconn   *conn,
               guint    *n_applied,
               GError  **error)
{
  g_autoptr(GPtrArray) available = cst_migrations_list_available (error);
  g_autoptr(GHashTable) applied = NULL;

  if (available == NULL)
    return FALSE;
  if (!ensure_migrations_table (conn, error))
    return FALSE;
  applied = load_applied (conn, error);
  if (applied == NULL)
    return FALSE;

  for (guint i = 0; i < available->len; i++)
    {
      const CstMigrationStatus *m = g_ptr_array_index (available, i);

      if (g_hash_table_contains (applied, GUINT_TO_POINTER (m->version)))
        continue;
      if (!apply_one (conn, m, error))
        return FALSE;
      (*n_applied)++;
    }
  return TRUE;
}

gboolean
cst_migrations_apply (PGconn  *conn,
                      guint   *n_applied,
                      GError **error)
{
  guint count = 0;
  gboolean ok;

  g_return_val_if_fail (conn != NULL, FALSE);

  if (!cst_db_exec_command (conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")",
                            0, NULL, error))
    return FALSE;
  ok = apply_pending (conn, &count, error);
  /* Reference data shipped with this version, added once:
   * the seeders skip what the database already holds, and never touch an
   * administrator's newer versions (fee schedules, statement templates,
   * document templates). */
  if (ok)
    ok = cst_fee_repo_install_seed (conn, NULL, error) &&
         cst_deadline_repo_install_seed (conn, NULL, error) &&
         cst_statement_template_repo_seed (conn, NULL, error) &&
         cst_document_repo_install_shipped (conn, error);
  /* Each run makes the history tables' partitions for this year and the
   * next (0079-history-by-year.sql), so a new year never starts in the
   * default partition. */
  if (ok)
    ok = cst_partition_ensure_ahead (conn, error) >= 0;
  /* The unlock must run even after a failed migration (already rolled back). */
  cst_db_exec_command (conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")",
                       0, NULL, NULL);
  if (n_applied)
    *n_applied = count;
  return ok;
}

GPtrArray *
cst_migrations_status (PGconn  *conn,
                       GError **error)
{
  g_autoptr(GPtrArray) available = cst_migrations_list_available (error);
  g_autoptr(PGresult) exists = NULL;
  g_autoptr(GHashTable) applied = NULL;

  if (available == NULL)
    return NULL;
  exists = cst_db_exec (conn, "SELECT to_regclass('schema_migrations') IS NOT NULL",
                        0, NULL, error);
  if (exists == NULL)
    return NULL;
  if (cst_db_bool (exists, 0, 0))
    {
      applied = load_applied (conn, error);
      if (applied == NULL)
        return NULL;
    }
  for (guint i = 0; i < available->len; i++)
    {
      CstMigrationStatus *m = g_ptr_array_index (available, i);
      const char *at = applied ? g_hash_table_lookup (applied, GUINT_TO_POINTER (m->version)) : NULL;

      m->applied = at != NULL;
      m->applied_at = g_strdup (at);
    }
  return g_steal_pointer (&available);
}

gboolean
cst_migrations_apply_at (const char  *conninfo,
                         guint       *n_applied,
                         GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);

  return conn != NULL && cst_migrations_apply (conn, n_applied, error);
}

GPtrArray *
cst_migrations_status_at (const char  *conninfo,
                          char       **where,
                          GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  GPtrArray *migrations = conn ? cst_migrations_status (conn, error) : NULL;

  if (migrations != NULL && where != NULL)
    *where = cst_db_describe_connection (conn);
  return migrations;
}

guint
cst_migrations_count_pending (GPtrArray *migrations)
{
  guint pending = 0;

  for (guint i = 0; i < migrations->len; i++)
    pending += ((CstMigrationStatus *) g_ptr_array_index (migrations, i))->applied ? 0 : 1;
  return pending;
}
