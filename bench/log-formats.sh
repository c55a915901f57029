#!/usr/bin/env bash
# Leader throughput, follower apply rate and catch-up rate per replication log format (issue 13),
# with Redis (a primary and two replicas) measured in the same run as the reference.
#
#   bench/log-formats.sh [--quick]        (LOG_FORMATS="physical" runs some formats only;
#                                          LOG_FORMATS_ENTRIES sets the writes per load, 400,000)
#
# For each of logical, statement and physical, a fresh leader + 2 followers (fsync everysec) created
# with --log-format, and:
#   (a) leader throughput: redis-benchmark -c 50 -P 16 SET key:__rand_int__ __rand_int__ (random
#       values, so every SET is logged) with both followers streaming;
#   (b) follower apply: from the start of (a) until the slower follower's chorus_last_lsn equals the
#       leader's — the entries of (a) over that time;
#   (c) catch-up: one follower stopped (SIGTERM), the same load again, the follower restarted and
#       timed until it holds the leader's last LSN.
# Redis: the same load as (a) at a primary with two replicas; then a replica's catch-up is not
# comparable (Redis resyncs a restarted replica from its backlog or a full RDB), so only (a) is shown.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUICK=0
[ "${1:-}" = --quick ] && QUICK=1
ENTRIES=${LOG_FORMATS_ENTRIES:-400000}
[ $QUICK = 1 ] && ENTRIES=100000
PORT=7420
REDIS_PORT=7430

ensure_redis
build_chorus

load() { # port file: the SET load; prints requests/s (0 when it did not finish: its first error is logged)
  redis-benchmark -h 127.0.0.1 -p "$1" -c 50 -n "$ENTRIES" -r 100000 -P 16 -q SET key:__rand_int__ __rand_int__ >"$2" 2>&1 || true
  if tr '\r' '\n' <"$2" | grep -qiE "error|refused"; then
    log "the load at :$1 met errors: $(tr '\r' '\n' <"$2" | grep -iE "error|refused" | head -1)"
  fi
  tr '\r' '\n' <"$2" | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($(i+1) == "requests") v = $i } END { print v + 0 }'
}

wait_lsn() { # port target seconds: until the node holds the target LSN; prints the time in ns when it did
  local deadline=$((SECONDS + $3)) f
  while :; do
    f=$(lsn "$1" 2>/dev/null || true)
    if [ -n "$f" ] && [ "$f" -ge "$2" ]; then date +%s%N; return; fi
    [ $SECONDS -lt $deadline ] || { log ":$1 did not reach LSN $2 (at ${f:-?})"; exit 1; }
    sleep 0.02
  done
}

seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
per_second() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }'; }

ROWS=()
one_format() {
  local format=$1 base=$2
  local peers="n1=$base,n2=$((base + 1)),n3=$((base + 2))"
  log "$format: leader + 2 followers on :$base-$((base + 2))"
  local -A pids=()
  local i
  # The log must still hold what the stopped follower misses in (c): by default a leader retires
  # a log larger than its data (past a 16 MiB floor), and the follower would then be sent a
  # snapshot, so (c) would time a snapshot, not the log's replay (as rates.sh found).
  local retain=(--LogRetainFloorBytes=4294967296)
  for i in 1 2 3; do
    start_chorus n$i $((base + i - 1)) everysec "$peers" --log-format "$format" "${retain[@]}"
    pids[n$i]=$LAST_PID
  done
  local leader
  leader=$(wait_leader 120 "$base" $((base + 1)) $((base + 2)))
  local others=() p
  for p in "$base" $((base + 1)) $((base + 2)); do [ "$p" = "$leader" ] || others+=("$p"); done
  local before start_ns rps target applied_ns slow_ns
  before=$(lsn "$leader")
  start_ns=$(date +%s%N)
  rps=$(load "$leader" "$BENCH_WORK/$format-load.txt")
  target=$(lsn "$leader")
  applied_ns=$(wait_lsn "${others[0]}" "$target" 300)
  slow_ns=$(wait_lsn "${others[1]}" "$target" 300)
  [ "$slow_ns" -gt "$applied_ns" ] && applied_ns=$slow_ns
  local entries=$((target - before))
  log "$format: $rps SET/s at the leader; $entries entries; followers applied them in $(seconds_between "$start_ns" "$applied_ns") s"

  # (c) catch-up: stop a follower (the one started last, unless it leads), load, restart it.
  local victim=${others[1]} victim_id
  victim_id=n$((victim - base + 1))
  local victim_pid=${pids[$victim_id]}
  kill -TERM "$victim_pid"; wait "$victim_pid" 2>/dev/null || true
  before=$(lsn "$leader")
  load "$leader" "$BENCH_WORK/$format-catchup.txt" >/dev/null
  target=$(lsn "$leader")
  local restart_ns done_ns
  restart_ns=$(date +%s%N)
  start_chorus "$victim_id" "$victim" everysec "$peers" --log-format "$format" "${retain[@]}"
  done_ns=$(wait_lsn "$victim" "$target" 600)
  local missed=$((target - before))
  if [ "$(info_field "$victim" chorus_snapshots_installed 2>/dev/null || echo 0)" != 0 ]; then
    log "$format: the restarted follower installed a snapshot: this run timed a snapshot, not a catch-up"
    exit 1
  fi
  log "$format: a restarted follower caught up $missed entries in $(seconds_between "$restart_ns" "$done_ns") s"
  stop_all
  ROWS+=("| $format | $(fmt_int "$rps") | $entries | $(seconds_between "$start_ns" "$applied_ns") | $(per_second "$entries" "$start_ns" "$applied_ns") | $missed | $(seconds_between "$restart_ns" "$done_ns") | $(per_second "$missed" "$restart_ns" "$done_ns") |")
}

redis_reference() {
  log "redis: primary :$REDIS_PORT + 2 replicas"
  start_redis $REDIS_PORT everysec
  start_redis $((REDIS_PORT + 1)) everysec --replicaof 127.0.0.1 $REDIS_PORT
  start_redis $((REDIS_PORT + 2)) everysec --replicaof 127.0.0.1 $REDIS_PORT
  until_true 60 "the redis replicas connect" bash -c "redis-cli -p $REDIS_PORT INFO replication | tr -d '\\r' | grep -q '^connected_slaves:2\$'"
  REDIS_RPS=$(load $REDIS_PORT "$BENCH_WORK/redis-load.txt")
  stop_all
}

started=$SECONDS
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
redis_reference
base=$PORT
for format in ${LOG_FORMATS:-logical statement physical}; do
  one_format "$format" $base
  base=$((base + 3))
done
echo "## Log formats: leader throughput, follower apply and catch-up — $(machine_line)"
echo
echo "Command: \`bench/log-formats.sh$([ $QUICK = 1 ] && echo " --quick")\` (load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "Load: redis-benchmark -c 50 -n $ENTRIES -r 100000 -P 16 SET key:__rand_int__ __rand_int__ at the leader, fsync everysec, both followers streaming. Redis (primary + 2 replicas, appendfsync everysec) under the same load: $(fmt_int "$REDIS_RPS") SET/s."
echo
echo "| format | leader SET/s | entries | load start → both followers applied s | apply entries/s | catch-up: entries missed | restart → caught up s | catch-up entries/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
echo "_log-formats.sh took $((SECONDS - started)) s._"
