#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer and
# UBSan on) and runs each for a while.
#
#   build-aux/fuzz.sh [SECONDS] [TARGET…]      # default: 20 s, every target
#   FUZZ_RUNS=10000000 build-aux/fuzz.sh 3600 bill-import
#                       # stop after that many executions, or the time limit
#   FUZZ_TIMEOUT=300    # seconds one input may take before it counts as a hang
#   FUZZ_BUILD_ONLY=1   # only build the targets
#
# Targets: input-date notify-payload cli-args bill-import fee-schedule price-list record-file remittance redaction-box assistance-policy.  The working corpus grows in
# $FUZZ_BUILD_DIR/fuzz-corpus/<target> (default build-fuzz), seeded from
# tests/fuzz/corpus/<target>.  A crash leaves its input in
# $FUZZ_BUILD_DIR/fuzz-crashes/<target>/; copy it into the seed corpus so it
# becomes a regression test, then fix the bug.  Exit status 1 if any target
# found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(input-date notify-payload cli-args bill-import fee-schedule price-list record-file remittance redaction-box redaction-propose assistance-policy)
dir=${FUZZ_BUILD_DIR:-build-fuzz}
runs=${FUZZ_RUNS:--1}
# Seconds one input may take (wall clock): a long run on a loaded machine
# may want more than 10, since a stalled process counts as a hang.
timeout=${FUZZ_TIMEOUT:-10}

# libFuzzer options of one target.
target_options () {
  case $1 in
    # Inputs up to the size of the shipped file (22.7 kB, forty schedules,
    # each parsed, written out, re-read and quoted) ran at 1,500 exec/s,
    # inputs of at most 4 kB at 7,300.  4 kB holds five to eight schedules,
    # enough for every rule between schedules; the shipped file is seeded in
    # pieces that fit (corpus/fee-schedule/shipped-part-*.ini).
    fee-schedule) echo -max_len=4096 ;;
  esac
}

if [ ! -f "$dir/build.ninja" ]; then
  CC=clang meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$dir" $(printf "tests/fuzz/fuzz-%s " "${targets[@]}") >/dev/null
# FUZZ_BUILD_ONLY=1: build the targets and stop (run-tests.sh compiles
# them while other tests run).
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0

# Leaks in a single run of a target would be found by the valgrind and
# sanitizer test setups; here, stop only for real crashes and UB.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# One target's run; its summary line goes to $dir/fuzz-$t.result, its
# status is the run's.
run_target () {
  local t=$1 corpus=$dir/fuzz-corpus/$1 crashes=$dir/fuzz-crashes/$1 log=$dir/fuzz-$1.log
  local start=$SECONDS result=ok execs rate cov
  mkdir -p "$corpus" "$crashes"
  # shellcheck disable=SC2046
  "$dir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -runs="$runs" -print_final_stats=1 \
    -timeout="$timeout" -rss_limit_mb=2048 -artifact_prefix="$crashes/" $(target_options "$t") \
    "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || result=CRASH
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  echo "fuzz-$t: $result, ${execs:-0} execs in $((SECONDS - start)) s (${rate:-0}/s), coverage ${cov:-?}," \
    "crashes: $(ls "$crashes" | wc -l), load average $(cut -d' ' -f1-3 /proc/loadavg)" >"$dir/fuzz-$t.result"
  [ "$result" = ok ]
}

# The targets run side by side, one per core (FUZZ_JOBS to change it): each
# is single-threaded, so the run takes half the time on two cores with the
# same seconds per target.
jobs=${FUZZ_JOBS:-$(nproc)}
declare -A pids=()
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
  pids[$t]=$!
done
status=0
for t in "${targets[@]}"; do
  if wait "${pids[$t]}"; then
    cat "$dir/fuzz-$t.result"
  else
    cat "$dir/fuzz-$t.result" 2>/dev/null || echo "fuzz-$t: CRASH (no summary)"
    tail -n 40 "$dir/fuzz-$t.log"
    status=1
  fi
done
exit $status
