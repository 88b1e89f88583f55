/* bench-window.c — the main window with 200,000 requests in the database
 *
 * Measures, against a real PostgreSQL server and a real window:
 *  - load: from asking the store for the list to the window showing rows;
 *  - keystroke: from a search keystroke (text set in the search entry, as
 *    typing does, with the entry's own search delay) to the filtered list
 *    drawn on screen: every prefix of a few typed queries, median and 95th
 *    percentile, and clearing the search; typed as a person types (a pause
 *    before each key) and back to back (see type_queries());
 *  - the resident memory of the process with the list loaded.
 *
 * Run (a throwaway server and Xvfb as in build-aux/run-tests.sh):
 *   meson test -C build --benchmark --suite window -v
 * Size: CUSTODIAN_BENCH_REQUESTS (default 200000).  To measure again without
 * seeding again, point CUSTODIAN_BENCH_DATABASE at a database seeded with
 * `custodian-cli db seed-demo --requests 200000`, or at one this bench
 * seeded and kept (CUSTODIAN_BENCH_KEEP=1 keeps it and prints how to log
 * in to it).  The window reads its list as an ordinary clerk's login, as
 * at a hospital (row-level security applies), not as the database's owner.
 */
#include "config.h"

#include <adwaita.h>
#include <malloc.h>
#include <stdio.h>
#include <time.h>

#include <custodian/cst-request-store-filter.h>

#include "cst-request-list-page.h"
#include "cst-test-db.h"
#include "cst-window.h"
#include "cst-bench.h"
#include "cst-renderer.h"

/* The benchmark measures the window, not seeding: rows go in with the
 * triggers off (session_replication_role, superuser only), so the audit
 * log and its hash chain are not written for them.  Seeding through the
 * triggers (custodian-cli db seed-demo) is measured separately. */
static const char *const fast_seed[] = {
  "SET session_replication_role = replica",
  "INSERT INTO patients (mrn, family_name, given_name, birth_date) "
  "SELECT 'BENCH-' || lpad(g::text, 7, '0'), "
  "  (ARRAY['Demoson','Sampleton','Fictivo','Placeholder','Testwell','Mockridge',"
  "         'Núñez-Ejemplo','Óskarsdóttir-Demo','Zoë-Test','Lee-Sample'])[1 + g % 10], "
  "  (ARRAY['Avery','Jordan','Riley','Casey','Morgan','Quinn','José','Zoë','Ana','Kai','Noor'])[1 + (g / 10) % 11], "
  "  DATE '1940-01-01' + (g * 37 % 29000) FROM generate_series(1, $1::int / 3 + 1) g",
  "INSERT INTO requesters (kind, name, email) "
  "SELECT (ARRAY['patient','personal_representative','attorney','insurer','provider',"
  "  'government_agency','other'])[1 + g % 7]::requester_kind, "
  "  (ARRAY['Sample Requester','Demo Law Group','Example Mutual Insurance','Placeholder Clinic',"
  "  'Demo Disability Office','Test Family Member','Mock Records Service'])[1 + g % 7], "
  "  'bench' || g || '@example.org' FROM generate_series(1, $1::int) g",
  "INSERT INTO roi_requests (reference, patient_id, requester_id, received_date, jurisdiction, "
  "  purpose, status, status_reason, due_date) "
  "SELECT format('ROI-%s-%s', to_char(current_date - (g % $2::int), 'YYYY'), lpad(g::text, 7, '0')), "
  "  (SELECT min(id) FROM patients) + g % ($1::int / 3 + 1), (SELECT min(id) FROM requesters) + g - 1, "
  "  current_date - (g % $2::int), (ARRAY['NY','TX','CA','FL','IL','PA','OH','GA','NC','MI'])[1 + g % 10], "
  "  'Benchmark', "
  /* Every status among the last 60 days' requests; older ones are closed,
   * as in a real department's history. */
  "  CASE WHEN g % $2::int < 60 THEN (ARRAY['received','authorization_verified','in_progress',"
  "    'quality_check','ready','released','denied','cancelled'])[1 + g % 8]"
  "  ELSE (ARRAY['released','denied','cancelled'])[1 + g % 3] END::roi_status, "
  "  'Benchmark', current_date - (g % $2::int) + 30 "
  "FROM generate_series(1, $1::int) g",
  "SET session_replication_role = DEFAULT",
  /* What autovacuum does soon after a bulk load: without statistics the
   * planner takes 200,000 rows for a handful. */
  "ANALYZE",
};

