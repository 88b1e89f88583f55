/* cst-audit-years.c — the audit log's years walked side by side
 *
 * Each year of the log is an index range of its own (0079), so the years
 * can be read at once: one connection per year, at most @jobs at a time,
 * every connection in the same snapshot (exported by the caller's
 * REPEATABLE READ transaction), so they all see one log.  A year is read
 * through the parent table with its occurred_at range, which PostgreSQL
 * prunes to that year's partition: the walk needs no rights on the
 * partitions and the parent's row-level security applies as before.
 *
 * A year cannot check the links into its first row or across the rows of
 * another year interleaved at New Year; it hands back its runs of
 * consecutive positions and cst-audit-chain.c joins them.  A year stops at
 * its first failing row, and once some year has failed at a position, the
 * others stop reading past it: nothing after the first break is reported.
 */
#define G_LOG_DOMAIN "cst-audit-chain"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cst-audit-chain-private.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"

#define PAGE_SIZE "2000"

/* Columns 0–9 are the serialized fields, in payload order. */
#define COL_SEQ 0
#define COL_ID 1
#define COL_OCCURRED 2
#define COL_PREV_HASH 10
#define COL_ROW_HASH 11

/* One cursor, one index scan per year (a page query would descend the
 * index again for every page). */
static const char declare_sql[] =
  "DECLARE audit_year NO SCROLL CURSOR FOR "
  "SELECT chain_seq, id, "
  "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
  "actor, table_name, row_id, action, old_row::text, new_row::text, txid, "
  "encode(prev_hash, 'hex'), encode(row_hash, 'hex') "
  "FROM audit_log WHERE occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz "
  "AND chain_seq IS NOT NULL ORDER BY chain_seq";

/* What the walkers share. */
typedef struct
{
  const char *conninfo;
  const char *snapshot;
  GPtrArray  *years;
  gint        next_year;                  /* atomic */
  gint64      anchor_seq;
  const char *anchor_hash;
  GMutex      lock;
  gint64      cutoff;                     /* lowest position found failing */
  GError     *error;
} Walker;

/* A year being read: its open run and the chain so far inside it. */
typedef struct
{
  CstAuditYear *year;
  CstAuditRun   run;                      /* open when first_seq > 0 */
  guint8        prev[CST_AUDIT_CHAIN_HASH_LEN];
  char          prev_hex[CST_AUDIT_CHAIN_HEX_LEN + 1];
  GString      *payload;                  /* the row being hashed, reused */
} YearCursor;

static void
clear_run (gpointer data)
{
  g_free (((CstAuditRun *) data)->first_prev);
}

static void
year_free (gpointer data)
{
  CstAuditYear *year = data;

  g_free (year->from);
  g_free (year->to);
  g_array_unref (year->runs);
  if (year->finding != NULL)
    {
      g_free (year->finding->stored_prev);
      g_free (year->finding->problem);
      g_free (year->finding);
    }
  g_free (year);
}

static void
add_year (GPtrArray  *years,
          int         year,
          const char *from,
          const char *to)
{
  CstAuditYear *entry = g_new0 (CstAuditYear, 1);

  entry->year = year;
  entry->from = g_strdup (from);
  entry->to = g_strdup (to);
  entry->runs = g_array_new (FALSE, TRUE, sizeof (CstAuditRun));
  g_array_set_clear_func (entry->runs, clear_run);
  g_ptr_array_add (years, entry);
}

static char *
new_year (int year)
{
  return g_strdup_printf ("%04d-01-01 00:00:00+00", year);
}

/* The attached years, and between and around them the times only the
 * default partition holds (rows of a year whose partition is not made yet
 * or is detached).  Before 0079, the whole log is one stretch. */
GPtrArray *
cst_audit_years_list (PGconn  *conn,
                      GError **error)
{
  g_autoptr(GPtrArray) years = g_ptr_array_new_with_free_func (year_free);
  g_autoptr(PGresult) kept = cst_db_exec (conn, "SELECT to_regclass('history_years') IS NOT NULL",
                                          0, NULL, error);
  g_autoptr(PGresult) res = NULL;
  g_autofree char *outside_from = g_strdup ("-infinity");

  if (kept == NULL)
    return NULL;
  if (cst_db_bool (kept, 0, 0))
    {
      res = cst_db_exec (conn, "SELECT DISTINCT year FROM history_years "
                         "WHERE table_name = 'audit_log' AND attached ORDER BY year", 0, NULL, error);
      if (res == NULL)
        return NULL;
    }
  for (int row = 0; res != NULL && row < PQntuples (res); row++)
    {
      int year = (int) cst_db_int64 (res, row, 0);
      g_autofree char *from = new_year (year);
      g_autofree char *to = new_year (year + 1);

      if (strcmp (outside_from, from) != 0)
        add_year (years, 0, outside_from, from);
      add_year (years, year, from, to);
      g_free (outside_from);
      outside_from = g_steal_pointer (&to);
    }
  add_year (years, 0, outside_from, "infinity");
  return g_steal_pointer (&years);
}

