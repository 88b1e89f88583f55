#!/usr/bin/env bash
# What the server's client backends are waiting on, sampled every 20 ms
# while bench-load runs: a cheap profile of where write latency goes.
#
#   bench/load/sample-waits.sh SECONDS > waits.txt &   # then start bench-load
#
# Uses the PG* variables of build-aux/test-server.sh.  Prints, per wait
# (CPU = running, not waiting), the number of backend-samples and its
# share, most frequent first.  Only active client backends count.
set -euo pipefail
seconds=${1:-60}
samples=$(( seconds * 50 ))
{
  for _ in $(seq 1 "$samples"); do
    echo "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-')
            || CASE WHEN wait_event_type = 'Lock' THEN ' (' || coalesce(
                 (SELECT l.locktype || coalesce(' ' || l.relation::regclass::text, '')
                    FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted LIMIT 1), '?') || ')'
               ELSE '' END
          FROM pg_stat_activity a
         WHERE backend_type = 'client backend' AND state = 'active'
           AND pid <> pg_backend_pid();"
    echo "SELECT pg_sleep(0.02);"
  done
} | psql -X -q -At -d postgres 2>/dev/null | grep -v '^$' |
  sort | uniq -c | sort -rn |
  awk '{ n[NR] = $1; $1 = ""; w[NR] = $0; t += n[NR] }
       END { for (i = 1; i <= NR; i++) printf "%8d  %5.1f %%  %s\n", n[i], 100 * n[i] / t, w[i] }'
