/* cst-report-database.c — reports read from a PostgreSQL hot standby
 *
 * PostgreSQL's own streaming replication keeps the replica; this only
 * opens it read-only, asks how far behind it is, and says so.  The lag is
 * 0 while the replica has replayed everything it received, else the age of
 * the last transaction it replayed: an idle primary sends no transactions,
 * so the age alone would call a replica that is up to date "behind".
 */
#define G_LOG_DOMAIN "custodian-reports"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "custodian/cst-connection.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"
#include "custodian/cst-locale-format.h"
#include "custodian/cst-report-database.h"

static void
append_conninfo_value (GString    *out,
                       const char *keyword,
                       const char *value)
{
  g_string_append_printf (out, "%s%s='", out->len ? " " : "", keyword);
  for (const char *c = value; *c; c++)
    {
      if (*c == '\'' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '\'');
}

/**
 * cst_report_database_conninfo:
 * @conninfo: the report database as the user gave it (keywords or a URI)
 *
 * The same connection with `default_transaction_read_only=on` added to its
 * server options, so nothing written by mistake can reach it even where the
 * server would allow it (a report database that is not a standby).
 *
 * Returns: (transfer full): the conninfo to open, or NULL with @error set
 *   when @conninfo cannot be understood
 */
char *
cst_report_database_conninfo (const char  *conninfo,
                              GError     **error)
{
  g_autofree char *parse_error = NULL;
  PQconninfoOption *options = PQconninfoParse (conninfo ? conninfo : "", &parse_error);
  GString *out;
  gboolean had_options = FALSE;

  if (options == NULL)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("The report database connection cannot be understood: %s"),
                   parse_error ? g_strstrip (parse_error) : "");
      if (parse_error)
        PQfreemem (g_steal_pointer (&parse_error));
      return NULL;
    }
  out = g_string_new (NULL);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (g_str_equal (o->keyword, "options"))
        {
          g_autofree char *both = g_strdup_printf ("%s%s-c default_transaction_read_only=on",
                                                   o->val ? o->val : "", o->val ? " " : "");
          append_conninfo_value (out, o->keyword, both);
          had_options = TRUE;
        }
      else if (o->val != NULL)
        append_conninfo_value (out, o->keyword, o->val);
    }
  if (!had_options)
    append_conninfo_value (out, "options", "-c default_transaction_read_only=on");
  PQconninfoFree (options);
  return g_string_free (out, FALSE);
}

/**
 * cst_report_database_connect:
 *
 * Opens the report database read-only (cst_report_database_conninfo()).
 */
PGconn *
cst_report_database_connect (const char  *conninfo,
                             GError     **error)
{
  g_autofree char *reading = cst_report_database_conninfo (conninfo, error);

  return reading != NULL ? cst_db_connect (reading, error) : NULL;
}

CstReportReading *
cst_report_reading_new (CstReportReadingState  state,
                        guint                  lag_limit,
                        const char            *problem)
{
  CstReportReading *reading = g_new0 (CstReportReading, 1);

  reading->state = state;
  reading->lag_limit = lag_limit;
  reading->problem = g_strdup (problem);
  return reading;
}

void
cst_report_reading_free (CstReportReading *reading)
{
  if (reading == NULL)
    return;
  g_clear_pointer (&reading->as_of, g_date_time_unref);
  g_free (reading->problem);
  g_free (reading);
}

/**
 * cst_report_reading_check:
 * @conn: the report database
 * @lag_limit: seconds it may be behind
 *
 * A database that is not in recovery (not a standby) is read as it is,
 * as of now.
 */
CstReportReading *
cst_report_reading_check (PGconn  *conn,
                          guint    lag_limit,
                          GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT coalesce(pg_last_xact_replay_timestamp(), now()), "
    "       CASE WHEN NOT pg_is_in_recovery() "
    "              OR pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() "
    "            THEN 0 "
    "            ELSE greatest(0, floor(extract(epoch FROM "
    "                   now() - coalesce(pg_last_xact_replay_timestamp(), "
    "                                    pg_postmaster_start_time()))))::bigint "
    "       END",
    0, NULL, error);
  CstReportReading *reading;

  if (res == NULL)
    return NULL;
  reading = cst_report_reading_new (CST_REPORT_READING_REPLICA, lag_limit, NULL);
  reading->as_of = cst_db_timestamp (res, 0, 0);
  reading->lag_seconds = cst_db_int64 (res, 0, 1);
  if (reading->lag_seconds > (gint64) lag_limit)
    reading->state = CST_REPORT_READING_LAGGING;
  return reading;
}

