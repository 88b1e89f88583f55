/* cst-db-statements.c — hot statements prepared once per connection
 *
 * PQexecParams sends a statement's text as the unnamed statement, which
 * the server parses, analyses, rewrites (row-level security included) and
 * plans on every call: for the request's six-table read that was most of
 * its CPU (bench/load/README.md).  Here a plannable statement (SELECT,
 * INSERT, UPDATE, DELETE, WITH, VALUES) whose text a connection sends a
 * second time is prepared there (PQprepare) and from then on only executed
 * (PQexecPrepared): the server keeps the analysed query and, once a
 * generic plan costs no more than the custom ones (PostgreSQL decides
 * after five executions), the plan.  A text sent once costs what it did;
 * utility statements (BEGIN, SET, DECLARE, DDL) are never prepared, nor
 * pattern matches (LIKE, ILIKE: their plan depends on the pattern); every
 * value still travels as a parameter.
 *
 * The cache hangs on the PGconn itself, through a libpq event procedure
 * (PQregisterEventProc, PQinstanceData), so every path that holds a
 * connection shares it — CstConnection's worker, the command line, the
 * benches' clerks — and it is emptied when libpq resets the connection and
 * freed with it.  The server re-plans a prepared statement by itself when
 * the tables under it change, when the role changes (its row-level
 * security is the role's) or when search_path does.
 *
 * What the server does not absorb: a change to the columns a prepared
 * statement returns ("cached plan must not change result type", 0A000: a
 * migration altered a table under `SELECT *` or a column's type), and a
 * statement dropped behind our back (DISCARD ALL, DEALLOCATE, a pooler;
 * 26000).  The statement is then forgotten and prepared again, under a new
 * name (names are never reused, so a copy the server still holds cannot
 * collide).  Outside a transaction block the failed call changed nothing
 * and is run again at once, so the caller never sees the error; inside one
 * the transaction has failed already, and the caller gets the error once.
 */
#define G_LOG_DOMAIN "cst-db"

#include "config.h"

#include <libpq-events.h>
#include <string.h>

#include "cst-db-private.h"

/* What the server keeps for each prepared statement is its memory, per
 * backend: a desk's hot statements are a few dozen. */
#define MAX_PREPARED 128
/* Texts sent once, remembered to notice the second time. */
#define MAX_SEEN 1024

typedef struct
{
  char *name;       /* prepared under this name; NULL: sent once so far */
  int   n_params;
} Statement;

typedef struct
{
  GHashTable *by_text;      /* SQL text → Statement */
  guint       n_prepared;   /* entries with a name */
  guint       n_outdated;   /* forgotten copies the server still holds */
  guint       serial;       /* the last name given */
  gboolean    notices_after_commit;  /* the open transaction's, cst_db_join() */
} Statements;

static gint preparing = TRUE;

/**
 * cst_db_set_preparing:
 * @prepare: whether hot statements are prepared once per connection (the
 *   default)
 *
 * For comparisons (bench-load's --no-prepared-statements) and tests: with
 * %FALSE every statement is sent as text, as before preparing existed.
 * Takes effect at the next statement of every connection.
 */
void
cst_db_set_preparing (gboolean prepare)
{
  g_atomic_int_set (&preparing, prepare);
}

static void
statement_free (Statement *statement)
{
  g_free (statement->name);
  g_free (statement);
}

static Statements *
statements_new (void)
{
  Statements *statements = g_new0 (Statements, 1);

  statements->by_text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) statement_free);
  return statements;
}

static void
statements_free (Statements *statements)
{
  if (statements == NULL)
    return;
  g_hash_table_unref (statements->by_text);
  g_free (statements);
}

/* The server holds none of them any more (a new session, DISCARD ALL):
 * each is prepared again at its next use. */
static void
forget_all (Statements *statements)
{
  GHashTableIter iter;
  Statement *statement;

  g_hash_table_iter_init (&iter, statements->by_text);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &statement))
    g_clear_pointer (&statement->name, g_free);
  statements->n_prepared = 0;
  statements->n_outdated = 0;
}

