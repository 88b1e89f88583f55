/* load.c — 50 clerks on one server for a minute, then proof that nothing
 * they were told was saved got lost
 *
 * Each simulated clerk is a thread with its own connection, logged in as
 * its own member of custodian_clerk, doing a realistic desk mix through
 * the model library: search, open, edit (optimistic lock), move along the
 * workflow, release, register a new request.  A fifth of the picks go to
 * a small "hot" set of requests so that clerks really do collide.
 *
 * Afterwards, on the owner's connection:
 *   1. every acknowledged change (request id, the version the server
 *      returned, what was written) is in audit_log at exactly that version;
 *   2. every request's versions 1…current each appear exactly once in the
 *      log: no update was applied on top of a version nobody read;
 *   3. where a clerk's acknowledged write is the latest version, the row
 *      holds what the clerk wrote;
 *   4. the audit hash chain verifies (cst_audit_chain_verify).
 *
 * Needs the throwaway server of build-aux/test-server.sh (PG* variables).
 * Usage: bench-load [--clerks 50] [--seconds 60] [--requests 5000] [--think-ms 200]
 *                   [--slow-ms MS]
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cst-test-db.h"
#include "cst-bench.h"
#include "cst-document-cache-private.h"

typedef enum
{
  OP_SEARCH,
  OP_OPEN,
  OP_EDIT,
  OP_MOVE,
  OP_RELEASE,
  OP_CREATE,
  OP_PREPARE,   /* not picked: the worker's part of opening a ready request */
  N_OPS
} OpKind;

static const char *const op_names[N_OPS] = {
  "search", "open", "edit", "move", "release", "create", "prepare (background)",
};
/* Out of 100: mostly reading, as at a real ROI desk. */
static const guint op_weights[N_OPS] = { 30, 30, 20, 12, 4, 4, 0 };

#define HOT_SET 100

typedef struct
{
  gint64 id;
  int    version;
  char   field;      /* 'p': purpose, 's': status */
  char  *expected;
} Ack;

/* A timed operation over --slow-ms: when it started by the wall clock,
 * to be set beside what else the machine was doing then (a report's
 * start, a checkpoint, autovacuum in the server's log). */
typedef struct
{
  gint64 started_at;   /* µs since the epoch */
  gint64 elapsed;      /* µs */
  OpKind op;
  guint  clerk;
} Slow;

typedef struct
{
  guint       index;
  char       *conninfo;
  gint64      n_requests;
  gint64      deadline;
  gint64      measure_from;     /* operations started before: warm-up, not timed */
  gboolean    done_once[N_OPS]; /* a connection's first of each kind is not timed either */
  int         think_ms;
  gboolean    prepare;          /* the desk makes a ready request's documents when it is opened */
  GRand      *rand;
  GArray     *latency[N_OPS];   /* µs, acknowledged operations only */
  gint64      slow_us;          /* keep timed operations over this in slow; 0: none */
  GArray     *slow;
  guint       conflicts[N_OPS];
  guint       refused[N_OPS];
  guint       failures;
  GArray     *acks;
  GArray     *ready;            /* ids this clerk moved to "ready" */
  guint       released;         /* releases recorded, timed or not */
  guint       serial;
  guint       n_done;           /* every operation tried, timed or not */
  double      backend_cpu_ms;   /* its server backend's CPU over the run, -1: not readable */
  GDate       closed_cutoff;    /* the list holds closed requests received since */
  gboolean    like_search;      /* the search of before 2026-12-07, for comparison */
} Clerk;

static void
ack_clear (Ack *ack)
{
  g_free (ack->expected);
}

static gint64
pick_request (Clerk *clerk)
{
  if (g_rand_int_range (clerk->rand, 0, 5) == 0)
    return g_rand_int_range (clerk->rand, 1, MIN (HOT_SET, clerk->n_requests) + 1);
  return g_rand_int_range (clerk->rand, 1, (gint32) clerk->n_requests + 1);
}

static void
record_ack (Clerk      *clerk,
            CstRequest *stored,
            char        field,
            const char *expected)
{
  Ack ack = { cst_request_get_id (stored), cst_request_get_version (stored), field,
              g_strdup (expected) };

  g_array_append_val (clerk->acks, ack);
}

/* Sorts out an error: a lost race is part of the job, anything else not. */
static void
count_error (Clerk   *clerk,
             OpKind   op,
             GError  *error)
{
  if (g_error_matches (error, CST_ERROR, CST_ERROR_CONFLICT))
    clerk->conflicts[op]++;
  else if (g_error_matches (error, CST_ERROR, CST_ERROR_CLOSED) ||
           g_error_matches (error, CST_ERROR, CST_ERROR_INVALID_TRANSITION))
    clerk->refused[op]++;
  else
    {
      clerk->failures++;
      g_printerr ("clerk %u, %s: %s\n", clerk->index, op_names[op], error->message);
    }
}

