#!/usr/bin/env bash
# bench/system — `report fees` for a year on a running hot standby, with
# several builds' custodian-cli alternating in the same run (before/after):
# each report's wall time, the client's CPU and peak RSS, and the CPU of
# the standby's backends that ended meanwhile (the report's; its
# postmaster's reaped children), with the load average.
#
#   bench/system/report-standby.sh STANDBY_DIR "CONNINFO" YEAR FORMAT NAME=CLI...
#   e.g. ROUNDS=2 bench/system/report-standby.sh /work/standby-2m \
#          "host=/work/bigscale dbname=cst_bulk_2m user=bs_auditor" 2026 csv \
#          before=/tmp/before/custodian-cli after=build/app/custodian-cli
#   CONNINFO is the primary's (where the export is recorded); the report
#   reads the same database on the standby in STANDBY_DIR (made and started
#   by clerks-standby.sh with CUSTODIAN_BENCH_STANDBY_DIR).
set -euo pipefail
standby=$1 conninfo=$2 year=$3 format=$4
shift 4
out=$(mktemp -d /tmp/bench-report-standby-XXXXXX)
trap 'rm -rf "$out"' EXIT
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory

load () { cut -d' ' -f1-3 /proc/loadavg; }
postmaster () { head -n 1 "$standby/data/postmaster.pid"; }
# The CPU of the standby's backends that have ended, once the report's own
# has (it exits after the client hangs up).
ticks () {
  for _ in $(seq 1 100); do
    ps -o args= --ppid "$(postmaster)" | grep "$user " >/dev/null || break
    sleep 0.1
  done
  awk '{print $16 + $17}' "/proc/$(postmaster)/stat"
}
user=$(grep -o 'user=[^ ]*' <<<"$conninfo" | cut -d= -f2)
on_standby="host=$standby $(sed 's/host=[^ ]*//' <<<"$conninfo")"

for round in $(seq 1 "${ROUNDS:-1}"); do
  for build in "$@"; do
    name=${build%%=*} cli=${build#*=}
    before=$(ticks) load_before=$(load)
    if /usr/bin/time -f "%e s wall, client %U s user + %S s sys, %M KiB peak RSS" \
        "$cli" --database "$conninfo" --report-database "$on_standby" report fees \
        --from "$year-01-01" --to "$year-12-31" --format "$format" --output "$out/report.$format" \
        >/dev/null 2>"$out/err"; then
      echo "round $round $name: report fees $format $year on the standby: $(tail -n 1 "$out/err"), \
standby CPU $(awk -v a="$before" -v b="$(ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz}') s, \
$(grep -o '[0-9]* invoiced requests' "$out/err"), load $load_before -> $(load)"
    else
      echo "round $round $name: FAILED (load $load_before -> $(load)): $(grep -v 'requests reported' "$out/err" | tail -n 3 | tr '\n' ' ')"
    fi
  done
done
