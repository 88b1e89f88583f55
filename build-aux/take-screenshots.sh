#!/usr/bin/env bash
# Renders the screenshots in data/screenshots with demo data, on a
# throwaway database under a headless X server.  BUILD_DIR picks the meson
# build directory (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/test-server.sh
export LANG=C.UTF-8 GTK_A11Y=none GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GSK_RENDERER=cairo
BUILD_DIR=${BUILD_DIR:-build}
export GSETTINGS_SCHEMA_DIR="$PWD/$BUILD_DIR/resources/data"
unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE
trap custodian_test_server_stop EXIT
custodian_test_server_start
ninja -C "$BUILD_DIR" tests/gui/take-screenshots
mkdir -p data/screenshots
xvfb-run -a -s "-screen 0 1400x900x24" "./$BUILD_DIR/tests/gui/take-screenshots" data/screenshots
