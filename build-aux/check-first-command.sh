#!/usr/bin/env bash
# CI runs the README's first command (build-aux/run-app.sh) itself, the
# way a newcomer does: on a fresh private database in a temporary data
# folder, under a headless X server, as root and as an ordinary user this
# script creates, each twice (the first time, and again over the data the
# first run left).  CUSTODIAN_SMOKE_SCREENSHOT makes the app wait until its
# window lists the demo requests, save a screenshot and exit 0, or exit 1
# and say why (app/cst-smoke.c).  Last, a smoke run against a server that
# does not exist must fail, or the check itself proves nothing.
#
# Prints one "ok"/"not ok" line per check; exits 1 if any failed.
# Screenshots are left in $CUSTODIAN_FIRST_COMMAND_OUT (default
# build/first-command) for a person to look at.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=${CUSTODIAN_FIRST_COMMAND_OUT:-$repo/build/first-command}
newcomer=custodian-newcomer
failed=0
mkdir -p "$out"
chmod 0755 "$out"

report () {  # report STATUS NAME LOG
  if [ "$1" -eq 0 ]; then
    echo "ok - first command: $2"
  else
    echo "not ok - first command: $2 (exit $1; log follows)"
    tail -n 40 "$3" | sed 's/^/#   /'
    failed=$((failed + 1))
  fi
}

# A screenshot the app said it saved must be a real, non-trivial PNG.
check_png () {
  [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    [ "$(stat -c %s "$1")" -gt 20000 ]
}

smoke_env=(CUSTODIAN_SMOKE_TIMEOUT=300 GDK_BACKEND=x11 GSK_RENDERER=cairo)
# The new user reads the objects of the tests' build from ccache, when
# run-tests.sh kept them there (CCACHE_DIR), and writes nothing to it.
ccache_env=()
if [ -n "${CCACHE_DIR:-}" ]; then
  ccache_env=(CCACHE_DIR="$CCACHE_DIR" CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1 CCACHE_READONLY=1 CCACHE_TEMPDIR=/tmp)
  # ccache keys on these (the compiler's messages follow them): the user
  # gets the tests' own, C.UTF-8 as run-tests.sh sets them, or every
  # object misses (seen in CI: LC_ALL set for root, not for the user).
  for name in LANG LC_ALL LC_CTYPE LC_MESSAGES; do
    [ -z "${!name:-}" ] || ccache_env+=("$name=${!name}")
  done
fi

# As root: the private server runs as the postgres account; its folder is
# given with CUSTODIAN_EMBEDDED_DIR so the check never touches
# /var/lib/custodian of the machine.
run_as_root () {
  local name=$1 data=$2 png="$out/$1.png" log="$out/$1.log"
  rm -f "$png"
  env -u PGHOST -u PGUSER -u PGDATABASE -u PGPORT -u PGSERVICE -u GSETTINGS_BACKEND \
    XDG_DATA_HOME="$data/data" XDG_CONFIG_HOME="$data/config" CUSTODIAN_EMBEDDED_DIR="$data/db" \
    CUSTODIAN_SMOKE_SCREENSHOT="$png" "${smoke_env[@]}" \
    xvfb-run -a -s "-screen 0 1280x800x24" build-aux/run-app.sh >"$log" 2>&1
  local status=$?
  [ $status -ne 0 ] || check_png "$png" || status=99
  report $status "$name" "$log"
}

# As an ordinary user: a clean login environment, the repository's files
# copied into the user's home as a clone would be, and the private
# database in the user's default data folder.
prepare_newcomer () {
  id "$newcomer" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$newcomer" || return 1
  local home
  home=$(getent passwd "$newcomer" | cut -d: -f6)
  rm -rf "$home/custodian" "$home/.local" "$home/.config" "$home/.cache"
  mkdir -p "$home/custodian"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$home/custodian" 2>/dev/null
  chown -R "$newcomer": "$home"
  echo "$home"
}

run_as_newcomer () {
  local name=$1 home=$2 png="$out/$1.png" log="$out/$1.log"
  rm -f "$png"
  runuser -u "$newcomer" -- env -i HOME="$home" USER="$newcomer" LOGNAME="$newcomer" \
    PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "${smoke_env[@]}" "${ccache_env[@]}" \
    CUSTODIAN_SMOKE_SCREENSHOT="$home/smoke.png" \
    bash -c 'cd ~/custodian && exec xvfb-run -a -s "-screen 0 1280x800x24" build-aux/run-app.sh' \
    >"$log" 2>&1
  local status=$?
  cp "$home/smoke.png" "$png" 2>/dev/null
  [ $status -ne 0 ] || check_png "$png" || status=99
  report $status "$name" "$log"
}

# The check must fail when the window does not come up.
run_must_fail () {
  local log="$out/no-server.log"
  env -u GSETTINGS_BACKEND CUSTODIAN_SMOKE_SCREENSHOT="$out/no-server.png" CUSTODIAN_SMOKE_TIMEOUT=60 \
    CUSTODIAN_NO_FIRST_RUN=1 GSETTINGS_SCHEMA_DIR="$repo/build/resources/data" "${smoke_env[@]}" \
    xvfb-run -a -s "-screen 0 1280x800x24" \
    build/app/custodian --database "host=/nonexistent dbname=custodian connect_timeout=5" >"$log" 2>&1
  local status=$?
  if [ $status -ne 0 ] && grep -q "smoke check failed" "$log" && [ ! -e "$out/no-server.png" ]; then
    report 0 "a window that lists nothing fails the check" "$log"
  else
    report 1 "a window that lists nothing fails the check" "$log"
  fi
}

if [ "$(id -u)" -eq 0 ]; then
  data=$(mktemp -d /tmp/custodian-first-command.XXXXXX)
  chmod 0755 "$data"
  run_as_root root-first "$data"
  run_as_root root-again "$data"
  rm -rf "$data"
  if home=$(prepare_newcomer); then
    run_as_newcomer user-first "$home"
    run_as_newcomer user-again "$home"
  else
    echo "not ok - first command: could not create the user $newcomer"
    failed=$((failed + 1))
  fi
else
  # Run by a user: the user's own first and second start.
  data=$(mktemp -d)
  run_as_root user-first "$data"
  run_as_root user-again "$data"
  rm -rf "$data"
fi
run_must_fail
exit $((failed > 0))
