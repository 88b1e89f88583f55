/* cst-redaction-others.h — what the proposal finder is told beyond the
 * pages: the other people a request names (kept with the request,
 * migration 0090) and the terms configured per reason (0076), read and
 * changed together for the page view's Find Proposals (issue 19)
 *
 * The finder (cst-redaction-propose.h) reads both itself at each run;
 * these are the reading and the changing, for the window off the main
 * loop and for custodian-cli.
 */
#pragma once

#include <gio/gio.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db-types.h"
#include "custodian/cst-redaction-propose.h"

G_BEGIN_DECLS

/* Another person the request names: a name or a medical record number. */
typedef struct
{
  gint64  id;
  char   *kind;       /* "name" or "mrn" */
  char   *value;
  char   *added_by;
} CstOtherPerson;

void cst_other_person_free (CstOtherPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstOtherPerson, cst_other_person_free)

/* The other people of @request_id (#CstOtherPerson, names first, then
 * MRNs, each in the order given); NULL with @error set. */
GPtrArray *cst_redaction_others_list   (PGconn      *conn,
                                        gint64       request_id,
                                        GError     **error);
/* Adds a name (@kind "name") or an MRN ("mrn"); returns its id (the
 * existing row's when the request gives it already), or 0 with @error. */
gint64     cst_redaction_others_add    (PGconn      *conn,
                                        gint64       request_id,
                                        const char  *kind,
                                        const char  *value,
                                        GError     **error);
gboolean   cst_redaction_others_remove (PGconn      *conn,
                                        gint64       person_id,
                                        GError     **error);
/* Appends the other people of @request_id to @rules' other_names and
 * other_mrns. */
gboolean   cst_redaction_others_into   (PGconn            *conn,
                                        gint64             request_id,
                                        CstProposalRules  *rules,
                                        GError           **error);

/* One change; every field unset (NULL or 0) changes nothing. */
typedef struct
{
  const char *other_kind;     /* with other_value: a person to add */
  const char *other_value;
  gint64      other_remove;   /* a person to take off the request */
  const char *term;           /* with term_reason: a term to configure */
  const char *term_reason;
  gint64      term_retire;    /* a term no longer looked for */
} CstRedactionChange;

/* What Find Proposals shows before a run. */
typedef struct
{
  GPtrArray *others;          /* #CstOtherPerson of the request */
  GPtrArray *terms;           /* #CstRedactionTerm in use */
  gboolean   may_configure;   /* the caller is an administrator: terms change */
} CstRedactionSetup;

void cst_redaction_setup_free (CstRedactionSetup *setup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRedactionSetup, cst_redaction_setup_free)

/* Makes @change (NULL: none), then reads the request's setup. */
CstRedactionSetup *cst_redaction_setup_change        (PGconn                   *conn,
                                                      gint64                    request_id,
                                                      const CstRedactionChange *change,
                                                      GError                  **error);
void               cst_redaction_setup_change_async  (CstConnection            *connection,
                                                      gint64                    request_id,
                                                      const CstRedactionChange *change,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
CstRedactionSetup *cst_redaction_setup_change_finish (CstConnection            *connection,
                                                      GAsyncResult             *result,
                                                      GError                  **error);
/* The blocking form custodian-cli uses: the request found by @reference. */
CstRedactionSetup *cst_redaction_setup_change_at     (const char               *conninfo,
                                                      const char               *reference,
                                                      const CstRedactionChange *change,
                                                      GError                  **error);

G_END_DECLS
