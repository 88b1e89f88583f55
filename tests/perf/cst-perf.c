/* cst-perf.c — what the instruction-budget drivers share */
#include "config.h"

#include <valgrind/callgrind.h>

#include "cst-perf.h"

/* Runs @measured once with callgrind's instrumentation on (a no-op outside
 * valgrind); the driver names it perf_measured, the function
 * check-budget.py passes to --toggle-collect. */
void
cst_perf_measure (CstPerfFunc measured,
                  gpointer    data)
{
  CALLGRIND_START_INSTRUMENTATION;
  measured (data);
  CALLGRIND_STOP_INSTRUMENTATION;
}
