/* cst-audit-years.c — the audit log's years walked side by side
 *
 * Each year of the log is an index range of its own (0079), so the years
 * can be read at once: one connection per year, at most @jobs at a time,
 * and a year itself in pieces of consecutive chain positions (index
 * ranges too) so that every connection stays busy to the end.  Every
 * connection is in the same snapshot (exported by the caller's
 * REPEATABLE READ transaction), so they all see one log.  A year is read
 * through the parent table with its occurred_at range, which PostgreSQL
 * prunes to that year's partition: the walk needs no rights on the
 * partitions and the parent's row-level security applies as before.
 *
 * Or each year is read as stored (CST_AUDIT_WALK_AS_STORED): one
 * sequential scan of its partition, whole, in the order the table holds
 * the rows, which is the chain's but for rows linked late or written into
 * space vacuum freed; a row out of order starts a run of its own, and the
 * runs are put in chain order when the years are joined.  No index is
 * read, no row is visited through it, and a partition larger than a
 * quarter of shared_buffers is read through PostgreSQL's small ring of
 * buffers for bulk reads instead of cycling all of shared_buffers.
 *
 * A year cannot check the links into its first row or across the rows of
 * another year interleaved at New Year; it hands back its runs of
 * consecutive positions and cst-audit-chain.c joins them.  Read by
 * position, a year stops at its first failing row, and once some year has
 * failed at a position, the others stop reading past it; read as stored,
 * it reads on and keeps its first failing row in chain order.  Either way
 * nothing after the first break is reported.
 */
#define G_LOG_DOMAIN "cst-audit-chain"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cst-audit-chain-private.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"

/* Columns 0–9 are the serialized fields, in payload order. */
#define COL_SEQ 0
#define COL_ID 1
#define COL_OCCURRED 2
#define COL_ROW_ID 5
#define COL_OLD_ROW 7
#define COL_NEW_ROW 8
#define COL_TXID 9
#define COL_PREV_HASH 10
#define COL_ROW_HASH 11
#define COL_OCCURRED_TEXT 12

/* A piece of a year is read by COPY, in chunks of CHUNK_ROWS rows in
 * chain order, each one index scan from where the last ended: the server
 * streams a chunk's rows while the client hashes the ones before, with no
 * round trip per page and no result set built per page (a cursor's FETCH
 * of the same rows cost the server ~40 % more CPU: bench/system/README.md).
 * The rows come in binary: the server neither formats the time nor
 * hex-encodes the hashes, about a quarter of its work per row; the client
 * writes the time as to_char would (below), and takes the server's to_char
 * for the times outside years 1–9999, where the format's width or era
 * differ (the last column, NULL for the others). */
#define CHUNK_ROWS 50000

/* CHUNK_ROWS, but for tests of the chunks' seams. */
static gint64 chunk_rows = CHUNK_ROWS;

/* The rows of a piece, every column the serialization takes. */
#define PIECE_ROWS \
  "FROM audit_log WHERE occurred_at >= %s::timestamptz AND occurred_at < %s::timestamptz " \
  "AND chain_seq BETWEEN %s::bigint AND %s::bigint "
#define ODD_TIME \
  "CASE WHEN NOT (occurred_at >= '0001-01-01 00:00:00+00' AND occurred_at < '10000-01-01 00:00:00+00') "
#define IN_CHAIN_ORDER "ORDER BY chain_seq LIMIT %s::bigint"

static const char copy_sql[] =
  "COPY (SELECT chain_seq, id, occurred_at, actor, table_name, row_id, action, old_row, new_row, "
  "txid, prev_hash, row_hash, "
  ODD_TIME "THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END "
  PIECE_ROWS "%s) TO STDOUT (FORMAT binary)";

/* The same chunk with each row's hash computed where the rows are: the
 * server reads a row, writes its canonical serialization (0003), hashes it
 * with PostgreSQL's built-in sha256() over the stored link, and sends the
 * position, id, time, stored link, stored hash and the hash it computed:
 * about 150 bytes a row instead of the whole row.  The serialization's
 * fields come as NULLs in their columns, so the stream has the client's
 * shape plus the computed hash; this side still checks every hash against
 * the stored one and every link, as for rows hashed here.
 *
 * The expression travels from here, never a function stored in the
 * database: every function and operator is named in pg_catalog, which only
 * a superuser can change, so a table owner who rewrote rows (and can
 * replace audit_chain_payload, or put a schema of his before pg_catalog
 * in the search path) cannot make it hash anything but the stored bytes.
 * F(v) is 0003's audit_chain_field: "-\n" for NULL, else
 * "LENGTH:VALUE\n" (a NULL makes the whole || chain NULL, hence the
 * COALESCE).  The inner query (its ORDER BY and LIMIT, or OFFSET 0) is
 * kept from being merged into the outer one, so each jsonb and time is
 * written to text once, not once for its length and again for its value. */