/* @history_days: received dates spread over this many days back */
static void
seed_fast (PGconn *conn,
           guint   n_requests,
           guint   history_days)
{
  g_autofree char *count = g_strdup_printf ("%u", n_requests);
  g_autofree char *days = g_strdup_printf ("%u", history_days);
  const char *params[] = { count, days };

  for (guint i = 0; i < G_N_ELEMENTS (fast_seed); i++)
    {
      g_autoptr(GError) error = NULL;
      int n_params = strstr (fast_seed[i], "$2") ? 2 : strstr (fast_seed[i], "$1") ? 1 : 0;

      if (!cst_db_exec_command (conn, fast_seed[i], n_params, params, &error))
        g_error ("Seeding: %s", error->message);
    }
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static gboolean
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return done (data);
}

static gboolean store_loaded (gpointer store) { return !cst_request_store_get_loading (store); }
static gboolean filter_done (gpointer page) { return !cst_request_list_page_is_filtering (page); }

static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line ? strtol (line + 6, NULL, 10) : -1;
}

/* What malloc has handed out and not had back, all threads' arenas: the
 * list's own bytes, apart from the freed holes the resident set keeps. */
static long
heap_in_use_kib (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (long) ((info.uordblks + info.hblkhd) / 1024);
}

static int
by_resident (gconstpointer a, gconstpointer b)
{
  const gsize *x = a, *y = b;

  return (x[1] < y[1]) - (x[1] > y[1]);
}

/* Where the resident set is: the largest mappings of /proc/self/smaps, by
 * what they map (a library, a font, "[heap]", or anonymous memory), so
 * that what the window weighs before a row is read can be read off. */
static void
print_resident_mappings (const char *when)
{
  g_autofree char *smaps = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) sums = g_array_new (FALSE, FALSE, 2 * sizeof (gsize));
  const char *name = "anonymous";

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *field = strchr (lines[i], ' ');
      gsize entry[2] = { 0, 0 };
      gpointer index;

      if (field != NULL && strchr (lines[i], '-') != NULL && strchr (lines[i], '-') < field)
        {
          /* A mapping's first line: range, perms, offset, dev, inode, path. */
          char *path = strchr (lines[i], '/');
          char *bracket = strchr (lines[i], '[');
          name = path ? path : bracket ? bracket : "anonymous";
          continue;
        }
      if (!g_str_has_prefix (lines[i], "Rss:"))
        continue;
      if (!g_hash_table_lookup_extended (names, name, NULL, &index))
        {
          index = GUINT_TO_POINTER (sums->len);
          entry[0] = sums->len;
          g_array_append_val (sums, entry);
          g_strv_builder_add (builder, name);
          g_hash_table_insert (names, (gpointer) name, index);
        }
      g_array_index (sums, gsize, 2 * GPOINTER_TO_UINT (index) + 1) += strtoul (lines[i] + 4, NULL, 10);
    }
  {
    g_auto(GStrv) paths = g_strv_builder_end (builder);

    g_array_sort (sums, by_resident);
    printf ("largest resident mappings %s:", when);
    for (guint i = 0; i < MIN (sums->len, 12); i++)
      printf (" %s %zu MiB%s", paths[g_array_index (sums, gsize, 2 * i)],
              g_array_index (sums, gsize, 2 * i + 1) / 1024, i + 1 < MIN (sums->len, 12) ? "," : "\n");
  }
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* CPU time of the calling (main) thread: on a shared machine the wall
 * clock also counts the time other processes had the cores. */
static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1.0e6;
}

/* CPU time of the whole process, every thread: the load's own work
 * (the listing thread's reading and the main thread's), not the server's
 * and not the time spent waiting for a core. */
static double
process_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1.0e6;
}

