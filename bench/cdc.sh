#!/usr/bin/env bash
# Change data capture and relay throughput (issue 13; docs/cdc.md, docs/relay.md). Loads ENTRIES
# SETs (16-byte values) into one Chorus node (fsync everysec), then measures, over the committed
# log it holds:
#   - a RESP consumer: CHORUS.CDC READ in batches of 5000 entries through redis-cli;
#   - an HTTP consumer: GET /cdc?from=1 (NDJSON) through curl, until the position passes the end;
#   - `chorus relay` into a private PostgreSQL 15 table (batches of 1000 entries, one transaction
#     each, position fsynced after each), from LSN 1 until its position passes the end.
#
#   bench/cdc.sh [--entries N]      (default 100000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ENTRIES=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --entries) ENTRIES=$2; shift 2 ;;
    *) echo "usage: $0 [--entries N]" >&2; exit 2 ;;
  esac
done

ensure_redis
"$BENCH_ROOT/scripts/install-deps.sh" postgres
build_chorus

PORT=7721
start_chorus n1 $PORT everysec "n1=$PORT"
wait_ready $PORT 120
log "loading $ENTRIES SETs"
redis-benchmark -p $PORT -t set -n "$ENTRIES" -r 1000000000 -d 16 -P 16 -c 20 -q >/dev/null
LAST=$(( $(redis-cli -p $PORT CHORUS.CDC READ now | head -1) - 1 ))
log "the log holds LSNs 1..$LAST"

now_ms() { date +%s%3N; }
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }'; }

# RESP: one redis-cli per batch; the reply's first line is the next LSN, then epoch, committed, events.
start=$(now_ms); next=1; events=0
while [ "$next" -le "$LAST" ]; do
  reply=$(redis-cli -p $PORT CHORUS.CDC READ "$next" COUNT 5000)
  next=$(head -1 <<<"$reply")
  events=$(( events + $(wc -l <<<"$reply") - 3 ))
done
resp_ms=$(( $(now_ms) - start ))
log "RESP consumer: $events changes in $resp_ms ms"

# mawk (Debian's awk) reads its input in blocks: without -W interactive it would sit on the last
# position line until more bytes came, and the heartbeats are small and 5 s apart.
line_awk=(awk)
if awk -W version 2>/dev/null | grep -q mawk; then line_awk=(awk -W interactive); fi
start=$(now_ms)
http_events=$(curl -sN "http://127.0.0.1:$((PORT + 20000))/cdc?from=1&count=5000" | "${line_awk[@]}" -v last="$LAST" '
  /"type":"change"/ { n++ }
  /"type":"position"/ { match($0, /"next":[0-9]+/); if (substr($0, RSTART + 7, RLENGTH - 7) + 0 > last) { print n; exit } }') || true
# (awk stops reading once the position passes the end, so curl ends on a write error, 23: expected.)
http_ms=$(( $(now_ms) - start ))
log "HTTP consumer: $http_events changes in $http_ms ms"

# A private PostgreSQL (as the postgres user when root: it refuses to run as root).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR="$BENCH_WORK/pg"; PG_PORT=7729
mkdir -p "$PG_DIR"
as_pg=()
# The work directory is private (mktemp -d): the postgres user needs to pass through it.
if [ "$(id -u)" -eq 0 ]; then chmod o+x "$BENCH_WORK"; chown -R postgres:postgres "$PG_DIR"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" >/dev/null
trap '"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; cleanup' EXIT

cat >"$BENCH_WORK/triggers.json" <<EOF
{"triggers":[{"name":"bench","pattern":"key:*","target":{"kind":"postgres","connection":"Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres","table":"bench"}}]}
EOF
start=$(now_ms)
dotnet "$CHORUS_DLL" relay --from 127.0.0.1:$PORT --trigger "$BENCH_WORK/triggers.json" --batch 1000 >"$BENCH_WORK/relay.log" 2>&1 &
RELAY_PID=$!
BENCH_PIDS+=($RELAY_PID)
until [ -f "$BENCH_WORK/triggers.json.position" ] && [ "$(cut -d' ' -f1 "$BENCH_WORK/triggers.json.position")" -gt "$LAST" ]; do
  kill -0 $RELAY_PID 2>/dev/null || { cat "$BENCH_WORK/relay.log"; exit 1; }
  sleep 0.1
done
relay_ms=$(( $(now_ms) - start ))
rows=$(psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -tAc "SELECT count(*) FROM bench")
log "relay: $LAST entries ($rows rows) in $relay_ms ms (includes the relay's start-up)"

echo
echo "$(machine_line)"
echo
echo "| consumer | entries | changes | time | entries/s |"
echo "|---|---:|---:|---:|---:|"
echo "| RESP, \`CHORUS.CDC READ … COUNT 5000\` (redis-cli per batch) | $LAST | $events | ${resp_ms} ms | $(rate "$LAST" "$resp_ms") |"
echo "| HTTP, \`/cdc?from=1\` NDJSON (curl) | $LAST | $http_events | ${http_ms} ms | $(rate "$LAST" "$http_ms") |"
echo "| \`chorus relay\` → PostgreSQL (batch 1000, start-up included) | $LAST | $rows rows | ${relay_ms} ms | $(rate "$LAST" "$relay_ms") |"
