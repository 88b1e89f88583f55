/* cst-audit-chain.c — verify the audit log's hash chain, record events
 *
 * The verifier recomputes every row's SHA-256 here, with Nettle, from
 * the stored columns, following the canonical serialization documented in
 * resources/sql/0003-audit-chain.sql; or (CST_AUDIT_WALK_HASH_ON_SERVER,
 * `audit verify --hash server`) has the server hash each row with its
 * built-in sha256() by an expression sent from here, and checks what it
 * computed.
 * It never calls a function stored in the database: someone who can
 * rewrite rows can also replace SQL functions, but not this program, nor
 * pg_catalog's functions without being a superuser (DESIGN.md, "Reading
 * and hashing the log").  The walk is streamed in pages by chain position inside one
 * read-only REPEATABLE READ snapshot (shared by every connection of the
 * walk), so a long log never sits in memory and rows committed meanwhile
 * cannot make a consistent chain look broken.
 *
 * Writers link their rows at commit only when no one else holds the
 * chain's head (resources/sql/0051-audit-chain-no-waiting.sql), so the
 * newest rows may be pending; the verifier links them first.
 *
 * The log is kept by year (0079-history-by-year.sql).  The years are read
 * side by side (cst-audit-years.c), each checking its own rows and the
 * links inside its runs of consecutive positions; here their runs are
 * joined in chain order, the link into each run checked as the walk on one
 * connection checked every row.  Positions missing inside the range a
 * detached year recorded are stepped over, the year named as not seen, the
 * chain picked up again from the next row's stored link; the positions
 * stepped over must add up to the rows the detached years hold, or rows
 * were removed.
 */
#define G_LOG_DOMAIN "cst-audit-chain"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <nettle/sha2.h>
#include <string.h>

#include "cst-audit-chain-private.h"
#include "custodian/cst-audit-chain.h"
#include "custodian/cst-db.h"
#include "custodian/cst-error.h"

#define UNIT_SEPARATOR "\x1f"

/* A detached year of the log: its rows and the chain positions they span. */
typedef struct
{
  int    year;
  gint64 first_seq;
  gint64 last_seq;
  gint64 rows;
} DetachedYear;

/* The years' runs joined in chain order. */
typedef struct
{
  CstAuditChainReport *report;
  GArray              *detached;       /* DetachedYear, by first_seq */
  gint64               rows_stepped_over;
  gint64               anchor_seq;
  gboolean             anchor_seen;
  gint64               expected_seq;
  gint64               last_id;
  int                  last_year;
  char                *prev_hex;
} Walk;

/* A place in chain order: where a run of a year starts, or the row where
 * a year failed. */
typedef struct
{
  gint64                 seq;
  const CstAuditRun     *run;
  const CstAuditFinding *finding;
} Step;

void
cst_audit_chain_report_free (CstAuditChainReport *report)
{
  if (report == NULL)
    return;
  g_free (report->head_hash);
  g_free (report->problem);
  g_clear_pointer (&report->years_unseen, g_array_unref);
  g_free (report);
}

/* The serialization's "LENGTH:VALUE\n", or "-\n" for NULL, without a
 * printf per field: this runs ten times for every row of the log. */
static void
append_field (GString    *payload,
              const char *value,
              gsize       length)
{
  char digits[24];
  gsize rest = length;
  int n = 0;

  if (value == NULL)
    {
      g_string_append_len (payload, "-\n", 2);
      return;
    }
  do
    digits[sizeof digits - ++n] = (char) ('0' + rest % 10);
  while ((rest /= 10) > 0);
  g_string_append_len (payload, digits + sizeof digits - n, n);
  g_string_append_c (payload, ':');
  g_string_append_len (payload, value, length);
  g_string_append_c (payload, '\n');
}

/* row_hash = SHA-256(prev_hash || payload) of a row of a year's walk, into
 * @out, as bytes and as lowercase hex.  @payload is the caller's buffer,
 * reused from row to row.  Nettle's SHA-256 (GnuTLS's) uses the
 * processor's SHA extensions where it has them: several times faster than
 * GChecksum's, and the walk hashes every row of the log. */
