#!/usr/bin/env bash
# A throwaway PostgreSQL server that only speaks TLS, for tests/db/test-tls.c.
#
#   tls-test-server.sh start DIR PORT   # DIR: an empty directory of the caller's
#   tls-test-server.sh stop DIR
#
# start makes, in DIR, a self-signed test CA (ca.crt), a second unrelated CA
# (wrong-ca.crt), a client certificate for the login custodian_tls_client
# (client.crt, client.key) and, in DIR/server, the server's certificate for
# the name "localhost" only, signed by the CA.  The server listens on
# 127.0.0.1:PORT and nowhere else; pg_hba.conf has hostssl lines only, so a
# connection without TLS is refused, and custodian_tls_client must present
# its certificate.  As root the server runs as "postgres".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/test-server.sh"

new_key_and_csr () {  # KEY CSR SUBJECT
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$1" -out "$2" -subj "$3" 2>/dev/null
  chmod 600 "$1"
}

sign () {  # CSR CA-NAME OUT EXTENSIONS
  openssl x509 -req -in "$1" -CA "$dir/$2.crt" -CAkey "$dir/$2.key" -set_serial "$RANDOM$RANDOM" \
    -days 2 -out "$3" -extfile <(printf '%b' "$4") 2>/dev/null
}

make_ca () {  # NAME SUBJECT
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$dir/$1.key" -out "$dir/$1.crt" -days 2 -subj "$2" 2>/dev/null
  chmod 600 "$dir/$1.key"
}

start () {
  local port=$1 bindir
  bindir=$(custodian_pg_bindir)
  mkdir -p "$dir/server"
  make_ca ca "/CN=Custodian Test CA"
  make_ca wrong-ca "/CN=Someone Else's CA"
  new_key_and_csr "$dir/server/server.key" "$dir/server.csr" "/CN=localhost"
  sign "$dir/server.csr" ca "$dir/server/server.crt" \
    "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth"
  new_key_and_csr "$dir/client.key" "$dir/client.csr" "/CN=custodian_tls_client"
  sign "$dir/client.csr" ca "$dir/client.crt" \
    "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth"
  cp "$dir/ca.crt" "$dir/server/root.crt"

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
      useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    chmod 711 "$dir"
    chown -R postgres: "$dir/server"
  fi
  custodian_as_server_user "$bindir/initdb" -D "$dir/server/data" -U postgres -A trust \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/server/initdb.log"
  cat >"$dir/server/pg_hba.conf" <<EOF
local   all all                           trust
hostssl all custodian_tls_client 127.0.0.1/32 cert
hostssl all all                  127.0.0.1/32 trust
EOF
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/server/pg_hba.conf"
  custodian_as_server_user "$bindir/pg_ctl" -D "$dir/server/data" -l "$dir/server/server.log" \
    -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/server \
      -c hba_file=$dir/server/pg_hba.conf -c ssl=on \
      -c ssl_cert_file=$dir/server/server.crt -c ssl_key_file=$dir/server/server.key \
      -c ssl_ca_file=$dir/server/root.crt -c fsync=off" start >/dev/null
}

stop () {
  local bindir
  bindir=$(custodian_pg_bindir)
  if [ -d "$dir/server/data" ]; then
    custodian_as_server_user "$bindir/pg_ctl" -D "$dir/server/data" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

[ $# -ge 2 ] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }
dir=$2
case $1 in
  start) [ $# -eq 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$3" ;;
  stop) stop ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
