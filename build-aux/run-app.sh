#!/usr/bin/env bash
# The README's run command: installs what is needed, builds, and starts
# Custodian on the private database in your data folder, with demo data
# the first time.  Extra arguments go to custodian (e.g. --database=…).
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/packages.sh
custodian_install_packages "${CUSTODIAN_PACKAGES[@]}"

export LANG="${LANG:-C.UTF-8}"
# A folder left by an interrupted setup has no build.ninja: set it up again.
[ -f build/build.ninja ] || { rm -rf build && meson setup build >/dev/null; }
# Only what running needs: the app, the CLI that prepares the database and
# the settings schema; the tests and benchmarks are the test command's
# (less than half of the compiling on a fresh clone).
ninja -C build app/custodian app/custodian-cli resources/data/gschemas.compiled
export GSETTINGS_SCHEMA_DIR="$PWD/build/resources/data"
# A bare container has no session bus for the accessibility bridge.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then export GTK_A11Y="${GTK_A11Y:-none}"; fi

# Starts (and on first use creates) the private database, adds 120
# synthetic requests if it is empty, then stops it again for the app.
# The demo is on the private database: skip the first-run questions.
if [ "$#" -eq 0 ]; then
  ./build/app/custodian-cli db migrate
  ./build/app/custodian-cli db seed-demo --if-empty --requests 120
  export CUSTODIAN_NO_FIRST_RUN="${CUSTODIAN_NO_FIRST_RUN:-1}"
fi
exec ./build/app/custodian "$@"