void
cst_audit_chain_row_hash (const guint8          prev[CST_AUDIT_CHAIN_HASH_LEN],
                          const CstAuditFields *fields,
                          GString              *payload,
                          guint8                out[CST_AUDIT_CHAIN_HASH_LEN],
                          char                  out_hex[CST_AUDIT_CHAIN_HEX_LEN + 1])
{
  static const char hex[] = "0123456789abcdef";
  struct sha256_ctx sum;

  g_string_assign (payload, "custodian-audit-v1\n");
  for (int i = 0; i < CST_AUDIT_CHAIN_N_FIELDS; i++)
    append_field (payload, fields->value[i], fields->length[i]);
  sha256_init (&sum);
  sha256_update (&sum, CST_AUDIT_CHAIN_HASH_LEN, prev);
  sha256_update (&sum, payload->len, (const guint8 *) payload->str);
  sha256_digest (&sum, CST_AUDIT_CHAIN_HASH_LEN, out);
  for (int i = 0; i < CST_AUDIT_CHAIN_HASH_LEN; i++)
    {
      out_hex[2 * i] = hex[out[i] >> 4];
      out_hex[2 * i + 1] = hex[out[i] & 0xf];
    }
  out_hex[CST_AUDIT_CHAIN_HEX_LEN] = '\0';
}

static void
mark_broken (Walk       *walk,
             gint64      id,
             gint64      seq,
             int         year,
             char       *problem)
{
  walk->report->intact = FALSE;
  walk->report->broken_id = id;
  walk->report->broken_seq = seq;
  walk->report->broken_year = year;
  walk->report->problem = problem;
}

static void
note_year_unseen (Walk *walk,
                  int   year)
{
  GArray *years = walk->report->years_unseen;

  for (guint i = 0; i < years->len; i++)
    if (g_array_index (years, int, i) == year)
      return;
  g_array_append_val (years, year);
}

/* Whether every position from @first to @last lies in a detached year;
 * names those years as not seen. */
static gboolean
gap_is_detached (Walk  *walk,
                 gint64 first,
                 gint64 last)
{
  gint64 pos = first;

  while (pos <= last)
    {
      const DetachedYear *covering = NULL;

      for (guint i = 0; i < walk->detached->len && covering == NULL; i++)
        {
          const DetachedYear *d = &g_array_index (walk->detached, DetachedYear, i);

          if (d->first_seq <= pos && pos <= d->last_seq)
            covering = d;
        }
      if (covering == NULL)
        return FALSE;
      note_year_unseen (walk, covering->year);
      pos = covering->last_seq + 1;
    }
  if (walk->anchor_seq >= first && walk->anchor_seq <= last)
    walk->report->anchor_unseen = TRUE;
  walk->rows_stepped_over += last - first + 1;
  return TRUE;
}

/* Picks the chain up again after a detached stretch: the link into it
 * cannot be checked, the row's own hash still is. */
static void
resume_after_gap (Walk       *walk,
                  const char *stored_prev)
{
  g_free (walk->prev_hex);
  walk->prev_hex = g_strdup (stored_prev);
}

/* Joins the next run or finding onto the chain so far: the checks a year
 * cannot make alone, on its first row.  FALSE once the chain breaks. */