#define CAT " OPERATOR(pg_catalog.||) "
#define FIELD(v) "COALESCE(pg_catalog.octet_length(" v ")::pg_catalog.text" CAT "':'" CAT v ", '-')" \
                 CAT "E'\\n'"
#define BIGINT_FIELD(v) FIELD (v "::pg_catalog.text")

static const char hash_copy_sql[] =
  "COPY (SELECT chain_seq, id, occurred_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
  "prev_hash, row_hash, " ODD_TIME "THEN occurred_text END, "
  "pg_catalog.sha256(CASE WHEN pg_catalog.octet_length(prev_hash) OPERATOR(pg_catalog.=) 32 "
  "                       THEN prev_hash ELSE pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex') END"
  CAT "pg_catalog.convert_to(E'custodian-audit-v1\\n'"
  CAT BIGINT_FIELD ("chain_seq") CAT BIGINT_FIELD ("id") CAT FIELD ("occurred_text")
  CAT FIELD ("actor") CAT FIELD ("table_name") CAT BIGINT_FIELD ("row_id") CAT FIELD ("action")
  CAT FIELD ("old_text") CAT FIELD ("new_text") CAT BIGINT_FIELD ("txid") ", 'UTF8')) "
  "FROM (SELECT chain_seq, id, occurred_at, actor, table_name, row_id, action, "
  "             old_row::pg_catalog.text AS old_text, new_row::pg_catalog.text AS new_text, txid, "
  "             prev_hash, row_hash, "
  "             pg_catalog.to_char(pg_catalog.timezone('UTC'::pg_catalog.text, occurred_at), "
  "                                'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS occurred_text "
  PIECE_ROWS "%s) r) TO STDOUT (FORMAT binary)";

#undef CAT
#undef FIELD
#undef BIGINT_FIELD
#undef ODD_TIME
#undef PIECE_ROWS

#define N_COLUMNS 13
#define COL_DIGEST N_COLUMNS              /* the server's hash, in hash_copy_sql */
#define MAX_COLUMNS (N_COLUMNS + 1)

/* One row of the COPY stream: each column's bytes, or NULL. */
typedef struct
{
  const char *value[MAX_COLUMNS];
  int         length[MAX_COLUMNS];
} WireRow;

/* A row of the stream decoded from binary into the text the
 * serialization takes, in buffers reused from row to row. */
typedef struct
{
  CstAuditFields fields;
  gint64         seq;
  gint64         id;
  int            year;
  const char    *stored_prev;             /* the link as hex, NULL for NULL */
  const guint8  *row_hash;
  int            row_hash_length;
  const guint8  *digest;                  /* computed by the server, or NULL */
  int            digest_length;
  char           numbers[4][24];          /* chain_seq, id, row_id, txid */
  char           occurred[32];
  GString       *prev_hex;
} AuditRow;

/* What the walkers share. */
typedef struct
{
  const char *conninfo;
  const char *snapshot;
  GPtrArray  *years;
  gint        next_year;                  /* atomic */
  gint64      anchor_seq;
  const char *anchor_hash;
  gboolean    on_server;                  /* the server hashes the rows */
  gboolean    as_stored;                  /* each piece by a sequential scan */
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
  AuditRow      row;                      /* the row being checked */
  GHashTable   *run_ends;                 /* a run's last position + 1 → its index + 1 */
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
  /* Every position, even one no linker writes (0 or below): a row moved
   * there must still be read, and found out. */
  entry->from_seq = G_MININT64;
  entry->to_seq = G_MAXINT64;
  entry->runs = g_array_new (FALSE, TRUE, sizeof (CstAuditRun));
  g_array_set_clear_func (entry->runs, clear_run);
  g_ptr_array_add (years, entry);
}

static char *
new_year (int year)
{
  return g_strdup_printf ("%04d-01-01 00:00:00+00", year);
}

/* Pieces of a stretch to read on their own, by chain position. */
#define PIECES_PER_JOB 4

/* The positions a stretch holds, first and last; FALSE on error. */
static gboolean
stretch_bounds (PGconn        *conn,
                CstAuditYear  *stretch,
                gint64        *first,
                gint64        *last,
                GError       **error)
{
  const char *params[] = { stretch->from, stretch->to };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT min(chain_seq), max(chain_seq) FROM audit_log "
    "WHERE occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz", 2, params, error);

  if (res == NULL)
    return FALSE;
  *first = cst_db_int64 (res, 0, 0);
  *last = cst_db_int64 (res, 0, 1);
  /* Positions far apart (rows moved out of the chain's range by someone
   * with the database) leave the stretch whole, the arithmetic safe. */
  if (*first <= 0 || *last < *first || *last - *first > G_MAXINT64 / 1024)
    *first = *last = 0;
  return TRUE;
}

