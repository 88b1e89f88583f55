/* cst-deadline-repo.h — deadline rules in PostgreSQL (migration 0059) */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
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

/* Administrators: each rule of @text (the keys of the seed file) as the
 * next version of its key, after checking the stored set with it in place. */
CstDeadlineRuleSet *cst_deadline_repo_save_rules    (PGconn      *conn,
                                                     const char  *text,
                                                     GError     **error);

/* What the Deadline Rules window shows: the rules in force, and whether
 * this login may save new versions of them (an administrator). */
typedef struct
{
  CstDeadlineRuleSet *rules;
  gboolean            can_edit;
} CstDeadlineReview;

void                cst_deadline_review_free        (CstDeadlineReview *review);
CstDeadlineReview  *cst_deadline_repo_review        (PGconn      *conn,
                                                     GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDeadlineReview, cst_deadline_review_free)

/* The same work on a CstConnection's worker thread, for the views. */
void                cst_deadline_repo_review_async  (CstConnection        *connection,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
CstDeadlineReview  *cst_deadline_repo_review_finish (CstConnection        *connection,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                cst_deadline_repo_save_rules_async  (CstConnection    *connection,
                                                         const char       *text,
                                                         GCancellable     *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer          user_data);
CstDeadlineRuleSet *cst_deadline_repo_save_rules_finish (CstConnection    *connection,
                                                         GAsyncResult     *result,
                                                         GError          **error);

G_END_DECLS
