/* cst-bench.c — what every benchmark program measures with */
#include "config.h"

#include <time.h>

#include "cst-bench.h"

/* The whole process's CPU time: the main thread and the workers it waits
 * for, whatever else the machine runs meanwhile. */
double
cst_bench_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

/* For g_array_sort and qsort over doubles. */
int
cst_bench_compare_doubles (gconstpointer a,
                           gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * cst_bench_spread:
 * @ms: (element-type double): the rounds' times; sorted in place
 *
 * Returns: their minimum, median and 95th percentile (all 0 when none)
 */
CstBenchSpread
cst_bench_spread (GArray *ms)
{
  CstBenchSpread spread = { ms->len, 0, 0, 0 };

  if (ms->len == 0)
    return spread;
  g_array_sort (ms, cst_bench_compare_doubles);
  spread.min = g_array_index (ms, double, 0);
  spread.median = g_array_index (ms, double, ms->len / 2);
  spread.p95 = g_array_index (ms, double, MIN (ms->len - 1, ms->len * 95 / 100));
  return spread;
}

/**
 * cst_bench_load_average:
 *
 * Returns: (transfer full): /proc/loadavg's line (with its newline), to
 *   print beside each figure: on a shared machine a figure means nothing
 *   without the load it was taken under
 */
char *
cst_bench_load_average (void)
{
  char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown\n");
  return text;
}

/* One refresh interval of the display at 60 Hz (Xvfb's), in microseconds. */
#define REFRESH_INTERVAL_US 16667

/**
 * cst_bench_pause_typing:
 * @phase: where in the refresh interval each pause ends, drawn from a
 *   fixed seed (g_rand_new_with_seed()) so that runs compare
 * @pause_ms: the pause between two keys (100 is ten keys a second, a fast
 *   typist; 50 is twenty)
 *
 * Runs the default main loop between two keys, as a person's keys come:
 * at a typist's pace, not the instant the last key's frame was drawn, and
 * at any moment of the display's refresh.  GTK's frame clock draws on a
 * grid of refresh intervals: a key set right after a frame waits about a
 * whole interval for the next one whatever its work took, and a fixed
 * pause puts every key at the same place on that grid.  So the pause is
 * @pause_ms plus a random part of one interval.
 */
void
cst_bench_pause_typing (GRand *phase,
                        guint  pause_ms)
{
  gint64 until = g_get_monotonic_time () + pause_ms * (gint64) 1000 +
                 g_rand_int_range (phase, 0, REFRESH_INTERVAL_US);

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}
