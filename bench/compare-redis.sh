#!/usr/bin/env bash
# Chorus side by side with Redis and Garnet on loopback, interleaved (Redis, Chorus, Garnet, Redis,
# ...), printing markdown tables of medians with the Chorus/Redis, Garnet/Redis and Chorus/Garnet
# ratios. Garnet (Microsoft's Redis-compatible server in C#) is the pinned garnet-server tool of
# .config/dotnet-tools.json; durability matched as in lib.sh's start_garnet (AOF committed every
# 1000 ms). Garnet is in the single-node and collections tables; it replicates only in cluster
# mode and has no WAIT, so the leader + followers and acknowledgement tables are Chorus and Redis.
#
#   bench/compare-redis.sh [--quick] [--rounds N] [--only single|cluster|ack|collections]
#
# 1. single node: SET GET INCR HSET MSET(10 keys), -P 1 and -P 16, -c 50, 16 B and 1 KiB values,
#    matched durability (Redis AOF everysec vs Chorus --fsync everysec vs Garnet --aof
#    --aof-commit-freq 1000) and persistence off (Redis --save '' --appendonly no vs Chorus
#    --fsync no vs Garnet without --aof);
# 2. leader + two async followers (Redis: two replicaof replicas): throughput on the leader and
#    replication lag at ~50% of the leader's peak SET rate;
# 3. acknowledgement modes: Chorus async / semi-sync any 1 / sync all vs Redis SET, SET+WAIT 1 0,
#    SET+WAIT 2 0: write latency p50/p99 and throughput;
# 4. collections: HSET (constant and new values) and SADD into a 10,000-element hash/set of 1 KiB values, LPUSH, LPOP, ZADD,
#    ZRANGE (first 100 by rank), EVAL, XADD, -P 16, everysec.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUICK=0 ROUNDS=3 ONLY=all
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--only single|cluster|ack|collections]" >&2; exit 2 ;;
  esac
  shift
done
N_P16=100000 N_P1=20000 ACK_REQUESTS=20000 LAG_SECONDS=10
if [ $QUICK = 1 ]; then
  ROUNDS=1 N_P16=20000 N_P1=4000 ACK_REQUESTS=2000 LAG_SECONDS=3
fi
REDIS_PORT=6391 CHORUS_PORT=7391   # leaders; followers on +1 and +2
GARNET_PORT=8391

ensure_redis
ensure_garnet
build_chorus
RESULTS="$BENCH_WORK/results.csv"   # section,system,config,P,d,test,rps,p50,p99
: >"$RESULTS"

# bench_one SECTION SYSTEM CONFIG PORT P D: redis-benchmark rows appended to $RESULTS
bench_one() {
  local section=$1 system=$2 config=$3 port=$4 p=$5 d=$6 n=$N_P1
  [ "$p" -gt 1 ] && n=$N_P16
  local rb=(redis_benchmark -h 127.0.0.1 -p "$port" -c 50 -d "$d" -P "$p" --csv)
  stalled "$port" && return 0 # its server was stopped after missing a deadline
  {
    if [ "$section" = cluster ]; then
      "${rb[@]}" -n "$n" -r 100000 -t set,get | tail -n +2
      # The lag runs are paced at half of this peak: the lag tool writes a new value every time.
      "${rb[@]}" -n "$n" -r 100000 SET key:__rand_int__ __rand_int__ | tail -n +2
    else
      "${rb[@]}" -n "$n" -r 100000 -t set,get,incr | tail -n +2
      # MSET writes 10 keys per request: a fifth of the requests keeps its run as short as the others.
      "${rb[@]}" -n $((n / 5)) -r 100000 -t mset | tail -n +2
      # redis-benchmark's HSET writes fields of ONE hash (myhash), at most 100 of them here; the
      # collections section measures a 10,000-field hash.
      "${rb[@]}" -n $((n / 20)) -r 100 -t hset | tail -n +2
      # redis-benchmark's values never change, and Chorus logs nothing for a SET that leaves the
      # value as it was: once a key exists, -t set mostly measures no-op SETs on Chorus. This SET
      # writes a random 12-byte number each time, so every request is a real write on both.
      if [ "$d" = 16 ]; then "${rb[@]}" -n "$n" -r 100000 SET key:__rand_int__ __rand_int__ | tail -n +2; fi
    fi
  } | tr -d '"' | while IFS=, read -r test rps _avg _min p50 _p95 p99 _max; do
    case $test in "SET key:"*) test=SETRV ;; *) test=${test%% *} ;; esac
    echo "$section,$system,$config,$p,$d,$test,$rps,$p50,$p99" >>"$RESULTS"
  done
}

