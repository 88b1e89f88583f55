#!/usr/bin/env bash
# bench/system — simulated clerks on the primary while "report fees" for a
# year runs on a real streaming hot standby of it (pg_basebackup -R, as
# tests/db/test-report-replica.c starts one).  In the same run: the report
# alone on the standby first, then the clerks alone, then the clerks with
# the report looping on the standby.  Prints the clerks' latency table
# (bench-load), each report's wall time and peak RSS, the loop's median
# and p90, every report that failed and why, the standby's recovery
# conflicts, and the load average; before the standby, on a database it
# seeds itself, the clerks' audit policy (audit-policy.sh).
#
#   bench/system/clerks-standby.sh BUILD_DIR REQUESTS [CLERKS] [SECONDS]
#   (defaults: 100 clerks, 30 s) on the throwaway test server:
#   . build-aux/test-server.sh && custodian_test_server_start first.
#
# Environment:
#   CUSTODIAN_BENCH_DATABASE=NAME  that database as it is (one bulk-seed.sh
#       made; REQUESTS is then ignored), left in place
#   CUSTODIAN_BENCH_PRIMARY=DIR    the primary's socket directory (default
#       $PGHOST): a server of one's own such as /work/bigscale, taken as it
#       is — no role is made there (see CUSTODIAN_BENCH_AUDITOR)
#   CUSTODIAN_BENCH_AUDITOR=LOGIN  an auditor login of the database (default:
#       one made for the run and dropped after it)
#   CUSTODIAN_BENCH_STANDBY_DIR=DIR  where the standby's copy goes (default a
#       temporary folder, removed at the end).  Given, the standby is made
#       only if DIR holds none yet, and is left running for the next run:
#       remove it with build-aux/own-test-server.sh destroy DIR
#   CUSTODIAN_BENCH_STANDBY_NICE=N the standby's processes and the report's
#       client at nice N (19 stands in for a replica on a host of its own,
#       read from an auditor's own desk; default 0)
#   CUSTODIAN_BENCH_STANDBY_OPTIONS  more server options for the standby,
#       e.g. "-c hot_standby_feedback=on" (used when it starts)
#   CUSTODIAN_BENCH_REPORT_FORMATS "csv pdf" unless told
#   CUSTODIAN_BENCH_YEAR           the report's year (default this year)
#   CUSTODIAN_BENCH_ALONE=0        no run of the clerks alone first (a repeat)
#   CUSTODIAN_BENCH_LOAD_ARGS      more bench-load arguments for the clerks,
#       e.g. "--think-ms 3000" (a person's pace, bench/load/README.md), or
#       "--slow-ms 40": every operation over 40 ms with when it started,
#       listed beside each looping report's start and end (UTC)
set -euo pipefail
build=$1 requests=$2 clerks=${3:-100} seconds=${4:-30}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
cli="$build/app/custodian-cli"
primary=${CUSTODIAN_BENCH_PRIMARY:-$PGHOST}
db=${CUSTODIAN_BENCH_DATABASE:-cst_bench_fees_$$}
auditor=${CUSTODIAN_BENCH_AUDITOR:-bench_auditor_$$}
standby=${CUSTODIAN_BENCH_STANDBY_DIR:-}
keep_standby=${standby:+1}
[ -n "$standby" ] || standby=$(mktemp -d /tmp/cst-bench-standby-XXXXXX)
mkdir -p "$standby"
out=/tmp/bench-standby-$$
year=${CUSTODIAN_BENCH_YEAR:-$(date -u +%Y)}
load_args=${CUSTODIAN_BENCH_LOAD_ARGS:-}
standby_nice=${CUSTODIAN_BENCH_STANDBY_NICE:-0}
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory
export G_TEST_SRCDIR="$src/tests" G_TEST_BUILDDIR="$build/tests"
# bench-load and psql below work on the primary.  A hundred clerks log in
# at once: at load 30 some waited more than the 10 s cst_db_connect()
# allows by default, and bench-load stops at the first that fails.
export PGHOST=$primary PGUSER=${PGUSER:-postgres} PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-60}
. "$src/build-aux/test-server.sh"

