#!/usr/bin/env bash
# What an open dashboard costs a node: CPU time of each node process of a 3-node cluster under a
# fixed write load (redis-cli sending one INCR every --interval seconds to the leader), measured
# from /proc/<pid>/stat over alternating windows with the leader's dashboard closed and open in
# headless chromium (which holds the page's event stream, like a person's browser tab).
#
#   bench/dashboard-cost.sh [--seconds S] [--rounds N] [--interval SECONDS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS_PER_WINDOW=45 ROUNDS=2 INTERVAL=0.002
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECONDS_PER_WINDOW=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --interval) INTERVAL=$2; shift ;;
    *) echo "usage: $0 [--seconds S] [--rounds N] [--interval SECONDS]" >&2; exit 2 ;;
  esac
  shift
done

ensure_redis   # redis-cli for the load
"$BENCH_ROOT/scripts/install-deps.sh" chromium
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$CHORUS_DLL" ]; then
  log "building Chorus in Release"
  dotnet build -c Release -nologo -v q "$BENCH_ROOT/src/Chorus.Cli" >"$BENCH_WORK/build.log" 2>&1 || { cat "$BENCH_WORK/build.log"; exit 1; }
fi
PORTS=(7601 7602 7603)
PEERS="n1=7601,n2=7602,n3=7603"
declare -a PID
for i in 0 1 2; do
  start_chorus "n$((i + 1))" "${PORTS[$i]}" everysec "$PEERS"
  PID[$i]=$LAST_PID
done
wait_ready "${PORTS[0]}" 120
until [ "$(info_field "${PORTS[0]}" connected_slaves)" = 2 ]; do sleep 0.2; done
HTTP=$((PORTS[0] + 20000))

# INCR: every command changes the value, so each one is a log entry replicated to both followers.
redis-cli -p "${PORTS[0]}" -r 100000000 -i "$INTERVAL" INCR dashboard:load >/dev/null &
BENCH_PIDS+=($!)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
viewers() { curl -s "http://127.0.0.1:$HTTP/api/status" | grep -o '"viewers":[0-9]*' | cut -d: -f2; }

# window NAME: the CPU % of every node over one window, and the writes it saw.
window() {
  local name=$1 i before=() lsn_before lsn_after
  for i in 0 1 2; do before[$i]=$(cpu_ticks "${PID[$i]}"); done
  lsn_before=$(info_field "${PORTS[0]}" chorus_last_lsn)
  sleep "$SECONDS_PER_WINDOW"
  lsn_after=$(info_field "${PORTS[0]}" chorus_last_lsn)
  local hz line
  hz=$(getconf CLK_TCK)
  line="$name viewers=$(viewers) writes/s=$(( (lsn_after - lsn_before) / SECONDS_PER_WINDOW ))"
  for i in 0 1 2; do
    line+=" n$((i + 1))_cpu%=$(awk -v t=$(( $(cpu_ticks "${PID[$i]}") - before[i] )) -v hz="$hz" -v s="$SECONDS_PER_WINDOW" 'BEGIN { printf "%.2f", 100 * t / hz / s }')"
  done
  echo "$line"
}

log "warming up under load"
sleep 15
for round in $(seq "$ROUNDS"); do
  window closed
  chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$BENCH_WORK/chromium" "http://127.0.0.1:$HTTP/" >/dev/null 2>&1 &
  browser=$!
  BENCH_PIDS+=($browser)
  until [ "$(viewers)" = 1 ]; do sleep 0.2; done
  window open
  kill "$browser"; wait "$browser" 2>/dev/null || true
  until [ "$(viewers)" = 0 ]; do sleep 0.2; done
done
echo "machine: $(machine_line)"
