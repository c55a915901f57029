#!/usr/bin/env bash
# Scaling curves (issue 14): Chorus, Redis and Garnet side by side as the dataset grows, as values
# grow, and (Chorus and Redis) as followers are added, with memory and disk per key. Every server
# durable as in compare-redis.sh (Chorus --fsync everysec, Redis AOF everysec, Garnet AOF committed
# every 1000 ms); in each configuration the three are measured in turn, in the same rounds.
#
#   bench/scaling.sh [--quick] [--only keys|values|followers] [--rounds N] [--key-counts "N N..."]
#
# 1. keys: preload K keys of 100-byte values (redis-cli --pipe, key:%012d — the names
#    redis-benchmark's -r K draws), then GET and SETRV at -P 16 over all K keys. K = 100k, 1M, 10M
#    (quick: 100k, 1M). Chorus's block cache is 64 MiB and its record cache 32 MiB: 1M keys of
#    100 B are past both. Memory per key = (RSS after the run - RSS of the empty server) / K;
#    disk per key = the data directory (Chorus), AOF directory (Redis, Garnet) / K.
# 2. values: SETRV then GET at -P 16 over 10,000 keys, values of 16 B to 64 KiB.
# 3. followers: SETRV at -P 16 on a leader with 0..4 async followers (quick: 0, 2, 4): Chorus
#    followers, Redis replicaof replicas. Garnet replicates only in cluster mode: not measured.
#
# SETRV = SET key:__rand_int__ <value ending in __rand_int__>: a new value each time, so every
# SET is a real write on Chorus too (it logs nothing for a SET that leaves a value as it was).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUICK=0 ROUNDS=1 ONLY=all KEY_COUNTS_ARG=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --key-counts) KEY_COUNTS_ARG=$2; shift ;;
    *) echo "usage: $0 [--quick] [--only keys|values|followers] [--rounds N] [--key-counts \"N N...\"]" >&2; exit 2 ;;
  esac
  shift
done
KEY_COUNTS="100000 1000000 10000000" VALUE_SIZES="16 256 4096 65536" FOLLOWER_COUNTS="0 1 2 3 4"
REQUESTS=200000 KEY_VALUE_BYTES=100
if [ $QUICK = 1 ]; then
  KEY_COUNTS="100000 1000000" VALUE_SIZES="16 1024 65536" FOLLOWER_COUNTS="0 2 4" REQUESTS=40000
fi
KEY_COUNTS=${KEY_COUNTS_ARG:-$KEY_COUNTS}
REDIS_PORT=6591 CHORUS_PORT=7591 GARNET_PORT=8591   # leaders; followers on +1..+4

ensure_redis
ensure_garnet
build_chorus
RESULTS="$BENCH_WORK/scaling.csv"   # curve,x,system,test,rps,p50,p99
: >"$RESULTS"
LOAD_BEFORE=$(load_now)

# measure CURVE X SYSTEM PORT KEYS VALUE_BYTES REQUESTS TESTS: redis-benchmark -c 50 -P 16 rows
# (TESTS: setrv and/or get) appended to $RESULTS.
measure() {
  local curve=$1 x=$2 system=$3 port=$4 keys=$5 d=$6 n=$7 test
  local rb=(redis_benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 -n "$n" -r "$keys" --csv)
  local value
  value="$(head -c $((d > 12 ? d - 12 : 0)) /dev/zero | tr '\0' 'v')__rand_int__"
  for test in $8; do
    case $test in
      setrv) "${rb[@]}" SET key:__rand_int__ "$value" ;;
      get) "${rb[@]}" -d "$d" -t get ;;
    esac | tail -n +2 | tr -d '"' | while IFS=, read -r _name rps _avg _min p50 _p95 p99 _max; do
      echo "$curve,$x,$system,$test,$rps,$p50,$p99" >>"$RESULTS"
    done
  done
}

val() { # curve x system test column(5=rps,6=p50,7=p99) -> median over rounds, n/a if none
  local v
  v=$(awk -F, -v c="$1" -v x="$2" -v s="$3" -v t="$4" -v col="$5" '$1 == c && $2 == x && $3 == s && $4 == t { print $col }' "$RESULTS" | median)
  if [ "$v" = nan ]; then echo n/a; elif [ "$5" = 5 ]; then fmt_int "$v"; else echo "$v"; fi
}