typedef struct
{
  CstRequestListPage *page;
  gboolean            searched;   /* the entry reported the change */
  gboolean            watching;   /* for a frame since the filter finished */
  gboolean            painted;    /* a frame drew since the filter finished */
  gint64              handled;    /* when the page had handled the change */
  gint64              layout_start, layout_done, paint_start, paint_done;   /* this frame's */
  double              layout_ms, paint_ms;   /* the last frame's */
} Keystroke;

/* Connected after the page's own handler: the rows are filtered and the
 * rows on screen rebound by then. */
static void
searched_cb (Keystroke *keystroke)
{
  keystroke->searched = TRUE;
  keystroke->handled = g_get_monotonic_time ();
}

/* The frame's phases: its size allocation ("layout"), then the drawing
 * and handing its pixels to the X server ("paint"), each from an emission
 * hook (before GTK's handler) to a handler connected after GTK's (which
 * was connected when the window was realized).  A frame that lays
 * nothing out has no layout phase. */
static gboolean
phase_starts_cb (GSignalInvocationHint *hint,
                 guint                  n_values,
                 const GValue          *values,
                 gpointer               data)
{
  Keystroke *keystroke = data;

  if (hint->signal_id == g_signal_lookup ("layout", GDK_TYPE_FRAME_CLOCK))
    keystroke->layout_start = g_get_monotonic_time ();
  else
    keystroke->paint_start = g_get_monotonic_time ();
  return TRUE;
}

static void layout_done_cb (Keystroke *keystroke) { keystroke->layout_done = g_get_monotonic_time (); }
static void paint_done_cb (Keystroke *keystroke) { keystroke->paint_done = g_get_monotonic_time (); }

static void
frame_done_cb (Keystroke *keystroke)
{
  keystroke->layout_ms = keystroke->layout_start > 0 ?
                         (keystroke->layout_done - keystroke->layout_start) / 1000.0 : 0;
  keystroke->paint_ms = (keystroke->paint_done - keystroke->paint_start) / 1000.0;
  keystroke->layout_start = 0;
  if (keystroke->watching)
    keystroke->painted = TRUE;
}

static gboolean
filtered (gpointer data)
{
  Keystroke *keystroke = data;

  return keystroke->searched && !cst_request_list_page_is_filtering (keystroke->page);
}

static gboolean painted (gpointer data) { return ((Keystroke *) data)->painted; }