/* What a clerk types into the window's search when the request is not in
 * the list: a family name, a family and a given name, an MRN, or a
 * reference's number. */
static char *
search_words (Clerk *clerk)
{
  static const char *const families[] = { "demoson", "sampleton", "fictivo", "placeholder",
                                          "testwell", "mockridge", "núñez", "óskarsdóttir",
                                          "zoë", "lee-sample" };
  static const char *const givens[] = { "avery", "jordan", "riley", "casey", "morgan", "quinn",
                                        "josé", "zoë", "ana", "kai", "noor" };
  const char *family = families[g_rand_int_range (clerk->rand, 0, G_N_ELEMENTS (families))];

  switch (g_rand_int_range (clerk->rand, 0, 4))
    {
    case 0:
      return g_strdup (family);
    case 1:
      return g_strdup_printf ("%s %s", family,
                              givens[g_rand_int_range (clerk->rand, 0, G_N_ELEMENTS (givens))]);
    case 2:
      return g_strdup_printf ("DEMO-%07d", g_rand_int_range (clerk->rand, 1, clerk->n_requests / 3 + 1));
    default:
      return g_strdup_printf ("%06d", g_rand_int_range (clerk->rand, 1, clerk->n_requests + 1));
    }
}

/* Until 2026-12-07 (--like-search): one LIKE over every request's MRN and
 * reference, which the window never sends, first 50 rows. */
static gboolean
do_like_search (Clerk   *clerk,
                PGconn  *conn,
                GError **error)
{
  g_autofree char *prefix = g_strdup_printf ("%u", g_rand_int_range (clerk->rand, 10, 99));
  const char *params[] = { prefix };
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "SELECT r.id, r.reference, r.status, p.mrn, p.family_name FROM roi_requests r "
    "JOIN patients p ON p.id = r.patient_id "
    "WHERE p.mrn LIKE '%' || $1 || '%' OR r.reference LIKE '%' || $1 "
    "ORDER BY r.received_date DESC LIMIT 50", 1, params, error);

  return res != NULL;
}

static gboolean
do_search (Clerk   *clerk,
           PGconn  *conn,
           GError **error)
{
  /* The window's search for what its list leaves out, on the server: the
   * same call (cst_request_store_search_closed_async()), its words each
   * matched against reference, MRN, names and requester, up to the
   * window's 200 rows, closed requests received before the list's
   * cutoff. */
  g_autofree char *words = NULL;
  g_autoptr(GPtrArray) found = NULL;

  if (clerk->like_search)
    return do_like_search (clerk, conn, error);
  words = search_words (clerk);
  found = cst_request_repo_search_closed (conn, words, &clerk->closed_cutoff, 200, NULL, error);
  return found != NULL;
}

/* The do_ functions set *op to what was actually done: a clerk who opens
 * a closed request to edit it only looked at it. */
static gboolean
do_edit (Clerk       *clerk,
         PGconn      *conn,
         CstRequest  *request,
         OpKind      *op,
         GError     **error)
{
  g_autofree char *token = g_strdup_printf ("load %u-%u", clerk->index, ++clerk->serial);
  g_autoptr(CstRequest) saved = NULL;

  if (cst_request_status_is_closed (cst_request_get_status (request)))
    {
      *op = OP_OPEN;
      return TRUE;
    }
  g_object_set (request, "purpose", token, NULL);
  saved = cst_request_repo_save (conn, request, error);
  if (saved == NULL)
    return FALSE;
  record_ack (clerk, saved, 'p', token);
  return TRUE;
}

static gboolean
do_move (Clerk       *clerk,
         PGconn      *conn,
         CstRequest  *request,
         OpKind      *op,
         GError     **error)
{
  CstRequestStatus status = cst_request_get_status (request);
  g_autoptr(CstRequest) moved = NULL;

  /* Ready requests wait for their own clerk's release. */
  if (status >= CST_STATUS_READY)
    {
      *op = OP_OPEN;
      return TRUE;
    }
  moved = cst_request_repo_move (conn, request, status + 1, NULL, error);
  if (moved == NULL)
    return FALSE;
  record_ack (clerk, moved, 's', cst_enum_to_nick (CST_TYPE_REQUEST_STATUS, status + 1));
  if (status + 1 == CST_STATUS_READY)
    {
      gint64 id = cst_request_get_id (moved);
      g_array_append_val (clerk->ready, id);
    }
  return TRUE;
}

static void
think (Clerk *clerk)
{
  /* Think time, exponentially distributed around the mean: people
   * read the screen between clicks.  0 turns the clerks into a
   * closed loop that saturates the machine. */
  if (clerk->think_ms > 0)
    g_usleep ((gulong) (-log (1.0 - g_rand_double (clerk->rand)) * clerk->think_ms * 1000));
}