static gboolean
join_step (Walk       *walk,
           const Step *step)
{
  gint64 seq = step->seq;
  gint64 id = step->run ? step->run->first_id : step->finding->id;
  int year = step->run ? step->run->first_year : step->finding->year;
  const char *stored_prev = step->run ? step->run->first_prev : step->finding->stored_prev;

  if (seq < walk->expected_seq)
    {
      mark_broken (walk, id, seq, year,
                   g_strdup_printf (_("Chain position %lld appears twice: a row was copied or "
                                      "inserted."), (long long) seq));
      /* Rows of the run just joined past the repeated position were not
       * before the break. */
      walk->report->rows_checked -= walk->expected_seq - 1 - seq;
      return FALSE;
    }
  if (seq > walk->expected_seq && stored_prev != NULL &&
      strlen (stored_prev) == 2 * CST_AUDIT_CHAIN_HASH_LEN &&
      gap_is_detached (walk, walk->expected_seq, seq - 1))
    resume_after_gap (walk, stored_prev);
  else if (seq != walk->expected_seq)
    {
      mark_broken (walk, id, seq, year,
                   g_strdup_printf (_("Chain positions %lld to %lld are missing before this row: "
                                      "rows were removed."),
                                    (long long) walk->expected_seq, (long long) seq - 1));
      return FALSE;
    }
  if (g_strcmp0 (stored_prev, walk->prev_hex) != 0)
    {
      mark_broken (walk, id, seq, year,
                   walk->last_id
                   ? g_strdup_printf (_("This row does not follow audit row %lld: one of the two "
                                        "was changed or replaced."),
                                      (long long) walk->last_id)
                   : g_strdup (_("The first row of the chain does not start from the genesis hash.")));
      return FALSE;
    }
  if (step->finding != NULL)
    {
      mark_broken (walk, id, seq, year, g_strdup (step->finding->problem));
      return FALSE;
    }
  walk->report->rows_checked += step->run->last_seq - step->run->first_seq + 1;
  walk->expected_seq = step->run->last_seq + 1;
  walk->last_id = step->run->last_id;
  walk->last_year = step->run->last_year;
  g_free (walk->prev_hex);
  walk->prev_hex = g_strdup (step->run->last_hash);
  return TRUE;
}

static int
compare_steps (gconstpointer a,
               gconstpointer b)
{
  const Step *x = a;
  const Step *y = b;

  if (x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  return (x->run == NULL) - (y->run == NULL);
}

/* Every year's runs and findings, in chain order. */
static GArray *
list_steps (GPtrArray *years)
{
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (Step));

  for (guint i = 0; i < years->len; i++)
    {
      const CstAuditYear *year = g_ptr_array_index (years, i);

      for (guint r = 0; r < year->runs->len; r++)
        {
          const CstAuditRun *run = &g_array_index (year->runs, CstAuditRun, r);
          Step step = { .seq = run->first_seq, .run = run };

          g_array_append_val (steps, step);
        }
      if (year->finding != NULL)
        {
          Step step = { .seq = year->finding->seq, .finding = year->finding };

          g_array_append_val (steps, step);
        }
    }
  g_array_sort (steps, compare_steps);
  return steps;
}

/* Walks the years (side by side when @conninfo is given) and joins them. */
static gboolean
walk_years (PGconn             *conn,
            const char         *conninfo,
            guint               jobs,
            CstAuditWalkFlags   flags,
            Walk               *walk,
            const char         *anchor_hash,
            GError            **error)
{
  /* Read as stored, a year is one sequential scan: not cut in pieces. */
  g_autoptr(GPtrArray) years =
    cst_audit_years_list (conn, conninfo && !(flags & CST_AUDIT_WALK_AS_STORED) ? jobs : 1, error);
  g_autoptr(GArray) steps = NULL;

  if (years == NULL ||
      !cst_audit_years_walk (conn, conninfo, jobs, flags, years, walk->anchor_seq, anchor_hash,
                             error))
    return FALSE;
  steps = list_steps (years);
  for (guint i = 0; i < steps->len; i++)
    if (!join_step (walk, &g_array_index (steps, Step, i)))
      return TRUE;
  for (guint i = 0; i < years->len; i++)
    walk->anchor_seen |= ((CstAuditYear *) g_ptr_array_index (years, i))->anchor_seen;
  return TRUE;
}

/* A database before 0079 has no detached years to know of. */
static gboolean
load_detached (PGconn  *conn,
               Walk    *walk,
               GError **error)
{
  g_autoptr(PGresult) kept = cst_db_exec (conn, "SELECT to_regclass('history_detached') IS NOT NULL",
                                          0, NULL, error);
  g_autoptr(PGresult) res = NULL;

  if (kept == NULL)
    return FALSE;
  if (!cst_db_bool (kept, 0, 0))
    return TRUE;
  res = cst_db_exec (conn,
    "SELECT year, first_seq, last_seq, row_count FROM history_detached "
    "WHERE table_name = 'audit_log' AND row_count > 0 ORDER BY first_seq", 0, NULL, error);
  if (res == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (res); row++)
    {
      DetachedYear d = {
        .year = (int) cst_db_int64 (res, row, 0),
        .first_seq = cst_db_int64 (res, row, 1),
        .last_seq = cst_db_int64 (res, row, 2),
        .rows = cst_db_int64 (res, row, 3),
      };
      g_array_append_val (walk->detached, d);
    }
  return TRUE;
}