static GtkWidget *
find_search_entry (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_search_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Changes the entry's text to @text as the keyboard does: a key typed
 * at the end of the text inserts its character there; the entry's clear
 * icon and Escape set the text to "".  gtk_editable_set_text() with
 * another non-empty text deletes the whole text and then inserts the new
 * one, and GtkSearchEntry reports an empty text at once, without its
 * delay: until 2026-12-07 every keystroke of this bench was a clearing
 * followed by a search from nothing (the list's filter could not narrow
 * from the last result, and the rows on screen were rebound twice). */
static void
type_text (GtkEditable *entry,
           const char  *text)
{
  const char *now = gtk_editable_get_text (entry);

  if (*now != '\0' && *text != '\0' && g_str_has_prefix (text, now))
    {
      int position = g_utf8_strlen (now, -1);

      gtk_editable_insert_text (entry, text + strlen (now), -1, &position);
      gtk_editable_set_position (entry, position);
      return;
    }
  gtk_editable_set_text (entry, text);
}

/* What one keystroke took, in milliseconds. */
typedef struct
{
  double wall;      /* to the end of the frame that shows its rows */
  double cpu;       /* the main thread's CPU time meanwhile */
  double handled;   /* to the page having handled it: filtered, rows rebound */
  double layout;    /* that frame's size allocation */
  double paint;     /* that frame's drawing, to the pixels handed over */
  guint  rows;      /* the rows the search left */
} KeystrokeTimes;

/* From the entry's text changing, as a key press changes it, to the
 * window's next frame after the list has its rows: the end of that frame
 * (the frame clock's ::after-paint, the window's pixels handed to the X
 * server, which under Xvfb shows them at once).  A real display adds its
 * wait for the next vertical blank (0 to one refresh interval), which no
 * application controls. */
static KeystrokeTimes
time_keystroke (CstRequestListPage *page,
                GtkWidget          *window,
                const char         *text)
{
  GtkWidget *entry = find_search_entry (GTK_WIDGET (page));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  Keystroke keystroke = { page };
  gulong searched_id = g_signal_connect_swapped (entry, "search-changed", G_CALLBACK (searched_cb),
                                                 &keystroke);
  const char *const phases[] = { "layout", "paint" };
  gulong hooks[2], phase_ids[3];
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_ms ();
  KeystrokeTimes times;

  for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
    hooks[i] = g_signal_add_emission_hook (g_signal_lookup (phases[i], GDK_TYPE_FRAME_CLOCK), 0,
                                           phase_starts_cb, &keystroke, NULL);
  phase_ids[0] = g_signal_connect_swapped (clock, "layout", G_CALLBACK (layout_done_cb), &keystroke);
  phase_ids[1] = g_signal_connect_swapped (clock, "paint", G_CALLBACK (paint_done_cb), &keystroke);
  phase_ids[2] = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (frame_done_cb), &keystroke);
  /* The same text again changes nothing: only the frame is timed. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), text) == 0)
    searched_cb (&keystroke);
  type_text (GTK_EDITABLE (entry), text);
  wait_until (filtered, &keystroke);
  /* Draw even when the rows did not change (a trailing blank). */
  keystroke.watching = TRUE;
  gtk_widget_queue_draw (window);
  wait_until (painted, &keystroke);
  times.rows = g_list_model_get_n_items (cst_request_list_page_get_visible (page));
  g_signal_handler_disconnect (entry, searched_id);
  for (guint i = 0; i < G_N_ELEMENTS (phase_ids); i++)
    g_signal_handler_disconnect (clock, phase_ids[i]);
  for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
    g_signal_remove_emission_hook (g_signal_lookup (phases[i], GDK_TYPE_FRAME_CLOCK), hooks[i]);
  times.cpu = thread_cpu_ms () - cpu_start;
  times.wall = ms_since (start);
  times.handled = (keystroke.handled - start) / 1000.0;
  times.layout = keystroke.layout_ms;
  times.paint = keystroke.paint_ms;
  return times;
}

/* The @percent percentile of @times (sorted in place), nearest rank. */
static double
percentile (GArray *times,
            guint   percent)
{
  guint rank;

  g_array_sort (times, cst_bench_compare_doubles);
  rank = (times->len * percent + 99) / 100;
  return g_array_index (times, double, MAX (rank, 1) - 1);
}

/* When the store's first rows came (from the start of the load): the
 * database's share of the first rows on screen; the window's is the rest. */
static gint64 first_rows_arrived;

static void
first_rows_cb (CstRequestStore *store,
               guint            position,
               guint            removed,
               guint            added,
               CstWindow       *window)
{
  first_rows_arrived = g_get_monotonic_time ();
  g_signal_handlers_disconnect_by_func (store, first_rows_cb, window);
  cst_window_set_store (window, store);
}

static gboolean
rows_listed (gpointer page)
{
  return g_list_model_get_n_items (cst_request_list_page_get_visible (page)) > 0;
}

static void frame_drawn_cb (gboolean *drawn) { *drawn = TRUE; }
static gboolean frame_drawn (gpointer drawn) { return *(gboolean *) drawn; }

/* Until the window has drawn a frame from now. */
static void
wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean drawn = FALSE;
  gulong id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (frame_drawn_cb), &drawn);

  gtk_widget_queue_draw (window);
  wait_until (frame_drawn, &drawn);
  g_signal_handler_disconnect (clock, id);
}

static const char *const queries[] = { "demo", "núñez jos", "ROI-2026-0001234", "BENCH-0001000" };

/* The list's filter model alone, without the window (its share of a
 * keystroke): the same keystrokes on a CstRequestStoreFilter of @store. */