static void
add_latency (Clerk  *clerk,
             OpKind  op,
             gint64  start)
{
  gint64 elapsed = g_get_monotonic_time () - start;

  /* A connection's first operation of a kind also loads what it needs
   * of the catalog and compiles the PL/pgSQL it fires: a desk pays
   * that once a day, not once per save.  Releases in particular come
   * late, after each clerk has moved a request to ready. */
  if (start >= clerk->measure_from && clerk->done_once[op])
    {
      g_array_append_val (clerk->latency[op], elapsed);
      if (clerk->slow_us > 0 && elapsed > clerk->slow_us)
        {
          Slow slow = { g_get_real_time () - elapsed, elapsed, op, clerk->index };
          g_array_append_val (clerk->slow, slow);
        }
    }
  clerk->done_once[op] = TRUE;
}

/* Opening a ready request shows its release forms, which read what is on
 * record (cst_release_on_file_load_async()) and then, on the window's
 * worker, make the documents the release will record
 * (cst_release_prepare()); the clerk reads and confirms meanwhile.  Here
 * the worker's part is done in line and timed on its own row: the clerk
 * does not wait for it, but its CPU is spent all the same. */
static gboolean
open_for_release (Clerk       *clerk,
                  PGconn      *conn,
                  gint64       id,
                  CstRequest **request,
                  GError     **error)
{
  g_autoptr(CstReleaseOnFile) on_file = NULL;
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);
  gint64 start;

  if ((*request = cst_request_repo_get (conn, id, error)) == NULL ||
      (on_file = cst_release_on_file_load (conn, *request, error)) == NULL)
    return FALSE;
  if (clerk->prepare && cst_request_get_status (*request) == CST_STATUS_READY)
    {
      start = g_get_monotonic_time ();
      cst_release_prepare (conn, *request, language, &options);
      add_latency (clerk, OP_PREPARE, start);
    }
  return TRUE;
}

/* Times what the clerk waits for after confirming: the release. */
static gboolean
do_release (Clerk   *clerk,
            PGconn  *conn,
            gint64   id,
            OpKind  *op,
            gint64  *start,
            GError **error)
{
  g_autoptr(CstRequest) request = NULL;
  g_autoptr(CstRelease) released = NULL;
  CstDocumentOptions options;
  const char *language = cst_release_desk_setup (&options);

  if (!open_for_release (clerk, conn, id, &request, error))
    return FALSE;
  if (cst_request_get_status (request) != CST_STATUS_READY)
    {
      *op = OP_OPEN;
      return TRUE;
    }
  think (clerk);
  *start = g_get_monotonic_time ();
  /* As the desk does: the cover letter, the disclosure and the status in
   * one call (0102-release-in-one-call.sql), one round trip when the
   * documents were prepared. */
  released = cst_release_run (conn, request, language, &options, error);
  if (released == NULL)
    return FALSE;
  clerk->released++;
  record_ack (clerk, released->request, 's', "released");
  return TRUE;
}

static gboolean
do_create (Clerk   *clerk,
           PGconn  *conn,
           GError **error)
{
  g_autoptr(CstRequest) draft = cst_request_new ();
  g_autoptr(CstRequest) created = NULL;
  g_autofree char *mrn = g_strdup_printf ("LOAD-%u-%u", clerk->index, ++clerk->serial);
  g_autofree char *token = g_strdup_printf ("load new %s", mrn);
  GDate today, birth;

  cst_input_today (&today);
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, 1 + clerk->serial % 28, 1 + clerk->index % 12, 1950 + clerk->serial % 50);
  g_object_set (draft,
                "patient-mrn", mrn,
                "patient-family-name", "Loadtest",
                "patient-given-name", "Synthetic",
                "patient-birth-date", &birth,
                "requester-name", "Synthetic Requester",
                "requester-kind", CST_REQUESTER_ATTORNEY,
                "received-date", &today,
                "jurisdiction", "NY",
                "purpose", token,
                NULL);
  created = cst_request_repo_create (conn, draft, error);
  if (created == NULL)
    return FALSE;
  record_ack (clerk, created, 'p', token);
  return TRUE;
}

static OpKind
pick_op (Clerk *clerk)
{
  guint roll = (guint) g_rand_int_range (clerk->rand, 0, 100);

  for (guint op = 0; op < N_OPS; op++)
    {
      if (roll < op_weights[op])
        return op;
      roll -= op_weights[op];
    }
  return OP_OPEN;
}