static gint64
cutoff (Walker *walker)
{
  gint64 seq;

  g_mutex_lock (&walker->lock);
  seq = walker->cutoff;
  g_mutex_unlock (&walker->lock);
  return seq;
}

static void
close_run (YearCursor *cur)
{
  if (cur->run.first_seq > 0)
    g_array_append_val (cur->year->runs, cur->run);
  else
    g_free (cur->run.first_prev);
  memset (&cur->run, 0, sizeof cur->run);
}

/* A new run starts from the link its first row stores (checked when the
 * years are joined); a malformed one hashes from zeros and fails there. */
static void
start_run (YearCursor *cur,
           const char *stored_prev)
{
  gboolean valid = stored_prev != NULL && strlen (stored_prev) == CST_AUDIT_CHAIN_HEX_LEN &&
                   strspn (stored_prev, "0123456789abcdef") == CST_AUDIT_CHAIN_HEX_LEN;

  for (int i = 0; i < CST_AUDIT_CHAIN_HASH_LEN; i++)
    cur->prev[i] = valid ? (guint8) ((g_ascii_xdigit_value (stored_prev[2 * i]) << 4) |
                                     g_ascii_xdigit_value (stored_prev[2 * i + 1]))
                         : 0;
  cur->run.first_prev = g_strdup (stored_prev);
}

static int
row_year (const PGresult *res,
          int             row)
{
  return (int) g_ascii_strtoll (cst_db_value (res, row, COL_OCCURRED), NULL, 10);
}

/* Stops the year at @row; the others stop reading past it. */
static gboolean
found (Walker         *walker,
       YearCursor     *cur,
       const PGresult *res,
       int             row,
       char           *problem)
{
  CstAuditFinding *finding = g_new0 (CstAuditFinding, 1);

  close_run (cur);
  finding->seq = cst_db_int64 (res, row, COL_SEQ);
  finding->id = cst_db_int64 (res, row, COL_ID);
  finding->year = row_year (res, row);
  finding->stored_prev = g_strdup (cst_db_value (res, row, COL_PREV_HASH));
  finding->problem = problem;
  cur->year->finding = finding;
  g_mutex_lock (&walker->lock);
  walker->cutoff = MIN (walker->cutoff, finding->seq);
  g_mutex_unlock (&walker->lock);
  return FALSE;
}

static void
extend_run (YearCursor     *cur,
            const PGresult *res,
            int             row,
            gint64          seq,
            const char      hash[CST_AUDIT_CHAIN_HEX_LEN + 1],
            const guint8    digest[CST_AUDIT_CHAIN_HASH_LEN])
{
  CstAuditRun *run = &cur->run;

  if (run->first_seq == 0)
    {
      run->first_seq = seq;
      run->first_id = cst_db_int64 (res, row, COL_ID);
      run->first_year = row_year (res, row);
    }
  run->last_seq = seq;
  run->last_id = cst_db_int64 (res, row, COL_ID);
  run->last_year = row_year (res, row);
  memcpy (run->last_hash, hash, sizeof run->last_hash);
  memcpy (cur->prev, digest, CST_AUDIT_CHAIN_HASH_LEN);
  memcpy (cur->prev_hex, hash, sizeof cur->prev_hex);
}

/* Checks one row of a year; FALSE once the year fails.  A repeated
 * position or a broken link inside the year is found again, and worded,
 * when the years are joined. */
static gboolean
check_row (Walker         *walker,
           YearCursor     *cur,
           const PGresult *res,
           int             row)
{
  gint64 seq = cst_db_int64 (res, row, COL_SEQ);
  const char *stored_prev = cst_db_value (res, row, COL_PREV_HASH);
  gboolean open = cur->run.first_seq > 0;
  guint8 digest[CST_AUDIT_CHAIN_HASH_LEN];
  char hash[CST_AUDIT_CHAIN_HEX_LEN + 1];

  if ((open && seq <= cur->run.last_seq) ||
      (open && seq == cur->run.last_seq + 1 && g_strcmp0 (stored_prev, cur->prev_hex) != 0))
    return found (walker, cur, res, row, NULL);
  if (!open || seq != cur->run.last_seq + 1)
    {
      close_run (cur);
      start_run (cur, stored_prev);
    }
  cst_audit_chain_row_hash (cur->prev, res, row, cur->payload, digest, hash);
  if (g_strcmp0 (cst_db_value (res, row, COL_ROW_HASH), hash) != 0)
    return found (walker, cur, res, row,
                  g_strdup (_("The row’s content does not match its hash: it was changed after "
                              "it was written.")));
  if (seq == walker->anchor_seq)
    {
      cur->year->anchor_seen = TRUE;
      if (g_ascii_strcasecmp (hash, walker->anchor_hash) != 0)
        return found (walker, cur, res, row,
                      g_strdup (_("The chain differs from the anchor recorded earlier: the log "
                                  "was rewritten up to this row.")));
    }
  extend_run (cur, res, row, seq, hash, digest);
  return TRUE;
}