static void
time_filter_model (CstRequestStore *store)
{
  g_autoptr(CstRequestStoreFilter) filter = cst_request_store_filter_new (G_LIST_MODEL (store));
  g_autoptr(GArray) typed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cleared = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      double start = thread_cpu_ms (), ms;

      cst_request_store_filter_set_search (filter, NULL);
      ms = thread_cpu_ms () - start;
      g_array_append_val (cleared, ms);
      for (const char *end = g_utf8_next_char (queries[q]); ; end = g_utf8_next_char (end))
        {
          g_autofree char *prefix = g_strndup (queries[q], end - queries[q]);

          start = thread_cpu_ms ();
          cst_request_store_filter_set_search (filter, prefix);
          ms = thread_cpu_ms () - start;
          g_array_append_val (typed, ms);
          if (*end == '\0')
            break;
        }
    }
  printf ("the filter model alone (CPU): keystrokes median %.2f ms, 95th percentile %.2f ms, "
          "slowest %.2f ms; clearing median %.2f ms, slowest %.2f ms\n",
          percentile (typed, 50), percentile (typed, 95), percentile (typed, 100),
          percentile (cleared, 50), percentile (cleared, 100));
}

/* One way of typing the queries, and what its keystrokes measured. */
typedef struct
{
  const char *name;
  GRand      *phase;   /* where each pause ends; NULL: no pause */
  guint       pause_ms;
  GArray     *typed, *typed_cpu, *cleared, *cleared_cpu;
  GArray     *handled, *layout, *paint;   /* the keystrokes' (not the clearings') */
} Typing;

static void
typing_init (Typing     *typing,
             const char *name,
             guint       pause_ms)
{
  GArray **all[] = { &typing->typed, &typing->typed_cpu, &typing->cleared, &typing->cleared_cpu,
                     &typing->handled, &typing->layout, &typing->paint };

  typing->name = name;
  typing->pause_ms = pause_ms;
  /* The same seed as bench-statement-workbench's. */
  typing->phase = pause_ms > 0 ? g_rand_new_with_seed (24) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    *all[i] = g_array_new (FALSE, FALSE, sizeof (double));
}

/* One keystroke (@typed) or clearing, after the typist's pause. */
static void
type_one (Typing             *typing,
          CstRequestListPage *page,
          GtkWidget          *window,
          const char         *text,
          gboolean            typed)
{
  KeystrokeTimes times;

  if (typing->phase != NULL)
    cst_bench_pause_typing (typing->phase, typing->pause_ms);
  times = time_keystroke (page, window, text);
  g_array_append_val (typed ? typing->typed : typing->cleared, times.wall);
  g_array_append_val (typed ? typing->typed_cpu : typing->cleared_cpu, times.cpu);
  if (typed)
    {
      g_array_append_val (typing->handled, times.handled);
      g_array_append_val (typing->layout, times.layout);
      g_array_append_val (typing->paint, times.paint);
    }
  printf ("%s (%s)%s%s%s: %.1f ms (main thread CPU %.1f ms; handled after %.1f ms, "
          "frame's layout %.1f ms, paint %.1f ms), %u rows shown\n",
          typed ? "keystroke" : "clearing the search", typing->name, typed ? " → “" : "",
          typed ? text : "", typed ? "”" : "", times.wall, times.cpu, times.handled, times.layout,
          times.paint, times.rows);
}

/* Clears the search, then types @query one character at a time. */
static void
type_query (Typing             *typing,
            CstRequestListPage *page,
            GtkWidget          *window,
            const char         *query)
{
  type_one (typing, page, window, "", FALSE);
  for (const char *end = g_utf8_next_char (query); ; end = g_utf8_next_char (end))
    {
      g_autofree char *prefix = g_strndup (query, end - query);

      type_one (typing, page, window, prefix, TRUE);
      if (*end == '\0')
        break;
    }
}

static guint
count_within (GArray *times,
              double  ms)
{
  guint n = 0;

  for (guint i = 0; i < times->len; i++)
    n += g_array_index (times, double, i) <= ms;
  return n;
}

