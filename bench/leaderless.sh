#!/usr/bin/env bash
# Leaderless quorums against single-leader Chorus and Redis (issue 12; docs/leaderless.md).
#
# 1. Throughput and latency: a 3-node leaderless cluster (N=3), a single-leader Chorus (leader +
#    2 followers) and one redis-server run side by side; in each round every system takes the
#    same closed-loop SETs (a new value each time) and GETs of --keys preloaded keys from
#    bench/Chorus.Benchmarks `ops` (50 connections, one request outstanding each). Leaderless
#    connections are spread over the 3 nodes (any node coordinates) and put under
#    (N,W,R) = (3,1,1), (3,2,2), (3,3,1) with CHORUS.QUORUM; single-leader and Redis connections
#    talk to the leader. Medians of --rounds interleaved rounds.
# 2. Anti-entropy repair rate: a leaderless node is killed, its data directory wiped and the node
#    restarted empty; the time until its CHORUS.DIGEST equals a peer's (only anti-entropy brings the
#    keys back: nobody reads them), and the keys it repaired.
# 3. The cost of keeping Merkle trees: the time from a node's start to its trees built
#    (leaderless_merkle_built:1) with --keys keys stored, against the same node started empty
#    (step 2), i.e. the build scan over K keys. Trees are updated in place on every write
#    (O(depth) additions, no key reads); their write-path cost is inside the SET numbers of
#    step 1, and bench/merkle-cost.sh compares SETs with and without them (MerkleTrees=false).
#
#   bench/leaderless.sh [--quick] [--rounds N] [--requests N] [--keys K]
#   (default: 3 rounds of 20,000 requests per row, 100,000 keys: about 4 minutes on 2 cores)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 REQUESTS=20000 KEYS=100000
parse_rounds_requests_keys 1 4000 20000 "$@"

ensure_redis
build_chorus
LL=(7441 7442 7443) SL=(7451 7452 7453) REDIS_PORT=6441
LL_PEERS="n1=7441,n2=7442,n3=7443" SL_PEERS="n1=7451,n2=7452,n3=7453"
RESULTS="$BENCH_WORK/leaderless.csv"   # system,op,ops,p50,p99,errors
: >"$RESULTS"
declare -A LL_PID
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

peers_heard() { [ "$(info_field "$1" leaderless_peers_heard)" = 2 ]; }
trees_built() { [ "$(info_field "$1" leaderless_merkle_built)" = 1 ]; }
digests_equal() { [ "$(redis-cli -p "$1" CHORUS.DIGEST | head -1)" = "$(redis-cli -p "$2" CHORUS.DIGEST | head -1)" ]; }

start_leaderless_node() { # index (0..2)
  local i=$1
  start_chorus "n$((i + 1))" "${LL[$i]}" everysec "$LL_PEERS" --family leaderless --n 3 --w 2 --r 2
  LL_PID[$i]=$LAST_PID
}

quorum_write_ok() { # port: one SET acknowledged by all 3 replicas (the write path is warm)
  [ "$(printf 'CHORUS.QUORUM W 3\nSET __bench_warm 1\n' | redis-cli -p "$1" 2>/dev/null | tail -1)" = OK ]
}

ops() { # system op ports [setup]: one ops run, appended to $RESULTS
  local system=$1 op=$2 ports=$3 setup=${4:-} line
  line=$(dotnet "$BENCH_DLL" ops --ports "$ports" --op "$op" --requests "$REQUESTS" --keys "$KEYS" ${setup:+--setup "$setup"}) || true   # error replies are counted, not fatal
  [ -n "$(field "$line" ops)" ] || { log "ops failed for $system $op: $line"; exit 1; }
  echo "$system,$op,$(field "$line" ops),$(field "$line" p50_ms),$(field "$line" p99_ms),$(field "$line" errors)" >>"$RESULTS"
}

med() { # system op column(3=ops,4=p50,5=p99)
  awk -F, -v s="$1" -v o="$2" -v c="$3" '$1 == s && $2 == o { print $c }' "$RESULTS" | median
}
errors() { awk -F, -v s="$1" -v o="$2" '$1 == s && $2 == o { n += $6 } END { print n + 0 }' "$RESULTS"; }

log "starting a 3-node leaderless cluster, a leader + 2 followers and redis-server (everysec)"
for i in 0 1 2; do start_leaderless_node $i; done
for i in 1 2 3; do start_chorus "n$i" "${SL[$((i - 1))]}" everysec "$SL_PEERS"; done
start_redis $REDIS_PORT everysec
for i in 0 1 2; do until_true 120 "leaderless n$((i + 1)) hears both peers" peers_heard "${LL[$i]}"; done
wait_ready "${SL[0]}" 120
SL_LEADER=$(wait_leader 120 "${SL[@]}")
for p in "${LL[@]}"; do until_true 120 "a W=3 write through $p" quorum_write_ok "$p"; done
log "preloading $KEYS keys into each system"
preload_keys "$KEYS" "${LL[@]}"; preload_keys "$KEYS" "$SL_LEADER"; preload_keys "$KEYS" $REDIS_PORT

