/* cst-bench.h — what every benchmark program measures with
 *
 * Times are kept as doubles in milliseconds in a GArray, one per round;
 * a program prints them its own way from their spread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  n;
  double min;
  double median;
  double p95;
} CstBenchSpread;

double         cst_bench_cpu_ms          (void);
int            cst_bench_compare_doubles (gconstpointer a,
                                          gconstpointer b);
CstBenchSpread cst_bench_spread          (GArray       *ms);
char          *cst_bench_load_average    (void);
void           cst_bench_pause_typing    (GRand        *phase,
                                          guint         pause_ms);

G_END_DECLS
