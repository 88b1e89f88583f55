/* cst-db.h — thin, parameterized access to PostgreSQL through libpq */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

PGconn   *cst_db_connect          (const char   *conninfo,
                                   GError      **error);
PGresult *cst_db_exec             (PGconn       *conn,
                                   const char   *sql,
                                   int           n_params,
                                   const char  **params,
                                   GError      **error);
gboolean  cst_db_exec_command     (PGconn       *conn,
                                   const char   *sql,
                                   int           n_params,
                                   const char  **params,
                                   GError      **error);
gboolean  cst_db_send_query       (PGconn            *conn,
                                   const char        *sql,
                                   int                n_params,
                                   const char *const *params);
gboolean  cst_db_is_prepared      (PGconn       *conn,
                                   const char   *sql,
                                   int           n_params);
PGresult *cst_db_pipeline_next    (PGconn       *conn);
gboolean  cst_db_write_and_read   (PGconn            *conn,
                                   const char        *write,
                                   int                n_write,
                                   const char *const *write_params,
                                   const char        *read,
                                   int                n_read,
                                   const char *const *read_params,
                                   PGresult         **written,
                                   PGresult         **stored,
                                   GError           **error);
gboolean  cst_db_forget_if_outdated (PGconn         *conn,
                                     const char     *sql,
                                     const PGresult *res);
void      cst_db_set_preparing    (gboolean      prepare);
gboolean  cst_db_exec_script      (PGconn       *conn,
                                   const char   *script,
                                   GError      **error);
gboolean  cst_db_begin            (PGconn       *conn,
                                   GError      **error);
gboolean  cst_db_commit           (PGconn       *conn,
                                   GError      **error);
void      cst_db_rollback         (PGconn       *conn);
gboolean  cst_db_begin_snapshot   (PGconn       *conn,
                                   GError      **error);
gboolean  cst_db_end              (PGconn       *conn,
                                   gboolean      ok,
                                   GError      **error);

/* A step that runs in its own transaction when called alone, and as part
 * of its caller's when the caller holds one. */
typedef enum {
  CST_DB_READ_WRITE,    /* its request notices sent right after its commit */
  CST_DB_SNAPSHOT,      /* REPEATABLE READ READ ONLY: one consistent view */
} CstDbTransaction;

gboolean  cst_db_join             (PGconn           *conn,
                                   CstDbTransaction  kind,
                                   gboolean         *own,
                                   GError          **error);
gboolean  cst_db_leave            (PGconn           *conn,
                                   gboolean          own,
                                   gboolean          ok,
                                   GError          **error);
void      cst_db_set_error_from_result (GError        **error,
                                        const PGresult *res,
                                        PGconn         *conn);
char     *cst_db_describe_connection   (PGconn *conn);

/* A bigint parameter as the text libpq sends. */
char       *cst_db_int_param      (gint64          value);
int         cst_db_copy_split_row (const char     *data,
                                   int             size,
                                   gboolean       *header_read,
                                   int             n_columns,
                                   const char    **values,
                                   int            *lengths);

/* Each row of @res made into one element, in order. */
typedef gpointer (*CstDbRowFunc) (const PGresult *res,
                                  int             row);
GPtrArray  *cst_db_collect_rows   (const PGresult *res,
                                   CstDbRowFunc    from_row,
                                   GDestroyNotify  free_func);

/* Text values of a row, NULL for SQL NULL. */
const char *cst_db_value          (const PGresult *res,
                                   int             row,
                                   int             col);
gint64      cst_db_int64          (const PGresult *res,
                                   int             row,
                                   int             col);
gboolean    cst_db_bool           (const PGresult *res,
                                   int             row,
                                   int             col);
GDate      *cst_db_date           (const PGresult *res,
                                   int             row,
                                   int             col);
GDateTime  *cst_db_timestamp      (const PGresult *res,
                                   int             row,
                                   int             col);

G_END_DECLS