/* The positions stepped over must be exactly the detached years' rows. */
static void
check_detached_count (Walk *walk)
{
  gint64 held = 0;

  for (guint i = 0; i < walk->detached->len; i++)
    held += g_array_index (walk->detached, DetachedYear, i).rows;
  if (walk->rows_stepped_over != held)
    mark_broken (walk, walk->last_id, walk->expected_seq - 1, walk->last_year,
                 g_strdup_printf (_("%lld chain positions are missing where the detached years "
                                    "hold %lld rows: rows were removed."),
                                  (long long) walk->rows_stepped_over, (long long) held));
}

/* After the walk: the head, the anchor and rows that were never linked. */
static gboolean
check_ends (PGconn  *conn,
            Walk    *walk,
            GError **error)
{
  g_autoptr(PGresult) head = NULL;
  g_autoptr(PGresult) unlinked = NULL;
  gint64 last_seq = walk->expected_seq - 1;

  head = cst_db_exec (conn, "SELECT seq, encode(hash, 'hex') FROM audit_chain_head", 0, NULL, error);
  if (head == NULL)
    return FALSE;
  if (PQntuples (head) != 1 || cst_db_int64 (head, 0, 0) != last_seq ||
      g_strcmp0 (cst_db_value (head, 0, 1), walk->prev_hex) != 0)
    {
      mark_broken (walk, walk->last_id, last_seq, walk->last_year,
                   g_strdup_printf (_("The chain ends at position %lld but its recorded head is "
                                      "elsewhere: rows at the end were removed or the head "
                                      "was changed."), (long long) last_seq));
      return TRUE;
    }
  check_detached_count (walk);
  if (!walk->report->intact)
    return TRUE;
  if (walk->anchor_seq > 0 && !walk->anchor_seen && !walk->report->anchor_unseen)
    {
      mark_broken (walk, walk->last_id, last_seq, walk->last_year,
                   g_strdup_printf (_("The anchor names position %lld but the chain ends at %lld: "
                                      "rows were removed."),
                                    (long long) walk->anchor_seq, (long long) last_seq));
      return TRUE;
    }
  /* Rows committed between the link and this transaction's snapshot are
   * queued, not tampered with; a row unlinked and not queued was written
   * with the audit triggers off. */
  unlinked = cst_db_exec (conn,
    "SELECT count(p.audit_id), min(a.id) FILTER (WHERE p.audit_id IS NULL) "
    "FROM audit_log a LEFT JOIN audit_chain_pending p ON p.audit_id = a.id "
    "WHERE a.chain_seq IS NULL", 0, NULL, error);
  if (unlinked == NULL)
    return FALSE;
  walk->report->rows_pending = cst_db_int64 (unlinked, 0, 0);
  if (!PQgetisnull (unlinked, 0, 1))
    mark_broken (walk, cst_db_int64 (unlinked, 0, 1), 0, 0,
                 g_strdup (_("This row was never linked into the chain: it was written with "
                             "the audit triggers switched off.")));
  return TRUE;
}

/**
 * cst_audit_chain_link_pending:
 * @wait: whether to wait for another linker to finish
 *
 * Links the committed rows that are still pending.  Without @wait it gives
 * up at once when someone else is linking (who may not see rows committed
 * after their start: call again later).
 *
 * Returns: how many rows were linked, -1 when another linker held the
 *   chain and @wait was FALSE, or -2 with @error set
 */
gint64
cst_audit_chain_link_pending (PGconn    *conn,
                              gboolean   wait,
                              GError   **error)
{
  const char *params[] = { wait ? "true" : "false" };
  g_autoptr(PGresult) res = NULL;

  g_return_val_if_fail (conn != NULL, -2);

  res = cst_db_exec (conn, "SELECT audit_chain_link_pending($1)", 1, params, error);
  return res ? cst_db_int64 (res, 0, 0) : -2;
}

/* Links the pending rows first where the server takes writes.  A hot
 * standby (the report database) cannot link, and has no need to: the rows
 * the primary had not linked when the standby replayed them are counted as
 * pending, like rows committed during the walk, and the chain up to them
 * is checked all the same. */
