#!/usr/bin/env bash
# Runs a full scripted window session (test-window: list, search, new
# request, fee quote and invoice, documents) with every debug message on,
# and fails if any seeded patient name or MRN appears in what it logged.
set -euo pipefail
test_window="$1"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

G_MESSAGES_DEBUG=all "$test_window" >"$log" 2>&1 || { cat "$log"; exit 1; }
grep -q '^# End of window tests' "$log" || { echo "the scripted session did not finish"; exit 1; }
# Names and MRNs the session seeds and types (tests/gui/test-window.c and
# cst_demo_seed): none may reach a log.
status=0
for needle in 'DEMO-0' 'GUI-0001' 'Ångström' 'Sampleton' 'Demoson' 'Fictivo' 'Núñez-Ejemplo' \
              'Zoë-Test' 'Testwell' 'Mockridge'; do
  if grep -F -- "$needle" "$log" | grep -v '^ok \|^# Start\|^# End' >/dev/null; then
    echo "patient data in the debug log: $needle"
    grep -F -- "$needle" "$log" | head -3
    status=1
  fi
done
echo "1..1"
[ $status -eq 0 ] && echo "ok 1 no patient data in $(wc -l <"$log") log lines" || echo "not ok 1 patient data logged"
exit $status
