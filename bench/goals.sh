#!/usr/bin/env bash
# bench/goals.sh BUILD_DIR [OUT_DIR] — issue 24's goals measured side by side
# in one run, one bench after another on one throwaway server, each stamped
# with the time and the load average, then the lines each goal is read from.
#
#   the request list (bench-window, 200,000 requests): first rows, whole
#     list, memory, keystrokes and clearing
#   the statement preview after an edit (bench-statement-workbench)
#   one-page invoices against ReportLab (bench-documents, CPU time, core 0)
#   the fee report, 100,000 invoiced requests (bench-reports)
#   50 clerks, 60 s (bench-load)
#   the idle window (gui/test-idle: fails above 0.2 s of CPU in 30 s)
#
# The figures and whether each goal is met go into the benches' READMEs by
# hand: this script runs them, it does not judge them.
set -uo pipefail
build=$(cd "$1" && pwd)
out=${2:-$(mktemp -d /tmp/cst-goals-XXXXXX)}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory
export GDK_BACKEND=x11 GSK_RENDERER=cairo OMP_THREAD_LIMIT=1
export G_TEST_SRCDIR="$src/tests" G_TEST_BUILDDIR="$build/tests"
export GSETTINGS_SCHEMA_DIR="$build/resources/data" CUSTODIAN_SHARED_DIR="$src/../shared"
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD
. "$src/build-aux/test-server.sh"
trap custodian_test_server_stop EXIT
custodian_test_server_start

display () { xvfb-run -a -s "-screen 0 1280x800x24" "$@"; }

# run NAME COMMAND...: one bench, its output in OUT/NAME.log
run () {
  local name=$1; shift
  echo "== $name: $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/summary.txt"
  echo "bench/goals.sh: $name…" >&2
  "$@" > "$out/$name.log" 2>&1
  echo "   exit $?, $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/summary.txt"
}

echo "issue 24 goals, $(date -u '+%F %T UTC'), commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null), $(getconf _NPROCESSORS_ONLN) processors" \
  > "$out/summary.txt"
run window display "$build/bench/bench-window"
run workbench display "$build/bench/bench-statement-workbench"
run invoices env BENCH_DOCUMENTS_INVOICE_ONLY=1 taskset -c 0 "$build/bench/bench-documents" 3000
run reportlab taskset -c 0 /usr/bin/python3 "$src/bench/documents/reportlab_invoice.py" 1000
run reports "$build/bench/bench-reports" --requests 100000
run clerks "$build/bench/bench-load" --clerks 50 --seconds 60
run idle display "$build/tests/gui/test-idle"

# pick FILE PATTERN: the lines of a bench's output a goal is read from
pick () { grep -E "$2" "$out/$1.log" | sed 's/^/   /'; }
{
  echo "-- request list: first rows <= 300 ms, whole list <= 1 s, <= 150 MiB; keystroke median <= 16 ms, p95 <= 33 ms; clearing <= 16 ms"
  pick window '^load:|^resident memory|keystrokes typed|clearing the search \(|main thread CPU \(|older closed requests'
  echo "-- statement preview after an edit: <= 16 ms median (two-page statement)"
  pick workbench "median|within 16 ms"
  echo "-- one-page invoices >= 2.5x ReportLab, file <= 30 KB"
  pick invoices 'one-page invoice'
  pick reportlab "one-page invoice"
  echo "-- fee report, 100,000 requests: PDF <= 10 s, CSV <= 5 s, peak <= 200 MB each"
  pick reports '^(CSV|PDF):'
  echo "-- 50 clerks: every p99 <= 50 ms, no lost update"
  pick clerks '^\| [a-z]|PASS|FAIL|CPU per operation'
  echo "-- idle window: <= 0.2 s of CPU in 30 s"
  pick idle 'idle for|^(ok|not ok)'
} >> "$out/summary.txt"
cat "$out/summary.txt"
echo "logs: $out"