med() { # section system config P d test column(7=rps,8=p50,9=p99)
  awk -F, -v s="$1" -v y="$2" -v c="$3" -v p="$4" -v d="$5" -v t="$6" -v col="$7" \
    '$1 == s && $2 == y && $3 == c && $4 == p && $5 == d && $6 == t { print $col }' "$RESULTS" | median
}

# peer_cells SECTION CONFIG P D TEST: the table cells Redis rps | Chorus rps | Chorus/Redis |
# Garnet rps | Garnet/Redis | Chorus/Garnet | Redis, Chorus, Garnet p50/p99 ms. "n/a" where a
# system has no rows (Garnet answers "unknown command" to the test's command: see its probe).
peer_cells() {
  local r c g latency="" system
  r=$(med "$1" redis "$2" "$3" "$4" "$5" 7); c=$(med "$1" chorus "$2" "$3" "$4" "$5" 7); g=$(med "$1" garnet "$2" "$3" "$4" "$5" 7)
  for system in redis chorus garnet; do
    if [ "$(med "$1" $system "$2" "$3" "$4" "$5" 7)" = nan ]; then latency+=" n/a |"
    else latency+=" $(med "$1" $system "$2" "$3" "$4" "$5" 8)/$(med "$1" $system "$2" "$3" "$4" "$5" 9) |"; fi
  done
  echo "$(rps_cell "$r") | $(rps_cell "$c") | $(ratio_cell "$c" "$r") | $(rps_cell "$g") | $(ratio_cell "$g" "$r") | $(ratio_cell "$c" "$g") |$latency"
}
PEER_HEADER="Redis rps | Chorus rps | Chorus/Redis | Garnet rps | Garnet/Redis | Chorus/Garnet | Redis p50/p99 ms | Chorus p50/p99 ms | Garnet p50/p99 ms |"
PEER_RULE="---|---|---|---|---|---|---|---|---|"
rps_cell() { if [ "$1" = nan ]; then echo n/a; else fmt_int "$1"; fi; }
ratio_cell() { if [ "$1" = nan ] || [ "$2" = nan ]; then echo n/a; else ratio "$1" "$2"; fi; }

single_node() {
  local load_start; load_start=$(load_now)
  local durability chorus_fsync round p d
  for durability in everysec none; do
    chorus_fsync=$durability; [ "$durability" = none ] && chorus_fsync=no
    log "single node, durability $durability: starting Redis :$REDIS_PORT, Chorus :$CHORUS_PORT and Garnet :$GARNET_PORT"
    start_redis $REDIS_PORT "$durability"
    start_garnet $GARNET_PORT "$durability"
    start_chorus n1 $CHORUS_PORT "$chorus_fsync" "n1=$CHORUS_PORT"
    wait_ready $CHORUS_PORT
    for round in $(seq 1 "$ROUNDS"); do
      for p in 1 16; do
        for d in 16 1024; do
          log "round $round/$ROUNDS · $durability · -P $p · -d $d"
          bench_one single redis "$durability" $REDIS_PORT $p $d
          bench_one single chorus "$durability" $CHORUS_PORT $p $d
          bench_one single garnet "$durability" $GARNET_PORT $p $d
        done
      done
    done
    stop_all
  done
  echo
  echo "### Single node (redis-benchmark -c 50 -r 100000; median of $ROUNDS interleaved rounds; requests/s)"
  echo
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "SET = \`-t set\` (constant value: after the first pass most Chorus SETs change nothing and log nothing);"
  echo "SETRV = \`SET key:__rand_int__ __rand_int__\` (a new random 12-byte value each time: every SET is a real write);"
  echo "HSET = \`-t hset\` with -r 100 and n/20 (one hash; see Gaps); MSET = \`-t mset\` (10 keys) with n/5."
  echo "$N_P1 requests at -P 1, $N_P16 at -P 16. Garnet everysec = --aof --aof-commit-freq 1000; none = no AOF."
  echo
  echo "| durability | -P | value | command | $PEER_HEADER"
  echo "|---|---|---|---|$PEER_RULE"
  local test
  for durability in everysec none; do
    for p in 1 16; do
      for d in 16 1024; do
        for test in SET SETRV GET INCR HSET MSET; do
          [ "$test" = SETRV ] && [ "$d" != 16 ] && continue
          echo "| $durability | $p | $d B | $test | $(peer_cells single "$durability" $p $d $test)"
        done
      done
    done
  done
}

