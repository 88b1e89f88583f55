#!/bin/sh
# Runs a test program in a private D-Bus session with a real, unlocked
# gnome-keyring as the Secret Service, in a throwaway home folder, so the
# keyring path of cst-keyring.c is tested end to end without a
# desktop.  The keyring's own password only unlocks this throwaway one.
set -eu
home=$(mktemp -d /tmp/custodian-keyring.XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
       XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/run" CUSTODIAN_TEST_KEYRING=1
unset DBUS_SESSION_BUS_ADDRESS
# gnome-keyring needs a display only to prompt; --unlock with a password on
# stdin creates and unlocks the login keyring without one.
dbus-run-session -- sh -c '
  printf %s custodian-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"' sh "$@"