static gboolean
run_op (Clerk   *clerk,
        PGconn  *conn,
        OpKind  *op,
        gint64  *start,
        GError **error)
{
  g_autoptr(CstRequest) request = NULL;

  /* With nothing of one's own ready, work the next request instead. */
  if (*op == OP_RELEASE && clerk->ready->len == 0)
    *op = OP_MOVE;
  switch (*op)
    {
    case OP_SEARCH:
      return do_search (clerk, conn, error);
    case OP_RELEASE:
      {
        gint64 id = g_array_index (clerk->ready, gint64, clerk->ready->len - 1);
        g_array_remove_index (clerk->ready, clerk->ready->len - 1);
        return do_release (clerk, conn, id, op, start, error);
      }
    case OP_CREATE:
      return do_create (clerk, conn, error);
    case OP_OPEN:
    case OP_EDIT:
    case OP_MOVE:
    case N_OPS:
    default:
      break;
    }
  request = cst_request_repo_get (conn, pick_request (clerk), error);
  if (request == NULL)
    return FALSE;
  if (*op == OP_EDIT)
    return do_edit (clerk, conn, request, op, error);
  if (*op == OP_MOVE)
    return do_move (clerk, conn, request, op, error);
  return TRUE;
}

/* The CPU time (user + system) a backend on this machine has used, from
 * /proc: the firm figure on a shared machine, where wall times swing with
 * everyone else's work.  -1 when the server is elsewhere or not readable. */
static double
backend_cpu_ms (PGconn *conn)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", PQbackendPID (conn));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (after_name = strrchr (text, ')')) == NULL)
    return -1;
  /* Fields after the command name: state is the 3rd of the line, utime
   * and stime the 14th and 15th, in clock ticks. */
  fields = g_strsplit (after_name + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0 /
         sysconf (_SC_CLK_TCK);
}

static gpointer
clerk_thread (gpointer data)
{
  Clerk *clerk = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = cst_db_connect (clerk->conninfo, &error);

  double cpu_start;

  g_assert_no_error (error);
  cpu_start = backend_cpu_ms (conn);
  while (g_get_monotonic_time () < clerk->deadline)
    {
      OpKind op = pick_op (clerk);
      gint64 start;

      think (clerk);
      start = g_get_monotonic_time ();
      /* Not past the end after thinking: by then the other clerks are
       * closing their connections, and 50 backends exiting at once are not
       * part of a working day. */
      if (start >= clerk->deadline)
        break;

      g_clear_error (&error);
      clerk->n_done++;
      /* A release restarts the clock when the clerk confirms it. */
      if (!run_op (clerk, conn, &op, &start, &error))
        {
          count_error (clerk, op, error);
          continue;
        }
      add_latency (clerk, op, start);
    }
  clerk->backend_cpu_ms = cpu_start < 0 ? -1 : backend_cpu_ms (conn) - cpu_start;
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint) (p * sorted->len + 0.999999);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, gint64, rank - 1) / 1000.0;
}

/* The machine is shared: say how busy it was, so figures can be read. */
static void
print_load_average (const char *when)
{
  g_autofree char *text = cst_bench_load_average ();

  g_print ("Load average %s: %s", when, text);
}

static guint
report (Clerk  *clerks,
        guint   n_clerks,
        double  seconds)
{
  guint total = 0, conflicts = 0, failures = 0;

  g_print ("| operation | count | ops/s | p50 ms | p99 ms | max ms | conflicts | refused |\n");
  g_print ("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint op = 0; op < N_OPS; op++)
    {
      g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint op_conflicts = 0, op_refused = 0;

      for (guint c = 0; c < n_clerks; c++)
        {
          g_array_append_vals (all, clerks[c].latency[op]->data, clerks[c].latency[op]->len);
          op_conflicts += clerks[c].conflicts[op];
          op_refused += clerks[c].refused[op];
        }
      g_array_sort (all, compare_gint64);
      g_print ("| %s | %u | %.1f | %.2f | %.2f | %.2f | %u | %u |\n", op_names[op], all->len,
               all->len / seconds, percentile_ms (all, 0.50), percentile_ms (all, 0.99),
               all->len ? g_array_index (all, gint64, all->len - 1) / 1000.0 : 0.0,
               op_conflicts, op_refused);
      total += all->len;
      conflicts += op_conflicts;
    }
  for (guint c = 0; c < n_clerks; c++)
    failures += clerks[c].failures;
  g_print ("\nTotal: %u acknowledged operations, %.1f ops/s; %u optimistic-lock conflicts; "
           "%u unexpected failures\n", total, total / seconds, conflicts, failures);
  return failures;
}

static int
compare_slow (gconstpointer a,
              gconstpointer b)
{
  return compare_gint64 (&((const Slow *) a)->started_at, &((const Slow *) b)->started_at);
}

/* "HH:MM:SS.ffffff", UTC, of @usec since the epoch: to be set beside the
 * server's log and the reports' times. */
static char *
utc_clock_text (gint64 usec)
{
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) at = g_date_time_add (second, usec % G_USEC_PER_SEC);

  return g_date_time_format (at, "%H:%M:%S.%f");
}