static int
statements_event (PGEventId  id,
                  void      *info,
                  void      *pass_through)
{
  switch (id)
    {
    case PGEVT_REGISTER:
      return PQsetInstanceData (((PGEventRegister *) info)->conn, statements_event,
                                statements_new ());
    case PGEVT_CONNRESET:
      {
        Statements *statements = PQinstanceData (((PGEventConnReset *) info)->conn,
                                                 statements_event);
        if (statements != NULL)
          forget_all (statements);
        return TRUE;
      }
    case PGEVT_CONNDESTROY:
      statements_free (PQinstanceData (((PGEventConnDestroy *) info)->conn, statements_event));
      return TRUE;
    default:
      return TRUE;
    }
}

/* The connection's statements, the event procedure registered on first
 * use; NULL when libpq could not register it (then nothing is prepared). */
static Statements *
statements_of (PGconn *conn)
{
  Statements *statements = PQinstanceData (conn, statements_event);

  if (statements == NULL &&
      PQregisterEventProc (conn, statements_event, "custodian prepared statements", NULL))
    statements = PQinstanceData (conn, statements_event);
  return statements;
}

/* Statements that are planned: what preparing saves is their analysis and
 * plan.  Utility statements have neither, and some (VACUUM, CREATE
 * DATABASE) must not be sent any other way than as they are. */
static gboolean
is_plannable (const char *sql)
{
  static const char *const verbs[] = { "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES" };

  while (g_ascii_isspace (*sql))
    sql++;
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      gsize n = strlen (verbs[i]);

      if (g_ascii_strncasecmp (sql, verbs[i], n) == 0 && !g_ascii_isalnum (sql[n]) && sql[n] != '_')
        return TRUE;
    }
  return FALSE;
}

/* A pattern match's plan depends on the pattern: the planner reads how
 * many rows "%núñez%" or "%0001%" will match from the value, and a generic
 * plan, made without it, cannot.  The window's search for closed requests
 * (one ILIKE per word and column) took 203 ms a call prepared against 142
 * ms as text, at the same load (bench/load/README.md): such statements
 * stay text, planned with their values every time. */
static gboolean
matches_patterns (const char *sql)
{
  return strcasestr (sql, "LIKE") != NULL;
}

/* The cache for @sql on @conn, or NULL when @sql is sent as text. */
static Statements *
statements_for (PGconn     *conn,
                const char *sql)
{
  if (!g_atomic_int_get (&preparing) || PQpipelineStatus (conn) != PQ_PIPELINE_OFF ||
      !is_plannable (sql) || matches_patterns (sql))
    return NULL;
  return statements_of (conn);
}

static gboolean
is_unprepared (gpointer key,
               gpointer value,
               gpointer user_data)
{
  return ((Statement *) value)->name == NULL;
}

static void
remember_seen (Statements *statements,
               const char *sql,
               int         n_params)
{
  Statement *statement = g_new0 (Statement, 1);

  /* Dynamic texts (a search's words, say) would otherwise grow this
   * without end: the ones sent once so far are dropped together. */
  if (g_hash_table_size (statements->by_text) - statements->n_prepared >= MAX_SEEN)
    g_hash_table_foreach_remove (statements->by_text, is_unprepared, NULL);
  statement->n_params = n_params;
  g_hash_table_insert (statements->by_text, g_strdup (sql), statement);
}

/**
 * cst_db_pipeline_next:
 *
 * Returns: (transfer full): the next statement's result in a pipeline, the
 *   NULL that ends it read too (or the Sync's result)
 */
PGresult *
cst_db_pipeline_next (PGconn *conn)
{
  PGresult *res = PQgetResult (conn);

  if (res != NULL && PQresultStatus (res) != PGRES_PIPELINE_SYNC)
    {
      PGresult *end = PQgetResult (conn);

      g_warn_if_fail (end == NULL);
      PQclear (end);
    }
  return res;
}

/* Prepares @statement under a name never used on this connection and runs
 * it, in one pipeline: one round trip, as its text would have been. */