cleanup () {
  if [ -z "$keep_standby" ]; then
    "$src/build-aux/own-test-server.sh" destroy "$standby" 2>/dev/null || true
    rm -rf "$standby"
  fi
  rm -rf "$out".*
}
trap cleanup EXIT

load () { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench/system clerks-standby: $(date -u '+%F %T UTC'), primary $primary, $clerks clerks, ${seconds} s, $(nproc) processors"
if [ -z "${CUSTODIAN_BENCH_DATABASE:-}" ]; then
  createdb "$db"
  "$cli" --database "dbname=$db" db migrate >/dev/null
  echo "load average $(load)"
  /usr/bin/time -f "seed $requests requests over 20 facilities: %e s wall, %M KiB peak RSS" \
    "$cli" --database "dbname=$db" db seed-demo --requests "$requests" --facilities 20 >/dev/null
  psql -qd "$db" -c "VACUUM ANALYZE"
fi
[ -n "${CUSTODIAN_BENCH_AUDITOR:-}" ] ||
  psql -qd "$db" -c "CREATE ROLE $auditor LOGIN IN ROLE custodian_auditor"
echo "database: $(psql -Atd "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))"), \
$(psql -Atd "$db" -c "SELECT count(*) FROM roi_requests") requests, \
$(psql -Atd "$db" -c "SELECT count(*) FROM invoices") invoices, \
$(psql -Atd "$db" -c "SELECT count(*) FROM facilities") facilities"

# At bulk-seed.sh's sizes its scans of a year take minutes: not then.
[ -n "${CUSTODIAN_BENCH_DATABASE:-}" ] || "$src/bench/system/audit-policy.sh" "$build" --database "$db"

