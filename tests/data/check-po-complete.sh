#!/usr/bin/env bash
# Every language in po/LINGUAS is complete as committed: no fuzzy and no
# untranslated message (a half-done msgmerge shows up here, not as English
# words in a Spanish window).  New strings reach a .po file only when
# `meson compile custodian-update-po` merges them, and are translated then.
set -uo pipefail
po_dir=$1 failed=0 checked=0
for lang in $(grep -v '^#' "$po_dir/LINGUAS"); do
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po_dir/$lang.po" 2>&1)
    checked=$((checked + 1))
    case $stats in
        *fuzzy*|*untranslated*) echo "not ok: $lang.po: $stats"; failed=$((failed + 1)) ;;
        *) echo "ok: $lang.po: $stats" ;;
    esac
done
echo "$((checked - failed)) passed, $failed failed"
[ "$checked" -gt 0 ] && [ "$failed" -eq 0 ]
