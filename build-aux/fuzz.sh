#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer and
# UBSan on) and runs each for a while.
#
#   build-aux/fuzz.sh [SECONDS] [TARGET…]      # default: 20 s, every target
#
# Targets: input-date notify-payload cli-args bill-import fee-schedule.  The working corpus grows in
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
[ ${#targets[@]} -gt 0 ] || targets=(input-date notify-payload cli-args bill-import fee-schedule)
dir=${FUZZ_BUILD_DIR:-build-fuzz}

if [ ! -f "$dir/build.ninja" ]; then
  CC=clang meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$dir" $(printf "tests/fuzz/fuzz-%s " "${targets[@]}") >/dev/null

# Leaks in a single run of a target would be found by the valgrind and
# sanitizer test setups; here, stop only for real crashes and UB.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for t in "${targets[@]}"; do
  corpus=$dir/fuzz-corpus/$t
  crashes=$dir/fuzz-crashes/$t
  log=$dir/fuzz-$t.log
  mkdir -p "$corpus" "$crashes"
  if "$dir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 \
       -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" \
       "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
  fi
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  echo "fuzz-$t: $result, ${execs:-0} execs in ${seconds} s (${rate:-0}/s), coverage ${cov:-?}, crashes: $(ls "$crashes" | wc -l)"
  [ "$result" = ok ] || tail -n 40 "$log"
done
exit $status
