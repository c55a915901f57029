#!/usr/bin/env bash
# What a node start costs, and what the JIT's part of it is: ReadyToRun's effect (BENCHMARKS.md,
# "ReadyToRun").
#
#   bench/startup.sh [--base DIR] [--rounds N] [--requests N]
#
# BENCH_PORT=P puts the nodes on client ports P, P+1, P+2 (peer +10000, HTTP +20000; default 7700).
# Each round, for each build (with --base DIR: DIR's Release build first, another checkout built
# with `dotnet build -c Release src/Chorus.Cli`; then this tree's):
#   (a) one-shot CLI: `chorus cert` wall time (a command that starts, does little and exits);
#   (b) single node: process start -> first PONG (wall), the process's CPU seconds and its INFO
#       chorus_jit_compiled_methods / chorus_jit_time_ms at that moment;
#   (c) steady state on that node: redis-benchmark -c 50 -P 16 SET with random values, twice in a
#       row (the first pass includes tier-up of the hot methods, the second is warm);
#   (d) three nodes started together -> a leader with both followers streaming (wall), the three
#       processes' CPU seconds and JIT figures summed at that moment.
# Builds alternate inside each round, so both see the same load; the table gives every round
# and the medians.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BASE_ROOT="" ROUNDS=3 REQUESTS=300000
while [ $# -gt 0 ]; do
  case $1 in
    --base) BASE_ROOT=$(cd "$2" && pwd); shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    *) echo "usage: $0 [--base DIR] [--rounds N] [--requests N]" >&2; exit 2 ;;
  esac
  shift
done
PORT=${BENCH_PORT:-7700}

ensure_redis
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$CHORUS_DLL" ]; then # only the CLI (build_chorus also builds the benchmarks)
  log "building src/Chorus.Cli in Release"
  dotnet build -c Release -nologo -v q "$BENCH_ROOT/src/Chorus.Cli" >"$BENCH_WORK/build.log" 2>&1 || { cat "$BENCH_WORK/build.log"; exit 1; }
fi
LOAD_BEFORE=$(load_now)
HZ=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # pid: user + system CPU so far

server_field() { # port field: from INFO server
  redis-cli -p "$1" INFO server 2>/dev/null | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'
}

elapsed_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

serve() { # dll id port peers: starts `serve` in the background (certificates made beforehand)
  local dll=$1 id=$2 port=$3 peers=$4 peer_list="" p
  for p in ${peers//,/ }; do
    peer_list+="${peer_list:+,}${p%%=*}=127.0.0.1:$(( ${p##*=} + 10000 ))"
  done
  dotnet "$dll" serve --id "$id" --port "$port" --peer-port $((port + 10000)) --http-port $((port + 20000)) \
    --data "$BENCH_WORK/data-$BENCH_GEN-$id" --fsync everysec --leader "${peers%%=*}" --peers "$peer_list" \
    --peer-tls-dir "$BENCH_WORK/certs" >>"$BENCH_WORK/serve-$BENCH_GEN-$id.log" 2>&1 &
  BENCH_PIDS+=($!)
  LAST_PID=$!
}

rps() { # redis-benchmark -q output -> requests per second
  tr '\r' '\n' | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($(i+1) == "requests") v = $i } END { print v + 0 }'
}

measure() { # label dll: appends one row to ROWS
  local label=$1 dll=$2 t0 t1 ticks methods jit_ms cert_s first second
  t0=$(date +%s%N)
  dotnet "$dll" cert --out "$BENCH_WORK/certs" n1 n2 n3 >/dev/null
  cert_s=$(elapsed_s "$t0" "$(date +%s%N)")

  t0=$(date +%s%N)
  serve "$dll" n1 "$PORT" "n1=$PORT"
  local pid=$LAST_PID deadline=$((SECONDS + 120))
  until redis-cli -p "$PORT" PING 2>/dev/null | grep -q PONG; do
    [ $SECONDS -lt $deadline ] || { log "$label: no PONG on $PORT"; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  ticks=$(cpu_ticks "$pid")
  methods=$(server_field "$PORT" chorus_jit_compiled_methods)
  jit_ms=$(server_field "$PORT" chorus_jit_time_ms)
  local single="$(elapsed_s "$t0" "$t1") | $(awk -v t="$ticks" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }') | $methods | $jit_ms"

  first=$(redis-benchmark -p "$PORT" -c 50 -n "$REQUESTS" -r 100000 -P 16 -q SET key:__rand_int__ __rand_int__ 2>/dev/null | rps)
  second=$(redis-benchmark -p "$PORT" -c 50 -n "$REQUESTS" -r 100000 -P 16 -q SET key:__rand_int__ __rand_int__ 2>/dev/null | rps)
  stop_all

  local peers="n1=$PORT,n2=$((PORT + 1)),n3=$((PORT + 2))" pids=() id i=0
  t0=$(date +%s%N)
  for id in n1 n2 n3; do
    serve "$dll" $id $((PORT + i)) "$peers"
    pids+=($LAST_PID)
    i=$((i + 1))
  done
  wait_leader 180 "$PORT" $((PORT + 1)) $((PORT + 2)) >/dev/null
  t1=$(date +%s%N)
  ticks=0 methods=0 jit_ms=0
  for pid in "${pids[@]}"; do ticks=$((ticks + $(cpu_ticks "$pid"))); done
  for i in 0 1 2; do
    methods=$((methods + $(server_field $((PORT + i)) chorus_jit_compiled_methods)))
    jit_ms=$((jit_ms + $(server_field $((PORT + i)) chorus_jit_time_ms)))
  done
  stop_all
  local three="$(elapsed_s "$t0" "$t1") | $(awk -v t="$ticks" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }') | $methods | $jit_ms"

  ROWS+="| $label | $cert_s | $single | $(fmt_int "$first") | $(fmt_int "$second") | $three | $(load_now) |"$'\n'
  log "$label: cert ${cert_s}s; single: $single; SET/s $first then $second; three: $three"
}

ROWS=""
started=$SECONDS
own="$(git -C "$BENCH_ROOT" rev-parse --short HEAD)"
for round in $(seq 1 "$ROUNDS"); do
  if [ -n "$BASE_ROOT" ]; then
    measure "$round | base $(git -C "$BASE_ROOT" rev-parse --short HEAD)" "$BASE_ROOT/src/Chorus.Cli/bin/Release/net10.0/linux-x64/chorus.dll"
  fi
  measure "$round | $own" "$CHORUS_DLL"
done

echo "## Node start and the JIT — $(machine_line)"
echo
echo "Command: \`BENCH_PORT=$PORT bench/startup.sh --rounds $ROUNDS --requests $REQUESTS${BASE_ROOT:+ --base <checkout of $(git -C "$BASE_ROOT" rev-parse --short HEAD)>}\` (load average before: $LOAD_BEFORE)"
echo
echo "| round | build | \`chorus cert\` s | 1 node: start → PONG s | CPU s | JIT methods | JIT ms | SET -P 16 /s (1st pass) | SET -P 16 /s (2nd pass) | 3 nodes: start → leader with 2 followers s | CPU s (sum) | JIT methods (sum) | JIT ms (sum) | load average after |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$ROWS"
echo
echo "_startup.sh took $((SECONDS - started)) s._"
