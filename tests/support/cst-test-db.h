/* cst-test-db.h — a fresh, migrated database for each test program
 *
 * The test script starts a throwaway PostgreSQL server and exports PGHOST
 * and friends; each test program creates its own database there, so test
 * programs run in parallel without seeing each other's rows.
 */
#pragma once

#include <stdio.h>

#include <custodian/custodian.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;      /* the database's name */
  char *conninfo;  /* connects as the superuser that owns it */
} CstTestDb;

CstTestDb *cst_test_db_new         (void);
void       cst_test_db_free        (CstTestDb  *db);
int        cst_test_db_run         (CstTestDb **db);
int        cst_test_db_run_with_demo (CstTestDb **db,
                                      int         n_requests);
PGconn    *cst_test_connect        (const char *conninfo);
PGconn    *cst_test_db_connect     (CstTestDb  *db);
void       cst_test_db_fill_facility (PGconn    *conn);
CstFacility *cst_test_facility_new   (void);
CstStatementTemplate *cst_test_statement_template (const char *language);
PGconn    *cst_test_db_hold_audit_head (CstTestDb *db);
char      *cst_test_db_create_login (CstTestDb  *db,
                                     const char *group_role);
PGconn    *cst_test_db_connect_as (CstTestDb  *db,
                                   const char *group_role);
CstRequest *cst_test_db_add_request (PGconn     *conn,
                                     const char *mrn);
CstRequest *cst_test_db_request_draft (const char       *mrn,
                                       const char       *requester,
                                       CstRequesterKind  kind,
                                       const char       *jurisdiction);
CstRequest *cst_test_db_add_request_for (PGconn           *conn,
                                         const char       *mrn,
                                         const char       *requester,
                                         CstRequesterKind  kind,
                                         const char       *jurisdiction);
CstRequest *cst_test_db_add_request_received (PGconn     *conn,
                                              const char *mrn,
                                              int         days_ago);
void        cst_test_db_set_received (PGconn     *conn,
                                      CstRequest *request,
                                      int         days_ago);
/* Runs the main loop until @store lists the request @id (FALSE after
 * @seconds): a change another connection made, arriving by NOTIFY. */
gboolean    cst_test_db_wait_listed  (CstRequestStore *store,
                                      gint64           id,
                                      int              seconds);
gint64      cst_test_db_issue_invoice (PGconn       *conn,
                                       CstRequest   *request,
                                       CstFeeMethod  method);
void        cst_test_db_exec_ok      (PGconn      *conn,
                                      const char  *sql,
                                      int          n_params,
                                      const char **params);
void        cst_test_db_save_schedule (PGconn     *conn,
                                       const char *text_format,
                                       int         days_from_today) G_GNUC_PRINTF (2, 0);
gint64      cst_test_db_int          (PGconn      *conn,
                                      const char  *sql,
                                      int          n_params,
                                      const char **params);
gint64      cst_test_db_int_for_id   (PGconn     *conn,
                                      const char *sql,
                                      gint64      id);
void        cst_test_db_ensure_password_login (CstTestDb *db);
void        cst_test_db_seed_demo    (CstTestDb  *db,
                                      int         n_requests);
CstRequest *cst_test_db_move_along (PGconn           *conn,
                                    CstRequest       *request,
                                    CstRequestStatus  to);

/* What a connection sends between start and stop (PQtrace into memory);
 * stop returns the round trips: each time the client sent messages and
 * then waited for the server's answer (a pipeline's statements and Syncs,
 * sent together, are one). */
typedef struct
{
  FILE  *file;
  char  *text;
  size_t size;
} CstTestTrace;

void  cst_test_trace_start (PGconn       *conn,
                            CstTestTrace *trace);
guint cst_test_trace_stop  (PGconn       *conn,
                            CstTestTrace *trace);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstTestDb, cst_test_db_free)

G_END_DECLS