static void
typing_report (Typing *typing)
{
  GArray **all[] = { &typing->typed, &typing->typed_cpu, &typing->cleared, &typing->cleared_cpu,
                     &typing->handled, &typing->layout, &typing->paint };

  printf ("keystrokes typed (%s): %u, median %.1f ms, 95th percentile %.1f ms, slowest %.1f ms; "
          "%u within 16 ms\n", typing->name, typing->typed->len, percentile (typing->typed, 50),
          percentile (typing->typed, 95), percentile (typing->typed, 100), count_within (typing->typed, 16.0));
  printf ("clearing the search (%s, %u times): median %.1f ms, slowest %.1f ms\n", typing->name,
          typing->cleared->len, percentile (typing->cleared, 50), percentile (typing->cleared, 100));
  printf ("main thread CPU (%s): keystrokes median %.1f ms, 95th percentile %.1f ms, slowest %.1f ms; "
          "clearing median %.1f ms, slowest %.1f ms\n", typing->name,
          percentile (typing->typed_cpu, 50), percentile (typing->typed_cpu, 95),
          percentile (typing->typed_cpu, 100), percentile (typing->cleared_cpu, 50),
          percentile (typing->cleared_cpu, 100));
  printf ("keystrokes (%s), medians: handled by the page after %.1f ms, the frame's layout %.1f ms, "
          "its paint %.1f ms\n", typing->name, percentile (typing->handled, 50),
          percentile (typing->layout, 50), percentile (typing->paint, 50));
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_clear_pointer (all[i], g_array_unref);
  g_clear_pointer (&typing->phase, g_rand_free);
}

/* Types each query one character at a time, clearing the search before
 * each query, two ways, query by query in turn so that both see the same
 * load: as a person types ("paced": a pause of CUSTODIAN_BENCH_PAUSE_MS,
 * default 100 ms, ten keys a second, plus a random part of a refresh
 * interval before each key and each clearing), and "back to back", each
 * key set as soon as the last key's frame was drawn (sixty keys a second
 * under Xvfb).  Back to back, GTK's frame clock draws the next frame only
 * one refresh interval after the last (16.7 ms), so that figure is about
 * one frame whatever the keystroke's work; paced, the frame clock is idle
 * when the key comes and draws as soon as the work is done.  Both are
 * printed: the pause cannot hide work, which the main thread's CPU time
 * shows either way. */
static void
type_queries (CstRequestListPage *page,
              GtkWidget          *window)
{
  Typing paced, back_to_back;

  typing_init (&paced, "paced", env_uint ("CUSTODIAN_BENCH_PAUSE_MS", 100));
  typing_init (&back_to_back, "back to back", 0);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      type_query (&paced, page, window, queries[q]);
      type_query (&back_to_back, page, window, queries[q]);
    }
  typing_report (&paced);
  typing_report (&back_to_back);
}

typedef struct
{
  GAsyncResult *result;
} Waiter;

static void
got_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ((Waiter *) user_data)->result = g_object_ref (result);
}

static gboolean waiter_done (gpointer waiter) { return ((Waiter *) waiter)->result != NULL; }

/* One server search for older closed requests, as a pause in typing
 * starts it: from the request to the rows being in the store. */
static double
time_closed_search (CstRequestStore *store,
                    const char      *text,
                    gssize          *found)
{
  Waiter waiter = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  cst_request_store_search_closed_async (store, text, NULL, got_result, &waiter);
  wait_until (waiter_done, &waiter);
  *found = cst_request_store_search_closed_finish (store, waiter.result, &error);
  g_object_unref (waiter.result);
  if (*found < 0)
    g_error ("Searching: %s", error->message);
  return ms_since (start);
}

