#!/usr/bin/env bash
# bench/system — `audit verify` over a whole log, several ways in one run,
# alternating round by round so that a change in the machine's load hits
# every way: wall time, the client's CPU and peak RSS, and the server's CPU
# (its backends', reaped by the postmaster: run it where the server runs,
# with nothing else connected to that server).
#
#   bench/system/verify-ways.sh PGDATA CONNINFO WAY...
#   WAY: "CLI [audit verify options]", e.g.
#     bench/system/verify-ways.sh /work/bigscale/data \
#       "host=/work/bigscale dbname=cst_bulk_2m user=bs_auditor" \
#       "/path/before/custodian-cli --jobs 6" \
#       "build/app/custodian-cli --jobs 2 --read stored --hash server"
# Environment: ROUNDS=N (default 1).
set -euo pipefail
pgdata=$1 conninfo=$2; shift 2
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory
pm=$(head -1 "$pgdata/postmaster.pid")
tick=$(getconf CLK_TCK)
server_cpu () { awk -v t="$tick" '{ print ($16 + $17) / t }' "/proc/$pm/stat"; }
disk_mb () { awk '$3 ~ /^(vd[a-z]|sd[a-z]|nvme[0-9]+n[0-9]+)$/ { s += $6 } END { print int(s / 2048) }' /proc/diskstats; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "verify-ways: $(date -u '+%F %T UTC'), $(nproc) processors"
for round in $(seq 1 "${ROUNDS:-1}"); do
  for way in "$@"; do
    read -r cli options <<<"$way"
    before=$(server_cpu) read_before=$(disk_mb)
    echo "$(date -u +%T) round $round: $way: load before $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    /usr/bin/time -f "  %e s wall, client %U s user + %S s sys, %M KiB peak RSS" \
      "$cli" --database "$conninfo" audit verify $options >"$out" 2>&1 || true
    sleep 1  # the backends reaped
    grep -v "^Record the head" "$out" | sed 's/^/  /'
    echo "  server $(echo "$(server_cpu) - $before" | bc) s CPU, disks read $(($(disk_mb) - read_before)) MB, load after $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
