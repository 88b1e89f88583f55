#!/usr/bin/env bash
# Renders the screenshots in data/screenshots with demo data, on a
# throwaway database under a headless X server.
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/test-server.sh
export LANG=C.UTF-8 GTK_A11Y=none GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GSK_RENDERER=cairo
export GSETTINGS_SCHEMA_DIR="$PWD/build/resources/data"
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE
trap custodian_test_server_stop EXIT
custodian_test_server_start
ninja -C build tests/gui/take-screenshots
mkdir -p data/screenshots
xvfb-run -a -s "-screen 0 1400x900x24" ./build/tests/gui/take-screenshots data/screenshots