/* Every timed operation over --slow-ms, in the order they started. */
static void
report_slow (Clerk *clerks,
             guint  n_clerks,
             int    slow_ms)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (Slow));
  g_autofree char *from = utc_clock_text (g_get_real_time () -
                                          (g_get_monotonic_time () - clerks[0].measure_from));

  for (guint c = 0; c < n_clerks; c++)
    g_array_append_vals (all, clerks[c].slow->data, clerks[c].slow->len);
  g_array_sort (all, compare_slow);
  g_print ("\nOperations over %d ms: %u of those timed from %.8s UTC (started at, UTC; operation; ms; "
           "clerk)\n", slow_ms, all->len, from);
  for (guint i = 0; i < all->len; i++)
    {
      const Slow *slow = &g_array_index (all, Slow, i);
      g_autofree char *at = utc_clock_text (slow->started_at);

      g_print ("slow: %.12s %s %.1f %u\n", at, op_names[slow->op], slow->elapsed / 1000.0,
               slow->clerk);
    }
}

/* Check 1 and 3 for a batch of acknowledgements: ids and versions are
 * integers, the expected texts contain no unit separator. */
static gint64
count_missing_acks (PGconn *conn,
                    Ack    *acks,
                    guint   n)
{
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GString) versions = g_string_new (NULL);
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[4];

  for (guint i = 0; i < n; i++)
    {
      const char *sep = i ? "," : "";
      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, sep, acks[i].id);
      g_string_append_printf (versions, "%s%d", sep, acks[i].version);
      g_string_append_printf (fields, "%s%c", sep, acks[i].field);
      if (i)
        g_string_append_c (expected, '\x1f');
      g_string_append (expected, acks[i].expected);
    }
  params[0] = ids->str;
  params[1] = versions->str;
  params[2] = fields->str;
  params[3] = expected->str;
  res = cst_db_exec (conn,
    "SELECT count(*) FROM unnest(string_to_array($1, ',')::bigint[], "
    "  string_to_array($2, ',')::int[], string_to_array($3, ','), "
    "  string_to_array($4, E'\\x1f')) AS a(id, version, field, expected) "
    "WHERE (SELECT count(*) FROM audit_log l WHERE l.table_name = 'roi_requests' "
    "        AND l.row_id = a.id AND l.action IN ('INSERT', 'UPDATE') "
    "        AND (l.new_row->>'version')::int = a.version "
    "        AND CASE a.field WHEN 'p' THEN l.new_row->>'purpose' ELSE l.new_row->>'status' END"
    "            = a.expected) <> 1 "
    "   OR NOT EXISTS (SELECT 1 FROM roi_requests r WHERE r.id = a.id AND r.version >= a.version)"
    "   OR EXISTS (SELECT 1 FROM roi_requests r WHERE r.id = a.id AND r.version = a.version "
    "        AND CASE a.field WHEN 'p' THEN r.purpose ELSE r.status::text END <> a.expected)",
    4, params, &error);
  g_assert_no_error (error);
  return cst_db_int64 (res, 0, 0);
}

/* How long each release's transaction held what it wrote: from its
 * first audited row (the first document recorded) to its last (the
 * request.released event), by the server's clock_timestamp() and the
 * transaction id the audit log keeps.  The whole operation is timed by
 * the client; this is the part other writers may wait on. */
static void
report_release_writes (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = cst_db_exec (conn,
    "WITH t AS (SELECT txid, 1000 * extract (epoch FROM max (occurred_at) - min (occurred_at)) AS ms"
    "             FROM audit_log GROUP BY txid"
    "           HAVING bool_or (action = 'EVENT' AND new_row->>'kind' = 'request.released'))"
    " SELECT count(*), percentile_cont (0.5) WITHIN GROUP (ORDER BY ms),"
    "        percentile_cont (0.99) WITHIN GROUP (ORDER BY ms), max (ms) FROM t",
    0, NULL, &error);

  g_assert_no_error (error);
  g_print ("\nRelease transactions: %s, first write to the release event p50 %.2f ms, "
           "p99 %.2f ms, max %.2f ms\n",
           cst_db_value (res, 0, 0), g_ascii_strtod (cst_db_value (res, 0, 1), NULL),
           g_ascii_strtod (cst_db_value (res, 0, 2), NULL), g_ascii_strtod (cst_db_value (res, 0, 3), NULL));
}

/* Client and server CPU per operation: the process's own CPU (50 clerks'
 * threads, the documents they prepare) and the clerks' backends' (from
 * /proc, when the server runs on this machine), over every operation
 * tried, timed or not. */
static void
report_cpu (Clerk  *clerks,
            guint   n_clerks,
            double  client_ms)
{
  double server_ms = 0;
  guint ops = 0;
  gboolean server_known = TRUE;

  for (guint c = 0; c < n_clerks; c++)
    {
      ops += clerks[c].n_done;
      server_known = server_known && clerks[c].backend_cpu_ms >= 0;
      server_ms += clerks[c].backend_cpu_ms;
    }
  if (ops == 0)
    return;
  g_print ("CPU per operation (%u operations, timed or not): client %.3f ms", ops, client_ms / ops);
  if (server_known)
    g_print (", server backends %.3f ms, both %.3f ms\n", server_ms / ops,
             (client_ms + server_ms) / ops);
  else
    g_print (", server backends not readable here\n");
}

