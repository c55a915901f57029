#!/usr/bin/env bash
# HSET10K, HSETRV10K and SADD10K of compare-redis.sh's collections section (HSET / SADD into one hash / set
# already holding 10,000 elements of 1 KiB, redis-benchmark -c 50 -P 16, everysec), Redis and
# Chorus (and optionally a second Chorus build) side by side, interleaved rounds. For every run:
# requests/s and the server's CPU per request (process utime+stime from /proc/<pid>/stat, and for
# Chorus its node loop thread's), which a loaded machine moves far less than requests/s.
#
#   bench/collections-10k.sh [--rounds N] [--requests N]
#   CHORUS_BEFORE_DLL=/path/to/other/chorus.dll bench/collections-10k.sh   # adds a "before" column
#   CHORUS_AFTER_DLL=/path/to/chorus.dll: the "after" build (default: this worktree's Release build)
#   BENCH_PORT_BASE=9100 (default 9300): Redis on +1, before on +11, after on +21 (Chorus peer and
#   HTTP ports are +10000 and +20000 of those)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CHORUS_DLL=${CHORUS_AFTER_DLL:-$CHORUS_DLL}

ROUNDS=3 REQUESTS=100000
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    *) echo "usage: $0 [--rounds N] [--requests N]" >&2; exit 2 ;;
  esac
  shift
done

ensure_redis
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$CHORUS_DLL" ]; then build_chorus; fi
RESULTS="$BENCH_WORK/collections-10k.csv"   # system,test,rps,us_per_request,loop_us_per_request,load
: >"$RESULTS"

# The commands of compare-redis.sh's bench_collections, verbatim.
MEMBER="$(head -c 1000 /dev/zero | tr '\0' 'm')__rand_int__"
VALUE="$(head -c 1000 /dev/zero | tr '\0' 'v')__rand_int__"   # HSETRV10K: a new value every time
fill() { # port: a 10,000-field hash and a 10,000-member set (unmeasured), as compare-redis.sh does
  local rb=(redis-benchmark -h 127.0.0.1 -p "$1" -c 50 -P 16 -d 1024 --csv)
  redis-cli -p "$1" DEL myhash myset >/dev/null
  "${rb[@]}" -n 40000 -r 10000 -t hset >/dev/null
  "${rb[@]}" -n 40000 -r 10000 SADD myset "$MEMBER" >/dev/null
}

measure() { # system pid port test
  local system=$1 pid=$2 port=$3 test=$4 hz p0 l0 rps
  local rb=(redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 -d 1024 --csv -n "$REQUESTS" -r 10000)
  hz=$(getconf CLK_TCK)
  p0=$(cpu_ticks "$pid") l0=$(loop_ticks "$pid")
  case $test in
    HSET10K) rps=$("${rb[@]}" -t hset | tail -n +2 | tr -d '"' | cut -d, -f2) ;;
    SADD10K) rps=$("${rb[@]}" SADD myset "$MEMBER" | tail -n +2 | tr -d '"' | cut -d, -f2) ;;
    HSETRV10K) rps=$("${rb[@]}" HSET myhash "element:__rand_int__" "$VALUE" | tail -n +2 | tr -d '"' | cut -d, -f2) ;;
  esac
  awk -v s="$system" -v t="$test" -v r="$rps" -v a="$p0" -v b="$(cpu_ticks "$pid")" -v c="$l0" -v d="$(loop_ticks "$pid")" \
    -v n="$REQUESTS" -v hz="$hz" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%s,%s,%s,%.2f,%.2f,%s\n", s, t, r, (b - a) * 1e6 / hz / n, (d - c) * 1e6 / hz / n, load }' >>"$RESULTS"
}

BASE=${BENCH_PORT_BASE:-9300}
REDIS_PORT=$((BASE + 1)) BEFORE_PORT=$((BASE + 11)) AFTER_PORT=$((BASE + 21))
start_redis $REDIS_PORT everysec
SYSTEMS=("redis:$LAST_PID:$REDIS_PORT")
if [ -n "${CHORUS_BEFORE_DLL:-}" ]; then
  CHORUS_DLL="$CHORUS_BEFORE_DLL" start_chorus n1 $BEFORE_PORT everysec "n1=$BEFORE_PORT"
  SYSTEMS+=("before:$LAST_PID:$BEFORE_PORT")
  wait_ready $BEFORE_PORT 120
fi
start_chorus n1 $AFTER_PORT everysec "n1=$AFTER_PORT"
SYSTEMS+=("after:$LAST_PID:$AFTER_PORT")
wait_ready $AFTER_PORT 120
log "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for system in "${SYSTEMS[@]}"; do
  IFS=: read -r _ _ port <<<"$system"
  fill "$port"
done
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS (load average $(cut -d' ' -f1 /proc/loadavg))"
  for test in HSET10K HSETRV10K SADD10K; do
    for system in "${SYSTEMS[@]}"; do
      IFS=: read -r name pid port <<<"$system"
      measure "$name" "$pid" "$port" "$test"
    done
  done
done
cp "$RESULTS" "${BENCH_RESULTS_COPY:-/dev/null}" 2>/dev/null || true

med() { awk -F, -v s="$1" -v t="$2" -v c="$3" '$1 == s && $2 == t { print $c }' "$RESULTS" | median; }
names=()
for system in "${SYSTEMS[@]}"; do names+=("${system%%:*}"); done
echo
echo "HSET10K / SADD10K (-c 50 -P 16 -d 1024 -r 10000, $REQUESTS requests, everysec), median of $ROUNDS interleaved rounds;"
echo "load average (1 min) over the runs: $(cut -d, -f6 "$RESULTS" | sort -n | head -1)–$(cut -d, -f6 "$RESULTS" | sort -n | tail -1); $(machine_line)"
echo
printf '| test |'; for name in "${names[@]}"; do printf ' %s rps | %s µs/req |' "$name" "$name"; done; printf ' after/Redis rps | Redis µs ÷ after µs |\n'
printf '|---|'; for _ in "${names[@]}"; do printf -- '---|---|'; done; printf -- '---|---|\n'
for test in HSET10K HSETRV10K SADD10K; do
  printf '| %s |' "$test"
  for name in "${names[@]}"; do
    if [ "$name" = redis ]; then printf ' %s | %s |' "$(fmt_int "$(med redis "$test" 3)")" "$(med redis "$test" 4)"
    else printf ' %s | %s (%s) |' "$(fmt_int "$(med "$name" "$test" 3)")" "$(med "$name" "$test" 4)" "$(med "$name" "$test" 5)"; fi
  done
  printf ' %s | %s |\n' "$(ratio "$(med after "$test" 3)" "$(med redis "$test" 3)")" "$(ratio "$(med redis "$test" 4)" "$(med after "$test" 4)")"
done
