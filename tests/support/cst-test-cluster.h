/* cst-test-cluster.h — a PostgreSQL server of a test program's own, to
 * stop, crash and restart (build-aux/own-test-server.sh) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *dir;  /* the cluster's data, log and Unix socket */
} CstTestCluster;

CstTestCluster *cst_test_cluster_new   (void);
CstTestCluster *cst_test_cluster_new_standby (CstTestCluster *primary);
void            cst_test_cluster_start (CstTestCluster *cluster);
void            cst_test_cluster_stop  (CstTestCluster *cluster);
void            cst_test_cluster_crash (CstTestCluster *cluster);
void            cst_test_cluster_free  (CstTestCluster *cluster);
void            cst_test_guard_server  (const char     *pgdata,
                                        const char     *folder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstTestCluster, cst_test_cluster_free)

G_END_DECLS
