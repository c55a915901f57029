#!/usr/bin/env bash
# Read guarantees (issue 10; docs/consistency.md): what each level costs a reader.
#
# Two single-leader clusters side by side (leader + 2 followers, everysec): one as by default
# (strong reads take a read index: a quorum round per batch of reads), one started with
# --read-lease true (strong reads at the leader skip the round while the lease holds). Both are
# preloaded with --keys keys; then, in each of --rounds interleaved rounds, bench/Chorus.Benchmarks
# `ops` (50 connections, one request outstanding each) reads random keys:
#   - at the leader only, and spread over the 3 nodes (connection i on node i mod 3): read scaling;
#   - spread, under each level set once per connection with CHORUS.CONSISTENCY: eventual,
#     read-your-writes, monotonic, bounded 1000, 50 and 20 (ms; below two heartbeat intervals a
#     follower asks its leader for a round trip per wait), strong; strong also at the leader only and
#     on the lease cluster. Consistent prefix is not a level: with one log it holds at every level
#     (docs/consistency.md), so its cost is `eventual`'s;
#   - write-read: each connection (spread; a follower forwards the SET to the leader) writes a key
#     and reads it back at once, under eventual and under read-your-writes; the read is timed and
#     a read that misses the value just written is counted stale.
#
#   bench/read-guarantees.sh [--quick] [--rounds N] [--requests N] [--keys K]
#   (default: 3 rounds of 20,000 requests per row, 100,000 keys: about 4 minutes on 2 cores)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 REQUESTS=20000 KEYS=100000
parse_rounds_requests_keys 1 4000 20000 "$@"

ensure_redis   # redis-cli
build_chorus
IX=(7461 7462 7463) LEASE=(7471 7472 7473)
RESULTS="$BENCH_WORK/reads.txt"   # row|ops|p50|p99|stale|errors (rows hold commas)
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

start_trio() { # ports-array-name [extra serve args...]
  local -n ports=$1; shift
  local peers="n1=${ports[0]},n2=${ports[1]},n3=${ports[2]}" i
  for i in 0 1 2; do start_chorus "n$((i + 1))" "${ports[$i]}" everysec "$peers" "$@"; done
  wait_ready "${ports[0]}" 120
}

ops() { # row op ports [setup]
  local row=$1 op=$2 ports=$3 setup=${4:-} line
  line=$(dotnet "$BENCH_DLL" ops --ports "$ports" --op "$op" --requests "$REQUESTS" --keys "$KEYS" ${setup:+--setup "$setup"}) || true   # error replies are counted, not fatal
  [ -n "$(field "$line" ops)" ] || { log "ops failed for $row: $line"; exit 1; }
  echo "$row|$(field "$line" ops)|$(field "$line" p50_ms)|$(field "$line" p99_ms)|$(field "$line" stale)|$(field "$line" errors)" >>"$RESULTS"
}

med() { awk -F'|' -v r="$1" -v c="$2" '$1 == r { print $c }' "$RESULTS" | median; }
total() { awk -F'|' -v r="$1" -v c="$2" '$1 == r { s += $c } END { print s + 0 }' "$RESULTS"; }

log "starting two leader + 2 follower clusters (read index; read lease)"
start_trio IX
start_trio LEASE --read-lease true
IX_LEADER=$(wait_leader 120 "${IX[@]}") LEASE_LEADER=$(wait_leader 120 "${LEASE[@]}")
log "preloading $KEYS keys into each"
preload_keys "$KEYS" "$IX_LEADER"; preload_keys "$KEYS" "$LEASE_LEADER"
ALL=$(IFS=,; echo "${IX[*]}") ALL_LEASE=$(IFS=,; echo "${LEASE[*]}")
# Followers must hold the preload before reads are spread over them.
has_keys() { local p; for p in "$@"; do [ "$(redis-cli -p "$p" DBSIZE)" -ge "$KEYS" ] || return 1; done; }
until_true 120 "followers caught up" has_keys "${IX[@]}" "${LEASE[@]}"

ROWS=(
  "eventual, leader only|get|$IX_LEADER|"
  "eventual, 3 nodes|get|$ALL|"
  "read-your-writes, 3 nodes|get|$ALL|CHORUS.CONSISTENCY read-your-writes"
  "monotonic, 3 nodes|get|$ALL|CHORUS.CONSISTENCY monotonic"
  "bounded 1000 ms, 3 nodes|get|$ALL|CHORUS.CONSISTENCY bounded 1000"
  "bounded 50 ms, 3 nodes|get|$ALL|CHORUS.CONSISTENCY bounded 50"
  "bounded 20 ms, 3 nodes|get|$ALL|CHORUS.CONSISTENCY bounded 20"
  "strong (read index), leader only|get|$IX_LEADER|CHORUS.CONSISTENCY strong"
  "strong (read index), 3 nodes|get|$ALL|CHORUS.CONSISTENCY strong"
  "strong (lease), leader only|get|$LEASE_LEADER|CHORUS.CONSISTENCY strong"
  "strong (lease), 3 nodes|get|$ALL_LEASE|CHORUS.CONSISTENCY strong"
  "write-read, eventual, 3 nodes|write-read|$ALL|"
  "write-read, read-your-writes, 3 nodes|write-read|$ALL|CHORUS.CONSISTENCY read-your-writes"
)
for round in $(seq 1 "$ROUNDS"); do
  for spec in "${ROWS[@]}"; do
    IFS='|' read -r row op ports setup <<<"$spec"
    log "round $round/$ROUNDS · $row"
    ops "$row" "$op" "$ports" "$setup"
  done
done
finish_run
echo "### Reads per level (\`ops\`, 50 connections × 1 outstanding, $REQUESTS requests per row, $KEYS keys of 16 B, leader + 2 followers, everysec; median of $ROUNDS interleaved rounds)"
echo
echo "| level, where | reads/s | p50 ms | p99 ms | reads/s vs eventual at the leader | p50 vs eventual, 3 nodes | stale reads (all rounds) | errors |"
echo "|---|---|---|---|---|---|---|---|"
base_ops=$(med "eventual, leader only" 2) base_p50=$(med "eventual, 3 nodes" 3)
for spec in "${ROWS[@]}"; do
  IFS='|' read -r row _ <<<"$spec"
  o=$(med "$row" 2)
  echo "| $row | $(fmt_int "$o") | $(med "$row" 3) | $(med "$row" 4) | $(ratio "$o" "$base_ops") | $(ratio "$(med "$row" 3)" "$base_p50") | $(total "$row" 5) | $(total "$row" 6) |"
done
echo
echo "write-read rows: reads/s counts the SETs too (two requests per iteration); p50/p99 are of the read alone."