/* Cuts the stretches into pieces of consecutive positions, about
 * PIECES_PER_JOB per connection over the whole log, so that every
 * connection stays busy to the end: one year alone, or five years on two
 * connections, would otherwise leave a processor idle.  Each piece is an
 * index range of its stretch; the links between pieces are checked when
 * the runs are joined, as those between years are. */
static GPtrArray *
split_in_pieces (PGconn     *conn,
                 GPtrArray  *stretches,
                 guint       jobs,
                 GError    **error)
{
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (year_free);
  g_autoptr(GArray) bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 total = 0;
  gint64 piece;

  for (guint i = 0; i < stretches->len; i++)
    {
      gint64 first, last;

      if (!stretch_bounds (conn, g_ptr_array_index (stretches, i), &first, &last, error))
        return NULL;
      g_array_append_val (bounds, first);
      g_array_append_val (bounds, last);
      total += first > 0 ? last - first + 1 : 0;
    }
  piece = MAX (1, total / ((gint64) jobs * PIECES_PER_JOB));
  for (guint i = 0; i < stretches->len; i++)
    {
      const CstAuditYear *stretch = g_ptr_array_index (stretches, i);
      gint64 first = g_array_index (bounds, gint64, 2 * i);
      gint64 last = g_array_index (bounds, gint64, 2 * i + 1);
      gint64 n = first > 0 ? (last - first + piece) / piece : 0;

      /* A stretch with no rows stays whole: nothing to split. */
      if (n <= 1)
        {
          add_year (pieces, stretch->year, stretch->from, stretch->to);
          continue;
        }
      for (gint64 k = 0; k < n; k++)
        {
          CstAuditYear *part;

          add_year (pieces, stretch->year, stretch->from, stretch->to);
          part = g_ptr_array_index (pieces, pieces->len - 1);
          part->from_seq = k == 0 ? G_MININT64 : first + (last - first + 1) * k / n;
          part->to_seq = k == n - 1 ? G_MAXINT64 : first + (last - first + 1) * (k + 1) / n - 1;
        }
    }
  return g_steal_pointer (&pieces);
}

/* The attached years, and between and around them the times only the
 * default partition holds (rows of a year whose partition is not made yet
 * or is detached).  Before 0079, the whole log is one stretch.  For more
 * than one job, the stretches are cut in pieces by position. */
GPtrArray *
cst_audit_years_list (PGconn  *conn,
                      guint    jobs,
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
  return jobs > 1 ? split_in_pieces (conn, years, jobs, error) : g_steal_pointer (&years);
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

/* Read as stored, a log written out of chain order comes in many short
 * runs (a bulk-loaded one 3.6 % out of order: ~720,000 runs, 188 MiB of
 * them): a run that begins where an earlier run of this piece ends, and
 * stores that run's last hash as its link, is joined to it here.  That is
 * the check the years' join would make; a run that fails it is kept apart
 * for the join to report. */
static gboolean
join_earlier_run (YearCursor *cur)
{
  gpointer key = GSIZE_TO_POINTER ((gsize) cur->run.first_seq);
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (cur->run_ends, key));
  CstAuditRun *before;

  if (index == 0)
    return FALSE;
  before = &g_array_index (cur->year->runs, CstAuditRun, index - 1);
  if (g_strcmp0 (cur->run.first_prev, before->last_hash) != 0)
    return FALSE;
  g_hash_table_remove (cur->run_ends, key);
  before->last_seq = cur->run.last_seq;
  before->last_id = cur->run.last_id;
  before->last_year = cur->run.last_year;
  memcpy (before->last_hash, cur->run.last_hash, sizeof before->last_hash);
  g_hash_table_insert (cur->run_ends, GSIZE_TO_POINTER ((gsize) before->last_seq + 1), GUINT_TO_POINTER (index));
  g_free (cur->run.first_prev);
  return TRUE;
}