/* Where the server's time went, when the server loads pg_stat_statements
 * (shared_preload_libraries) and tracks functions (track_functions):
 * what a change should be measured against.  Nested statements (inside
 * functions and triggers) are counted with track = all. */
static gboolean
statements_start (PGconn *owner)
{
  g_autoptr(PGresult) res = cst_db_exec (owner,
    "SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries' "
    "AND setting ~ 'pg_stat_statements'", 0, NULL, NULL);

  if (res == NULL || PQntuples (res) == 0 ||
      !cst_db_exec_command (owner, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", 0, NULL, NULL))
    return FALSE;
  return cst_db_exec_command (owner, "SELECT pg_stat_statements_reset ()", 0, NULL, NULL) &&
         cst_db_exec_command (owner, "SELECT pg_stat_reset ()", 0, NULL, NULL);
}

static void
print_rows (PGresult *res)
{
  for (int row = 0; res != NULL && row < PQntuples (res); row++)
    {
      g_print ("|");
      for (int col = 0; col < PQnfields (res); col++)
        g_print (" %s |", PQgetvalue (res, row, col));
      g_print ("\n");
    }
}

static void
statements_report (PGconn *owner,
                   int     n)
{
  g_autofree char *limit = g_strdup_printf ("%d", n);
  const char *params[] = { limit };
  g_autoptr(PGresult) statements = cst_db_exec (owner,
    "SELECT sum (calls), round (sum (total_exec_time)::numeric, 0), "
    "       round (sum (total_plan_time)::numeric, 0), sum (plans), "
    "       round ((sum (total_exec_time) / NULLIF (sum (calls), 0))::numeric, 3), "
    "       CASE WHEN bool_and (toplevel) THEN 'top' ELSE 'nested' END, "
    "       left (regexp_replace (query, '\\s+', ' ', 'g'), 110) "
    "  FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
    "                                         WHERE datname = current_database ()) "
    " GROUP BY query ORDER BY sum (total_exec_time + total_plan_time) DESC LIMIT $1::int",
    1, params, NULL);
  /* Planning is only counted with pg_stat_statements.track_planning on. */
  g_autoptr(PGresult) totals = cst_db_exec (owner,
    "SELECT round (sum (total_plan_time)::numeric, 0), round (sum (total_exec_time)::numeric, 0), "
    "       sum (plans), sum (calls) "
    "  FROM pg_stat_statements WHERE toplevel AND dbid = (SELECT oid FROM pg_database "
    "                                                     WHERE datname = current_database ())",
    0, NULL, NULL);
  g_autoptr(PGresult) functions = cst_db_exec (owner,
    "SELECT funcname, calls, round (total_time::numeric, 0), round (self_time::numeric, 0), "
    "       round ((self_time / calls)::numeric, 3) "
    "  FROM pg_stat_user_functions ORDER BY self_time DESC LIMIT $1::int", 1, params, NULL);

  if (totals != NULL && PQntuples (totals) == 1)
    g_print ("\nTop-level statements: planning %s ms (%s plans), executing %s ms "
             "(%s calls)\n", PQgetvalue (totals, 0, 0), PQgetvalue (totals, 0, 2),
             PQgetvalue (totals, 0, 1), PQgetvalue (totals, 0, 3));
  g_print ("\nServer statements by total time (pg_stat_statements, all clerks):\n\n"
           "| calls | exec ms | plan ms | plans | mean exec ms | level | statement |\n"
           "|---:|---:|---:|---:|---:|---|---|\n");
  print_rows (statements);
  g_print ("\nFunctions by own time (pg_stat_user_functions):\n\n"
           "| function | calls | total ms | self ms | self ms per call |\n|---|---:|---:|---:|---:|\n");
  print_rows (functions);
}

static gboolean
verify (PGconn *conn,
        Clerk  *clerks,
        guint   n_clerks)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) gaps = NULL;
  g_autoptr(CstAuditChainReport) chain = NULL;
  gint64 missing = 0, acks = 0;
  gint64 start = g_get_monotonic_time ();

  for (guint c = 0; c < n_clerks; c++)
    for (guint i = 0; i < clerks[c].acks->len; i += 1000)
      {
        guint n = MIN (1000, clerks[c].acks->len - i);
        missing += count_missing_acks (conn, &g_array_index (clerks[c].acks, Ack, i), n);
        acks += n;
      }
  gaps = cst_db_exec (conn,
    "SELECT count(*) FROM roi_requests r LEFT JOIN ("
    "  SELECT row_id, count(*) AS n, count(DISTINCT new_row->>'version') AS distinct_versions, "
    "         max((new_row->>'version')::int) AS top FROM audit_log "
    "   WHERE table_name = 'roi_requests' AND action IN ('INSERT', 'UPDATE') GROUP BY row_id) l "
    "  ON l.row_id = r.id "
    "WHERE l.row_id IS NULL OR l.n <> r.version OR l.distinct_versions <> l.n OR l.top <> r.version",
    0, NULL, &error);
  g_assert_no_error (error);
  chain = cst_audit_chain_verify (conn, 0, NULL, &error);
  g_assert_no_error (error);

  g_print ("\nAcknowledged changes checked: %" G_GINT64_FORMAT ", missing or different: %"
           G_GINT64_FORMAT "\n", acks, missing);
  g_print ("Requests whose version history has a gap or a duplicate: %" G_GINT64_FORMAT "\n",
           cst_db_int64 (gaps, 0, 0));
  g_print ("Audit chain: %s, %" G_GINT64_FORMAT " rows%s%s\n",
           chain->intact ? "intact" : "BROKEN", chain->rows_checked,
           chain->problem ? ": " : "", chain->problem ? chain->problem : "");
  g_print ("Verification took %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
  return missing == 0 && cst_db_int64 (gaps, 0, 0) == 0 && chain->intact;
}

int
main (int    argc,
      char **argv)
{
  int n_clerks = 50, seconds = 60, n_requests = 5000, think_ms = 200, warmup = -1;
  int n_statements = 25, closed_days = 30, slow_ms = 0;
  gboolean no_chain = FALSE, no_prepare = FALSE, statements = FALSE, unprepared = FALSE;
  gboolean like_search = FALSE;
  double client_cpu;
  const GOptionEntry entries[] = {
    { "clerks", 'c', 0, G_OPTION_ARG_INT, &n_clerks, "Simulated clerks (default 50)", "N" },
    { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "How long (default 60)", "S" },
    { "requests", 'r', 0, G_OPTION_ARG_INT, &n_requests, "Requests seeded first (default 5000)", "N" },
    { "think-ms", 't', 0, G_OPTION_ARG_INT, &think_ms,
      "Mean pause between one clerk's operations (default 200; 0: no pause)", "MS" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup,
      "Seconds at the start whose operations are done but not timed: each new "
      "connection first fills its caches (default 25 mean think times, at least 5)", "S" },
    { "statements", 0, 0, G_OPTION_ARG_INT, &n_statements,
      "How many of the server's statements and functions to list by time, when the server "
      "loads pg_stat_statements (default 25)", "N" },
    { "no-prepare", 0, 0, G_OPTION_ARG_NONE, &no_prepare,
      "For comparison only: opening a ready request does not make its documents first, so "
      "the release draws them while the clerk waits (as before cst_release_prepare())", NULL },
    { "closed-days", 0, 0, G_OPTION_ARG_INT, &closed_days,
      "The list holds closed requests received in this many days; the search looks on the "
      "server for older ones (default 30: the demo's requests span 75 days)", "D" },
    { "no-prepared-statements", 0, 0, G_OPTION_ARG_NONE, &unprepared,
      "For comparison only: every statement is sent as text, planned at every call (as before "
      "statements were prepared once per connection)", NULL },
    { "like-search", 0, 0, G_OPTION_ARG_NONE, &like_search,
      "For comparison only: the search of the figures before 2026-12-07, one LIKE over MRNs and "
      "references, 50 rows (not what the window sends)", NULL },
    { "slow-ms", 0, 0, G_OPTION_ARG_INT, &slow_ms,
      "List every timed operation slower than this, with when it started (default 0: none)", "MS" },
    { "no-chain", 0, 0, G_OPTION_ARG_NONE, &no_chain,
      "For comparison only: writers do not link the audit chain at commit (the verification "
      "links every row afterwards)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the 50-clerk load test");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstTestDb) db = NULL;
  g_autoptr(PGconn) owner = NULL;
  g_autofree Clerk *clerks = NULL;
  g_autofree GThread **threads = NULL;
  gint64 started, finished;
  guint failures, drawn, released = 0;
  gboolean intact;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-load: %s\n", error->message);
      return 2;
    }
  /* The same number of operations per clerk whatever the pace: 5 s at the
   * default 200 ms, 75 s at a person's 3,000 (bench/load/README.md). */
  if (warmup < 0)
    warmup = MAX (5, (think_ms * 25 + 999) / 1000);
  if (n_clerks < 1 || n_clerks > 150 || seconds < 1 || closed_days < 1 || warmup >= seconds ||
      n_requests < HOT_SET || think_ms < 0 || slow_ms < 0)
    {
      g_printerr ("bench-load: bad option value\n");
      return 2;
    }

  cst_db_set_preparing (!unprepared);
  db = cst_test_db_new ();
  owner = cst_test_db_connect (db);
  g_assert_true (cst_demo_seed (owner, (guint) n_requests, &error));
  g_assert_no_error (error);
  n_requests = (int) cst_request_repo_count (owner, NULL);
  /* As after any bulk load: without it the planner knows the tables as
   * they were before the seed, and autovacuum's first pass over the seed's
   * 70,000 linked audit rows lands in the middle of the run (a half-second
   * stall on two cores). */
  g_assert_true (cst_db_exec_command (owner, "VACUUM ANALYZE", 0, NULL, NULL));
  if (no_chain)
    g_assert_true (cst_db_exec_command (owner,
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_link", 0, NULL, NULL));

  clerks = g_new0 (Clerk, n_clerks);
  threads = g_new0 (GThread *, n_clerks);
  for (int c = 0; c < n_clerks; c++)
    {
      clerks[c].index = (guint) c;
      clerks[c].conninfo = cst_test_db_create_login (db, "custodian_clerk");
      clerks[c].n_requests = n_requests;
      clerks[c].think_ms = think_ms;
      clerks[c].prepare = !no_prepare;
      clerks[c].like_search = like_search;
      cst_input_today (&clerks[c].closed_cutoff);
      g_date_subtract_days (&clerks[c].closed_cutoff, (guint) closed_days);
      clerks[c].rand = g_rand_new_with_seed (0x5eed + (guint32) c);
      for (guint op = 0; op < N_OPS; op++)
        clerks[c].latency[op] = g_array_new (FALSE, FALSE, sizeof (gint64));
      clerks[c].acks = g_array_new (FALSE, FALSE, sizeof (Ack));
      g_array_set_clear_func (clerks[c].acks, (GDestroyNotify) ack_clear);
      clerks[c].ready = g_array_new (FALSE, FALSE, sizeof (gint64));
      clerks[c].slow_us = (gint64) slow_ms * 1000;
      clerks[c].slow = g_array_new (FALSE, FALSE, sizeof (Slow));
    }

  g_print ("Custodian load test: %d clerks, %d s (the first %d s not timed), mean think time "
           "%d ms, %d requests seeded, PostgreSQL %d%s\n\n", n_clerks, seconds, warmup, think_ms,
           n_requests,
           PQserverVersion (owner), no_chain ? ", AUDIT CHAIN OFF" : "");
  g_print ("Ready requests' documents made when opened: %s\n", no_prepare ? "no" : "yes");
  g_print ("Statements prepared once per connection: %s\n", unprepared ? "no" : "yes");
  if (like_search)
    g_print ("Search: LIKE over MRNs and references (before 2026-12-07)\n");
  else
    g_print ("Search: closed requests received more than %d days ago, on the server\n", closed_days);
  print_load_average ("before");
  statements = n_statements > 0 && statements_start (owner);
  drawn = cst_document_cache_n_drawn ();
  client_cpu = cst_bench_cpu_ms ();
  started = g_get_monotonic_time ();
  for (int c = 0; c < n_clerks; c++)
    {
      clerks[c].deadline = started + (gint64) seconds * G_USEC_PER_SEC;
      clerks[c].measure_from = started + (gint64) warmup * G_USEC_PER_SEC;
      threads[c] = g_thread_new ("clerk", clerk_thread, &clerks[c]);
    }
  for (int c = 0; c < n_clerks; c++)
    g_thread_join (threads[c]);
  finished = g_get_monotonic_time ();
  client_cpu = cst_bench_cpu_ms () - client_cpu;
  print_load_average ("after");
  g_print ("\n");

  failures = report (clerks, (guint) n_clerks, (finished - started) / 1e6 - warmup);
  /* Which documents a release draws: the demo's requests have no invoice,
   * so one cover letter a release, timed or not, or none when prepared. */
  for (int c = 0; c < n_clerks; c++)
    released += clerks[c].released;
  g_print ("PDFs drawn by the clerks: %u, releases recorded: %u\n",
           cst_document_cache_n_drawn () - drawn, released);
  report_cpu (clerks, (guint) n_clerks, client_cpu);
  if (slow_ms > 0)
    report_slow (clerks, (guint) n_clerks, slow_ms);
  if (statements)
    statements_report (owner, n_statements);
  intact = verify (owner, clerks, (guint) n_clerks);
  report_release_writes (owner);

  for (int c = 0; c < n_clerks; c++)
    {
      for (guint op = 0; op < N_OPS; op++)
        g_array_unref (clerks[c].latency[op]);
      g_array_unref (clerks[c].acks);
      g_array_unref (clerks[c].ready);
      g_array_unref (clerks[c].slow);
      g_rand_free (clerks[c].rand);
      g_free (clerks[c].conninfo);
    }
  g_print ("\n%s\n", intact && failures == 0 ? "PASS: no acknowledged update was lost"
                                             : "FAIL");
  return intact && failures == 0 ? 0 : 1;
}
