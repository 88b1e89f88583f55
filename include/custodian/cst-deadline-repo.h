/* cst-deadline-repo.h — deadline rules in PostgreSQL (migration 0059) */
#pragma once

#include "custodian/cst-db-types.h"
#include "custodian/cst-deadline.h"

G_BEGIN_DECLS

/* The newest version of every stored rule, validated as a set. */
CstDeadlineRuleSet *cst_deadline_repo_load_rules    (PGconn      *conn,
                                                     GError     **error);
CstDeadlineRuleSet *cst_deadline_repo_load_rules_at (const char  *conninfo,
                                                     GError     **error);
/* Inserts the shipped rules whose key and version are not stored yet,
 * then times the open requests that have no deadline rule yet (those
 * opened before migration 0059).  Idempotent; run after the migrations. */
gboolean            cst_deadline_repo_install_seed  (PGconn      *conn,
                                                     guint       *n_added,
                                                     GError     **error);

G_END_DECLS