# A standby refuses to start with fewer connections than its primary
# (own-test-server.sh starts its own with 40): the primary's are asked,
# and its memory settings, so that the replica is the primary's twin.
standby_start () {
  local same
  same=$(psql -qAtd postgres -c "SELECT string_agg('-c ' || name || '=' || current_setting(name), ' ')
    FROM unnest(ARRAY['max_connections', 'shared_buffers', 'work_mem']) name")
  custodian_as_server_user "$(custodian_pg_bindir)/pg_ctl" -D "$standby/data" -l "$standby/server.log" -w -t 300 \
    -o "-c listen_addresses='' -k $standby -c fsync=off -c full_page_writes=off \
$same ${CUSTODIAN_BENCH_STANDBY_OPTIONS:-}" start >/dev/null
}

if [ ! -d "$standby/data" ]; then
  chown postgres: "$standby" 2>/dev/null || true
  started=$SECONDS load_before=$(load)
  custodian_as_server_user "$(custodian_pg_bindir)/pg_basebackup" -h "$primary" -U postgres \
    -D "$standby/data" -R -X stream -c fast --no-sync
  echo "pg_basebackup -R of the primary: $((SECONDS - started)) s wall (load $load_before -> $(load)), \
$(du -sh "$standby/data" | cut -f1)"
fi
[ -f "$standby/data/postmaster.pid" ] || standby_start
# The postmaster and every backend it has (new ones inherit its nice).
renice -n "$standby_nice" -p "$(head -n 1 "$standby/data/postmaster.pid")" \
  $(ps -o pid= --ppid "$(head -n 1 "$standby/data/postmaster.pid")") >/dev/null
on_standby () { psql -qAtd "host=$standby dbname=$db" "$@"; }
for _ in $(seq 1 300); do
  [ "$(on_standby -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ] && break
  sleep 1
done
echo "standby: in recovery $(on_standby -c "SELECT pg_is_in_recovery()"), nice $standby_nice, \
$(on_standby -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('hot_standby_feedback', 'max_standby_streaming_delay', 'max_connections', 'shared_buffers')")"

conflicts () {
  on_standby -c "SELECT 'recovery conflicts on the standby so far: snapshot ' || confl_snapshot || ', lock ' ||
    confl_lock || ', buffer pin ' || confl_bufferpin || ', deadlock ' || confl_deadlock ||
    ', tablespace ' || confl_tablespace FROM pg_stat_database_conflicts WHERE datname = current_database()"
}

# The CPU of the standby's backends that have ended (the postmaster's
# reaped children), in clock ticks, once the auditor's have (a backend
# exits after its client hangs up).
standby_ticks () {
  local postmaster
  postmaster=$(head -n 1 "$standby/data/postmaster.pid")
  for _ in $(seq 1 100); do
    ps -o args= --ppid "$postmaster" | grep "$auditor " >/dev/null || break
    sleep 0.1
  done
  awk '{print $16 + $17}' "/proc/$postmaster/stat"
}

# report FORMAT: one fee report of the year on the standby; prints its
# timing line (the standby's CPU: its backends that ended meanwhile, the
# report's own and the lag check's), or on failure "report fees FORMAT
# FAILED after N s: " and the CLI's error, and returns 1.
report () {
  local started=$SECONDS ticks from
  ticks=$(standby_ticks)
  from=$(date -u +%T.%3N)
  if /usr/bin/time -f "report fees $1 on the standby: %e s wall, client %U s user, %M KiB peak RSS (load $(load))" \
      nice -n "$standby_nice" "$cli" --database "dbname=$db user=$auditor" \
      --report-database "host=$standby dbname=$db user=$auditor" report fees \
      --from "$year-01-01" --to "$year-12-31" --format "$1" --output "$out.$1" >/dev/null 2>"$out.time.$1"; then
    echo "$(tail -n 1 "$out.time.$1"), standby CPU $(awk -v a="$ticks" -v b="$(standby_ticks)" \
      -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz}') s, $from-$(date -u +%T.%3N) UTC"
  else
    echo "report fees $1 FAILED after $((SECONDS - started)) s (load $(load)): $(grep -v -e 'requests reported' \
      -e '^Command exited' -e '^report fees' "$out.time.$1" | tail -n 2 | tr '\n' ' ')"
    return 1
  fi
}
for format in ${CUSTODIAN_BENCH_REPORT_FORMATS:-csv pdf}; do report "$format" || true; done
conflicts

if [ "${CUSTODIAN_BENCH_ALONE:-1}" != 0 ]; then
  echo "--- clerks alone (load $(load))"
  "$build/bench/bench-load" --clerks "$clerks" --seconds "$seconds" $load_args | grep -E "^\||p99|lost|verif" || true
fi

echo "--- clerks with the report looping on the standby (load $(load))"
"$build/bench/bench-load" --clerks "$clerks" --seconds "$seconds" $load_args >"$out.load" &
clerks_pid=$!
: >"$out.reports"
while kill -0 "$clerks_pid" 2>/dev/null; do
  report csv >>"$out.reports" || true
done
wait "$clerks_pid" || echo "bench-load FAILED (exit $?): $(grep -m 1 ERROR "$out.load" || true)"
# One line per report would bury the clerks' table: the timing lines
# summed up (only they: a failed report's lines are listed after).
grep '^report fees csv on the standby:' "$out.reports" | awk '{print $7}' | sort -n |
  awk '{a[NR] = $1}
       END {if (NR == 0) print "reports finished on the standby meanwhile: none";
            else printf "reports finished on the standby meanwhile: %d, wall median %s s, p90 %s s, max %s s\n",
                        NR, a[int((NR + 1) / 2)], a[int((NR * 9 + 9) / 10)], a[NR]}'
grep 'FAILED' "$out.reports" || echo "reports failed meanwhile: none"
conflicts
echo "the standby's log on recovery conflicts: $(grep -c 'conflict with recovery' "$standby/server.log" || true) lines"
grep -E "^\||p99|lost|verif" "$out.load" || true
if grep -q '^Operations over' "$out.load"; then
  echo "the reports' times (UTC), then the clerks' slow operations:"
  grep -o '[0-9:.]*-[0-9:.]* UTC$' "$out.reports" | tr '\n' ' '; echo
  grep -E '^(Operations over|slow:)' "$out.load"
fi
[ -n "${CUSTODIAN_BENCH_DATABASE:-}" ] || dropdb "$db"
[ -n "${CUSTODIAN_BENCH_AUDITOR:-}" ] || psql -qd postgres -c "DROP ROLE $auditor"
[ -z "$keep_standby" ] || echo "the standby stays in $standby: build-aux/own-test-server.sh destroy $standby removes it"
