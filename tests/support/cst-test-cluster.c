/* cst-test-cluster.c — a PostgreSQL server of a test program's own
 *
 * The shared throwaway server (build-aux/test-server.sh) serves every test
 * at once, so a test that stops or kills its server starts this one
 * instead.  cst_test_cluster_new() points the PG* variables at it, so
 * cst_test_db_new() and every connection string without a host use it.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "cst-test-cluster.h"

static char *
script_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "build-aux", "own-test-server.sh", NULL);
}

static void
run_argv (char **argv)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                     &wait_status, &error) ||
      !g_spawn_check_wait_status (wait_status, &error))
    g_error ("own-test-server.sh %s: %s\n%s", argv[1], error->message, err ? err : "");
}

/* The standby action takes the primary's folder before the owner's pid;
 * a standby started again later needs it no more (its data knows). */
static void
run_script_with (CstTestCluster *cluster,
                 const char     *action,
                 const char     *primary_dir)
{
  g_autofree char *script = script_path ();
  g_autofree char *owner = g_strdup_printf ("%d", (int) getpid ());
  /* With our pid, the script removes the cluster once we are gone, even
   * after a failed assertion. */
  gboolean starts = g_str_equal (action, "start") || g_str_equal (action, "standby");
  char *argv[] = { script, (char *) action, cluster->dir,
                   primary_dir ? (char *) primary_dir : (starts ? owner : NULL),
                   primary_dir && starts ? owner : NULL, NULL };

  run_argv (argv);
}

static void
run_script (CstTestCluster *cluster,
            const char     *action)
{
  run_script_with (cluster, action, NULL);
}

static CstTestCluster *
cluster_in_new_dir (void)
{
  CstTestCluster *cluster = g_new0 (CstTestCluster, 1);
  g_autoptr(GError) error = NULL;

  cluster->dir = g_dir_make_tmp ("custodian-own-pg.XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (cluster->dir, 0755);
  return cluster;
}

/* Started, with PGHOST, PGUSER and PGDATABASE naming it. */
CstTestCluster *
cst_test_cluster_new (void)
{
  CstTestCluster *cluster = cluster_in_new_dir ();

  cst_test_cluster_start (cluster);
  g_setenv ("PGHOST", cluster->dir, TRUE);
  g_setenv ("PGUSER", "postgres", TRUE);
  g_setenv ("PGDATABASE", "postgres", TRUE);
  g_unsetenv ("PGPORT");
  g_unsetenv ("PGSERVICE");
  return cluster;
}

/**
 * cst_test_cluster_new_standby:
 * @primary: a cluster of cst_test_cluster_new()
 *
 * A hot standby of @primary in a folder (and on a socket) of its own,
 * streaming from it (pg_basebackup -R).  Unlike cst_test_cluster_new() it
 * leaves the PG* variables naming the primary.  Connect with
 * "host=DIR dbname=…".
 */
CstTestCluster *
cst_test_cluster_new_standby (CstTestCluster *primary)
{
  CstTestCluster *cluster = cluster_in_new_dir ();

  run_script_with (cluster, "standby", primary->dir);
  return cluster;
}

void
cst_test_cluster_start (CstTestCluster *cluster)
{
  run_script (cluster, "start");
}

/* pg_ctl stop -m fast: sessions are ended, the data stays. */
void
cst_test_cluster_stop (CstTestCluster *cluster)
{
  run_script (cluster, "stop");
}

/* SIGKILL to every server process, as the kernel's OOM killer or a power
 * cut would leave it; the next start runs crash recovery. */
void
cst_test_cluster_crash (CstTestCluster *cluster)
{
  run_script (cluster, "crash");
}

void
cst_test_cluster_free (CstTestCluster *cluster)
{
  if (cluster == NULL)
    return;
  run_script (cluster, "destroy");
  g_rmdir (cluster->dir);
  g_free (cluster->dir);
  g_free (cluster);
}

/**
 * cst_test_guard_server:
 * @pgdata: the data folder of a server the test started itself
 * @folder: the folder to remove with it
 *
 * Once this process is gone, however it ended (a failed assertion
 * aborts it), the server in @pgdata is stopped at once and @folder
 * removed, so an aborted test leaves no server running.
 */
void
cst_test_guard_server (const char *pgdata,
                       const char *folder)
{
  g_autofree char *script = script_path ();
  g_autofree char *owner = g_strdup_printf ("%d", (int) getpid ());
  char *argv[] = { script, "guard", (char *) pgdata, (char *) folder, owner, NULL };

  run_argv (argv);
}