start_redis_trio() {
  start_redis $REDIS_PORT everysec
  start_redis $((REDIS_PORT + 1)) everysec --replicaof 127.0.0.1 $REDIS_PORT
  start_redis $((REDIS_PORT + 2)) everysec --replicaof 127.0.0.1 $REDIS_PORT
  local deadline=$((SECONDS + 60))
  until [ "$(info_field $REDIS_PORT connected_slaves)" = 2 ]; do
    [ $SECONDS -lt $deadline ] || { log "Redis replicas did not connect"; return 1; }
    sleep 0.2
  done
}

start_chorus_trio() { # extra serve args...
  local peers="n1=$CHORUS_PORT,n2=$((CHORUS_PORT + 1)),n3=$((CHORUS_PORT + 2))" i
  for i in 1 2 3; do
    start_chorus n$i $((CHORUS_PORT + i - 1)) everysec "$peers" "$@"
  done
  wait_ready $CHORUS_PORT
  local deadline=$((SECONDS + 60))
  until [ "$(info_field $CHORUS_PORT connected_slaves)" = 2 ]; do
    [ $SECONDS -lt $deadline ] || { log "Chorus followers did not connect"; return 1; }
    sleep 0.2
  done
}

cluster() {
  local load_start; load_start=$(load_now)
  log "leader + 2 async followers (AOF everysec / --fsync everysec)"
  start_redis_trio
  start_chorus_trio
  # A fresh single node alongside, measured in the same rounds, for the 3-node/single ratio.
  local single_port=$((CHORUS_PORT + 3))
  start_chorus s1 $single_port everysec "s1=$single_port"
  wait_ready $single_port
  local round p
  for round in $(seq 1 "$ROUNDS"); do
    for p in 1 16; do
      log "round $round/$ROUNDS · 3 nodes · -P $p"
      bench_one cluster redis everysec $REDIS_PORT $p 16
      bench_one cluster chorus everysec $CHORUS_PORT $p 16
      bench_one cluster chorus-single everysec $single_port $p 16
    done
  done
  kill "$LAST_PID" 2>/dev/null || true
  local redis_peak chorus_peak
  # SETRV, not SET: the lag tool writes a new value with every SET, and Chorus logs nothing for a
  # SET that leaves the value as it was, so -t set's peak is mostly no-op SETs on Chorus.
  redis_peak=$(med cluster redis everysec 16 16 SETRV 7); chorus_peak=$(med cluster chorus everysec 16 16 SETRV 7)
  local lag_redis lag_chorus lag_redis_same
  log "lag at 50% of peak: Redis $(fmt_int "$(ratio "$redis_peak" 2)") SET/s"
  lag_redis=$(dotnet "$BENCH_DLL" lag --leader $REDIS_PORT --followers $((REDIS_PORT + 1)),$((REDIS_PORT + 2)) --rate "$(awk -v p="$redis_peak" 'BEGIN { printf "%d", p / 2 }')" --seconds $LAG_SECONDS)
  log "lag at 50% of peak: Chorus $(fmt_int "$(ratio "$chorus_peak" 2)") SET/s"
  lag_chorus=$(dotnet "$BENCH_DLL" lag --leader $CHORUS_PORT --followers $((CHORUS_PORT + 1)),$((CHORUS_PORT + 2)) --rate "$(awk -v p="$chorus_peak" 'BEGIN { printf "%d", p / 2 }')" --seconds $LAG_SECONDS)
  log "lag at Chorus's 50% rate: Redis"
  lag_redis_same=$(dotnet "$BENCH_DLL" lag --leader $REDIS_PORT --followers $((REDIS_PORT + 1)),$((REDIS_PORT + 2)) --rate "$(awk -v p="$chorus_peak" 'BEGIN { printf "%d", p / 2 }')" --seconds $LAG_SECONDS)
  stop_all
  echo
  echo "### Leader + 2 async followers (redis-benchmark -c 50 -r 100000 -d 16 on the leader; median of $ROUNDS rounds)"
  echo
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "Garnet: not measured here — it replicates only in cluster mode (--cluster, CLUSTER ADDSLOTS / REPLICATE), which this script does not set up."
  echo
  echo "| -P | command | Redis rps | Chorus rps | Chorus/Redis | Chorus single-node rps (fresh, same rounds) | Chorus 3-node / single |"
  echo "|---|---|---|---|---|---|---|"
  local test
  for p in 1 16; do
    for test in SET SETRV GET; do
      local r c s
      r=$(med cluster redis everysec $p 16 $test 7); c=$(med cluster chorus everysec $p 16 $test 7); s=$(med cluster chorus-single everysec $p 16 $test 7)
      echo "| $p | $test | $(fmt_int "$r") | $(fmt_int "$c") | $(ratio "$c" "$r") | $(fmt_int "$s") | $(ratio "$c" "$s") |"
    done
  done
  echo
  echo "Replication lag while SETs (a new value each) are paced at ~50% of the leader's SETRV peak (bench/Chorus.Benchmarks lag, ${LAG_SECONDS} s, first second dropped)."
  echo "*visible* = end to end: a probe key written on the leader every 5 ms, read on each follower in a tight loop until the new value shows (leader ack → visible)."
  echo "*offsets* = the servers' own offsets sampled every 2 ms (leader master_repl_offset vs each replica's slave_repl_offset; Redis bytes converted to writes)."
  echo "On a shared 2-core machine the tail is mostly scheduling: bench/lag.sh --priority measures it with other work held back (BENCHMARKS.md, issue 14 lag section)."
  echo
  echo "| system | target SET/s | achieved SET/s | visible p50 ms | visible p99 ms | visible max ms | offsets lag p50/p99/max ms | offsets lag p50/p99/max entries |"
  echo "|---|---|---|---|---|---|---|---|"
  local name line
  for name in redis chorus redis_same; do
    case $name in redis) line=$lag_redis ;; chorus) line=$lag_chorus ;; redis_same) line=$lag_redis_same ;; esac
    local label=$name; [ $name = redis_same ] && label="redis (at Chorus's rate)"
    echo "| $label | $(field "$line" target_ops) | $(field "$line" achieved_ops) | $(field "$line" visible_ms_p50) | $(field "$line" visible_ms_p99) | $(field "$line" visible_ms_max) | $(field "$line" lag_ms_p50)/$(field "$line" lag_ms_p99)/$(field "$line" lag_ms_max) | $(field "$line" lag_entries_p50)/$(field "$line" lag_entries_p99)/$(field "$line" lag_entries_max) |"
  done
}

