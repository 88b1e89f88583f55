/* cst-db.c — parameterized libpq calls with GError reporting
 *
 * Every statement with data goes through PQexecParams, or PQexecPrepared
 * once its text is hot on the connection (cst-db-statements.c): values
 * never become part of SQL text.  Server errors are mapped from their SQLSTATE onto
 * CstError so callers and the UI can react to the kind of failure.
 */
#define G_LOG_DOMAIN "cst-db"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-keyring.h"
#include "cst-db-private.h"

static CstError
error_code_for_sqlstate (const char *sqlstate)
{
  if (sqlstate == NULL)
    return CST_ERROR_CONNECTION;

  /* Our own codes, raised by the triggers in resources/sql. */
  if (g_str_equal (sqlstate, "CS001"))
    return CST_ERROR_INVALID_TRANSITION;
  if (g_str_equal (sqlstate, "CS002"))
    return CST_ERROR_CLOSED;
  if (g_str_equal (sqlstate, "CS003"))
    return CST_ERROR_EXTENSION;
  if (g_str_equal (sqlstate, "CS004"))
    return CST_ERROR_INVALID_INPUT;
  if (g_str_equal (sqlstate, "CS005"))
    return CST_ERROR_APPEND_ONLY;
  if (g_str_equal (sqlstate, "CS006"))
    return CST_ERROR_CONFLICT;

  if (g_str_equal (sqlstate, "42501"))
    return CST_ERROR_PERMISSION_DENIED;
  /* query_canceled: statement_timeout, or a cancel request. */
  if (g_str_equal (sqlstate, "57014"))
    return CST_ERROR_TIMEOUT;
  /* Class 23: integrity constraint violations; class 22: data exceptions. */
  if (g_str_has_prefix (sqlstate, "23") || g_str_has_prefix (sqlstate, "22"))
    return CST_ERROR_INVALID_INPUT;
  /* Class 08: connection exceptions; 57P0x: the server is shutting down. */
  if (g_str_has_prefix (sqlstate, "08") || g_str_has_prefix (sqlstate, "57P"))
    return CST_ERROR_CONNECTION;
  /* Class 28: invalid authorization (wrong password, unknown role). */
  if (g_str_has_prefix (sqlstate, "28"))
    return CST_ERROR_CONNECTION;
  return CST_ERROR_DATABASE;
}

void
cst_db_set_error_from_result (GError        **error,
                              const PGresult *res,
                              PGconn         *conn)
{
  const char *sqlstate = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *message = NULL;

  if (primary == NULL)
    primary = conn ? PQerrorMessage (conn) : _("no answer from the database server");
  message = g_strstrip (g_strdup (primary));

  if (sqlstate == NULL && conn != NULL && PQstatus (conn) == CONNECTION_BAD)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                   _("The connection to the database server was lost: %s"), message);
      return;
    }
  g_set_error_literal (error, CST_ERROR, error_code_for_sqlstate (sqlstate), message);
}

/* Server notices ("relation already exists, skipping") are for debugging,
 * not for a user's terminal. */
static void
route_notice (void       *user_data,
              const char *message)
{
  g_debug ("Server notice: %s", message);
}

static gboolean
prepare_session (PGconn  *conn,
                 GError **error)
{
  /* Dates and times are parsed from text: fix their format for every session. */
  return cst_db_exec_command (conn, "SET datestyle = 'ISO, YMD'", 0, NULL, error) &&
         cst_db_exec_command (conn, "SET timezone = 'UTC'", 0, NULL, error) &&
         cst_db_exec_command (conn, "SET intervalstyle = 'iso_8601'", 0, NULL, error);
}

