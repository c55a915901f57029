#!/usr/bin/env bash
# Replication lag at a paced write rate (issue 14's "lag p99 at 50% of peak"), with a base build
# and this one interleaved in the same run, Redis at the same rate as the reference, and the CPU
# each process used during each run (the machine has 2 cores: the load tool, the leader and two
# followers share them).
#
#   bench/lag.sh [--base DIR] [--rounds N] [--rate N] [--seconds S] [--priority]
#
# --base DIR   another checkout's Release build (DIR/src/Chorus.Cli/bin/Release/...), e.g. main's,
#              started as a second trio and measured in turn with this one;
# --rate N[,N...]  SET/s to pace, or several rates, each run in every round (default: half of
#              this build's leader peak, measured first with redis-benchmark -P 16 SETRV: random
#              values, every SET a real write);
# --rounds N   interleaved rounds (default 3); --seconds S per lag run (default 10);
# --priority   (root) runs the servers and the load tool in a session of their own whose scheduling
#              group has nice -15 (Linux autogroups: nice alone only ranks threads within a session),
#              so other work on the machine (builds, test suites) waits for them: the closest this
#              machine gets to one with spare cores. The benchmark's own processes still share 2 cores.
#
# Each row: the lag tool's end-to-end "visible" delay (a probe SET on the leader every 5 ms, read
# on each follower in a tight loop until it shows) and the offsets' lag; the 1-minute load average
# when the row ran; and CPU seconds per wall second of every process during the run (so a row
# whose followers could not get a core shows it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BASE="" ROUNDS=3 RATE="" SECONDS_PER_RUN=10 PRIORITY=0
for arg in "$@"; do [ "$arg" = --priority ] && PRIORITY=1; done
if [ $PRIORITY = 1 ] && [ "${LAG_OWN_SESSION:-0}" != 1 ]; then
  # A new session is a new autogroup: raising its nice does not raise the caller's shell.
  LAG_OWN_SESSION=1 exec setsid -w "$0" "$@"
fi
if [ $PRIORITY = 1 ]; then
  echo -15 >/proc/self/autogroup || { echo "--priority needs root (/proc/self/autogroup)" >&2; exit 1; }
fi
while [ $# -gt 0 ]; do
  case $1 in
    --base) BASE=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift ;;
    --priority) ;;
    *) echo "usage: $0 [--base DIR] [--rounds N] [--rate N] [--seconds S] [--priority]" >&2; exit 2 ;;
  esac
  shift
done
REDIS_PORT=6591 CHORUS_PORT=7591 BASE_PORT=7691   # leaders; followers on +1 and +2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

ensure_redis
build_chorus
BRANCH_DLL=$CHORUS_DLL
if [ -n "$BASE" ]; then
  BASE_DLL="$BASE/src/Chorus.Cli/bin/Release/net10.0/linux-x64/chorus.dll"
  [ -f "$BASE_DLL" ] || { log "no Release build at $BASE_DLL (dotnet build -c Release $BASE/src/Chorus.Cli)"; exit 1; }
fi

declare -A PIDS   # system -> space-separated pids of its three servers

two_replicas() { [ "$(info_field "$1" connected_slaves)" = 2 ]; } # port

start_trio() { # system dll port
  local system=$1 dll=$2 port=$3 peers i pids=""
  peers="n1=$port,n2=$((port + 1)),n3=$((port + 2))"
  for i in 1 2 3; do
    CHORUS_DLL=$dll start_chorus n$i $((port + i - 1)) everysec "$peers"
    pids+="$LAST_PID "
  done
  PIDS[$system]=$pids
  wait_ready "$port"
  until_true 60 "$system followers connect" two_replicas "$port"
}

start_redis_trio() {
  local pids=""
  start_redis $REDIS_PORT everysec; pids+="${BENCH_PIDS[-1]} "
  start_redis $((REDIS_PORT + 1)) everysec --replicaof 127.0.0.1 $REDIS_PORT; pids+="${BENCH_PIDS[-1]} "
  start_redis $((REDIS_PORT + 2)) everysec --replicaof 127.0.0.1 $REDIS_PORT; pids+="${BENCH_PIDS[-1]} "
  PIDS[redis]=$pids
  until_true 60 "Redis replicas connect" two_replicas $REDIS_PORT
}

