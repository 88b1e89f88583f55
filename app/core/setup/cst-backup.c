/* cst-backup.c — `custodian-cli db backup`: pg_dump and pg_dumpall, as
 * the README tells administrators, into a folder only the user can read
 *
 * The audit chain's head is read before the dump starts, so the dump's
 * snapshot, taken later, holds it: `audit verify --anchor SEQ:HASH` on a
 * restored copy then proves the log came back whole up to there.
 * Point-in-time recovery is PostgreSQL's WAL archiving, not this (README).
 */
#define G_LOG_DOMAIN "custodian-setup"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <sys/stat.h>

#include "custodian/cst-backup.h"
#include "custodian/cst-db.h"
#include "custodian/cst-embedded-server.h"
#include "custodian/cst-error.h"

void
cst_backup_free (CstBackup *backup)
{
  if (backup == NULL)
    return;
  g_free (backup->dump_path);
  g_free (backup->roles_path);
  g_free (backup->head_hash);
  g_free (backup);
}

static gboolean
read_chain_head (const char  *conninfo,
                 CstBackup   *backup,
                 GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL ||
      !(res = cst_db_exec (conn, "SELECT seq, encode(hash, 'hex') FROM audit_chain_head",
                           0, NULL, error)))
    return FALSE;
  if (PQntuples (res) == 1)
    {
      backup->head_seq = cst_db_int64 (res, 0, 0);
      backup->head_hash = g_strdup (cst_db_value (res, 0, 1));
    }
  return TRUE;
}

/* The files hold patient data: readable by their owner only. */
static void
private_umask (gpointer user_data)
{
  umask (077);
}

static gboolean
run_tool (const char  *bindir,
          const char  *program,
          const char  *conninfo,
          const char  *extra,
          const char  *output,
          GError     **error)
{
  g_autofree char *path = g_build_filename (bindir, program, NULL);
  g_autofree char *dbname = g_strdup_printf ("--dbname=%s", conninfo);
  g_autofree char *file = g_strdup_printf ("--file=%s", output);
  const char *argv[] = { path, dbname, extra, file, "--no-password", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL,
                     private_umask, NULL, NULL, &err, &status, &local_error) ||
      !g_spawn_check_wait_status (status, &local_error))
    {
      g_unlink (output);
      g_set_error (error, CST_ERROR, CST_ERROR_DATABASE, _("%s failed: %s"), program,
                   err && *err ? g_strstrip (err) : local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_backup_at:
 * @conninfo: the database, as its owner or a superuser (pg_dumpall reads
 *   the roles' catalog)
 * @folder: made if missing (0700); the files get a timestamp in their
 *   names, so a backup never replaces an earlier one
 *
 * Returns: (transfer full): the two files and the chain head, or NULL with
 *   @error set (a half-written file is removed)
 */
CstBackup *
cst_backup_at (const char  *conninfo,
               const char  *folder,
               GError     **error)
{
  g_autoptr(CstBackup) backup = g_new0 (CstBackup, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H%M%SZ");
  g_autofree char *dump_name = g_strdup_printf ("custodian-%s.dump", stamp);
  g_autofree char *roles_name = g_strdup_printf ("custodian-roles-%s.sql", stamp);
  g_autofree char *bindir = NULL;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("The folder %s cannot be made: %s"), folder, g_strerror (saved));
      return NULL;
    }
  backup->dump_path = g_build_filename (folder, dump_name, NULL);
  backup->roles_path = g_build_filename (folder, roles_name, NULL);
  if (g_file_test (backup->dump_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   _("%s already exists: not replaced"), backup->dump_path);
      return NULL;
    }
  if (!(bindir = cst_postgresql_bindir (error)) ||
      !read_chain_head (conninfo, backup, error) ||
      !run_tool (bindir, "pg_dump", conninfo, "--format=custom", backup->dump_path, error))
    return NULL;
  if (!run_tool (bindir, "pg_dumpall", conninfo, "--roles-only", backup->roles_path, error))
    {
      g_unlink (backup->dump_path);
      return NULL;
    }
  return g_steal_pointer (&backup);
}