PGconn *
cst_db_connect (const char  *conninfo,
                GError     **error)
{
  /* Defaults first: the caller's connection string and then the PG*
   * environment override them.  A bounded connect timeout turns an
   * unreachable server into an error instead of a hang. */
  const char *timeout = g_getenv ("PGCONNECT_TIMEOUT");
  const char *const keywords[] = { "connect_timeout", "application_name", "dbname", NULL };
  const char *const values[] = { timeout ? timeout : "10", "custodian",
                                 conninfo ? conninfo : "", NULL };
  g_autoptr(PGconn) conn = PQconnectdbParams (keywords, values, 1);

  /* libpq read its password file itself; a password the user asked us to
   * remember in the desktop keyring is tried once more here. */
  if (conn != NULL && PQconnectionNeedsPassword (conn))
    {
      g_autofree char *password = cst_keyring_lookup (conninfo, NULL);
      const char *const with_keywords[] = { "connect_timeout", "application_name", "dbname",
                                            "password", NULL };
      const char *const with_values[] = { values[0], values[1], values[2], password, NULL };

      if (password != NULL)
        {
          g_clear_pointer (&conn, PQfinish);
          conn = PQconnectdbParams (with_keywords, with_values, 1);
          explicit_bzero (password, strlen (password));
        }
    }
  if (conn == NULL)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_CONNECTION,
                           _("Out of memory while connecting to the database"));
      return NULL;
    }
  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *detail = g_strstrip (g_strdup (PQerrorMessage (conn)));
      g_set_error (error, CST_ERROR, CST_ERROR_CONNECTION,
                   _("Could not connect to the database server: %s"), detail);
      return NULL;
    }
  PQsetNoticeProcessor (conn, route_notice, NULL);
  if (!prepare_session (conn, error))
    return NULL;
  return g_steal_pointer (&conn);
}

PGresult *
cst_db_exec (PGconn      *conn,
             const char  *sql,
             int          n_params,
             const char **params,
             GError     **error)
{
  g_autoptr(PGresult) res = NULL;
  ExecStatusType status;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  /* Whatever the database's encoding would let through, a parameter that
   * is not UTF-8 (an overlong NUL, a stray Latin-1 byte) is refused here,
   * before the server sees it. */
  for (int i = 0; i < n_params; i++)
    if (params[i] != NULL && !cst_input_check_text (params[i], -1, error))
      return NULL;

  res = _cst_db_exec_statement (conn, sql, n_params, params, 0);
  status = PQresultStatus (res);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    {
      cst_db_set_error_from_result (error, res, conn);
      return NULL;
    }
  return g_steal_pointer (&res);
}

gboolean
cst_db_exec_command (PGconn      *conn,
                     const char  *sql,
                     int          n_params,
                     const char **params,
                     GError     **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, sql, n_params, params, error);

  return res != NULL;
}

/* For scripts of our own only (migrations shipped in our resources, the
 * constant statements here): PQexec runs several statements, which
 * PQexecParams refuses. */
gboolean
cst_db_exec_script (PGconn      *conn,
                    const char  *script,
                    GError     **error)
{
  g_autoptr(PGresult) res = PQexec (conn, script);
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    {
      cst_db_set_error_from_result (error, res, conn);
      return FALSE;
    }
  return TRUE;
}

gboolean
cst_db_begin (PGconn  *conn,
              GError **error)
{
  return cst_db_exec_command (conn, "BEGIN", 0, NULL, error);
}

/* COMMIT, then the request notices the transaction kept back, sent in a
 * transaction of their own (0134): one round trip.  The commit's answer
 * is the call's; the notices' is only checked. */
static gboolean
commit_then_send_notices (PGconn  *conn,
                          GError **error)
{
  g_autoptr(PGresult) committed = NULL;
  g_autoptr(PGresult) sent = NULL;
  PGresult *res;

  if (!PQsendQuery (conn, "COMMIT; " CST_DB_SEND_NOTICES_SQL))
    {
      cst_db_set_error_from_result (error, NULL, conn);
      return FALSE;
    }
  committed = PQgetResult (conn);
  /* A failed COMMIT ends the script: no second answer. */
  while ((res = PQgetResult (conn)) != NULL)
    {
      g_clear_pointer (&sent, PQclear);
      sent = res;
    }
  if (PQresultStatus (committed) != PGRES_COMMAND_OK)
    {
      cst_db_set_error_from_result (error, committed, conn);
      return FALSE;
    }
  _cst_db_check_notices_sent (sent);
  return TRUE;
}

gboolean
cst_db_commit (PGconn  *conn,
               GError **error)
{
  if (_cst_db_take_notices_after (conn))
    return commit_then_send_notices (conn, error);
  return cst_db_exec_command (conn, "COMMIT", 0, NULL, error);
}