# bench_collections SYSTEM PORT: collection rows appended to $RESULTS (section "collections").
# HSET and SADD fill one hash / set to 10,000 elements of 1 KiB first (unmeasured), then measure
# writes into it: the case where storing a collection as one value made every write O(size).
bench_collections() {
  local system=$1 port=$2 n=$N_P16
  local rb=(redis_benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 -d 1024 --csv)
  local member value
  member="$(head -c 1000 /dev/zero | tr '\0' 'm')__rand_int__"
  value="$(head -c 1000 /dev/zero | tr '\0' 'v')__rand_int__"
  stalled "$port" && return 0 # its server was stopped after missing a deadline
  redis-cli -p "$port" DEL myhash myset mylist myzset mystream __probe >/dev/null
  "${rb[@]}" -n 40000 -r 10000 -t hset >/dev/null
  "${rb[@]}" -n 40000 -r 10000 SADD myset "$member" >/dev/null
  {
    "${rb[@]}" -n "$n" -r 10000 -t hset | tail -n +2 | sed 's/^"HSET[^"]*"/"HSET10K"/'
    # -t hset sends one constant value, so once a field exists its HSETs change nothing (Chorus
    # logs nothing for them); HSETRV10K gives the field a new 1 KiB value every time.
    "${rb[@]}" -n "$n" -r 10000 HSET myhash "element:__rand_int__" "$value" | tail -n +2 | sed 's/^"HSET[^"]*"/"HSETRV10K"/'
    "${rb[@]}" -n "$n" -r 10000 SADD myset "$member" | tail -n +2 | sed 's/^"SADD[^"]*"/"SADD10K"/'
    "${rb[@]}" -n "$n" -r 100000 -t lpush,lpop,zadd | tail -n +2
    "${rb[@]}" -n $((n / 5)) ZRANGE myzset 0 99 | tail -n +2 | sed 's/^"ZRANGE[^"]*"/"ZRANGE100"/'
    "${rb[@]}" -n "$n" -r 100000 EVAL "return redis.call('SET', KEYS[1], ARGV[1])" 1 key:__rand_int__ __rand_int__ | tail -n +2 | sed 's/^"EVAL[^"]*"/"EVALSET"/'
    # Garnet 2.2 has no streams: no XADD row for it (n/a in the table).
    if supports "$port" XADD __probe "*" field 1; then
      "${rb[@]}" -n "$n" -r 100000 XADD mystream "*" field __rand_int__ | tail -n +2 | sed 's/^"XADD[^"]*"/"XADD"/'
    fi
  } | tr -d '"' | while IFS=, read -r test rps _avg _min p50 _p95 p99 _max; do
    test=${test%% *}
    echo "collections,$system,everysec,16,1024,$test,$rps,$p50,$p99" >>"$RESULTS"
  done
}