static PGresult *
prepare_and_exec (Statements        *statements,
                  Statement         *statement,
                  PGconn            *conn,
                  const char        *sql,
                  const char *const *params,
                  int                format)
{
  g_autofree char *name = g_strdup_printf ("cst_%u", ++statements->serial);
  g_autoptr(PGresult) prepared = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) sync = NULL;

  /* Not at rest (a result still to be read): sent as text, as before. */
  if (!PQenterPipelineMode (conn))
    return PQexecParams (conn, sql, statement->n_params, NULL, params, NULL, NULL, format);
  if (PQsendPrepare (conn, name, sql, statement->n_params, NULL) &&
      PQsendQueryPrepared (conn, name, statement->n_params, params, NULL, NULL, format) &&
      PQpipelineSync (conn))
    {
      prepared = cst_db_pipeline_next (conn);
      res = cst_db_pipeline_next (conn);
      sync = cst_db_pipeline_next (conn);
    }
  /* Only a broken connection leaves the pipeline unfinished: its error
   * is then the connection's. */
  if (!PQexitPipelineMode (conn) || PQresultStatus (sync) != PGRES_PIPELINE_SYNC)
    return NULL;
  /* A statement that cannot be prepared would have failed as text: it was
   * skipped, and the preparation's error is its error. */
  if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
    return g_steal_pointer (&prepared);
  statement->name = g_steal_pointer (&name);
  statements->n_prepared++;
  return g_steal_pointer (&res);
}

/**
 * exec_hot:
 * @ran: (out): set when @sql was run (its result returned)
 *
 * Counts a use of @sql and runs it as the statement prepared on @conn,
 * prepared at its second use.  Leaves @sql to be sent as text when it is
 * not (yet) worth preparing.
 */
static PGresult *
exec_hot (Statements        *statements,
          PGconn            *conn,
          const char        *sql,
          int                n_params,
          const char *const *params,
          int                format,
          gboolean          *ran)
{
  Statement *statement = g_hash_table_lookup (statements->by_text, sql);

  *ran = FALSE;
  if (statement == NULL)
    remember_seen (statements, sql, n_params);
  if (statement == NULL || statement->n_params != n_params)
    return NULL;
  if (statement->name != NULL)
    {
      *ran = TRUE;
      return PQexecPrepared (conn, statement->name, n_params, params, NULL, NULL, format);
    }
  /* In a failed transaction the statement fails as text too, with the
   * error the caller expects ("current transaction is aborted"). */
  if (statements->n_prepared + statements->n_outdated >= MAX_PREPARED ||
      PQtransactionStatus (conn) == PQTRANS_INERROR)
    return NULL;
  *ran = TRUE;
  return prepare_and_exec (statements, statement, conn, sql, params, format);
}

/* Whether @res says the server no longer runs @sql's prepared statement
 * as prepared; it is then forgotten, to be prepared again. */
static gboolean
forget_if_outdated (Statements     *statements,
                    const char     *sql,
                    const PGresult *res)
{
  const char *sqlstate = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  Statement *statement;

  if (sqlstate == NULL)
    return FALSE;
  /* invalid_sql_statement_name: "prepared statement does not exist". */
  if (g_str_equal (sqlstate, "26000"))
    {
      forget_all (statements);
      return TRUE;
    }
  /* feature_not_supported: "cached plan must not change result type".
   * The server's copy stays until the session ends, and still counts
   * against MAX_PREPARED. */
  if (!g_str_equal (sqlstate, "0A000") ||
      (statement = g_hash_table_lookup (statements->by_text, sql)) == NULL ||
      statement->name == NULL)
    return FALSE;
  g_clear_pointer (&statement->name, g_free);
  statements->n_prepared--;
  statements->n_outdated++;
  return TRUE;
}

/* DISCARD ALL and DEALLOCATE drop prepared statements: noticed here, a
 * transaction that goes on does not fail on ours. */
static void
notice_utility (PGconn     *conn,
                const char *sql)
{
  Statements *statements = PQinstanceData (conn, statements_event);

  while (g_ascii_isspace (*sql))
    sql++;
  if (statements != NULL &&
      (g_ascii_strncasecmp (sql, "DISCARD", 7) == 0 || g_ascii_strncasecmp (sql, "DEALLOCATE", 10) == 0))
    forget_all (statements);
}