CONFIGS=("3,1,1" "3,2,2" "3,3,1")
for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  for op in set get; do
    ops redis "$op" $REDIS_PORT
    ops single-leader "$op" "$SL_LEADER"
    for config in "${CONFIGS[@]}"; do
      IFS=, read -r n w r <<<"$config"
      ops "leaderless $n/$w/$r" "$op" "$(IFS=,; echo "${LL[*]}")" "CHORUS.QUORUM N $n W $w R $r"
    done
  done
done

# 2. Anti-entropy: n3 restarted with an empty data directory.
log "anti-entropy: n3 killed, wiped and restarted empty"
until_true 120 "replicas converged before the repair test" digests_equal "${LL[0]}" "${LL[2]}"
kill -9 "${LL_PID[2]}"; wait "${LL_PID[2]}" 2>/dev/null || true
rm -rf "$BENCH_WORK/chorus-$BENCH_GEN-n3-${LL[2]}"
started=$(now_ms)
start_leaderless_node 2
until_true 120 "empty n3 built its trees" trees_built "${LL[2]}"
empty_built_ms=$(( $(now_ms) - started ))
until_true 120 "empty n3 hears both peers" peers_heard "${LL[2]}"
ready=$(now_ms)
until_true 600 "anti-entropy restored n3" digests_equal "${LL[0]}" "${LL[2]}"
repair_ms=$(( $(now_ms) - ready ))
repaired=$(info_field "${LL[2]}" leaderless_keys_repaired)
keys_held=$repaired   # every key: n3 started empty
log "anti-entropy: $repaired keys repaired in $repair_ms ms"

# 3. Merkle build: the same node restarted with the keys it now holds.
kill "${LL_PID[2]}"; wait "${LL_PID[2]}" 2>/dev/null || true
started=$(now_ms)
start_leaderless_node 2
until_true 300 "n3 built its trees over $keys_held keys" trees_built "${LL[2]}"
full_built_ms=$(( $(now_ms) - started ))
log "trees built $full_built_ms ms after start with $keys_held keys ($empty_built_ms ms empty)"
finish_run
echo "### Quorum sizes against single-leader and Redis (\`ops\`, 50 connections × 1 outstanding, $REQUESTS requests per row, $KEYS keys, 16 B values, everysec; median of $ROUNDS interleaved rounds)"
echo
echo "| system | (N,W,R) | SET ops/s | SET p50/p99 ms | GET ops/s | GET p50/p99 ms | SET / single-leader | GET / single-leader | SET / Redis | GET / Redis | error replies SET/GET (all rounds) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
sl_set=$(med single-leader set 3) sl_get=$(med single-leader get 3) rd_set=$(med redis set 3) rd_get=$(med redis get 3)
row() { # system label
  local s=$1 label=$2 set get
  set=$(med "$s" set 3); get=$(med "$s" get 3)
  echo "| ${s%% *} | $label | $(fmt_int "$set") | $(med "$s" set 4)/$(med "$s" set 5) | $(fmt_int "$get") | $(med "$s" get 4)/$(med "$s" get 5) | $(ratio "$set" "$sl_set") | $(ratio "$get" "$sl_get") | $(ratio "$set" "$rd_set") | $(ratio "$get" "$rd_get") | $(errors "$s" set)/$(errors "$s" get) |"
}
row redis "—"
row single-leader "leader + 2 async followers, at the leader"
for config in "${CONFIGS[@]}"; do row "leaderless ${config//,//}" "($config), spread over 3 nodes"; done
echo
echo "### Anti-entropy and Merkle trees ($keys_held keys of 16 B on each replica, N=3 of 3 nodes)"
echo
echo "| measurement | value |"
echo "|---|---|"
echo "| wiped node: keys repaired by anti-entropy | $repaired |"
echo "| wiped node: peers heard → digests equal | $repair_ms ms |"
echo "| anti-entropy repair rate | $(awk -v k="$repaired" -v ms="$repair_ms" 'BEGIN { printf "%.0f", k * 1000 / (ms > 0 ? ms : 1) }') keys/s (limit AntiEntropyKeysPerSecond 20,000 per sender) |"
echo "| start → trees built, empty node | $empty_built_ms ms |"
echo "| start → trees built, $keys_held keys | $full_built_ms ms |"
echo "| Merkle build scan (difference) | $((full_built_ms - empty_built_ms)) ms ≈ $(awk -v k="$keys_held" -v ms="$((full_built_ms - empty_built_ms))" 'BEGIN { if (ms <= 0) print "n/a"; else printf "%.0f", k * 1000 / ms }') keys/s |"
