/* cst-partition.c — the history tables kept by year
 *
 * The _at calls open a connection of their own to a conninfo, for a front
 * end that holds none (custodian-cli).
 * Thin calls into the owner-rights functions of
 * resources/sql/0079-history-by-year.sql, which hold the rules (which
 * years may be detached, the chain positions a detached audit year spans,
 * moving rows out of the default partition).  Blocking: for custodian-cli
 * and "db migrate", never the window's main loop.
 */
#define G_LOG_DOMAIN "cst-partition"

#include "config.h"

#include "custodian/cst-db.h"
#include "custodian/cst-partition.h"

void
cst_partition_year_free (CstPartitionYear *year)
{
  if (year == NULL)
    return;
  g_free (year->table);
  g_free (year->detached_by);
  g_free (year);
}

static gpointer
year_from_row (const PGresult *res,
               int             row)
{
  CstPartitionYear *year = g_new0 (CstPartitionYear, 1);

  year->table = g_strdup (cst_db_value (res, row, 0));
  year->year = (int) cst_db_int64 (res, row, 1);
  year->attached = cst_db_bool (res, row, 2);
  year->rows = PQgetisnull (res, row, 3) ? -1 : cst_db_int64 (res, row, 3);
  year->detached_by = g_strdup (cst_db_value (res, row, 4));
  return year;
}

/**
 * cst_partition_years:
 *
 * Returns: (transfer full) (element-type CstPartitionYear) (nullable): every
 *   year of every table kept by year, attached or not, by table and year
 */
GPtrArray *
cst_partition_years_at (const char  *conninfo,
                        GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return NULL;
  res = cst_db_exec (conn,
    "SELECT table_name, year, attached, row_count, detached_by FROM history_years "
    "ORDER BY table_name, year", 0, NULL, error);

  return res ? cst_db_collect_rows (res, year_from_row, (GDestroyNotify) cst_partition_year_free)
             : NULL;
}

/**
 * cst_partition_ensure_ahead:
 *
 * Makes this year's and next year's partition of every table where they
 * are missing; "db migrate" calls it on each run.
 *
 * Returns: how many partitions were made, or -1 with @error set
 */
int
cst_partition_ensure_ahead (PGconn  *conn,
                            GError **error)
{
  g_autoptr(PGresult) res = cst_db_exec (conn, "SELECT history_ensure_ahead()", 0, NULL, error);

  return res ? (int) cst_db_int64 (res, 0, 0) : -1;
}

/**
 * cst_partition_ensure_at:
 * @table: (nullable): a table kept by year, or NULL for every table's
 *   this year and next
 *
 * Makes @year's partition of @table on demand, moving rows of that year
 * out of the default partition.
 *
 * Returns: how many partitions were made, -1 with @error set
 */
int
cst_partition_ensure_at (const char  *conninfo,
                         const char  *table,
                         int          year,
                         GError     **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autofree char *year_text = g_strdup_printf ("%d", year);
  const char *params[] = { table, year_text };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return -1;
  if (table == NULL)
    return cst_partition_ensure_ahead (conn, error);
  res = cst_db_exec (conn, "SELECT history_ensure_year($1, $2::int)", 2, params, error);
  return res ? (cst_db_bool (res, 0, 0) ? 1 : 0) : -1;
}

/**
 * cst_partition_detach:
 * @tablespace: (nullable): where to move the detached year, or NULL
 *
 * Returns: the rows the year held, or -1 with @error set
 */
gint64
cst_partition_detach_at (const char  *conninfo,
                      const char  *table,
                      int          year,
                      const char  *tablespace,
                      GError     **error)
{
  g_autofree char *year_text = g_strdup_printf ("%d", year);
  const char *params[] = { table, year_text, tablespace };
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return -1;
  res = cst_db_exec (conn, "SELECT history_detach_year($1, $2::int, $3)", 3, params, error);

  return res ? cst_db_int64 (res, 0, 0) : -1;
}

/**
 * cst_partition_attach:
 *
 * Returns: the rows the year held when detached, or -1 with @error set
 */
gint64
cst_partition_attach_at (const char  *conninfo,
                      const char  *table,
                      int          year,
                      GError     **error)
{
  g_autofree char *year_text = g_strdup_printf ("%d", year);
  const char *params[] = { table, year_text };
  g_autoptr(PGconn) conn = cst_db_connect (conninfo, error);
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return -1;
  res = cst_db_exec (conn, "SELECT history_attach_year($1, $2::int)", 2, params, error);

  return res ? cst_db_int64 (res, 0, 0) : -1;
}