static void
close_run (YearCursor *cur)
{
  if (cur->run.first_seq <= 0)
    g_free (cur->run.first_prev);
  else if (!join_earlier_run (cur))
    {
      g_array_append_val (cur->year->runs, cur->run);
      g_hash_table_insert (cur->run_ends, GSIZE_TO_POINTER ((gsize) cur->run.last_seq + 1),
                           GUINT_TO_POINTER (cur->year->runs->len));
    }
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

/* Binary values are in network byte order. */
static gint64
binary_int64 (const char *bytes)
{
  guint64 value;

  memcpy (&value, bytes, sizeof value);
  return (gint64) GUINT64_FROM_BE (value);
}

/* Decimal digits without printf, which was a fifth of the client's time:
 * @value in @out, returning its length. */
static gsize
write_decimal (char   out[24],
               gint64 value)
{
  char digits[24];
  guint64 rest = value < 0 ? -(guint64) value : (guint64) value;
  gsize n = 0;

  do
    digits[sizeof digits - ++n] = (char) ('0' + rest % 10);
  while ((rest /= 10) > 0);
  if (value < 0)
    digits[sizeof digits - ++n] = '-';
  memcpy (out, digits + sizeof digits - n, n);
  out[n] = '\0';
  return n;
}

/* @value, 0 or more, in exactly @width digits. */
static void
write_fixed (char *out,
             int   value,
             int   width)
{
  for (int i = width - 1; i >= 0; i--, value /= 10)
    out[i] = (char) ('0' + value % 10);
}

/* A bigint field as the decimal text the serialization takes. */
static void
decimal_field (AuditRow      *row,
               const WireRow *wire,
               int            col,
               char           buffer[24])
{
  if (wire->value[col] == NULL)
    {
      row->fields.value[col] = NULL;
      return;
    }
  row->fields.length[col] = write_decimal (buffer, binary_int64 (wire->value[col]));
  row->fields.value[col] = buffer;
}

static void
text_field (AuditRow      *row,
            const WireRow *wire,
            int            col)
{
  row->fields.value[col] = wire->value[col];
  row->fields.length[col] = wire->value[col] ? (gsize) wire->length[col] : 0;
}

/* A jsonb field in binary is a version byte, 1, before the text jsonb_out
 * writes: the same text as old_row::text. */
static gboolean
jsonb_field (AuditRow      *row,
             const WireRow *wire,
             int            col,
             GError       **error)
{
  text_field (row, wire, col);
  if (row->fields.value[col] == NULL)
    return TRUE;
  if (row->fields.length[col] < 1 || row->fields.value[col][0] != 1)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_DATABASE,
                   _("The server sent the audit log’s rows in a format this version does not read."));
      return FALSE;
    }
  row->fields.value[col]++;
  row->fields.length[col]--;
  return TRUE;
}

/* The days since 1970-01-01 as a proleptic Gregorian date (H. Hinnant's
 * civil_from_days). */
