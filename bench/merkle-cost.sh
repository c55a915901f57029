#!/usr/bin/env bash
# What keeping Merkle trees costs a leaderless write (issue 12; docs/leaderless.md): two 3-node
# leaderless clusters (N=3, W=2, R=2) side by side, one keeping a Merkle tree per replicated range
# (the default: every store updates the key's tree, O(depth) additions) and one started with
# --Leaderless:MerkleTrees=false (no tree work on writes, no anti-entropy). Each takes the same
# closed-loop SETs of new values over --keys preloaded keys from bench/Chorus.Benchmarks `ops`
# (50 connections spread over the 3 nodes, one request outstanding each), in interleaved rounds;
# medians of --rounds rounds.
#
#   bench/merkle-cost.sh [--quick] [--rounds N] [--requests N] [--keys K]
#   (default: 5 rounds of 20,000 SETs per cluster, 20,000 keys: about 3 minutes on 2 cores)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=5 REQUESTS=20000 KEYS=20000
parse_rounds_requests_keys 2 5000 5000 "$@"

ensure_redis
build_chorus
WITH=(7461 7462 7463) WITHOUT=(7471 7472 7473)
WITH_PEERS="n1=7461,n2=7462,n3=7463" WITHOUT_PEERS="n1=7471,n2=7472,n3=7473"
RESULTS="$BENCH_WORK/merkle-cost.csv"   # cluster,ops,p50,p99,errors
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

peers_heard() { [ "$(info_field "$1" leaderless_peers_heard)" = 2 ]; }
quorum_write_ok() { # port: one SET acknowledged by all 3 replicas (the write path is warm)
  [ "$(printf 'CHORUS.QUORUM W 3\nSET __bench_warm 1\n' | redis-cli -p "$1" 2>/dev/null | tail -1)" = OK ]
}

log "starting two 3-node leaderless clusters: with Merkle trees and without (everysec)"
for i in 1 2 3; do
  start_chorus "n$i" "${WITH[$((i - 1))]}" everysec "$WITH_PEERS" --family leaderless --n 3 --w 2 --r 2
  start_chorus "n$i" "${WITHOUT[$((i - 1))]}" everysec "$WITHOUT_PEERS" --family leaderless --n 3 --w 2 --r 2 \
    --Leaderless:MerkleTrees=false --Leaderless:AntiEntropy=false
done
for p in "${WITH[@]}" "${WITHOUT[@]}"; do until_true 120 "leaderless $p hears both peers" peers_heard "$p"; done
for p in "${WITH[@]}" "${WITHOUT[@]}"; do until_true 120 "a W=3 write through $p" quorum_write_ok "$p"; done
[ "$(info_field "${WITH[0]}" leaderless_merkle_trees)" -gt 0 ] || { log "the first cluster keeps no trees"; exit 1; }
[ "$(info_field "${WITHOUT[0]}" leaderless_merkle_trees)" = 0 ] || { log "the second cluster keeps trees"; exit 1; }
log "preloading $KEYS keys into each cluster"
preload_keys "$KEYS" "${WITH[@]}"; preload_keys "$KEYS" "${WITHOUT[@]}"

ops() { # cluster ports
  local line
  line=$(dotnet "$BENCH_DLL" ops --ports "$2" --op set --requests "$REQUESTS" --keys "$KEYS") || true
  [ -n "$(field "$line" ops)" ] || { log "ops failed for $1: $line"; exit 1; }
  [ "$(field "$line" errors)" = 0 ] || log "$1: error replies: $line"   # names the last error
  echo "$1,$(field "$line" ops),$(field "$line" p50_ms),$(field "$line" p99_ms),$(field "$line" errors)" >>"$RESULTS"
}
med() { awk -F, -v s="$1" -v c="$2" '$1 == s { print $c }' "$RESULTS" | median; }
errors() { awk -F, -v s="$1" '$1 == s { n += $5 } END { print n + 0 }' "$RESULTS"; }

for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  if [ $((round % 2)) = 1 ]; then
    ops with "$(IFS=,; echo "${WITH[*]}")"; ops without "$(IFS=,; echo "${WITHOUT[*]}")"
  else
    ops without "$(IFS=,; echo "${WITHOUT[*]}")"; ops with "$(IFS=,; echo "${WITH[*]}")"
  fi
done
finish_run
echo "### Leaderless SET with and without Merkle trees (\`ops\`, 50 connections × 1 outstanding over 3 nodes, N=3 W=2 R=2, $REQUESTS SETs per row, $KEYS keys, 16 B values, everysec; median of $ROUNDS interleaved rounds)"
echo
echo "| cluster | SET ops/s | p50 ms | p99 ms | ops/s against without trees | error replies (all rounds) |"
echo "|---|---|---|---|---|---|"
without=$(med without 2)
for c in with without; do
  label=$([ $c = with ] && echo "Merkle trees kept (default)" || echo "MerkleTrees=false, AntiEntropy=false")
  echo "| $label | $(fmt_int "$(med $c 2)") | $(med $c 3) | $(med $c 4) | $(ratio "$(med $c 2)" "$without") | $(errors $c) |"
done
echo
echo "Per round (ops/s): with $(awk -F, '$1 == "with" { printf "%s ", int($2) }' "$RESULTS")· without $(awk -F, '$1 == "without" { printf "%s ", int($2) }' "$RESULTS")"