# Memory and disk per key, set by footprint(): system -> "rss_per_key disk_per_key" in bytes.
declare -A FOOTPRINT BASE_RSS
data_dir() { # system port
  case $1 in
    chorus) echo "$BENCH_WORK/chorus-$BENCH_GEN-n1-$2" ;;
    redis) echo "$BENCH_WORK/redis-$2" ;;
    garnet) echo "$BENCH_WORK/garnet-$2" ;;
  esac
}
footprint() { # system port keys
  local pid rss disk
  pid=$(server_pid "$2"); rss=$(rss_bytes "$pid")
  disk=$(du -sb "$(data_dir "$1" "$2")" | awk '{ print $1 }')
  FOOTPRINT[$1]="$(awk -v r="$rss" -v b="${BASE_RSS[$1]}" -v k="$3" 'BEGIN { printf "%.0f", (r - b) / k }') $(awk -v d="$disk" -v k="$3" 'BEGIN { printf "%.0f", d / k }')"
}

port_of() { # system: its (leader's) port
  case $1 in redis) echo $REDIS_PORT ;; chorus) echo $CHORUS_PORT ;; garnet) echo $GARNET_PORT ;; esac
}

start_three() { # everysec single nodes on the three ports; records each one's empty RSS
  start_redis $REDIS_PORT everysec
  start_garnet $GARNET_PORT everysec
  start_chorus n1 $CHORUS_PORT everysec "n1=$CHORUS_PORT"
  wait_ready $CHORUS_PORT
  local system port
  for system in redis chorus garnet; do
    port=$(port_of $system)
    BASE_RSS[$system]=$(rss_bytes "$(server_pid $port)")
  done
}

preload() { # keys value_bytes port...: SET key:%012d for 0..keys-1, one RESP stream per server
  # (generated for each server rather than stored: 10M SETs of 100 B would be a 1.5 GB file;
  # --pipe-timeout 0: on a loaded machine the last reply can take more than the default 30 s)
  local keys=$1 d=$2 port; shift 2
  for port in "$@"; do
    log "preload $keys keys of $d B into :$port"
    awk -v n="$keys" -v d="$d" 'BEGIN {
      value = sprintf("%" d "s", ""); gsub(/ /, "p", value);
      for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n", i, d, value }' \
      | redis-cli -p "$port" --pipe --pipe-timeout 0 >"$BENCH_WORK/preload-$port.log" 2>&1 || { cat "$BENCH_WORK/preload-$port.log"; exit 1; }
    log "  $(tail -1 "$BENCH_WORK/preload-$port.log")"
  done
}

keys_curve() {
  local keys round system port load_start
  load_start=$(load_now)
  for keys in $KEY_COUNTS; do
    start_three
    preload "$keys" $KEY_VALUE_BYTES $REDIS_PORT $CHORUS_PORT $GARNET_PORT
    for round in $(seq 1 "$ROUNDS"); do
      for system in redis chorus garnet; do
        port=$(port_of $system)
        log "keys $keys · round $round · $system"
        measure keys "$keys" $system $port "$keys" $KEY_VALUE_BYTES "$REQUESTS" "get setrv"
      done
    done
    for system in redis chorus garnet; do
      port=$(port_of $system)
      footprint $system $port "$keys"
      echo "keys,$keys,$system,mem,${FOOTPRINT[$system]% *},${FOOTPRINT[$system]#* },0" >>"$RESULTS"
    done
    stop_all
  done
  echo
  echo "### Dataset size (${KEY_VALUE_BYTES}-byte values, redis-benchmark -c 50 -P 16 -r KEYS, $REQUESTS requests; median of $ROUNDS rounds)"
  echo
  echo "Memory per key = (RSS after the runs - RSS of the empty server) / keys; disk per key = data directory (Chorus) or AOF directory (Redis, Garnet) / keys, right after the runs (Chorus's RocksDB may not have compacted yet)."
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "| keys | command | Redis rps | Chorus rps | Garnet rps | Chorus/Redis | Chorus/Garnet | Redis p99 ms | Chorus p99 ms | Garnet p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  local test
  for keys in $KEY_COUNTS; do
    for test in get setrv; do
      curve_row keys "$keys" $test "$(fmt_int "$keys")"
    done
  done
  echo
  echo "| keys | Redis RSS B/key | Chorus RSS B/key | Garnet RSS B/key | Redis disk B/key | Chorus disk B/key | Garnet disk B/key |"
  echo "|---|---|---|---|---|---|---|"
  for keys in $KEY_COUNTS; do
    echo "| $(fmt_int "$keys") | $(val keys "$keys" redis mem 5) | $(val keys "$keys" chorus mem 5) | $(val keys "$keys" garnet mem 5) | $(val keys "$keys" redis mem 6) | $(val keys "$keys" chorus mem 6) | $(val keys "$keys" garnet mem 6) |"
  done
}