static gboolean
link_pending_where_writable (PGconn  *conn,
                             GError **error)
{
  g_autoptr(PGresult) read_only =
    cst_db_exec (conn, "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only')::bool",
                 0, NULL, error);

  if (read_only == NULL)
    return FALSE;
  return cst_db_bool (read_only, 0, 0) || cst_audit_chain_link_pending (conn, TRUE, error) > -2;
}

/* The walk on @conn, with @jobs more connections to @conninfo reading the
 * years side by side when @conninfo is given. */
static CstAuditChainReport *
verify (PGconn             *conn,
        const char         *conninfo,
        guint               jobs,
        CstAuditWalkFlags   flags,
        gint64              anchor_seq,
        const char         *anchor_hash,
        GError            **error)
{
  g_autoptr(CstAuditChainReport) report = g_new0 (CstAuditChainReport, 1);
  g_autofree char *encoding = NULL;
  Walk walk = { 0 };
  gboolean ok;

  report->intact = TRUE;
  report->years_unseen = g_array_new (FALSE, FALSE, sizeof (int));
  walk.report = report;
  walk.detached = g_array_new (FALSE, FALSE, sizeof (DetachedYear));
  walk.anchor_seq = anchor_seq;
  walk.expected_seq = 1;
  walk.prev_hex = g_strnfill (2 * CST_AUDIT_CHAIN_HASH_LEN, '0');

  /* The payload is defined over UTF-8: a PGCLIENTENCODING in the
   * environment must not change the bytes we hash. */
  encoding = g_strdup (pg_encoding_to_char (PQclientEncoding (conn)));
  PQsetClientEncoding (conn, "UTF8");
  /* The server's octet_length() counts bytes of its own encoding. */
  if (g_strcmp0 (PQparameterStatus (conn, "server_encoding"), "UTF8") != 0)
    flags = (CstAuditWalkFlags) (flags & ~CST_AUDIT_WALK_HASH_ON_SERVER);
  ok = link_pending_where_writable (conn, error) &&
       cst_db_begin_snapshot (conn, error) &&
       load_detached (conn, &walk, error) &&
       walk_years (conn, conninfo, jobs, flags, &walk, anchor_hash, error) &&
       (!report->intact || check_ends (conn, &walk, error));
  cst_db_rollback (conn);
  PQsetClientEncoding (conn, encoding);

  g_array_unref (walk.detached);
  report->head_seq = walk.expected_seq - 1;
  report->head_hash = g_steal_pointer (&walk.prev_hex);
  return ok ? g_steal_pointer (&report) : NULL;
}

/**
 * cst_audit_chain_verify:
 * @anchor_seq: a chain position recorded earlier, or 0
 * @anchor_hash: (nullable): the hash recorded for it, 64 hex digits
 *
 * Links the rows still pending (waiting for a linker that holds the
 * chain; not on a hot standby or a read-only connection, where they are
 * only counted), then walks the whole chain, year after year on @conn.  A broken
 * chain is not an error: the report says where it breaks.  @error is set
 * only when the walk itself fails.
 *
 * Returns: (transfer full) (nullable): the report
 */
CstAuditChainReport *
cst_audit_chain_verify (PGconn      *conn,
                        gint64       anchor_seq,
                        const char  *anchor_hash,
                        GError     **error)
{
  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (anchor_seq <= 0 || anchor_hash != NULL, NULL);

  return verify (conn, NULL, 1, CST_AUDIT_WALK_DEFAULT, anchor_seq, anchor_hash, error);
}

/**
 * cst_audit_chain_verify_years:
 * @jobs: how many years to read at once, each on a connection of its own;
 *   0 for as many as the machine has processors
 *
 * cst_audit_chain_verify() on connections of its own to @conninfo, the
 * years read side by side in one snapshot: the same report, sooner on a
 * log of many years.
 */
CstAuditChainReport *
cst_audit_chain_verify_years (const char  *conninfo,
                              guint        jobs,
                              gint64       anchor_seq,
                              const char  *anchor_hash,
                              GError     **error)
{
  return cst_audit_chain_verify_walk (conninfo, jobs, CST_AUDIT_WALK_DEFAULT, anchor_seq,
                                      anchor_hash, error);
}

