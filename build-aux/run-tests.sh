#!/usr/bin/env bash
# The README's test command: installs what is needed, builds, starts a
# throwaway PostgreSQL server and a headless X server, runs every test
# (meson test; the perf suite's instruction budgets under callgrind
# included, which is why valgrind is in packages.sh): the model tests under
# AddressSanitizer and UBSan and under valgrind's memcheck, the rest on the
# plain build; then the fuzzers, and stops the servers.  Each step prints
# the seconds it took, so CI's time can be read off its log.
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/packages.sh
. build-aux/test-server.sh

custodian_install_packages "${CUSTODIAN_PACKAGES[@]}" "${CUSTODIAN_TEST_PACKAGES[@]}"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
export GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory GDK_BACKEND=x11
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD

# "== STEP took N s (M s in all)" after each step.
step_start=$SECONDS
step_done () {
  echo "== $1 took $((SECONDS - step_start)) s ($SECONDS s in all)"
  step_start=$SECONDS
}
step_done "installing packages"

# As root, the first command's check (below) builds the app again as a new
# ordinary user in a clone of their own, the same sources with the same
# flags: ccache (in the test packages; meson uses it when it is there)
# keeps this build's objects in a folder that user may read, so their
# build takes seconds instead of two minutes of CI.  The working folder is
# left out of the key, as the two builds' folders differ.  Depend mode: a
# miss costs 3-7 % more than the compiler alone, not the 25 % of running the
# preprocessor first; the instrumented builds below, which nothing reads
# back, bypass the cache.
ccache_dir=
if [ "$(id -u)" -eq 0 ]; then
  ccache_dir=$(mktemp -d /tmp/custodian-ccache.XXXXXX)
  chmod 0755 "$ccache_dir"
  export CCACHE_DIR=$ccache_dir CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1 CCACHE_UMASK=022
fi
stop_all () {
  custodian_test_server_stop
  [ -z "$ccache_dir" ] || rm -rf "$ccache_dir"
}
trap stop_all EXIT INT TERM
custodian_test_server_start
step_done "starting the servers"

status=0
meson setup build --wipe >/dev/null 2>&1 || meson setup build >/dev/null
ninja -C build
step_done "building"

# The model tests run instrumented below.  GUI tests are left out there:
# GTK and Mesa are not built with the sanitizers.  Only what the model
# tests run is built with the sanitizers: their programs, custodian-cli
# (the CLI tests start it), the translations and the settings schema; not
# the widgets, GUI tests and benchmarks (a third of the compiling).
model_targets () {
  meson introspect "$1" --tests | python3 -c '
import json, os, sys
build = os.path.abspath(sys.argv[1])
print("\n".join(sorted({os.path.relpath(t["cmd"][0], build)
                        for t in json.load(sys.stdin) if "custodian:model" in t["suite"]})))' "$1"
  ninja -C "$1" -t targets all | sed -n 's/^\(po\/[^:]*\.mo\): .*/\1/p'
  echo app/custodian-cli resources/data/gschemas.compiled tests/support/cst-test-pdf-structure
}
# The sanitizer build at -O1, as AddressSanitizer's own documentation
# suggests: it compiles in 60 % of -O2's time, and the tests' time is the
# server's and the system libraries'.
instrumented_builds () {
  local options=(-Db_sanitize=address,undefined -Db_lundef=false -Doptimization=1)
  meson setup build-sanitize "${options[@]}" --wipe >/dev/null 2>&1 \
    || meson setup build-sanitize "${options[@]}" >/dev/null
  # shellcheck disable=SC2046
  ninja -C build-sanitize $(model_targets build-sanitize) && FUZZ_BUILD_ONLY=1 build-aux/fuzz.sh
}
# Those builds and the fuzzers' compile while the GUI tests and the first
# command run, at the lowest priority: those steps spend much of their time
# waiting on the X server, PostgreSQL and timers (about seven minutes of
# compiling fitted in their idle processor time), and the tests keep the
# processors whenever they want them.
CCACHE_DISABLE=1 nice -n 19 bash -c "$(declare -f model_targets instrumented_builds); instrumented_builds" \
  >build/instrumented-builds.log 2>&1 &
builds=$!

# The model tests are left to the two instrumented runs below: memcheck
# runs this same build's test programs, every assertion included, so a
# plain run of them would only repeat it (about four minutes).
xvfb-run -a -s "-screen 0 1280x800x24" \
  meson test -C build --no-suite model --print-errorlogs --num-processes 2 || status=1
step_done "the other tests (GUI, data, perf)"

# The README's first command itself, as root and as an ordinary user, on
# fresh private databases (build-aux/check-first-command.sh).
build-aux/check-first-command.sh | tee build/first-command.txt || status=1
step_done "the first command"

if ! wait $builds; then
  tail -n 60 build/instrumented-builds.log
  echo "The instrumented builds failed (build/instrumented-builds.log)."
  exit 1
fi
step_done "the rest of the instrumented builds"
meson test -C build-sanitize --no-rebuild --setup sanitizers --suite model --print-errorlogs \
  --num-processes 2 || status=1
step_done "the model tests under the sanitizers"

# And under valgrind's memcheck, leaks included (tests/valgrind.supp lists
# the few suppressions, each with its reason).
meson test -C build --setup valgrind --suite model --print-errorlogs --num-processes 2 || status=1
step_done "the model tests under valgrind"

# Each libFuzzer target for 10 seconds, built with clang in build-fuzz
# (tests/fuzz/README.md): its seed corpus (every crash found so far) and
# a short search; longer runs are for build-aux/fuzz.sh by hand.
build-aux/fuzz.sh 10 || status=1
step_done "fuzzing"

# One plain closing line over all runs, for readers that look for it.
passed=0 failed=0
for log in build/meson-logs/testlog.txt build-sanitize/meson-logs/testlog-sanitizers.txt \
           build/meson-logs/testlog-valgrind.txt; do
  [ -f "$log" ] || continue
  ok=$(awk '/^Ok:/ {print $2}' "$log" | tail -n 1)
  bad=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $NF} END {print s + 0}' "$log")
  passed=$((passed + ${ok:-0})); failed=$((failed + bad))
done
passed=$((passed + $(grep -c '^ok ' build/first-command.txt || true)))
failed=$((failed + $(grep -c '^not ok ' build/first-command.txt || true)))
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
exit $status
