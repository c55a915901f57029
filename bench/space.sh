#!/usr/bin/env bash
# Where a node's disk space goes (issue 17: "the data directory takes about 2.4x the logical
# data"). Loads KEYS strings with random (incompressible) values into one Chorus node and one
# Redis (AOF everysec), then overwrites every key once, and after each phase prints what each
# takes on disk next to the logical data (the sum of key and value lengths), with Chorus's part
# split into data, replication log, RocksDB write-ahead log and the rest (INFO persistence).
#
#   bench/space.sh [--keys N] [--value-bytes B]      (defaults: 500000 keys, 100-byte values)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KEYS=500000
VALUE_BYTES=100
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS=$2; shift 2 ;;
    --value-bytes) VALUE_BYTES=$2; shift 2 ;;
    *) echo "usage: $0 [--keys N] [--value-bytes B]" >&2; exit 2 ;;
  esac
done

ensure_redis
build_chorus

CHORUS_PORT=7701
REDIS_PORT=7702

# SET commands in RESP for redis-cli --pipe: keys key:0000000000.., values of random letters and
# digits from awk's seeded generator (the same bytes on every run; LZ4 cannot shrink them much).
commands() { # seed
  awk -v n="$KEYS" -v size="$VALUE_BYTES" -v seed="$1" 'BEGIN {
    srand(seed); alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (i = 0; i < n; i++) {
      key = sprintf("key:%010d", i); value = "";
      for (j = 0; j < size; j++) value = value substr(alphabet, int(rand() * 62) + 1, 1);
      printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, size, value;
    }
  }'
}

persistence() { # port field
  redis-cli -p "$1" INFO persistence | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# Retention retires a tenth of the log every few seconds, and RocksDB flushes and compacts in the
# background: wait until the node's footprint stops changing (three equal readings 5 s apart, at
# most 3 minutes), as it would be at rest.
settle() {
  local previous=-1 same=0 current deadline=$((SECONDS + 180))
  while [ $same -lt 3 ] && [ $SECONDS -lt $deadline ]; do
    sleep 5
    current=$(persistence $CHORUS_PORT chorus_disk_bytes)
    if [ "$current" = "$previous" ]; then same=$((same + 1)); else same=0; fi
    previous=$current
  done
}

report() { # phase logical_bytes
  local phase=$1 logical=$2 dir total data log wal redis_dir redis_bytes
  total=$(persistence $CHORUS_PORT chorus_disk_bytes)
  data=$(persistence $CHORUS_PORT chorus_data_bytes)
  log=$(persistence $CHORUS_PORT chorus_log_bytes)
  wal=$(persistence $CHORUS_PORT chorus_wal_bytes)
  redis_dir="$BENCH_WORK/redis-$REDIS_PORT"
  redis_bytes=$(du -sb "$redis_dir" | awk '{ print $1 }')
  echo "| $phase | $(mb "$logical") | $(mb "$total") ($(ratio "$total" "$logical")×) | $(mb "$data") | $(mb "$log") | $(mb "$wal") | $(mb $((total - data - log - wal))) | $(mb "$redis_bytes") ($(ratio "$redis_bytes" "$logical")×) |"
}

start_chorus n1 $CHORUS_PORT everysec "n1=$CHORUS_PORT"
start_redis $REDIS_PORT everysec
wait_ready $CHORUS_PORT
redis-cli -p $CHORUS_PORT DEL __bench_ready >/dev/null
redis-cli -p $REDIS_PORT DEL __bench_ready >/dev/null
logical=$(( KEYS * (14 + VALUE_BYTES) ))

echo "$(machine_line)"
echo
echo "$KEYS keys, $VALUE_BYTES-byte random values; sizes in MiB (data, log: RocksDB's live estimates; WAL: RocksDB's *.log files; other: the rest of the directory)"
echo
echo "| phase | logical | Chorus on disk | data | replication log | RocksDB WAL | other | Redis (AOF everysec) |"
echo "|---|---|---|---|---|---|---|---|"
for phase in load overwrite; do
  seed=1; [ $phase = overwrite ] && seed=2
  log "$phase: $KEYS SETs into Chorus and Redis"
  commands $seed | redis-cli -p $CHORUS_PORT --pipe >/dev/null
  commands $seed | redis-cli -p $REDIS_PORT --pipe >/dev/null
  settle
  report "after $phase" "$logical"
done