int
main (int argc, char **argv)
{
  guint n_requests = env_uint ("CUSTODIAN_BENCH_REQUESTS", 200000);
  guint history_days = MAX (env_uint ("CUSTODIAN_BENCH_HISTORY_DAYS", 75), 1);
  guint closed_days = env_uint ("CUSTODIAN_BENCH_CLOSED_DAYS", 0);
  g_autoptr(CstTestDb) db = NULL;
  const char *existing = g_getenv ("CUSTODIAN_BENCH_DATABASE");
  g_autofree char *conninfo = NULL;
  g_autoptr(CstConnection) connection = NULL;
  g_autoptr(CstRequestStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CstWindow *window;
  CstRequestListPage *page;
  gint64 start;
  double seed_ms, first_ms, load_ms, shown_ms, cpu_start, first_cpu_ms, load_cpu_ms;
  long resident_before, heap_before;

  cst_renderer_prepare ();
  gtk_init ();
  adw_init ();
  start = g_get_monotonic_time ();
  if (existing != NULL)
    conninfo = g_strdup (existing);
  else
    {
      g_autoptr(PGconn) conn = NULL;

      db = cst_test_db_new ();
      conn = cst_test_db_connect (db);
      seed_fast (conn, n_requests, history_days);
      conninfo = cst_test_db_create_login (db, "custodian_clerk");
      if (g_getenv ("CUSTODIAN_BENCH_KEEP") != NULL)
        {
          printf ("seeded database kept: CUSTODIAN_BENCH_DATABASE='%s' (its owner: '%s')\n",
                  conninfo, db->conninfo);
          db = NULL;   /* not dropped at the end */
        }
    }
  seed_ms = ms_since (start);

  window = cst_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  connection = cst_connection_new (conninfo);
  store = cst_request_store_new (connection);
  cst_request_store_set_closed_days (store, closed_days);

  page = CST_REQUEST_LIST_PAGE (cst_window_get_list_page (window));
  wait_for_frame (GTK_WIDGET (window));
  resident_before = resident_kib ();
  print_resident_mappings ("before loading");
  heap_before = heap_in_use_kib ();
  start = g_get_monotonic_time ();
  cpu_start = process_cpu_ms ();
  /* As the application does: the window takes the store at its first
   * rows (a first screenful, where the store reads one before the whole
   * list; the whole list where it does not). */
  g_signal_connect (store, "items-changed", G_CALLBACK (first_rows_cb), window);
  cst_request_store_load_async (store, NULL, NULL, NULL);
  wait_until (rows_listed, page);
  wait_for_frame (GTK_WIDGET (window));
  first_ms = ms_since (start);
  first_cpu_ms = process_cpu_ms () - cpu_start;
  wait_until (store_loaded, store);
  load_ms = ms_since (start);
  load_cpu_ms = process_cpu_ms () - cpu_start;
  wait_until (filter_done, page);
  wait_for_frame (GTK_WIDGET (window));
  shown_ms = ms_since (start);

  printf ("requests listed: %u (closed ones of the last %u days, 0 = all; seeded over %u days, "
          "triggers off, in %.0f ms)\n", g_list_model_get_n_items (G_LIST_MODEL (store)), closed_days,
          history_days, seed_ms);
  printf ("load: first rows on screen after %.0f ms; whole list read from the database in %.0f ms; "
          "window showing it after %.0f ms\n", first_ms, load_ms, shown_ms);
  printf ("load, the process's CPU (every thread): %.0f ms to the first rows, %.0f ms to the whole list; "
          "the first rows were in the store after %.0f ms\n",
          first_cpu_ms, load_cpu_ms, (first_rows_arrived - start) / 1000.0);
  printf ("resident memory with the list loaded: %ld MiB (%ld MiB before loading); "
          "malloc's bytes in use %ld MiB (%ld MiB before), %.0f bytes per request\n",
          resident_kib () / 1024, resident_before / 1024, heap_in_use_kib () / 1024, heap_before / 1024,
          (heap_in_use_kib () - heap_before) * 1024.0 / MAX (g_list_model_get_n_items (G_LIST_MODEL (store)), 1));

  printf ("the store's rows: %.1f MiB (%.0f bytes per request); objects made for rows and alive: %u\n",
          cst_request_rows_get_size (cst_request_store_get_rows (store)) / 1048576.0,
          (double) cst_request_rows_get_size (cst_request_store_get_rows (store)) /
          MAX (g_list_model_get_n_items (G_LIST_MODEL (store)), 1),
          cst_request_store_get_n_objects (store));
  print_resident_mappings ("with the list loaded");

  cst_request_list_page_set_scope (page, CST_LIST_SCOPE_ALL);
  wait_until (filter_done, page);
  type_queries (page, GTK_WIDGET (window));
  time_filter_model (store);

  if (closed_days > 0)
    {
      static const char *const searches[] = { "BENCH-0001000", "ROI 0001234", "Demoson Avery" };

      for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
        {
          gssize found = 0;
          double ms = time_closed_search (store, searches[i], &found);

          printf ("older closed requests on the server → “%s”: %.1f ms, %zd found (at most 200)\n",
                  searches[i], ms, found);
        }
    }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
