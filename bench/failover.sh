#!/usr/bin/env bash
# The unavailability window of automatic failover: time from kill -9 of the leader to the first
# successful write on the new leader, over N real-process failovers of a 3-node cluster
# (default election timeout, fsync everysec). Each round waits for a healthy cluster (a leader
# with two followers streaming), kills the leader, polls the survivors with SET until one
# accepts it, then restarts the dead node and waits until it follows again.
#
#   bench/failover.sh [--rounds N] [--election-timeout-ms MS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=20 ELECTION_TIMEOUT_MS=1000
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --election-timeout-ms) ELECTION_TIMEOUT_MS=$2; shift ;;
    *) echo "usage: $0 [--rounds N] [--election-timeout-ms MS]" >&2; exit 2 ;;
  esac
  shift
done

ensure_redis   # for redis-cli
build_chorus
PORTS=(7501 7502 7503)
PEERS="n1=7501,n2=7502,n3=7503"
declare -A PID

start_node() { # index (0-based)
  local i=$1
  start_chorus "n$((i + 1))" "${PORTS[$i]}" everysec "$PEERS" --election-timeout-ms "$ELECTION_TIMEOUT_MS"
  PID[$i]=$LAST_PID
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

leader_index() { # the node that says it leads with two followers streaming, or nothing
  local i
  for i in 0 1 2; do
    if [ "$(info_field "${PORTS[$i]}" chorus_role)" = leader ] && [ "$(info_field "${PORTS[$i]}" connected_slaves)" = 2 ]; then
      echo "$i"; return
    fi
  done
}

for i in 0 1 2; do start_node "$i"; done
WINDOWS=()
for round in $(seq 1 "$ROUNDS"); do
  deadline=$((SECONDS + 60))
  until leader=$(leader_index) && [ -n "$leader" ]; do
    [ $SECONDS -lt $deadline ] || { log "no healthy cluster after 60 s"; exit 1; }
    sleep 0.1
  done
  redis-cli -p "${PORTS[$leader]}" SET failover:before "$round" >/dev/null
  kill -9 "${PID[$leader]}"
  killed_at=$(now_ms)
  written_at=""
  while [ -z "$written_at" ]; do
    for i in 0 1 2; do
      [ "$i" = "$leader" ] && continue
      # Through a follower the write is forwarded to the new leader once there is one.
      if [ "$(timeout 2 redis-cli -p "${PORTS[$i]}" SET failover:probe "$round" 2>/dev/null)" = OK ]; then
        written_at=$(now_ms); break
      fi
    done
    [ $(( $(now_ms) - killed_at )) -lt 60000 ] || { log "no write accepted within 60 s of the kill"; exit 1; }
  done
  window=$((written_at - killed_at))
  WINDOWS+=("$window")
  log "round $round: killed n$((leader + 1)); first write accepted after $window ms"
  wait "${PID[$leader]}" 2>/dev/null || true
  start_node "$leader"
done

sorted=$(printf '%s\n' "${WINDOWS[@]}" | sort -n)
echo
echo "| failovers | election timeout | median | p90 | min | max |"
echo "|---|---|---|---|---|---|"
printf '| %s | %s ms | %s ms | %s ms | %s ms | %s ms |\n' "${#WINDOWS[@]}" "$ELECTION_TIMEOUT_MS" \
  "$(median <<<"$sorted")" "$(awk -v n="${#WINDOWS[@]}" 'NR == int(n * 0.9 + 0.999) { print }' <<<"$sorted")" \
  "$(head -1 <<<"$sorted")" "$(tail -1 <<<"$sorted")"
echo
echo "windows (ms): ${WINDOWS[*]}"
echo "machine: $(machine_line)"
