#!/usr/bin/env bash
# redis-cli against a node's TLS port, as a user would: `chorus cert` makes a CA and
# certificates, a node serves TLS with a password, and redis-cli --tls writes and reads through
# it, is refused without a client certificate, and gets NOAUTH without the password. Installs
# redis-tools (Debian) the way bench/ does. Exits non-zero on the first surprise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/lib.sh"
ensure_redis
build_chorus
certs="$BENCH_WORK/certs"
dotnet "$CHORUS_DLL" cert --out "$certs" n1 app >/dev/null
port=7479 tls=7489
start_chorus n1 "$port" everysec "n1=$port" --requirepass s3cret --tls-port "$tls" \
  --tls-cert-file "$certs/n1.crt" --tls-key-file "$certs/n1.key" --tls-ca-cert-file "$certs/ca.crt"
deadline=$((SECONDS + 60))
tlscli() { redis-cli --tls -p "$tls" --cacert "$certs/ca.crt" --cert "$certs/app.crt" --key "$certs/app.key" "$@"; }
until [ "$(tlscli -a s3cret --no-auth-warning PING 2>/dev/null)" = PONG ]; do
  [ $SECONDS -lt $deadline ] || { log "node not up over TLS"; exit 1; }
  sleep 0.5
done
expect() { # what, expected, actual
  if [ "$2" != "$3" ]; then log "FAIL $1: expected '$2', got '$3'"; exit 1; fi
  log "ok   $1: $3"
}
expect "SET over TLS" OK "$(tlscli -a s3cret --no-auth-warning SET tls:k hello)"
expect "GET over TLS" hello "$(tlscli -a s3cret --no-auth-warning GET tls:k)"
expect "no password" "NOAUTH Authentication required." "$(tlscli GET tls:k 2>&1)"
expect "plain port, password" hello "$(redis-cli -p "$port" -a s3cret --no-auth-warning GET tls:k)"
if redis-cli --tls -p "$tls" --cacert "$certs/ca.crt" -a s3cret --no-auth-warning PING >/dev/null 2>&1 \
   && [ "$(redis-cli --tls -p "$tls" --cacert "$certs/ca.crt" -a s3cret --no-auth-warning PING 2>&1)" = PONG ]; then
  log "FAIL a client without a certificate was let in"; exit 1
fi
log "ok   no client certificate: refused at the handshake"
log "redis-cli over TLS works"