static void
civil_from_days (gint64  days,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;

  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

/* 0001-01-01 and 10000-01-01 UTC in microseconds since 2000-01-01. */
#define FIRST_YEAR_1_US G_GINT64_CONSTANT (-63082281600000000)
#define FIRST_YEAR_10000_US G_GINT64_CONSTANT (252455616000000000)

/* occurred_at, microseconds since 2000-01-01 UTC, as to_char(occurred_at AT
 * TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') writes it for the years
 * 1 to 9999; the server's own text for the others. */
static void
occurred_field (AuditRow      *row,
                const WireRow *wire)
{
  const gint64 day_us = G_GINT64_CONSTANT (86400000000);
  gint64 us, days, in_day;
  int month, day;

  us = wire->value[COL_OCCURRED] ? binary_int64 (wire->value[COL_OCCURRED]) : 0;
  /* The server's text where it wrote one, and for the times it did not
   * write whatever the row says: NULL, and the infinities (to_char's NULL). */
  if (wire->value[COL_OCCURRED_TEXT] != NULL || wire->value[COL_OCCURRED] == NULL ||
      us < FIRST_YEAR_1_US || us >= FIRST_YEAR_10000_US)
    {
      const char *text = wire->value[COL_OCCURRED_TEXT];

      row->fields.value[COL_OCCURRED] = text;
      row->fields.length[COL_OCCURRED] = text ? (gsize) wire->length[COL_OCCURRED_TEXT] : 0;
      row->year = text ? (int) g_ascii_strtoll (text, NULL, 10) : 0;
      return;
    }
  days = us / day_us - (us % day_us < 0);
  in_day = us - days * day_us;
  civil_from_days (days + 10957, &row->year, &month, &day);
  /* YYYY-MM-DDTHH:MM:SS.uuuuuuZ */
  memcpy (row->occurred, "0000-00-00T00:00:00.000000Z", 28);
  write_fixed (row->occurred, row->year, 4);
  write_fixed (row->occurred + 5, month, 2);
  write_fixed (row->occurred + 8, day, 2);
  write_fixed (row->occurred + 11, (int) (in_day / G_GINT64_CONSTANT (3600000000)), 2);
  write_fixed (row->occurred + 14, (int) (in_day / 60000000 % 60), 2);
  write_fixed (row->occurred + 17, (int) (in_day / 1000000 % 60), 2);
  write_fixed (row->occurred + 20, (int) (in_day % 1000000), 6);
  row->fields.length[COL_OCCURRED] = 27;
  row->fields.value[COL_OCCURRED] = row->occurred;
}

/* The stored link as encode(prev_hash, 'hex') wrote it, whatever its
 * length: a malformed one is reported as the text version did. */
static void
prev_field (AuditRow      *row,
            const WireRow *wire)
{
  static const char hex[] = "0123456789abcdef";
  const guint8 *bytes = (const guint8 *) wire->value[COL_PREV_HASH];
  int length = wire->length[COL_PREV_HASH];

  if (bytes == NULL)
    {
      row->stored_prev = NULL;
      return;
    }
  g_string_set_size (row->prev_hex, 2 * (gsize) length);
  for (int i = 0; i < length; i++)
    {
      row->prev_hex->str[2 * i] = hex[bytes[i] >> 4];
      row->prev_hex->str[2 * i + 1] = hex[bytes[i] & 0xf];
    }
  row->stored_prev = row->prev_hex->str;
}

/* Decodes a row of the stream into @row: the serialized fields, or where
 * the server hashed (@on_server) the hash it computed instead. */
static gboolean
read_row (AuditRow      *row,
          const WireRow *wire,
          gboolean       on_server,
          GError       **error)
{
  row->seq = binary_int64 (wire->value[COL_SEQ]);
  row->id = binary_int64 (wire->value[COL_ID]);
  occurred_field (row, wire);             /* the year, and the field */
  prev_field (row, wire);
  row->row_hash = (const guint8 *) wire->value[COL_ROW_HASH];
  row->row_hash_length = wire->value[COL_ROW_HASH] ? wire->length[COL_ROW_HASH] : 0;
  if (on_server)
    {
      row->digest = (const guint8 *) wire->value[COL_DIGEST];
      row->digest_length = wire->value[COL_DIGEST] ? wire->length[COL_DIGEST] : 0;
      return TRUE;
    }
  decimal_field (row, wire, COL_SEQ, row->numbers[0]);
  decimal_field (row, wire, COL_ID, row->numbers[1]);
  decimal_field (row, wire, COL_ROW_ID, row->numbers[2]);
  decimal_field (row, wire, COL_TXID, row->numbers[3]);
  for (int col = 3; col <= 6; col++)
    if (col != COL_ROW_ID)
      text_field (row, wire, col);
  return jsonb_field (row, wire, COL_OLD_ROW, error) && jsonb_field (row, wire, COL_NEW_ROW, error);
}

/* Stops the year at @row; the others stop reading past it.  Read as
 * stored, the year keeps the first of its findings in chain order and
 * reads on (TRUE). */
static gboolean
found (Walker         *walker,
       YearCursor     *cur,
       const AuditRow *row,
       char           *problem)
{
  CstAuditFinding *finding = cur->year->finding;

  close_run (cur);
  /* Read as stored, a piece reads on past a finding: a row before it in
   * the chain may come later, and only the first in the chain counts. */
  if (finding != NULL && finding->seq <= row->seq)
    {
      g_free (problem);
      return walker->as_stored;
    }
  if (finding == NULL)
    finding = g_new0 (CstAuditFinding, 1);
  g_free (finding->stored_prev);
  g_free (finding->problem);
  finding->seq = row->seq;
  finding->id = row->id;
  finding->year = row->year;
  finding->stored_prev = g_strdup (row->stored_prev);
  finding->problem = problem;
  cur->year->finding = finding;
  g_mutex_lock (&walker->lock);
  walker->cutoff = MIN (walker->cutoff, finding->seq);
  g_mutex_unlock (&walker->lock);
  return walker->as_stored;
}

static void
extend_run (YearCursor     *cur,
            const AuditRow *row,
            const char      hash[CST_AUDIT_CHAIN_HEX_LEN + 1],
            const guint8    digest[CST_AUDIT_CHAIN_HASH_LEN])
{
  CstAuditRun *run = &cur->run;

  if (run->first_seq == 0)
    {
      run->first_seq = row->seq;
      run->first_id = row->id;
      run->first_year = row->year;
    }
  run->last_seq = row->seq;
  run->last_id = row->id;
  run->last_year = row->year;
  memcpy (run->last_hash, hash, sizeof run->last_hash);
  memcpy (cur->prev, digest, CST_AUDIT_CHAIN_HASH_LEN);
  memcpy (cur->prev_hex, hash, sizeof cur->prev_hex);
}

/* The row's hash, as bytes and hex: computed here from its fields over the
 * link so far, or as the server computed it over the row's stored link
 * (the same bytes: a row continuing a run is hashed only once its stored
 * link was found equal to the run's last hash, and a run starts from its
 * first row's stored link either way).  FALSE when the server's answer is
 * not a hash, which no row written by the chain gives. */
static gboolean
row_digest (Walker         *walker,
            YearCursor     *cur,
            const AuditRow *row,
            guint8          digest[CST_AUDIT_CHAIN_HASH_LEN],
            char            hash[CST_AUDIT_CHAIN_HEX_LEN + 1])
{
  static const char hex[] = "0123456789abcdef";

  if (!walker->on_server)
    {
      cst_audit_chain_row_hash (cur->prev, &row->fields, cur->payload, digest, hash);
      return TRUE;
    }
  if (row->digest == NULL || row->digest_length != CST_AUDIT_CHAIN_HASH_LEN)
    return FALSE;
  memcpy (digest, row->digest, CST_AUDIT_CHAIN_HASH_LEN);
  for (int i = 0; i < CST_AUDIT_CHAIN_HASH_LEN; i++)
    {
      hash[2 * i] = hex[digest[i] >> 4];
      hash[2 * i + 1] = hex[digest[i] & 0xf];
    }
  hash[CST_AUDIT_CHAIN_HEX_LEN] = '\0';
  return TRUE;
}

/* Checks one row of a year; FALSE once the year fails.  A repeated
 * position or a broken link inside the year is found again, and worded,
 * when the years are joined. */
static gboolean
check_row (Walker         *walker,
           YearCursor     *cur,
           const AuditRow *row)
{
  const char *stored_prev = row->stored_prev;
  gboolean open = cur->run.first_seq > 0;
  guint8 digest[CST_AUDIT_CHAIN_HASH_LEN];
  char hash[CST_AUDIT_CHAIN_HEX_LEN + 1];

  /* Read as stored, a row before the run's last starts a run of its own:
   * a position repeated is found when the runs are joined. */
  if ((open && row->seq <= cur->run.last_seq && !walker->as_stored) ||
      (open && row->seq == cur->run.last_seq + 1 && g_strcmp0 (stored_prev, cur->prev_hex) != 0))
    return found (walker, cur, row, NULL);
  if (!open || row->seq != cur->run.last_seq + 1)
    {
      close_run (cur);
      start_run (cur, stored_prev);
    }
  if (!row_digest (walker, cur, row, digest, hash))
    return found (walker, cur, row,
                  g_strdup (_("The row’s content does not match its hash: it was changed after "
                              "it was written.")));
  if (row->row_hash == NULL || row->row_hash_length != CST_AUDIT_CHAIN_HASH_LEN ||
      memcmp (row->row_hash, digest, CST_AUDIT_CHAIN_HASH_LEN) != 0)
    return found (walker, cur, row,
                  g_strdup (_("The row’s content does not match its hash: it was changed after "
                              "it was written.")));
  if (row->seq == walker->anchor_seq)
    {
      cur->year->anchor_seen = TRUE;
      if (g_ascii_strcasecmp (hash, walker->anchor_hash) != 0)
        return found (walker, cur, row,
                      g_strdup (_("The chain differs from the anchor recorded earlier: the log "
                                  "was rewritten up to this row.")));
    }
  extend_run (cur, row, hash, digest);
  return TRUE;
}

/* A chunk's COPY.  COPY takes no parameters: the bounds, times this file
 * wrote and positions, go in as literals escaped by libpq, so the planner
 * prunes to the year's partition and descends its chain_seq index as it
 * did with parameters (settings read back with current_setting() were
 * evaluated again on every row). */
static char *
chunk_sql (Walker        *walker,
           PGconn        *conn,
           CstAuditYear  *year,
           gint64         first_seq,
           GError       **error)
{
  char first_text[24], last_text[24], limit_text[24];
  const char *values[] = { year->from, year->to, first_text, last_text, limit_text };
  char *literal[G_N_ELEMENTS (values)] = { NULL };
  char *sql = NULL;
  gsize n = 0;

  write_decimal (first_text, first_seq);
  write_decimal (last_text, year->to_seq);
  write_decimal (limit_text, chunk_rows);
  for (n = 0; n < G_N_ELEMENTS (values); n++)
    if (!(literal[n] = PQescapeLiteral (conn, values[n], strlen (values[n]))))
      break;
  if (n == G_N_ELEMENTS (values))
    {
      /* In chain order, a chunk at a time; as stored, the whole piece. */
      g_autofree char *tail = walker->as_stored ? g_strdup (walker->on_server ? "OFFSET 0" : "")
                                                : g_strdup_printf (IN_CHAIN_ORDER, literal[4]);

      sql = g_strdup_printf (walker->on_server ? hash_copy_sql : copy_sql,
                             literal[0], literal[1], literal[2], literal[3], tail);
    }
  else
    g_set_error (error, CST_ERROR, CST_ERROR_DATABASE, "%s", PQerrorMessage (conn));
  for (gsize i = 0; i < n; i++)
    PQfreemem (literal[i]);
  return sql;
}

/* The bigint and timestamp columns are 8 bytes; position and id never NULL. */
static gboolean
widths_valid (const WireRow *wire)
{
  static const int eight_bytes[] = { COL_SEQ, COL_ID, COL_OCCURRED, COL_ROW_ID, COL_TXID };

  if (wire->value[COL_SEQ] == NULL || wire->value[COL_ID] == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (eight_bytes); i++)
    if (wire->value[eight_bytes[i]] != NULL && wire->length[eight_bytes[i]] != 8)
      return FALSE;
  return TRUE;
}

/* What a chunk read: its rows (those skipped included), the last one's
 * position, and whether the piece is still being checked. */
typedef struct
{
  gint64   rows;
  gint64   last_seq;
  gboolean checking;
} Chunk;

static void
set_unreadable (GError **error)
{
  if (error != NULL && *error == NULL)
    g_set_error (error, CST_ERROR, CST_ERROR_DATABASE,
                 _("The server sent the audit log’s rows in a format this version does not read."));
}

/* Checks one row of the stream; FALSE once the piece stops being checked
 * (a finding here, a break found elsewhere before it, or a row this
 * version cannot read, with @error set). */
static gboolean
take_row (Walker        *walker,
          YearCursor    *cur,
          const WireRow *wire,
          Chunk         *chunk,
          GError       **error)
{
  chunk->last_seq = binary_int64 (wire->value[COL_SEQ]);
  /* Now and then, as a page of the cursor did: has a break been found
   * before this row? */
  if (chunk->rows % 4096 == 0 && !walker->as_stored && chunk->last_seq > cutoff (walker))
    return FALSE;
  return read_row (&cur->row, wire, walker->on_server, error) && check_row (walker, cur, &cur->row);
}

/* The end of a COPY: PQgetCopyData's last answer, @size, then the
 * command's result. */
static gboolean
finish_copy (PGconn  *conn,
             int      size,
             GError **error)
{
  gboolean ok = size == -1;
  PGresult *res;

  if (!ok)
    cst_db_set_error_from_result (error, NULL, conn);
  while ((res = PQgetResult (conn)) != NULL)
    {
      if (ok && PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          cst_db_set_error_from_result (error, res, conn);
          ok = FALSE;
        }
      PQclear (res);
    }
  return ok;
}

/* Reads up to chunk_rows rows of the piece in chain order from position
 * @first_seq on, passing over the first @skip (already checked).  A row is
 * read whole even once the piece stopped: a COPY cannot be left half way. */
static gboolean
copy_chunk (Walker        *walker,
            PGconn        *conn,
            YearCursor    *cur,
            gint64         first_seq,
            gint64         skip,
            Chunk         *chunk,
            GError       **error)
{
  g_autofree char *sql = chunk_sql (walker, conn, cur->year, first_seq, error);
  g_autoptr(PGresult) started = NULL;
  g_autoptr(GError) local = NULL;
  gboolean header_read = FALSE;
  gboolean ended = FALSE;
  char *data = NULL;
  int size;

  if (sql == NULL)
    return FALSE;
  started = PQexec (conn, sql);
  if (PQresultStatus (started) != PGRES_COPY_OUT)
    {
      cst_db_set_error_from_result (error, started, conn);
      return FALSE;
    }
  chunk->checking = TRUE;
  while ((size = PQgetCopyData (conn, &data, 0)) > 0)
    {
      WireRow wire;
      int kind = ended ? -1 : cst_db_copy_split_row (data, size, &header_read,
                                                     walker->on_server ? MAX_COLUMNS : N_COLUMNS,
                                                     wire.value, wire.length);

      if (kind == 1 && widths_valid (&wire))
        {
          if (chunk->checking && chunk->rows >= skip)
            chunk->checking = take_row (walker, cur, &wire, chunk, &local);
          else
            chunk->last_seq = binary_int64 (wire.value[COL_SEQ]);
          chunk->rows++;
        }
      else if (kind == 0)
        ended = TRUE;
      else
        {
          set_unreadable (&local);
          chunk->checking = FALSE;
        }
      PQfreemem (data);
    }
  if (!finish_copy (conn, size, error))
    return FALSE;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* A piece read as stored is one sequential scan of its year's partition,
 * on this connection alone: a parallel plan would interleave the pages of
 * its workers (more runs) and cost more CPU on a machine the other pieces
 * already keep busy.  For the rest of the walk's transaction. */
static gboolean
read_as_stored (PGconn  *conn,
                GError **error)
{
  return cst_db_exec_command (conn,
    "SELECT pg_catalog.set_config('enable_indexscan', 'off', true), "
    "pg_catalog.set_config('enable_bitmapscan', 'off', true), "
    "pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)", 0, NULL, error);
}

/* The planner as it was, for the caller's queries after a walk on its
 * connection (the check for unlinked rows wants the chain_seq index). */
static gboolean
read_by_index_again (PGconn  *conn,
                     GError **error)
{
  return cst_db_exec_command (conn, "SET LOCAL enable_indexscan TO DEFAULT", 0, NULL, error) &&
         cst_db_exec_command (conn, "SET LOCAL enable_bitmapscan TO DEFAULT", 0, NULL, error) &&
         cst_db_exec_command (conn, "SET LOCAL max_parallel_workers_per_gather TO DEFAULT", 0, NULL,
                              error);
}

/* Reads one piece of a year in chain order, a chunk at a time, until it
 * ends, fails, or passes the position where another piece failed.  Chunks
 * are small enough that the walk stops soon after a break found elsewhere,
 * and keep the connection (a COPY cannot be stopped half way).  Read as
 * stored, the piece is one COPY of its rows in the order the table holds
 * them, read to the end: each run of consecutive positions is checked as
 * it comes, and the runs are put in chain order when the years are
 * joined. */
static gboolean
walk_year (Walker        *walker,
           PGconn        *conn,
           CstAuditYear  *year,
           GError       **error)
{
  g_autoptr(GString) payload = g_string_sized_new (1024);
  g_autoptr(GString) prev_hex = g_string_sized_new (CST_AUDIT_CHAIN_HEX_LEN + 1);
  g_autoptr(GHashTable) run_ends = g_hash_table_new (g_direct_hash, g_direct_equal);
  YearCursor cur = { .year = year, .payload = payload, .row.prev_hex = prev_hex, .run_ends = run_ends };
  gint64 first_seq = year->from_seq;
  gint64 skip = 0;
  Chunk chunk;

  if (walker->as_stored && !read_as_stored (conn, error))
    return FALSE;
  do
    {
      chunk = (Chunk) { 0 };
      if (!copy_chunk (walker, conn, &cur, first_seq, skip, &chunk, error))
        return FALSE;
      /* The next chunk starts at the last position read and passes over
       * the one row read there: a position repeated across the two
       * chunks is still read twice. */
      first_seq = chunk.last_seq;
      skip = 1;
    }
  while (!walker->as_stored && chunk.checking && chunk.rows == chunk_rows);
  close_run (&cur);
  return TRUE;
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

/* For tests: chunks of @rows rows, 0 for the default. */
void
cst_audit_years_set_chunk_rows (guint rows)
{
  chunk_rows = rows > 0 ? rows : CHUNK_ROWS;
}

/**
 * cst_audit_years_walk:
 * @conn: in a REPEATABLE READ transaction, client encoding UTF-8
 * @conninfo: (nullable): where to open more connections; NULL walks every
 *   year on @conn, one after the other
 * @jobs: how many years to read at once
 * @flags: where the rows are hashed, and in which order read
 * @years: (element-type CstAuditYear): from cst_audit_years_list(); each
 *   gets its runs, finding and whether it saw the anchor
 */
gboolean
cst_audit_years_walk (PGconn             *conn,
                      const char         *conninfo,
                      guint               jobs,
                      CstAuditWalkFlags   flags,
                      GPtrArray          *years,
                      gint64              anchor_seq,
                      const char         *anchor_hash,
                      GError            **error)
{
  Walker walker = {
    .conninfo = conninfo,
    .years = years,
    .anchor_seq = anchor_seq,
    .anchor_hash = anchor_hash,
    .on_server = (flags & CST_AUDIT_WALK_HASH_ON_SERVER) != 0,
    .as_stored = (flags & CST_AUDIT_WALK_AS_STORED) != 0,
    .cutoff = G_MAXINT64,
  };
  gboolean ok;

  g_mutex_init (&walker.lock);
  jobs = MIN (jobs, years->len);
  if (conninfo != NULL && jobs > 1)
    ok = walk_in_parallel (&walker, conn, jobs, error);
  else
    ok = walk_years (&walker, conn, error) && (!walker.as_stored || read_by_index_again (conn, error));
  g_mutex_clear (&walker.lock);
  return ok;
}
