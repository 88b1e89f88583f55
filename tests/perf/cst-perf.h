/* cst-perf.h — what the instruction-budget drivers share (tests/perf/)
 *
 * A driver sets up its hot path, warms it (fonts found, subsets cut: the
 * costs paid once per process), then hands one run of it to
 * cst_perf_measure().  check-budget.py runs the driver under callgrind with
 * instrumentation off until then (set-up runs at near native speed) and
 * counts only the instructions of the function named perf_measured.
 */
#pragma once

#include <glib.h>

#include <custodian/cst-statement.h>

G_BEGIN_DECLS

typedef void (*CstPerfFunc) (gpointer data);

void          cst_perf_measure            (CstPerfFunc measured,
                                           gpointer    data);
CstStatement *cst_perf_two_page_statement (void);

G_END_DECLS
