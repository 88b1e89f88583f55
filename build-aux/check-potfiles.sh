#!/usr/bin/env bash
# Fails when a source or UI file with translatable strings is missing from
# po/POTFILES.in, or when POTFILES.in names a file that does not exist.
set -euo pipefail
cd "$(dirname "$0")/.."
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort -u)
found=$( (grep -rlE '\b(N?_|g_dngettext|C_|NC_)\s*\(' --include='*.c' app widgets || true;
          grep -rl 'translatable="yes"' resources || true;
          ls resources/data/*.in resources/data/*.gschema.xml 2>/dev/null || true) | sort -u)
status=0
for f in $found; do
  grep -qxF "$f" <<<"$listed" || { echo "missing from po/POTFILES.in: $f"; status=1; }
done
for f in $listed; do
  [ -e "$f" ] || { echo "listed in po/POTFILES.in but absent: $f"; status=1; }
done
exit $status