/**
 * _cst_db_exec_statement:
 * @format: the result's format: 0 text, 1 binary
 *
 * PQexecParams(), with @sql prepared on @conn once it is hot (see above).
 *
 * Returns: (transfer full): the result, as PQexecParams() would return it
 */
PGresult *
_cst_db_exec_statement (PGconn            *conn,
                        const char        *sql,
                        int                n_params,
                        const char *const *params,
                        int                format)
{
  Statements *statements = statements_for (conn, sql);
  PGresult *res = NULL;
  gboolean ran = FALSE;

  if (statements != NULL)
    res = exec_hot (statements, conn, sql, n_params, params, format, &ran);
  /* Outside a transaction block, a call that failed on an outdated
   * statement was its own transaction: running it again changes nothing
   * else. */
  if (ran && forget_if_outdated (statements, sql, res) &&
      PQtransactionStatus (conn) == PQTRANS_IDLE)
    {
      g_clear_pointer (&res, PQclear);
      res = exec_hot (statements, conn, sql, n_params, params, format, &ran);
      if (ran)
        forget_if_outdated (statements, sql, res);
    }
  if (ran)
    return res;
  res = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, format);
  notice_utility (conn, sql);
  return res;
}

/**
 * cst_db_send_query:
 *
 * PQsendQueryParams() of @sql, or PQsendQueryPrepared() of its statement
 * when cst_db_exec() prepared it on @conn: for a pipeline, where nothing
 * is prepared (a statement sent only there stays text).  Check each
 * result with cst_db_forget_if_outdated().
 *
 * Returns: whether it was sent
 */
gboolean
cst_db_send_query (PGconn            *conn,
                   const char        *sql,
                   int                n_params,
                   const char *const *params)
{
  Statements *statements = g_atomic_int_get (&preparing) ? PQinstanceData (conn, statements_event)
                                                         : NULL;
  Statement *statement = statements ? g_hash_table_lookup (statements->by_text, sql) : NULL;

  if (statement != NULL && statement->name != NULL && statement->n_params == n_params)
    return PQsendQueryPrepared (conn, statement->name, n_params, params, NULL, NULL, 0);
  return PQsendQueryParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
}

/**
 * _cst_db_mark_notices_after:
 *
 * Remembers that the transaction @conn is opening keeps its request notices
 * for after its commit (cst_db_join()).
 *
 * Returns: %FALSE when @conn can keep nothing (libpq refused the event
 *   procedure): the transaction then notifies inside its commit
 */
gboolean
_cst_db_mark_notices_after (PGconn *conn)
{
  Statements *statements = statements_of (conn);

  if (statements == NULL)
    return FALSE;
  statements->notices_after_commit = TRUE;
  return TRUE;
}

/**
 * _cst_db_take_notices_after:
 *
 * Returns: whether @conn's transaction keeps its request notices for after
 *   its commit, forgotten by this call (the transaction is ending)
 */
gboolean
_cst_db_take_notices_after (PGconn *conn)
{
  Statements *statements = PQinstanceData (conn, statements_event);
  gboolean after = statements != NULL && statements->notices_after_commit;

  if (statements != NULL)
    statements->notices_after_commit = FALSE;
  return after;
}

/* send_request_notices()'s answer: a write committed whatever it says,
 * so a failure is only told (no patient data: the server's message about
 * the function). */
void
_cst_db_check_notices_sent (const PGresult *sent)
{
  if (PQresultStatus (sent) != PGRES_TUPLES_OK)
    g_warning ("Request notices not sent after a commit: %s",
               sent ? PQresultErrorMessage (sent) : "no answer");
}

/* Sends the writes' statements of cst_db_write_and_read(): @notices, the
 * request notices' statements before and after the Sync. */
static gboolean
send_write_and_read (PGconn            *conn,
                     gboolean           notices,
                     const char        *write,
                     int                n_write,
                     const char *const *write_params,
                     const char        *read,
                     int                n_read,
                     const char *const *read_params)
{
  return (!notices || PQsendQueryParams (conn, CST_DB_DEFER_NOTICES_SQL, 0, NULL, NULL, NULL,
                                         NULL, 0)) &&
         cst_db_send_query (conn, write, n_write, write_params) &&
         cst_db_send_query (conn, read, n_read, read_params) &&
         PQpipelineSync (conn) &&
         (!notices || (PQsendQueryParams (conn, CST_DB_SEND_NOTICES_SQL, 0, NULL, NULL, NULL,
                                          NULL, 0) &&
                       PQpipelineSync (conn)));
}