cpu_ticks() { # pid -> utime+stime in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# lag_row SYSTEM PORT ROUND RATE: one lag run, printed as a table row with CPU per process
lag_row() {
  local system=$1 port=$2 round=$3 rate=$4 pid load line started elapsed cpu=""
  declare -A before
  for pid in ${PIDS[$system]}; do before[$pid]=$(cpu_ticks "$pid"); done
  load=$(cut -d' ' -f1 /proc/loadavg)
  started=$(now_ms)
  line=$(dotnet "$BENCH_DLL" lag --leader "$port" --followers $((port + 1)),$((port + 2)) --rate "$rate" --seconds "$SECONDS_PER_RUN")
  elapsed=$(( $(now_ms) - started ))
  local hz; hz=$(getconf CLK_TCK)
  for pid in ${PIDS[$system]}; do
    cpu+="$(awk -v a="${before[$pid]}" -v b="$(cpu_ticks "$pid")" -v hz="$hz" -v ms="$elapsed" 'BEGIN { printf "%.2f", (b - a) / hz / (ms / 1000) }')/"
  done
  echo "| $round | $rate | $system | $load | $(field "$line" achieved_ops) | $(field "$line" visible_ms_p50) | $(field "$line" visible_ms_p99) | $(field "$line" visible_ms_max) | $(field "$line" lag_ms_p99) | ${cpu%/} |"
  echo "$system,$rate,$(field "$line" visible_ms_p50),$(field "$line" visible_ms_p99),$(field "$line" visible_ms_max)" >>"$BENCH_WORK/lag.csv"
}

log "starting Redis :$REDIS_PORT and Chorus :$CHORUS_PORT${BASE:+ and base :$BASE_PORT} (leader + 2 followers each, everysec)"
start_redis_trio
start_trio branch "$BRANCH_DLL" $CHORUS_PORT
[ -n "$BASE" ] && start_trio base "$BASE_DLL" $BASE_PORT
if [ -z "$RATE" ]; then
  peak=$(redis-benchmark -h 127.0.0.1 -p $CHORUS_PORT -c 50 -P 16 -n 100000 -r 100000 --csv SET key:__rand_int__ __rand_int__ | tail -n 1 | tr -d '"' | cut -d, -f2)
  RATE=$(awk -v p="$peak" 'BEGIN { printf "%d", p / 2 }')
  log "branch leader peak (SETRV -P 16) $peak SET/s: pacing at $RATE"
fi
: >"$BENCH_WORK/lag.csv"
{
  echo "| round | target SET/s | system | load (1 min) | achieved SET/s | visible p50 ms | visible p99 ms | visible max ms | offsets lag p99 ms | CPU s/s leader/follower/follower |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for round in $(seq 1 "$ROUNDS"); do
    for rate in ${RATE//,/ }; do
      log "round $round/$ROUNDS at $rate SET/s"
      lag_row redis $REDIS_PORT "$round" "$rate"
      [ -n "$BASE" ] && lag_row base $BASE_PORT "$round" "$rate"
      lag_row branch $CHORUS_PORT "$round" "$rate"
    done
  done
} >"$BENCH_WORK/rows.md"
finish_run
[ $PRIORITY = 1 ] && echo "Servers and load tool in a scheduling group of nice -15 (--priority)." && echo
echo "Paced at $RATE SET/s (16-byte values, each SET a new value, 100,000 keys), ${SECONDS_PER_RUN} s per run, first second dropped; $ROUNDS interleaved rounds."
echo
cat "$BENCH_WORK/rows.md"
echo
echo "| target SET/s | system | median visible p50 ms | median visible p99 ms | median visible max ms |"
echo "|---|---|---|---|---|"
col() { awk -F, -v s="$1" -v r="$2" -v c="$3" '$1 == s && $2 == r { print $c }' "$BENCH_WORK/lag.csv" | median; }
for rate in ${RATE//,/ }; do
  for system in redis base branch; do
    grep -q "^$system,$rate," "$BENCH_WORK/lag.csv" || continue
    echo "| $rate | $system | $(col $system "$rate" 3) | $(col $system "$rate" 4) | $(col $system "$rate" 5) |"
  done
done
