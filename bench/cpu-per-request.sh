#!/usr/bin/env bash
# CPU time per request: Redis and Chorus (and optionally a second Chorus build) side by side,
# interleaved, single node, everysec. For each redis-benchmark run, the server's process CPU
# (utime + stime from /proc/<pid>/stat) and, for Chorus, its node loop thread's CPU, divided by
# the requests. On a machine other work keeps busy, requests/s swing with the load (Redis's own
# figure varied 40× in one session) while CPU per request barely moves — and where CPU is the
# limit, throughput is its inverse. Prints a markdown table of medians.
#
#   bench/cpu-per-request.sh [--quick] [--rounds N] [--requests N (at -P 16; a fifth at -P 1)] [--keys K]
#   CHORUS_BEFORE_DLL=/path/to/other/chorus.dll bench/cpu-per-request.sh   # adds a "before" column
# --quick is a smoke run of the script: a fresh node's first 30k requests still cost about twice
# the CPU of later ones (JIT tiers, first flushes), so take figures from the default 3 rounds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 REQUESTS=100000 KEYS=100000
parse_rounds_requests_keys 1 30000 100000 "$@"
N_P16=$REQUESTS N_P1=$((REQUESTS / 5))   # -P 1 runs take five times as long per request

ensure_redis
# Needs only the server (not bench/Chorus.Benchmarks, which build_chorus also builds).
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$CHORUS_DLL" ]; then build_chorus; fi
RESULTS="$BENCH_WORK/cpu.csv"   # system,test,us_per_request,loop_us_per_request
: >"$RESULTS"

# measure SYSTEM PID PORT P TEST: one redis-benchmark run, CPU per request appended to $RESULTS
measure() {
  local system=$1 pid=$2 port=$3 p=$4 test=$5 n=$N_P16 args
  [ "$p" = 1 ] && n=$N_P1
  case $test in
    SETRV) args=(SET key:__rand_int__ __rand_int__) ;;
    INCR) args=(-t incr) ;;
    GET) args=(-t get) ;;
  esac
  local hz process0 loop0
  hz=$(getconf CLK_TCK)
  process0=$(cpu_ticks "$pid") loop0=$(loop_ticks "$pid")
  redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P "$p" -n "$n" -r "$KEYS" --csv "${args[@]}" >/dev/null
  awk -v s="$system" -v t="$test P$p" -v a="$process0" -v b="$(cpu_ticks "$pid")" -v c="$loop0" -v d="$(loop_ticks "$pid")" -v n="$n" -v hz="$hz" \
    'BEGIN { printf "%s,%s,%.2f,%.2f\n", s, t, (b - a) * 1e6 / hz / n, (d - c) * 1e6 / hz / n }' >>"$RESULTS"
}

REDIS_PORT=6393 AFTER_PORT=7393 BEFORE_PORT=7493
start_redis $REDIS_PORT everysec
REDIS_PID=${BENCH_PIDS[-1]}
start_chorus n1 $AFTER_PORT everysec "n1=$AFTER_PORT"
AFTER_PID=$LAST_PID
SYSTEMS=("redis:$REDIS_PID:$REDIS_PORT" "after:$AFTER_PID:$AFTER_PORT")
if [ -n "${CHORUS_BEFORE_DLL:-}" ]; then
  CHORUS_DLL="$CHORUS_BEFORE_DLL" start_chorus n1 $BEFORE_PORT everysec "n1=$BEFORE_PORT"
  SYSTEMS=("redis:$REDIS_PID:$REDIS_PORT" "before:$LAST_PID:$BEFORE_PORT" "after:$AFTER_PID:$AFTER_PORT")
  wait_ready $BEFORE_PORT
fi
wait_ready $AFTER_PORT
# A fresh node spends its first seconds compiling (tiered JIT): one untimed pass per system first.
for system in "${SYSTEMS[@]}"; do
  IFS=: read -r _ _ port <<<"$system"
  redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 -n "$N_P16" -r "$KEYS" -t set,get,incr >/dev/null
  redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 -n "$N_P16" -r "$KEYS" SET key:__rand_int__ __rand_int__ >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS (load average $(cut -d' ' -f1 /proc/loadavg))"
  for system in "${SYSTEMS[@]}"; do
    IFS=: read -r name pid port <<<"$system"
    for spec in "16 SETRV" "16 INCR" "16 GET" "1 SETRV"; do
      read -r p test <<<"$spec"
      measure "$name" "$pid" "$port" "$p" "$test"
    done
  done
done

med() { awk -F, -v s="$1" -v t="$2" -v c="$3" '$1 == s && $2 == t { print $c }' "$RESULTS" | median; }
names=()
for system in "${SYSTEMS[@]}"; do names+=("${system%%:*}"); done
echo
echo "CPU µs per request (process; node loop in brackets), median of $ROUNDS interleaved rounds; $(machine_line)"
echo
printf '| test |'; for name in "${names[@]}"; do printf ' %s |' "$name"; done; printf ' Redis ÷ after (the throughput ratio where CPU is the limit) |\n'
printf '|---|'; for _ in "${names[@]}"; do printf -- '---|'; done; printf -- '---|\n'
for test in "SETRV P16" "INCR P16" "GET P16" "SETRV P1"; do
  printf '| %s |' "$test"
  for name in "${names[@]}"; do
    if [ "$name" = redis ]; then printf ' %s |' "$(med redis "$test" 3)"; else printf ' %s (%s) |' "$(med "$name" "$test" 3)" "$(med "$name" "$test" 4)"; fi
  done
  printf ' %s |\n' "$(ratio "$(med redis "$test" 3)" "$(med after "$test" 3)")"
done