/**
 * cst_db_write_and_read:
 * @write: a statement that writes, with @n_write parameters @write_params
 * @read: a statement that reads back what @write wrote
 * @written: (out): @write's result
 * @stored: (out): @read's result
 *
 * Sends @write and @read together and reads their answers together: one
 * round trip.  Outside a transaction block the two are one implicit
 * transaction, committed at the pipeline's Sync and rolled back whole if
 * either fails (the row @write locks stays locked for one round trip, not
 * for the three of BEGIN, the statements and COMMIT), and the request
 * notices the write raised are sent right after that commit, in the same
 * round trip (resources/sql/0134-request-notices-after-commit.sql).
 * Inside the caller's transaction they are two more of its steps.  Check
 * each result with cst_db_forget_if_outdated().
 *
 * Returns: %FALSE (@error set) when the connection broke; the results
 *   tell everything else
 */
gboolean
cst_db_write_and_read (PGconn            *conn,
                       const char        *write,
                       int                n_write,
                       const char *const *write_params,
                       const char        *read,
                       int                n_read,
                       const char *const *read_params,
                       PGresult         **written,
                       PGresult         **stored,
                       GError           **error)
{
  gboolean notices = PQtransactionStatus (conn) == PQTRANS_IDLE;
  g_autoptr(PGresult) deferred = NULL;
  g_autoptr(PGresult) sync = NULL;
  g_autoptr(PGresult) sent = NULL;
  g_autoptr(PGresult) sent_sync = NULL;

  if (!PQenterPipelineMode (conn))
    {
      cst_db_set_error_from_result (error, NULL, conn);
      return FALSE;
    }
  if (send_write_and_read (conn, notices, write, n_write, write_params, read, n_read, read_params))
    {
      deferred = notices ? cst_db_pipeline_next (conn) : NULL;
      *written = cst_db_pipeline_next (conn);
      *stored = cst_db_pipeline_next (conn);
      sync = cst_db_pipeline_next (conn);
      sent = notices ? cst_db_pipeline_next (conn) : NULL;
      sent_sync = notices ? cst_db_pipeline_next (conn) : NULL;
    }
  if (PQresultStatus (sync) != PGRES_PIPELINE_SYNC ||
      (notices && PQresultStatus (sent_sync) != PGRES_PIPELINE_SYNC) ||
      !PQexitPipelineMode (conn))
    {
      /* Only a broken connection leaves the pipeline unfinished. */
      cst_db_set_error_from_result (error, NULL, conn);
      return FALSE;
    }
  if (notices)
    _cst_db_check_notices_sent (sent);
  return TRUE;
}

/**
 * cst_db_is_prepared:
 *
 * Returns: whether cst_db_exec() has prepared @sql, with @n_params
 *   parameters, on @conn: cst_db_send_query() then sends it as that
 *   statement, not as text to plan
 */
gboolean
cst_db_is_prepared (PGconn     *conn,
                    const char *sql,
                    int         n_params)
{
  Statements *statements = g_atomic_int_get (&preparing) ? PQinstanceData (conn, statements_event)
                                                         : NULL;
  Statement *statement = statements ? g_hash_table_lookup (statements->by_text, sql) : NULL;

  return statement != NULL && statement->name != NULL && statement->n_params == n_params;
}

/**
 * cst_db_forget_if_outdated:
 * @res: the result of @sql sent with cst_db_send_query()
 *
 * Whether @res failed because the server no longer runs @sql's prepared
 * statement as prepared (a schema change under it, DISCARD ALL): it is
 * then forgotten, and prepared again at its next use.  Sending @sql again
 * is safe when no transaction block was open.
 */
gboolean
cst_db_forget_if_outdated (PGconn         *conn,
                           const char     *sql,
                           const PGresult *res)
{
  Statements *statements = PQinstanceData (conn, statements_event);

  return statements != NULL && forget_if_outdated (statements, sql, res);
}
