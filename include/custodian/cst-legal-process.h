/* cst-legal-process.h — a request entered as legal process, and the
 * checklist that must be on file before it is released
 *
 * A request from a court, an attorney with a subpoena, or an agency can be
 * entered as legal process (migration 0072): a court order, a subpoena
 * signed by a judge, or a subpoena without a court order.  The last needs
 * satisfactory assurances (45 CFR 164.512(e)(1)(ii)): every element of the
 * notice route or of the protective order route on file.  Substance use
 * disorder records (42 CFR Part 2) need a court order with the findings of
 * 42 CFR 2.64.  The elements are data (legal_process_elements); the
 * database refuses the release while something is missing
 * (legal_process_gaps()), and these functions say what, first.
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

G_BEGIN_DECLS

typedef enum
{
  CST_LEGAL_PROCESS_NONE,            /* not entered as legal process */
  CST_LEGAL_PROCESS_COURT_ORDER,
  CST_LEGAL_PROCESS_JUDGE_SUBPOENA,  /* a subpoena signed by a judge */
  CST_LEGAL_PROCESS_SUBPOENA,        /* a subpoena without a court order */
} CstLegalProcessKind;

#define CST_LEGAL_PROCESS_N_KINDS (CST_LEGAL_PROCESS_SUBPOENA + 1)

typedef struct
{
  char      *code;
  char      *route;       /* "notice", "protective_order" or "part2" */
  char      *label;       /* the element as the hospital's data words it */
  char      *citation;
  gboolean   on_file;
  char      *note;
  char      *checked_by;  /* NULL while never checked */
  GDateTime *checked_at;
} CstLegalProcessItem;

typedef struct
{
  gint64               request_id;
  CstLegalProcessKind  kind;
  char                *issuer;        /* the court, attorney or agency */
  char                *case_number;
  gboolean             part2_records; /* Part 2 records are sought */
  GPtrArray           *checklist;     /* of CstLegalProcessItem, in order */
  char                *gaps;          /* what keeps it from release, the server's words; NULL if nothing */
} CstLegalProcess;

const char          *cst_legal_process_kind_to_nick    (CstLegalProcessKind  kind);
gboolean             cst_legal_process_kind_from_nick  (const char          *nick,
                                                        CstLegalProcessKind *kind);
const char          *cst_legal_process_kind_get_label  (CstLegalProcessKind  kind);
/* A route's name in words ("Notice to the individual"…). */
const char          *cst_legal_process_route_get_label (const char          *route);

void                 cst_legal_process_free            (CstLegalProcess     *process);
void                 cst_legal_process_item_free       (CstLegalProcessItem *item);
/* Whether the release may go ahead as far as legal process goes. */
gboolean             cst_legal_process_allows_release  (const CstLegalProcess *process);

/* The request's legal process; kind CST_LEGAL_PROCESS_NONE when none was
 * entered. */
CstLegalProcess     *cst_legal_process_load            (PGconn              *conn,
                                                        gint64               request_id,
                                                        GError             **error);
/* Enters (or corrects) the request's legal process; its purpose becomes
 * "subpoena", so it is timed and priced as legal process (0063). */
gboolean             cst_legal_process_enter           (PGconn              *conn,
                                                        gint64               request_id,
                                                        CstLegalProcessKind  kind,
                                                        const char          *issuer,
                                                        const char          *case_number,
                                                        gboolean             part2_records,
                                                        GError             **error);
/* Records whether element @code is on file for the request. */
gboolean             cst_legal_process_check           (PGconn              *conn,
                                                        gint64               request_id,
                                                        const char          *code,
                                                        gboolean             on_file,
                                                        const char          *note,
                                                        GError             **error);

/* Off the main loop, on @connection's worker: the legal process as the
 * server has it after the change (none for _load_async). */
typedef struct _CstConnection CstConnection;

void                 cst_legal_process_load_async      (CstConnection       *connection,
                                                        gint64               request_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void                 cst_legal_process_enter_async     (CstConnection       *connection,
                                                        gint64               request_id,
                                                        CstLegalProcessKind  kind,
                                                        const char          *issuer,
                                                        const char          *case_number,
                                                        gboolean             part2_records,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void                 cst_legal_process_check_async     (CstConnection       *connection,
                                                        gint64               request_id,
                                                        const char          *code,
                                                        gboolean             on_file,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* The finish of all three. */
CstLegalProcess     *cst_legal_process_finish          (CstConnection       *connection,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLegalProcess, cst_legal_process_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLegalProcessItem, cst_legal_process_item_free)

G_END_DECLS
