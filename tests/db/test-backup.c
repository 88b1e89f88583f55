/* test-backup.c — the restore drill: `custodian-cli db backup`, restored
 * into a fresh cluster as the README tells administrators (the roles file
 * with psql, createdb, pg_restore --exit-on-error), where `db status` finds
 * every migration applied, `audit verify --anchor` the chain whole up to
 * the head the backup printed, and every table the same number of rows
 * and every rendered document the same SHA-256 as the original.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cst-test-cli.h"
#include "cst-test-cluster.h"
#include "cst-test-db.h"

static CstTestDb *db;

/* Every table of the schema with its row count, one "name=count" a line. */
static char *
row_counts (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT string_agg(format('%s=%s', table_name, "
    "         (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', "
    "                                              table_schema, table_name), false, true, '')))[1]), "
    "       E'\\n' ORDER BY table_name) "
    "FROM information_schema.tables "
    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    0, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (cst_db_value (res, 0, 0));
}

static char *
document_digests (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT string_agg(request_id || ':' || sha256, ',' ORDER BY id) FROM rendered_documents",
    0, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (cst_db_value (res, 0, 0));
}

/* A release as a clerk: a cover letter and an invoice rendered, their
 * digests recorded. */
static void
release_one (void)
{
  g_autoptr(PGconn) clerk = cst_test_db_connect_as (db, "custodian_clerk");
  g_autoptr(CstRequest) request =
    cst_test_db_move_along (clerk, cst_test_db_add_request (clerk, "BACKUP-1"), CST_STATUS_READY);
  g_autoptr(CstRelease) release = NULL;
  g_autoptr(GError) error = NULL;
  CstDocumentOptions options = { .paper = CST_PDF_PAPER_LETTER };

  g_object_set (request, "page-count", 12, NULL);
  cst_test_db_issue_invoice (clerk, request, CST_FEE_METHOD_HIPAA_FLAT);
  release = cst_release_run (clerk, request, "en", &options, &error);
  g_assert_no_error (error);
}

static void
run_tool (const char *program,
          ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bindir = cst_postgresql_bindir (&error);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_assert_no_error (error);
  g_ptr_array_add (argv, g_build_filename (bindir, program, NULL));
  va_start (ap, program);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s\n%s", program, error->message, err);
}

static char *
find_file (const char *dir,
           const char *prefix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing && (name = g_dir_read_name (listing)))
    if (g_str_has_prefix (name, prefix))
      return g_build_filename (dir, name, NULL);
  g_error ("no %s… in %s", prefix, dir);
}

static char *
anchor_of (const char *out)
{
  const char *line = strstr (out, "Audit chain head before the backup: ");
  g_autofree char *rest = NULL;

  g_assert_nonnull (line);
  rest = g_strdup (line + strlen ("Audit chain head before the backup: "));
  *strchr (rest, '\n') = '\0';
  return g_steal_pointer (&rest);
}

static void
assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
}

static void
test_restore_drill (void)
{
  g_autofree char *dir = g_dir_make_tmp ("custodian-backup.XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (dir, "nightly", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *dump = NULL, *roles = NULL, *anchor = NULL;
  g_autofree char *counts = NULL, *digests = NULL;
  g_autofree char *shared_host = g_strdup (g_getenv ("PGHOST"));
  g_autoptr(CstTestCluster) fresh = NULL;
  g_autofree char *restored_super = NULL, *restored_auditor = NULL;
  g_autofree char *out2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autofree char *restored_counts = NULL, *restored_digests = NULL;
  g_autoptr(PGconn) source = cst_test_db_connect (db);
  g_autoptr(PGconn) restored = NULL;
  g_autoptr(GError) error = NULL;

  g_autofree char *auditor = cst_test_db_create_login (db, "custodian_auditor");
  const char *auditor_login = strstr (auditor, "user=") + strlen ("user=");

  cst_test_db_seed_demo (db, 25);
  release_one ();
  counts = row_counts (source);
  digests = document_digests (source);
  g_assert_nonnull (digests);
  g_assert_nonnull (strstr (counts, "audit_log="));

  g_assert_cmpint (cst_test_cli_run (db->conninfo, &out, &err, "db", "backup", "--output", folder, NULL),
                   ==, 0);
  dump = find_file (folder, "custodian-2");
  roles = find_file (folder, "custodian-roles-");
  assert_private (folder);
  assert_private (dump);
  assert_private (roles);
  anchor = anchor_of (out);
  /* Written after the backup: a restore of it has no such row, and the
   * anchor still holds. */
  cst_test_db_exec_ok (source, "SELECT audit_event('test.after_backup', '{}'::jsonb)", 0, NULL);

  /* A fresh cluster (its own socket), restored as the README says. */
  fresh = cst_test_cluster_new ();
  g_setenv ("PGHOST", shared_host, TRUE);
  restored_super = g_strdup_printf ("host=%s dbname=custodian user=postgres", fresh->dir);
  {
    g_autofree char *postgres = g_strdup_printf ("host=%s dbname=postgres user=postgres", fresh->dir);
    g_autoptr(PGconn) admin = cst_db_connect (postgres, &error);

    g_assert_no_error (error);
    run_tool ("psql", "--quiet", "--no-psqlrc", "-d", postgres, "-f", roles, NULL);
    cst_test_db_exec_ok (admin, "CREATE DATABASE custodian", 0, NULL);
  }
  run_tool ("pg_restore", "--exit-on-error", "-d", restored_super, dump, NULL);

  g_assert_cmpint (cst_test_cli_run (restored_super, &out2, NULL, "db", "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "The database schema is up to date."));
  g_assert_null (strstr (out2, "pending"));

  /* The auditor's own login came back with the roles file, and its
   * grants with the dump. */
  restored_auditor = g_strdup_printf ("host=%s dbname=custodian user=%s", fresh->dir, auditor_login);
  g_assert_cmpint (cst_test_cli_run (restored_auditor, &out3, &err3, "audit", "verify", "--anchor", anchor, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out3, "The audit chain is intact"));

  restored = cst_db_connect (restored_super, &error);
  g_assert_no_error (error);
  restored_counts = row_counts (restored);
  restored_digests = document_digests (restored);
  g_assert_cmpstr (restored_counts, ==, counts);
  g_assert_cmpstr (restored_digests, ==, digests);
  g_assert_cmpint (cst_test_db_int (restored,
    "SELECT count(*) FROM audit_log WHERE new_row->>'kind' = 'test.after_backup'", 0, NULL), ==, 0);

  /* The backup holds patient data: nothing of it is left behind. */
  g_unlink (dump);
  g_unlink (roles);
  g_rmdir (folder);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  db = cst_test_db_new ();
  g_test_add_func ("/backup/restore-drill", test_restore_drill);
  status = g_test_run ();
  cst_test_db_free (db);
  return status;
}
