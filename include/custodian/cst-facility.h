/* cst-facility.h — the hospital's details on its documents
 *
 * The name, address and phone of the letterhead, how to pay an invoice
 * and where online, and the state new requests start in belong to the
 * hospital, not to one user: they live in the database's facilities table
 * (0056), read by every role and changed only by an administrator.  A
 * document that needs a detail not filled in is refused with an error
 * naming the detail and where to fill it (cst_facility_require).
 */
#pragma once

#include <gio/gio.h>
#include "custodian/cst-db-types.h"

#include "custodian/cst-connection.h"
#include "custodian/cst-statement.h"

G_BEGIN_DECLS

typedef enum
{
  CST_FACILITY_NAME,
  CST_FACILITY_ADDRESS,
  CST_FACILITY_PHONE,
  CST_FACILITY_PAY_TEXT,
  CST_FACILITY_PAY_LINK,
  CST_FACILITY_DEFAULT_STATE,
} CstFacilityDetail;

#define CST_FACILITY_N_DETAILS (CST_FACILITY_DEFAULT_STATE + 1)

typedef struct
{
  gint64  id;             /* 0: not stored */
  char   *name;
  char   *address;        /* may hold newlines */
  char   *phone;
  char   *pay_text;       /* how to pay an invoice, in the hospital's words */
  char   *pay_link;       /* where to pay online; optional */
  char   *default_state;  /* two letters, e.g. "NY" */
  /* The facility as one of a health system's (0080; cst-facilities.h). */
  char   *code;                    /* "MAIN", what --facility takes */
  char   *request_prefix;          /* its requests' references start so */
  gboolean is_default;
  int     service_target_days;     /* 0: the department's target */
  /* The actual-cost defaults an actual-cost quote starts with (issue 17),
   * the hospital's, not one desk's. */
  int     cost_labor_minutes;
  gint64  cost_hourly_rate_cents;
  gint64  cost_supplies_cents;
  /* Its Bates numbers' prefix (its bates_counters row, 0066/0083). */
  char   *bates_prefix;
} CstFacility;

#define CST_TYPE_FACILITY (cst_facility_get_type ())

GType        cst_facility_get_type      (void) G_GNUC_CONST;
CstFacility *cst_facility_new           (void);
CstFacility *cst_facility_copy          (const CstFacility  *self);
void         cst_facility_free          (CstFacility        *self);
const char  *cst_facility_get           (const CstFacility  *self,
                                         CstFacilityDetail   detail);
void         cst_facility_set           (CstFacility        *self,
                                         CstFacilityDetail   detail,
                                         const char         *value);
gboolean     cst_facility_is_blank      (const CstFacility  *self);
const char  *cst_facility_detail_label  (CstFacilityDetail   detail);
const char  *cst_facility_detail_option (CstFacilityDetail   detail);

/* Fails naming the first of @required (in order) that is blank. */
gboolean     cst_facility_require       (const CstFacility        *self,
                                         const CstFacilityDetail  *required,
                                         guint                     n_required,
                                         GError                  **error);
void         cst_facility_set_missing_error (GError            **error,
                                             CstFacilityDetail   detail);
gboolean     cst_facility_validate      (const CstFacility  *self,
                                         GError            **error);

/* Blocking, on a connection the caller owns (the CLI, worker threads). */
CstFacility *cst_facility_load          (PGconn             *conn,
                                         GError            **error);
gboolean     cst_facility_save          (PGconn             *conn,
                                         const CstFacility  *facility,
                                         GError            **error);
gboolean     cst_facility_adopt         (PGconn             *conn,
                                         const CstFacility  *proposed,
                                         gboolean           *adopted,
                                         GError            **error);

/* On a connection of their own to @conninfo, opened and closed here, for
 * a front end that holds none (custodian-cli).  cst_facility_change_at
 * sets each detail whose @details entry (CST_FACILITY_N_DETAILS of them)
 * is not NULL, saves, and returns the details as saved. */
CstFacility *cst_facility_load_at       (const char         *conninfo,
                                         GError            **error);
CstFacility *cst_facility_change_at     (const char         *conninfo,
                                         const char * const *details,
                                         GError            **error);
/* What a statement needs from the database, on one connection to
 * @conninfo opened and closed here (custodian-cli): the details of the
 * facility of @facility_code (NULL: the default one; cst-facilities.h)
 * and, when @template_name is not NULL, that template of the
 * database (the shipped ones become version 1 first, when the login may
 * add them).  Each may fail alone, with its own error; when the
 * connection fails, only @facility_error is set. */
void         cst_facility_load_for_statement_at (const char            *conninfo,
                                                 const char            *facility_code,
                                                 const char            *template_name,
                                                 const char            *language,
                                                 CstFacility          **facility,
                                                 GError               **facility_error,
                                                 CstStatementTemplate **tpl,
                                                 GError               **template_error);

/* The same on @connection's worker thread: the main loop never waits. */
void         cst_facility_load_async    (CstConnection       *connection,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
CstFacility *cst_facility_load_finish   (CstConnection       *connection,
                                         GAsyncResult        *result,
                                         GError             **error);
void         cst_facility_save_async    (CstConnection       *connection,
                                         const CstFacility   *facility,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     cst_facility_save_finish   (CstConnection       *connection,
                                         GAsyncResult        *result,
                                         GError             **error);
void         cst_facility_adopt_async   (CstConnection       *connection,
                                         const CstFacility   *proposed,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     cst_facility_adopt_finish  (CstConnection       *connection,
                                         GAsyncResult        *result,
                                         gboolean            *adopted,
                                         GError             **error);

/* Statements: the template's [facility] group takes the facility's
 * details (its own, shipped blank, are only a fallback for the Spanish
 * and financial-help phone lines); a statement refuses to be drawn while
 * one it prints is blank (cst_statement_render_pdf). */
void         cst_facility_apply_to_statement (const CstFacility    *facility,
                                              CstStatementTemplate *tpl);
gboolean     cst_facility_check_statement    (CstStatementTemplate *tpl,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFacility, cst_facility_free)

G_END_DECLS