curve_row() { # curve x test label: one row of rps, ratios and p99 for the three systems
  local r c g
  r=$(val "$1" "$2" redis "$3" 5); c=$(val "$1" "$2" chorus "$3" 5); g=$(val "$1" "$2" garnet "$3" 5)
  echo "| $4 | ${3^^} | $r | $c | $g | $(ratio_or_na "$c" "$r") | $(ratio_or_na "$c" "$g") | $(val "$1" "$2" redis "$3" 7) | $(val "$1" "$2" chorus "$3" 7) | $(val "$1" "$2" garnet "$3" 7) |"
}
ratio_or_na() { if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else ratio "$1" "$2"; fi; }

values_curve() {
  local d round system port n load_start
  load_start=$(load_now)
  start_three
  for d in $VALUE_SIZES; do
    n=$REQUESTS
    [ "$d" -ge 4096 ] && n=$((REQUESTS / 4))
    [ "$d" -ge 65536 ] && n=$((REQUESTS / 20))
    for round in $(seq 1 "$ROUNDS"); do
      for system in redis chorus garnet; do
        port=$(port_of $system)
        log "value $d B · round $round · $system ($n requests)"
        measure values "$d" $system $port 10000 "$d" "$n" "setrv get"
      done
    done
  done
  stop_all
  echo
  echo "### Value size (10,000 keys, redis-benchmark -c 50 -P 16; $REQUESTS requests, a quarter from 4 KiB, a twentieth at 64 KiB; median of $ROUNDS rounds)"
  echo
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "| value | command | Redis rps | Chorus rps | Garnet rps | Chorus/Redis | Chorus/Garnet | Redis p99 ms | Chorus p99 ms | Garnet p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  local test
  for d in $VALUE_SIZES; do
    for test in setrv get; do
      curve_row values "$d" $test "$d B"
    done
  done
}

redis_replicas_are() { [ "$(info_field $REDIS_PORT connected_slaves)" = "$1" ]; }

followers_curve() {
  local f round i load_start peers
  load_start=$(load_now)
  for f in $FOLLOWER_COUNTS; do
    start_redis $REDIS_PORT everysec
    peers="n1=$CHORUS_PORT"
    for i in $(seq 1 "$f"); do
      start_redis $((REDIS_PORT + i)) everysec --replicaof 127.0.0.1 $REDIS_PORT
      peers+=",n$((i + 1))=$((CHORUS_PORT + i))"
    done
    for i in $(seq 0 "$f"); do
      start_chorus n$((i + 1)) $((CHORUS_PORT + i)) everysec "$peers"
    done
    until_true 60 "$f Redis replicas connected" redis_replicas_are "$f"
    wait_ready $CHORUS_PORT 120
    [ "$f" = 0 ] || wait_leader 120 $(for i in $(seq 0 "$f"); do echo $((CHORUS_PORT + i)); done) >/dev/null
    for round in $(seq 1 "$ROUNDS"); do
      log "followers $f · round $round"
      measure followers "$f" redis $REDIS_PORT 100000 16 "$REQUESTS" setrv
      measure followers "$f" chorus $CHORUS_PORT 100000 16 "$REQUESTS" setrv
    done
    stop_all
  done
  echo
  echo "### Followers (SETRV on the leader, 16 B values, redis-benchmark -c 50 -P 16 -r 100000, $REQUESTS requests; async followers / replicaof replicas, everysec; median of $ROUNDS rounds)"
  echo
  echo "Garnet: not measured (it replicates only in cluster mode). Every node runs on the same 2 cores, so each follower also takes CPU from the leader."
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "| followers | Redis rps | Chorus rps | Chorus/Redis | Chorus / Chorus with 0 | Redis p99 ms | Chorus p99 ms |"
  echo "|---|---|---|---|---|---|---|"
  local first=${FOLLOWER_COUNTS%% *} c0
  c0=$(val followers "$first" chorus setrv 5)
  for f in $FOLLOWER_COUNTS; do
    local r c
    r=$(val followers "$f" redis setrv 5); c=$(val followers "$f" chorus setrv 5)
    echo "| $f | $r | $c | $(ratio_or_na "$c" "$r") | $(ratio_or_na "$c" "$c0") | $(val followers "$f" redis setrv 7) | $(val followers "$f" chorus setrv 7) |"
  done
}

started=$SECONDS
echo "## Scaling curves — $(machine_line)"
echo
echo "Command: \`bench/scaling.sh$([ $QUICK = 1 ] && echo " --quick")$([ $ONLY != all ] && echo " --only $ONLY")$([ -n "${KEY_COUNTS_ARG:-}" ] && echo " --key-counts \"$KEY_COUNTS_ARG\"")\`"
case $ONLY in
  all) keys_curve; values_curve; followers_curve ;;
  keys) keys_curve ;;
  values) values_curve ;;
  followers) followers_curve ;;
  *) echo "unknown --only $ONLY" >&2; exit 2 ;;
esac
finish_run
echo "_scaling.sh took $((SECONDS - started)) s._"
