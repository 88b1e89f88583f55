#!/bin/sh
# Runs a test program as a new computer account with a known password, so
# the idle lock's check of the account's own password (PAM) is tested as a
# clerk meets it: an ordinary account checking its own password, through
# pam_unix's helper, not root reading /etc/shadow.  The account is created
# here (as root, or through sudo without a prompt) and removed afterwards;
# its password is handed to the program in CUSTODIAN_TEST_ACCOUNT_PASSWORD.
# The test server's socket folder is reachable by other accounts
# (build-aux/test-server.sh); the X server's cookie is copied to the
# account's home.
set -eu
if [ "$(id -u)" -eq 0 ]; then
  as_root () { "$@"; }
else
  as_root () { sudo -n -E "$@"; }
fi
# Two of these may run at once, and useradd gives up at once when another
# holds the lock on /etc/passwd: try again for a while.
retry () {
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    [ "$tries" -lt 20 ] || return 1
    sleep 0.5
  done
}
account="cst-lock-$$"
password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
retry as_root useradd --create-home --shell /bin/sh "$account"
trap 'retry as_root userdel --force --remove "$account" >/dev/null 2>&1 || true' EXIT
trap 'exit 1' INT TERM
set_password () {
  printf '%s:%s\n' "$account" "$password" | as_root chpasswd
}
retry set_password
home=$(getent passwd "$account" | cut -d: -f6)
if [ -n "${XAUTHORITY:-}" ] && [ -r "$XAUTHORITY" ]; then
  as_root install -o "$account" -m 600 "$XAUTHORITY" "$home/.Xauthority"
  XAUTHORITY="$home/.Xauthority"
  export XAUTHORITY
fi
CUSTODIAN_TEST_ACCOUNT_PASSWORD="$password"
export CUSTODIAN_TEST_ACCOUNT_PASSWORD
unset XDG_RUNTIME_DIR DBUS_SESSION_BUS_ADDRESS
status=0
as_root runuser -u "$account" -- "$@" || status=$?
exit $status