void
cst_db_rollback (PGconn *conn)
{
  g_autoptr(PGresult) res = NULL;

  /* Rolled back, the notices kept are undone with the rest. */
  _cst_db_take_notices_after (conn);
  if (PQstatus (conn) != CONNECTION_OK)
    return;
  if (PQtransactionStatus (conn) == PQTRANS_IDLE)
    return;
  res = PQexec (conn, "ROLLBACK");
}

/* One consistent, read-only view of the database for a report or an
 * export that reads several tables. */
gboolean
cst_db_begin_snapshot (PGconn  *conn,
                       GError **error)
{
  return cst_db_exec_command (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                              0, NULL, error);
}

/**
 * cst_db_end:
 * @ok: whether the work in the transaction succeeded (@error is then unset)
 *
 * Commits the transaction if @ok, rolls it back otherwise.
 *
 * Returns: %TRUE if the work succeeded and is committed
 */
gboolean
cst_db_end (PGconn  *conn,
            gboolean ok,
            GError **error)
{
  if (ok && cst_db_commit (conn, error))
    return TRUE;
  cst_db_rollback (conn);
  return FALSE;
}

/* BEGIN a transaction whose request notices wait for its commit, and are
 * sent then by cst_db_commit() (0134): a notifying commit holds
 * PostgreSQL's one notification lock to its end, and with many clerks
 * writing every commit queued behind the one before it
 * (bench/load/README.md).  One round trip, as BEGIN alone was. */
static gboolean
begin_notices_after (PGconn  *conn,
                     GError **error)
{
  if (!_cst_db_mark_notices_after (conn))
    return cst_db_begin (conn, error);
  if (cst_db_exec_script (conn, "BEGIN; " CST_DB_DEFER_NOTICES_SQL, error))
    return TRUE;
  _cst_db_take_notices_after (conn);
  return FALSE;
}

/**
 * cst_db_join:
 * @own: (out): set to whether this call began the transaction
 *
 * Begins a transaction of @kind unless the connection is already in one,
 * whose isolation then holds.  Pair with cst_db_leave().
 */
gboolean
cst_db_join (PGconn           *conn,
             CstDbTransaction  kind,
             gboolean         *own,
             GError          **error)
{
  *own = PQtransactionStatus (conn) == PQTRANS_IDLE;
  if (!*own)
    return TRUE;
  if (kind == CST_DB_SNAPSHOT)
    return cst_db_begin_snapshot (conn, error);
  return begin_notices_after (conn, error);
}

/**
 * cst_db_leave:
 * @own: what cst_db_join() said
 * @ok: whether the work succeeded
 *
 * Ends the transaction cst_db_join() began, as cst_db_end() does; a
 * caller's transaction is left for the caller to end.
 *
 * Returns: %TRUE if the work succeeded (and, if it was ours, committed)
 */
gboolean
cst_db_leave (PGconn  *conn,
              gboolean own,
              gboolean ok,
              GError **error)
{
  return own ? cst_db_end (conn, ok, error) : ok;
}

/* Human-readable "database on host as user", without the password. */
char *
cst_db_describe_connection (PGconn *conn)
{
  const char *host = PQhost (conn);

  if (host == NULL || host[0] == '/' || host[0] == '\0')
    host = _("this computer");
  return g_strdup_printf (_("database “%s” on %s as %s"),
                          PQdb (conn), host, PQuser (conn));
}

static guint32
copy_uint32 (const char *bytes)
{
  guint32 value;

  memcpy (&value, bytes, sizeof value);
  return GUINT32_FROM_BE (value);
}

/* A binary COPY stream begins with a signature, flags and an extension's
 * length (and the extension). */
static const char copy_signature[11] = "PGCOPY\n\377\r\n";
#define COPY_HEADER_LENGTH (sizeof copy_signature + 8)

