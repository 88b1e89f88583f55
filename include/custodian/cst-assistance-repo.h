/* cst-assistance-repo.h — the financial-assistance policy stored
 * effective-dated (migration 0088)
 *
 * A version is the policy's text (the shape of
 * resources/seed/financial-assistance.ini), checked by the reader
 * (cst_assistance_policy_new_from_data) before it is stored.  The version
 * in effect on a day is the one with the latest effective date on or
 * before it; with none, the shipped file is the policy (the seed, id 0).
 * Administrators store versions; every role reads them.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-assistance.h"
#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64               id;              /* 0: the shipped policy, nothing stored in effect */
  GDate                effective_from;  /* cleared for the shipped policy */
  char                *stored_by;       /* NULL for the shipped policy */
  char                *text;            /* the policy as written */
  CstAssistancePolicy *policy;          /* the same, read */
} CstAssistancePolicyVersion;

void     cst_assistance_policy_version_free (CstAssistancePolicyVersion *version);

/* Blocking, on a connection the caller owns (the CLI, worker threads). */
CstAssistancePolicyVersion *cst_assistance_policy_repo_in_effect (PGconn       *conn,
                                                                  const GDate  *day,
                                                                  GError      **error);
gint64   cst_assistance_policy_repo_store     (PGconn       *conn,
                                               const char   *text,
                                               const GDate  *effective_from,
                                               const char   *note,
                                               GError      **error);

/* On a connection of their own to @conninfo, opened and closed here
 * (custodian-cli). */
CstAssistancePolicyVersion *cst_assistance_policy_repo_in_effect_at (const char   *conninfo,
                                                                     const GDate  *day,
                                                                     GError      **error);
gint64   cst_assistance_policy_repo_store_at  (const char   *conninfo,
                                               const char   *text,
                                               const GDate  *effective_from,
                                               const char   *note,
                                               GError      **error);

/* The same on @connection's worker thread, for the window. */
void     cst_assistance_policy_repo_in_effect_async  (CstConnection        *connection,
                                                      const GDate          *day,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
CstAssistancePolicyVersion *cst_assistance_policy_repo_in_effect_finish (CstConnection  *connection,
                                                                         GAsyncResult   *result,
                                                                         GError        **error);
void     cst_assistance_policy_repo_store_async  (CstConnection        *connection,
                                                  const char           *text,
                                                  const GDate          *effective_from,
                                                  const char           *note,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gint64   cst_assistance_policy_repo_store_finish (CstConnection        *connection,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAssistancePolicyVersion, cst_assistance_policy_version_free)

G_END_DECLS