collections() {
  local load_start; load_start=$(load_now)
  log "collections: starting Redis :$REDIS_PORT, Chorus :$CHORUS_PORT and Garnet :$GARNET_PORT (everysec)"
  start_redis $REDIS_PORT everysec
  start_garnet $GARNET_PORT everysec
  start_chorus n1 $CHORUS_PORT everysec "n1=$CHORUS_PORT"
  wait_ready $CHORUS_PORT
  local round
  for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS · collections"
    bench_collections redis $REDIS_PORT
    bench_collections chorus $CHORUS_PORT
    bench_collections garnet $GARNET_PORT
  done
  stop_all
  echo
  echo "### Collections (redis-benchmark -c 50 -P 16, everysec; median of $ROUNDS interleaved rounds; requests/s)"
  echo
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "HSET10K / SADD10K = HSET / SADD into one hash / set already holding 10,000 elements of 1 KiB (-r 10000; -t hset's value never"
  echo "changes and SADD names members already there, so both mostly change nothing); HSETRV10K = HSET of a new 1 KiB value each time;"
  echo "LPUSH, LPOP, ZADD = redis-benchmark's tests (-d 1024, -r 100000); ZRANGE100 = \`ZRANGE myzset 0 99\` (n/5 requests);"
  echo "EVALSET = \`EVAL \"return redis.call('SET', KEYS[1], ARGV[1])\" 1 key:__rand_int__ __rand_int__\` (a one-write script, new value each time);"
  echo "XADD = \`XADD mystream * field __rand_int__\` (one stream, growing by n entries; Garnet 2.2 has no streams: n/a)."
  echo "Garnet runs with --lua (EVAL is off by default in Garnet)."
  echo
  echo "| command | $PEER_HEADER"
  echo "|---|$PEER_RULE"
  local test
  for test in HSET10K HSETRV10K SADD10K LPUSH LPOP ZADD ZRANGE100 EVALSET XADD; do
    echo "| $test | $(peer_cells collections everysec 16 1024 $test)"
  done
}