/* Reads one year in chain order until it ends, fails, or passes the
 * position where another year failed. */
static gboolean
walk_year (Walker        *walker,
           PGconn        *conn,
           CstAuditYear  *year,
           GError       **error)
{
  const char *params[] = { year->from, year->to };
  g_autoptr(GString) payload = g_string_sized_new (1024);
  YearCursor cur = { .year = year, .payload = payload };
  gboolean going = TRUE;

  if (!cst_db_exec_command (conn, declare_sql, 2, params, error))
    return FALSE;
  while (going)
    {
      g_autoptr(PGresult) page = cst_db_exec (conn, "FETCH " PAGE_SIZE " FROM audit_year", 0, NULL,
                                              error);
      int n;

      if (page == NULL)
        return FALSE;
      n = PQntuples (page);
      going = n > 0 && cst_db_int64 (page, 0, COL_SEQ) <= cutoff (walker);
      for (int row = 0; going && row < n; row++)
        going = check_row (walker, &cur, page, row);
    }
  close_run (&cur);
  return cst_db_exec_command (conn, "CLOSE audit_year", 0, NULL, error);
}

static void
fail (Walker *walker,
      GError *error)
{
  g_mutex_lock (&walker->lock);
  if (walker->error == NULL)
    walker->error = error;
  else
    g_error_free (error);
  walker->cutoff = 0;
  g_mutex_unlock (&walker->lock);
}

/* Takes years off the shared list until none is left. */
static gboolean
walk_years (Walker  *walker,
            PGconn  *conn,
            GError **error)
{
  for (;;)
    {
      guint next = (guint) g_atomic_int_add (&walker->next_year, 1);

      if (next >= walker->years->len)
        return TRUE;
      if (cutoff (walker) == 0 ||
          !walk_year (walker, conn, g_ptr_array_index (walker->years, next), error))
        return error == NULL || *error == NULL;
    }
}

/* A connection of the walk's own, in the caller's snapshot. */
static PGconn *
join_snapshot (Walker  *walker,
               GError **error)
{
  g_autoptr(PGconn) conn = cst_db_connect (walker->conninfo, error);
  const char *params[] = { walker->snapshot };
  g_autoptr(PGresult) set = NULL;

  if (conn == NULL)
    return NULL;
  PQsetClientEncoding (conn, "UTF8");
  /* SET TRANSACTION takes no parameters and must come first in the
   * transaction; the identifier is quoted by the server beforehand. */
  set = cst_db_exec (conn, "SELECT format('SET TRANSACTION SNAPSHOT %L', $1::text)", 1, params, error);
  if (set == NULL || !cst_db_begin_snapshot (conn, error) ||
      !cst_db_exec_command (conn, cst_db_value (set, 0, 0), 0, NULL, error))
    return NULL;
  return g_steal_pointer (&conn);
}

static gpointer
walker_thread (gpointer data)
{
  Walker *walker = data;
  GError *error = NULL;
  g_autoptr(PGconn) conn = join_snapshot (walker, &error);

  if (conn == NULL || !walk_years (walker, conn, &error))
    fail (walker, error);
  if (conn != NULL)
    cst_db_rollback (conn);
  return NULL;
}

static gboolean
walk_in_parallel (Walker  *walker,
                  PGconn  *conn,
                  guint    jobs,
                  GError **error)
{
  g_autoptr(PGresult) exported = cst_db_exec (conn, "SELECT pg_export_snapshot()", 0, NULL, error);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  if (exported == NULL)
    return FALSE;
  walker->snapshot = cst_db_value (exported, 0, 0);
  for (guint i = 0; i < jobs; i++)
    g_ptr_array_add (threads, g_thread_new ("audit-year", walker_thread, walker));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  if (walker->error != NULL)
    {
      g_propagate_error (error, walker->error);
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_audit_years_walk:
 * @conn: in a REPEATABLE READ transaction, client encoding UTF-8
 * @conninfo: (nullable): where to open more connections; NULL walks every
 *   year on @conn, one after the other
 * @jobs: how many years to read at once
 * @years: (element-type CstAuditYear): from cst_audit_years_list(); each
 *   gets its runs, finding and whether it saw the anchor
 */
gboolean
cst_audit_years_walk (PGconn      *conn,
                      const char  *conninfo,
                      guint        jobs,
                      GPtrArray   *years,
                      gint64       anchor_seq,
                      const char  *anchor_hash,
                      GError     **error)
{
  Walker walker = {
    .conninfo = conninfo,
    .years = years,
    .anchor_seq = anchor_seq,
    .anchor_hash = anchor_hash,
    .cutoff = G_MAXINT64,
  };
  gboolean ok;

  g_mutex_init (&walker.lock);
  jobs = MIN (jobs, years->len);
  ok = conninfo != NULL && jobs > 1 ? walk_in_parallel (&walker, conn, jobs, error)
                                    : walk_years (&walker, conn, error);
  g_mutex_clear (&walker.lock);
  return ok;
}
