/* cst-authorization.h — the HIPAA authorization checklist of a request
 *
 * A third party's request needs a valid authorization (45 CFR 164.508);
 * its required elements (164.508(c)), state add-ons and sensitive
 * categories are rows of the authorization_elements table, and each is
 * recorded per request as present, missing or (where the element allows
 * it) not applicable by a named clerk.  The database refuses
 * "authorization verified" while one is missing or unchecked; these
 * functions say so first, in the clerk's words.
 */
#pragma once

#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-request.h"

G_BEGIN_DECLS

typedef enum
{
  CST_AUTHORIZATION_UNCHECKED,
  CST_AUTHORIZATION_PRESENT,
  CST_AUTHORIZATION_MISSING,
  CST_AUTHORIZATION_NOT_APPLICABLE,
} CstAuthorizationFinding;

typedef struct
{
  char                    *code;
  char                    *label;
  char                    *citation;
  char                    *category;    /* "core", "state" or "sensitive" */
  gboolean                 allows_not_applicable;
  CstAuthorizationFinding  finding;
  char                    *note;
  char                    *checked_by;  /* NULL while unchecked */
  GDateTime               *checked_at;  /* NULL while unchecked */
} CstAuthorizationItem;

#define CST_AUTHORIZATION_N_FINDINGS (CST_AUTHORIZATION_NOT_APPLICABLE + 1)

const char *cst_authorization_finding_get_label (CstAuthorizationFinding finding);
void        cst_authorization_item_free      (CstAuthorizationItem     *item);

gboolean    cst_authorization_is_required    (CstRequesterKind          kind);
gboolean    cst_authorization_item_allows    (const CstAuthorizationItem *item,
                                              CstAuthorizationFinding   finding);

/* The elements that apply to @request, in order: a GPtrArray of
 * CstAuthorizationItem. */
GPtrArray  *cst_authorization_load           (PGconn                   *conn,
                                              CstRequest               *request,
                                              GError                  **error);
gboolean    cst_authorization_record         (PGconn                   *conn,
                                              CstRequest               *request,
                                              const char               *code,
                                              CstAuthorizationFinding   finding,
                                              const char               *note,
                                              GError                  **error);
/* The same off the main loop, on @connection's worker: the checklist as
 * the server has it, after saving @code's finding when @code is set. */
void        cst_authorization_check_async    (CstConnection            *connection,
                                              CstRequest               *request,
                                              const char               *code,
                                              CstAuthorizationFinding   finding,
                                              GCancellable             *cancellable,
                                              GAsyncReadyCallback       callback,
                                              gpointer                  user_data);
GPtrArray  *cst_authorization_check_finish   (CstConnection            *connection,
                                              GAsyncResult             *result,
                                              GError                  **error);
/* The items of @checklist that block verification (missing or unchecked);
 * the array does not own them. */
GPtrArray  *cst_authorization_gaps           (GPtrArray                *checklist);
/* The items of @checklist recorded missing: what a deficiency letter asks
 * for.  The array does not own them. */
GPtrArray  *cst_authorization_missing        (GPtrArray                *checklist);
/* Moves @request to "authorization verified" when its checklist allows. */
CstRequest *cst_authorization_verify         (PGconn                   *conn,
                                              CstRequest               *request,
                                              GError                  **error);
/* Whether the authorization has expired by @on (164.508(b)(2)(i)). */
gboolean    cst_authorization_is_expired     (CstRequest               *request,
                                              const GDate              *on);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAuthorizationItem, cst_authorization_item_free)

G_END_DECLS