/**
 * cst_report_database_check_at:
 *
 * The blocking check of custodian-cli, on a connection of its own opened
 * and closed here.
 *
 * Returns: (transfer full): how the report database is: never NULL (one
 *   that cannot be reached is UNREACHABLE, the reason in its problem)
 */
CstReportReading *
cst_report_database_check_at (const char *conninfo,
                              guint       lag_limit)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  CstReportReading *reading = NULL;

  if ((conn = cst_report_database_connect (conninfo, &error)) == NULL ||
      (reading = cst_report_reading_check (conn, lag_limit, &error)) == NULL)
    return cst_report_reading_new (CST_REPORT_READING_UNREACHABLE, lag_limit, error->message);
  return reading;
}

/* Lagging or unreachable: the user should hear of it and may want the
 * primary instead. */
gboolean
cst_report_reading_is_trouble (const CstReportReading *reading)
{
  return reading->state == CST_REPORT_READING_LAGGING ||
         reading->state == CST_REPORT_READING_UNREACHABLE;
}

static char *
describe_lag (gint64 seconds)
{
  if (seconds < 120)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld second", "%lld seconds", (gulong) seconds),
                            (long long) seconds);
  if (seconds < 2 * 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld minute", "%lld minutes", (gulong) (seconds / 60)),
                            (long long) (seconds / 60));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld hour", "%lld hours", (gulong) (seconds / 3600)),
                          (long long) (seconds / 3600));
}

/**
 * cst_report_reading_describe:
 *
 * Returns: (transfer full): one sentence for the screen or the terminal:
 *   "As of …" for the replica, why it is not used otherwise
 */
char *
cst_report_reading_describe (const CstReportReading *reading)
{
  g_autofree char *as_of = cst_locale_format_date_time (reading->as_of);
  g_autofree char *lag = describe_lag (reading->lag_seconds);
  g_autofree char *limit = describe_lag (reading->lag_limit);

  switch (reading->state)
    {
    case CST_REPORT_READING_PRIMARY:
      return g_strdup (_("Read from the main database, up to the minute."));
    case CST_REPORT_READING_REPLICA:
      return g_strdup_printf (_("As of %s (from the report database)."), as_of);
    case CST_REPORT_READING_LAGGING:
      return g_strdup_printf (_("The report database is %s behind (more than %s): its figures are as of %s."),
                              lag, limit, as_of);
    case CST_REPORT_READING_UNREACHABLE:
    default:
      return g_strdup_printf (_("The report database cannot be reached: %s"),
                              reading->problem ? reading->problem : "");
    }
}

typedef struct
{
  guint lag_limit;
} CheckJob;

static gpointer
check_in_worker (PGconn   *conn,
                 gpointer  data,
                 GError  **error)
{
  CheckJob *job = data;

  return cst_report_reading_check (conn, job->lag_limit, error);
}

/**
 * cst_report_reading_check_async:
 * @replica: a connection made with cst_connection_new_for_reading()
 *
 * Asks the replica how far behind it is, on its worker thread.
 */
void
cst_report_reading_check_async (CstConnection       *replica,
                                guint                lag_limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CheckJob *job = g_new0 (CheckJob, 1);

  job->lag_limit = lag_limit;
  cst_connection_run_async (replica, check_in_worker, job, g_free,
                            (GDestroyNotify) cst_report_reading_free, cancellable, callback,
                            user_data);
}

/**
 * cst_report_reading_check_finish:
 *
 * A replica that cannot be reached is a reading (UNREACHABLE, the reason
 * in its problem), not an error: the view says so and offers the primary.
 *
 * Returns: (transfer full): the reading, or NULL with @error set (cancelled,
 *   or the server refused the question)
 */
CstReportReading *
cst_report_reading_check_finish (CstConnection  *replica,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  CstReportReading *reading = cst_connection_run_finish (replica, result, &local_error);

  if (reading != NULL)
    return reading;
  if (g_error_matches (local_error, CST_ERROR, CST_ERROR_CONNECTION))
    return cst_report_reading_new (CST_REPORT_READING_UNREACHABLE, 0, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}
