#!/usr/bin/env bash
# Merkle-diff resync against a full snapshot (issue 12): a 3-node single-leader cluster is loaded
# with --keys keys, the follower n3 is killed, --changed-percent of the keys are overwritten and a
# counter is bumped until the leader's small backlog no longer holds what n3 needs; n3 restarts
# and resyncs. Run once with --follower-resync snapshot and once with merkle, on fresh clusters.
# Reported per method: bytes the resync moved over the peer link, the resync's own duration, the
# time from n3's start to streaming again (process start included), and whether digests match.
#
#   bench/merkle-resync.sh [--keys N] [--changed-percent P] [--value-bytes B]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KEYS=100000 CHANGED_PERCENT=1 VALUE_BYTES=100
while [ $# -gt 0 ]; do
  case $1 in
    --keys) KEYS=$2; shift ;;
    --changed-percent) CHANGED_PERCENT=$2; shift ;;
    --value-bytes) VALUE_BYTES=$2; shift ;;
    *) echo "usage: $0 [--keys N] [--changed-percent P] [--value-bytes B]" >&2; exit 2 ;;
  esac
  shift
done

ensure_redis   # for redis-cli
build_chorus
PORTS=(7601 7602 7603)
PEERS="n1=7601,n2=7602,n3=7603"
declare -A PID

sets() { # prefix from count tag: SET commands as RESP, for redis-cli --pipe
  awk -v p="$1" -v from="$2" -v n="$3" -v tag="$4" -v bytes="$VALUE_BYTES" 'BEGIN {
    pad = sprintf("%" bytes "s", ""); gsub(/ /, "x", pad)
    for (i = from; i < from + n; i++) {
      k = p ":" i; v = substr(tag "-" i "-" pad, 1, bytes)
      printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
  }'
}

changes() { # every (100 / P)-th key gets a new value
  awk -v n="$KEYS" -v pct="$CHANGED_PERCENT" -v bytes="$VALUE_BYTES" 'BEGIN {
    step = int(100 / pct); pad = sprintf("%" bytes "s", ""); gsub(/ /, "y", pad)
    for (i = 0; i < n; i += step) {
      k = "key:" i; v = substr("changed-" i "-" pad, 1, bytes)
      printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
  }'
}

incrs() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n" }'; }

streaming() { [ "$(info_field "${PORTS[0]}" connected_slaves)" = "$1" ]; }

run() { # method: appends one table row to ROWS
  local method=$1 i
  stop_all
  for i in 0 1 2; do
    start_chorus "n$((i + 1))" "${PORTS[$i]}" everysec "$PEERS" --follower-resync "$method" --LogRetainBytes=200000 --LogRetentionIntervalMs=200
    PID[$i]=$LAST_PID
  done
  for i in 0 1 2; do wait_up "${PORTS[$i]}"; done
  until_true 60 "a leader with two followers" streaming 2
  sets key 0 "$KEYS" v | redis-cli -p "${PORTS[0]}" --pipe >/dev/null
  local last; last=$(info_field "${PORTS[0]}" chorus_last_lsn)
  until_true 120 "n3 caught up" bash -c "[ \"\$(redis-cli -p ${PORTS[2]} INFO replication | tr -d '\r' | awk -F: '\$1 == \"chorus_last_lsn\" { print \$2 }')\" -ge $last ]"
  local n3_last; n3_last=$(info_field "${PORTS[2]}" chorus_last_lsn)
  kill -9 "${PID[2]}"; wait "${PID[2]}" 2>/dev/null || true
  until_true 60 "the leader counts n3 gone" streaming 1
  changes | redis-cli -p "${PORTS[0]}" --pipe >/dev/null
  while [ "$(info_field "${PORTS[0]}" chorus_log_first_lsn)" -le $((n3_last + 1)) ]; do
    incrs 5000 | redis-cli -p "${PORTS[0]}" --pipe >/dev/null
    sleep 0.3
  done
  local started; started=$(now_ms)
  start_chorus n3 "${PORTS[2]}" everysec "$PEERS" --follower-resync "$method" --LogRetainBytes=200000 --LogRetentionIntervalMs=200
  PID[2]=$LAST_PID
  until_true 300 "n3 resynced" bash -c "redis-cli -p ${PORTS[2]} INFO replication 2>/dev/null | tr -d '\r' | grep -q '^chorus_snapshots_installed:1'"
  until_true 300 "n3 streaming again" streaming 2
  local back=$(( $(now_ms) - started ))
  until_true 60 "digests equal" bash -c "[ \"\$(redis-cli -p ${PORTS[0]} CHORUS.DIGEST | head -1)\" = \"\$(redis-cli -p ${PORTS[2]} CHORUS.DIGEST | head -1)\" ]"
  local bytes resync_ms rows
  if [ "$method" = merkle ]; then
    bytes=$(( $(info_field "${PORTS[2]}" chorus_merkle_resync_bytes_received) + $(info_field "${PORTS[2]}" chorus_merkle_resync_bytes_sent) ))
    resync_ms=$(info_field "${PORTS[2]}" chorus_merkle_resync_ms)
    rows="$(info_field "${PORTS[2]}" chorus_merkle_resync_rows_copied) of $(info_field "${PORTS[2]}" chorus_merkle_resync_leader_rows)"
  else
    bytes=$(info_field "${PORTS[2]}" chorus_snapshot_bytes_done)
    resync_ms=$(awk -v b="$bytes" -v r="$(info_field "${PORTS[2]}" chorus_snapshot_rate_mb_per_s)" 'BEGIN { if (r + 0 == 0) print "n/a"; else printf "%.0f", b / 1e6 / r * 1000 }')
    rows="all (whole checkpoint)"
  fi
  log "$method: $bytes bytes, resync $resync_ms ms, streaming again after $back ms, digests equal"
  ROWS+=("$(printf '| %s | %s | %s | %s ms | %s ms | equal |' "$method" "$(fmt_int "$bytes")" "$rows" "$resync_ms" "$back")")
}

ROWS=()
run snapshot
run merkle
echo
echo "$KEYS keys of $VALUE_BYTES bytes, $CHANGED_PERCENT% overwritten while n3 was down (plus a counter bumped until the leader's 200 kB backlog dropped n3)"
echo
echo "| resync | bytes over the peer link | rows copied | resync duration | n3 start to streaming | digests |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "machine: $(machine_line)"