/**
 * cst_audit_chain_verify_walk:
 * @flags: how the log is read and where its rows are hashed; on a server
 *   whose encoding is not UTF-8 the rows are always hashed here
 *
 * cst_audit_chain_verify_years(), read and hashed as @flags say: the same
 * checks, the same report.
 */
CstAuditChainReport *
cst_audit_chain_verify_walk (const char         *conninfo,
                             guint               jobs,
                             CstAuditWalkFlags   flags,
                             gint64              anchor_seq,
                             const char         *anchor_hash,
                             GError            **error)
{
  g_autoptr(PGconn) conn = NULL;

  g_return_val_if_fail (anchor_seq <= 0 || anchor_hash != NULL, NULL);

  if (!(conn = cst_db_connect (conninfo, error)))
    return NULL;
  return verify (conn, conninfo, jobs > 0 ? jobs : g_get_num_processors (), flags, anchor_seq,
                 anchor_hash, error);
}

CstAuditChainReport *
cst_audit_chain_verify_at (const char  *conninfo,
                           gint64       anchor_seq,
                           const char  *anchor_hash,
                           GError     **error)
{
  return cst_audit_chain_verify_years (conninfo, 0, anchor_seq, anchor_hash, error);
}

/**
 * cst_audit_chain_parse_anchor:
 * @text: "SEQ:HASH", as custodian-cli audit verify prints it
 */
gboolean
cst_audit_chain_parse_anchor (const char  *text,
                              gint64      *seq,
                              char       **hash,
                              GError     **error)
{
  const char *colon = text ? strchr (text, ':') : NULL;
  g_autofree char *position_text = NULL;
  const char *hex = NULL;
  guint64 position = 0;

  if (colon != NULL)
    {
      position_text = g_strndup (text, colon - text);
      hex = colon + 1;
    }
  if (hex == NULL ||
      !g_ascii_string_to_unsigned (position_text, 10, 1, G_MAXINT64, &position, NULL) ||
      strlen (hex) != 2 * CST_AUDIT_CHAIN_HASH_LEN ||
      strspn (hex, "0123456789abcdefABCDEF") != 2 * CST_AUDIT_CHAIN_HASH_LEN)
    {
      g_set_error (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                   _("“%s” is not an anchor; write it as POSITION:HASH, as “audit verify” prints it."),
                   text ? text : "");
      return FALSE;
    }
  *seq = (gint64) position;
  *hash = g_ascii_strdown (hex, -1);
  return TRUE;
}

/**
 * cst_audit_log_event:
 * @kind: a dotted code such as "report.exported"
 * @details: (nullable) (array zero-terminated=1): key, value, key, value…
 *
 * Records an application event in the audit log as the current login.
 * Details are for identifiers (a request reference, a file format), never
 * for patient data.
 *
 * Returns: the new audit row's id, or 0 on error
 */
gint64
cst_audit_log_event (PGconn             *conn,
                     const char         *kind,
                     const char * const *details,
                     GError            **error)
{
  g_autofree char *joined = NULL;
  const char *params[2];
  g_autoptr(PGresult) res = NULL;
  guint n = details ? g_strv_length ((char **) details) : 0;

  g_return_val_if_fail (conn != NULL, 0);

  for (guint i = 0; i < n; i++)
    if (strchr (details[i], UNIT_SEPARATOR[0]) != NULL)
      {
        g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                             _("Audit event details cannot contain control character 0x1F."));
        return 0;
      }
  if (n % 2 != 0)
    {
      g_set_error_literal (error, CST_ERROR, CST_ERROR_INVALID_INPUT,
                           _("Audit event details must come in key and value pairs."));
      return 0;
    }
  joined = n > 0 ? g_strjoinv (UNIT_SEPARATOR, (char **) details) : NULL;
  params[0] = kind;
  params[1] = joined;
  res = cst_db_exec (conn,
    "SELECT audit_event($1, CASE WHEN $2::text IS NULL THEN '{}'::jsonb "
    "ELSE jsonb_object(string_to_array($2::text, E'\\x1f')) END)", 2, params, error);
  return res ? cst_db_int64 (res, 0, 0) : 0;
}