/**
 * cst_db_copy_split_row:
 * @data: one message of a `COPY … TO STDOUT (FORMAT binary)`, as
 *   PQgetCopyData() gave it
 * @header_read: (inout): whether the stream's header was read (FALSE
 *   before the first message)
 * @values: (out) (array length=n_columns): each column's bytes, or %NULL
 * @lengths: (out) (array length=n_columns): each column's length
 *
 * Splits one message into its columns, in place: the server sends a row a
 * message, the stream's header before the first, and the end as a row of
 * -1 columns.  Every length is checked against the message.
 *
 * Returns: 1 for a row, 0 for the end of the stream, -1 for anything else
 */
int
cst_db_copy_split_row (const char  *data,
                       int          size,
                       gboolean    *header_read,
                       int          n_columns,
                       const char **values,
                       int         *lengths)
{
  const char *end = data + size;
  const char *p = data;
  gint16 count;

  if (!*header_read)
    {
      if (size < (int) COPY_HEADER_LENGTH || memcmp (p, copy_signature, sizeof copy_signature) != 0 ||
          copy_uint32 (p + sizeof copy_signature + 4) > (guint32) (size - COPY_HEADER_LENGTH))
        return -1;
      p += COPY_HEADER_LENGTH + copy_uint32 (p + sizeof copy_signature + 4);
      *header_read = TRUE;
    }
  if (end - p < 2)
    return -1;
  count = (gint16) (((guint8) p[0] << 8) | (guint8) p[1]);
  p += 2;
  if (count == -1)
    return 0;
  if (count != n_columns)
    return -1;
  for (int col = 0; col < n_columns; col++)
    {
      gint32 length;

      if (end - p < 4)
        return -1;
      length = (gint32) copy_uint32 (p);
      p += 4;
      if (length < -1 || length > end - p)
        return -1;
      values[col] = length < 0 ? NULL : p;
      lengths[col] = MAX (length, 0);
      p += MAX (length, 0);
    }
  return 1;
}

/**
 * cst_db_int_param:
 *
 * Returns: (transfer full): @value as a query parameter ("$1::bigint")
 */
char *
cst_db_int_param (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/**
 * cst_db_collect_rows:
 * @from_row: makes one element of a row
 * @free_func: frees an element
 *
 * Returns: (transfer full): the elements of every row of @res, in order
 */
GPtrArray *
cst_db_collect_rows (const PGresult *res,
                     CstDbRowFunc    from_row,
                     GDestroyNotify  free_func)
{
  GPtrArray *list = g_ptr_array_new_full ((guint) PQntuples (res), free_func);

  for (int row = 0; row < PQntuples (res); row++)
    g_ptr_array_add (list, from_row (res, row));
  return list;
}

const char *
cst_db_value (const PGresult *res,
              int             row,
              int             col)
{
  if (PQgetisnull (res, row, col))
    return NULL;
  return PQgetvalue (res, row, col);
}

gint64
cst_db_int64 (const PGresult *res,
              int             row,
              int             col)
{
  const char *text = cst_db_value (res, row, col);

  return text ? g_ascii_strtoll (text, NULL, 10) : 0;
}

gboolean
cst_db_bool (const PGresult *res,
             int             row,
             int             col)
{
  const char *text = cst_db_value (res, row, col);

  return text != NULL && text[0] == 't';
}

/* Dates travel as ISO 8601 text; sessions are set to DateStyle ISO. */
GDate *
cst_db_date (const PGresult *res,
             int             row,
             int             col)
{
  const char *text = cst_db_value (res, row, col);
  unsigned year, month, day;

  if (text == NULL || sscanf (text, "%4u-%2u-%2u", &year, &month, &day) != 3)
    return NULL;
  if (!g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_new_dmy (day, month, year);
}

GDateTime *
cst_db_timestamp (const PGresult *res,
                  int             row,
                  int             col)
{
  const char *text = cst_db_value (res, row, col);
  g_autofree char *iso = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL)
    return NULL;
  /* "2026-11-23 10:03:04.123+00" → ISO 8601 with a T separator. */
  iso = g_strdup (text);
  if (strlen (iso) > 10 && iso[10] == ' ')
    iso[10] = 'T';
  if (g_str_has_suffix (iso, "+00"))
    {
      g_autofree char *tmp = g_steal_pointer (&iso);
      iso = g_strconcat (tmp, ":00", NULL);
    }
  return g_date_time_new_from_iso8601 (iso, utc);
}