ACK_RESULTS="$BENCH_WORK/ack.txt"
ack_modes() {
  local load_start; load_start=$(load_now)
  log "acknowledgement modes: 3 nodes, everysec; Chorus --ack-level applied (Redis WAIT counts replicas that processed the write)"
  : >"$ACK_RESULTS"
  start_redis_trio
  start_chorus_trio --ack-level applied --ack-timeout-ms 5000
  local round mode out
  for round in $(seq 1 "$ROUNDS"); do
    for mode in async "semi-sync any 1" "sync all"; do
      log "round $round/$ROUNDS · $mode"
      local wait=0
      case $mode in "semi-sync any 1") wait=1 ;; "sync all") wait=2 ;; esac
      out=$(dotnet "$BENCH_DLL" ack --port $REDIS_PORT --connections 50 --requests $ACK_REQUESTS --wait $wait || true)
      echo "redis|$mode|$out" >>"$ACK_RESULTS"
      redis-cli -p $CHORUS_PORT CONFIG SET chorus-ack "$mode" >/dev/null
      out=$(dotnet "$BENCH_DLL" ack --port $CHORUS_PORT --connections 50 --requests $ACK_REQUESTS || true)
      echo "chorus|$mode|$out" >>"$ACK_RESULTS"
    done
  done
  stop_all
  echo
  echo "### Acknowledgement modes (leader + 2 followers, everysec; 50 connections, one SET outstanding each, -d 16; median of $ROUNDS rounds)"
  echo
  echo "Load average (1/5/15 min) at the start: $load_start · at the end: $(load_now)."
  echo
  echo "Redis: async = SET; semi-sync any 1 = SET + WAIT 1 0; sync all = SET + WAIT 2 0 (pipelined, timed to WAIT's reply)."
  echo "Chorus: CONFIG SET chorus-ack <mode>, chorus-ack-level applied."
  echo "Garnet: not measured — no WAIT (\"ERR unknown command\") and replication only in cluster mode."
  echo
  echo "| mode | Redis p50 ms | Redis p99 ms | Redis ops/s | Chorus p50 ms | Chorus p99 ms | Chorus ops/s | Chorus/Redis ops | Chorus p50 / Chorus async p50 |"
  echo "|---|---|---|---|---|---|---|---|---|"
  local async_p50
  async_p50=$(ack_med chorus async p50_ms)
  for mode in async "semi-sync any 1" "sync all"; do
    local ro co
    ro=$(ack_med redis "$mode" ops); co=$(ack_med chorus "$mode" ops)
    echo "| $mode | $(ack_med redis "$mode" p50_ms) | $(ack_med redis "$mode" p99_ms) | $(fmt_int "$ro") | $(ack_med chorus "$mode" p50_ms) | $(ack_med chorus "$mode" p99_ms) | $(fmt_int "$co") | $(ratio "$co" "$ro") | $(ratio "$(ack_med chorus "$mode" p50_ms)" "$async_p50") |"
  done
  if grep -q "errors=[1-9]" "$ACK_RESULTS"; then
    echo
    echo "Errors seen:"; grep "errors=[1-9]" "$ACK_RESULTS" | sed 's/^/    /'
  fi
}

ack_med() { # system mode field
  awk -F'|' -v s="$1" -v m="$2" '$1 == s && $2 == m { print $3 }' "$ACK_RESULTS" | while read -r line; do field "$line" "$3"; done | median
}

started=$SECONDS
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "## Chorus vs Redis vs Garnet — $(machine_line)"
echo
echo "Command: \`bench/compare-redis.sh$([ $QUICK = 1 ] && echo " --quick")$([ $ROUNDS != 3 ] && [ $QUICK = 0 ] && echo " --rounds $ROUNDS")$([ $ONLY != all ] && echo " --only $ONLY")\`"
case $ONLY in
  all) single_node; cluster; ack_modes; collections ;;
  single) single_node ;;
  collections) collections ;;
  cluster) cluster ;;
  ack) ack_modes ;;
esac
echo
echo "Load average (1/5/15 min) before: $LOAD_BEFORE · after: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: above ~2 the servers and the client wait for CPU; read ratios loosely)."
echo
echo "_compare-redis.sh took $((SECONDS - started)) s._"
