#!/usr/bin/env bash
# Catch-up and bootstrap rates.
#
#   bench/rates.sh [--quick] [--catch-up-only]
#   bench/rates.sh --catch-up-only --base DIR [--rounds N] [--quick]
#   bench/rates.sh --snapshot [--base DIR] [--rounds N]
#
# BENCH_PORT=P moves the nodes to ports P, P+1, P+2 (default 7395). BENCH_CATCHUP_TIMEOUT_S: how long
# a restarted follower may take to catch up before the run fails (default 300).
# BENCH_TRACE_FOLLOWER=FILE.nettrace also records the restarted follower with dotnet-trace
# (bench/.tools/dotnet-trace, sampled thread time) while it catches up.
# BENCH_PERF_FOLLOWER=FILE.data records it with Linux perf instead (CPU samples of every thread;
# the nodes then run with DOTNET_PerfMapEnabled=1 so JIT frames resolve). Read it with
# perf report -i FILE.data --children --sort comm,sym -g none
#
# (a) catch-up: one of two followers, stopped with SIGTERM, misses 1,000,000 writes (redis-benchmark SET -P 16
#     -r 100000, random values), is restarted, and is timed until its chorus_last_lsn equals the leader's.
# (b) bootstrap: a single leader holds >= 1 GB (1 KiB random, incompressible values); a new node is
#     added with CHORUS.NODE ADD and started; its snapshot bytes and rate are read from its INFO and
#     compared with the disk's raw write rate measured in the same run (dd oflag=direct, 1 GiB).
#     The leader is filled once per run; each bootstrap starts it on a copy of that directory.
#     Besides rates, the CPU seconds both processes spent (leader: from CHORUS.NODE ADD to the
#     install; joiner: its whole life up to the install) say what a byte costs whatever the load.
# --snapshot runs (b) only, N rounds (default 1); with --base DIR (another checkout, built in
# Release: src/Chorus.Cli and bench/Chorus.Benchmarks) each round runs DIR's build first and then
# this tree's, so a change is measured against its base in one run, under the same load.
# --catch-up-only --base DIR does the same for (a): N rounds of DIR's build, then this tree's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUICK=0 CATCHUP_ONLY=0 SNAPSHOT_ONLY=0 BASE_ROOT="" ROUNDS=1
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --catch-up-only) CATCHUP_ONLY=1 ;;
    --snapshot) SNAPSHOT_ONLY=1 ;;
    --base) BASE_ROOT=$(cd "$2" && pwd); shift ;;
    --rounds) ROUNDS=$2; shift ;;
    *) echo "usage: $0 [--quick] [--catch-up-only [--base DIR --rounds N]] | --snapshot [--base DIR] [--rounds N]" >&2; exit 2 ;;
  esac
  shift
done
CATCHUP_ENTRIES=1000000 FILL_KEYS=1050000
[ $QUICK = 1 ] && CATCHUP_ENTRIES=100000 FILL_KEYS=100000
PORT=${BENCH_PORT:-7395} # another port lets two runs share the machine

ensure_redis
build_chorus
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

cpu_ticks() { # pid: user + system CPU time so far, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

per_entry_us() { # ticks entries hz
  awk -v t="$1" -v e="$2" -v hz="$3" 'BEGIN { if (e == 0) print "n/a"; else printf "%.2f µs", t / hz * 1e6 / e }'
}

if [ -n "${BENCH_PERF_FOLLOWER:-}" ]; then
  export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
fi

catch_up() {
  # Three nodes: with two, stopping the follower would cost the leader its majority (check-quorum).
  log "catch-up: leader :$PORT, followers :$((PORT + 1)) and :$((PORT + 2)) (the second is stopped)"
  local peers="n1=$PORT,n2=$((PORT + 1)),n3=$((PORT + 2))"
  # The log must still hold what the follower missed: by default a leader retires a log larger
  # than its data (past a 16 MiB floor), and 1M SETs over 100k keys log far more than they store,
  # so the follower would get a snapshot and this would time a snapshot, not the log's replay.
  local retain=(--LogRetainFloorBytes=4294967296)
  start_chorus n1 $PORT everysec "$peers" "${retain[@]}"
  start_chorus n2 $((PORT + 1)) everysec "$peers" "${retain[@]}"
  start_chorus n3 $((PORT + 2)) everysec "$peers" "${retain[@]}"
  local follower=$LAST_PID
  wait_ready $PORT 180 # three processes starting on a loaded 2-core machine
  local deadline=$((SECONDS + 180)) # three processes starting on a loaded 2-core machine
  until [ "$(info_field $PORT connected_slaves)" = 2 ]; do
    [ $SECONDS -lt $deadline ] || { log "followers did not connect"; exit 1; }
    sleep 0.2
  done
  local leader_pid=${BENCH_PIDS[0]}
  kill -TERM "$follower"; wait "$follower" 2>/dev/null || true
  local before
  before=$(lsn $PORT)
  log "follower stopped at LSN $before; writing $CATCHUP_ENTRIES entries"
  local t0=$SECONDS
  redis-benchmark -h 127.0.0.1 -p $PORT -c 50 -n $CATCHUP_ENTRIES -r 100000 -P 16 -q SET key:__rand_int__ __rand_int__ >"$BENCH_WORK/catchup-writes.txt" 2>&1 || true
  local write_s=$((SECONDS - t0)) target
  target=$(lsn $PORT)
  CATCHUP_ERRORS=$(grep -c "Error" "$BENCH_WORK/catchup-writes.txt" || true)
  log "leader at LSN $target after ${write_s}s ($CATCHUP_ERRORS error replies); restarting the follower"
  local start_ns up_ns="" done_ns first_lsn=""
  start_ns=$(date +%s%N)
  start_chorus n3 $((PORT + 2)) everysec "$peers" "${retain[@]}"
  follower=$LAST_PID
  local trace_pid=""
  if [ -n "${BENCH_TRACE_FOLLOWER:-}" ]; then
    "$BENCH_ROOT/bench/.tools/dotnet-trace" collect -p "$follower" --profile dotnet-sampled-thread-time \
      -o "$BENCH_TRACE_FOLLOWER" --duration 00:00:00:30 >"$BENCH_WORK/trace.log" 2>&1 &
    trace_pid=$!
  elif [ -n "${BENCH_PERF_FOLLOWER:-}" ]; then
    perf record -F 999 -g -p "$follower" -o "$BENCH_PERF_FOLLOWER" -- sleep 40 >"$BENCH_WORK/perf.log" 2>&1 &
    trace_pid=$!
  fi
  local follower_up_ticks="" leader_up_ticks="" follower_done_ticks leader_done_ticks load_during
  while :; do
    local now f
    f=$(lsn $((PORT + 2)) 2>/dev/null || true)
    now=$(date +%s%N)
    if [ -n "$f" ] && [ -z "$up_ns" ]; then
      up_ns=$now; first_lsn=$f
      follower_up_ticks=$(cpu_ticks "$follower"); leader_up_ticks=$(cpu_ticks "$leader_pid")
    fi
    if [ -n "$f" ] && [ "$f" -ge "$target" ]; then
      done_ns=$now
      follower_done_ticks=$(cpu_ticks "$follower"); leader_done_ticks=$(cpu_ticks "$leader_pid")
      load_during=$(cut -d' ' -f1-3 /proc/loadavg)
      break
    fi
    [ $(( (now - start_ns) / 1000000000 )) -lt "${BENCH_CATCHUP_TIMEOUT_S:-300}" ] || { log "follower did not catch up"; exit 1; }
    sleep 0.02
  done
  [ -n "$trace_pid" ] && { wait "$trace_pid" || true; }
  if grep -q "snapshot" "$BENCH_WORK/chorus-$BENCH_GEN-n3-$((PORT + 2)).log"; then
    log "the follower caught up from a snapshot, not from the log: this run does not measure catch-up"
    exit 1
  fi
  stop_all
  local entries=$((target - before)) counted=$((target - first_lsn)) hz
  hz=$(getconf CLK_TCK)
  # CPU time per entry from the first INFO answer on (process start and JIT excluded): on a shared
  # machine this is steadier than entries/s.
  CATCHUP_CPU_LINE="CPU time per entry applied after the first INFO answer ($counted entries): follower $(per_entry_us $((follower_done_ticks - follower_up_ticks)) $counted "$hz"), leader $(per_entry_us $((leader_done_ticks - leader_up_ticks)) $counted "$hz") (from /proc/PID/stat, 10 ms resolution). Load average (1/5/15 min) at the start of the run: $LOAD_BEFORE · when caught up: $load_during."

  FOLLOWER_US=$(per_entry_us $((follower_done_ticks - follower_up_ticks)) $counted "$hz")
  LEADER_US=$(per_entry_us $((leader_done_ticks - leader_up_ticks)) $counted "$hz")
  CATCHUP_LOAD_DURING=$load_during
  CATCHUP_ROW="| $entries | $(awk -v e=$entries -v a="$start_ns" -v b="$done_ns" 'BEGIN { printf "%.2f", (b - a) / 1e9 }') | $(awk -v e=$entries -v a="$start_ns" -v b="$done_ns" 'BEGIN { printf "%.0f", e / ((b - a) / 1e9) }') | $(awk -v e=$((target - first_lsn)) -v a="$up_ns" -v b="$done_ns" 'BEGIN { if (b == a) print "n/a (caught up before the first INFO)"; else printf "%.0f", e / ((b - a) / 1e9) }') | $((first_lsn - before)) |"
}

measure_dd() { # sets DD_MB
  log "dd: raw sequential write rate (1 GiB, O_DIRECT) in $BENCH_WORK"
  local dd_out
  dd_out=$(dd if=/dev/zero of="$BENCH_WORK/dd.bin" bs=1M count=1024 oflag=direct 2>&1 | tail -1)
  rm -f "$BENCH_WORK/dd.bin"
  DD_MB=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.,]+$/ && $(i+1) ~ /B\/s/) { v = $i; gsub(",", ".", v); u = $(i+1) } } END { if (u == "GB/s") v *= 1000; if (u == "kB/s") v /= 1000; print v }' <<<"$dd_out")
  log "dd: $dd_out"
}

bootstrap() { # [label]: appends a row to BOOT_ROWS; dd is measured before each bootstrap
  local label=${1:-}
  measure_dd
  local dd_mb=$DD_MB

  fill_leader
  log "bootstrap: a leader :$PORT on a copy of the filled data directory"
  cp -a "$BENCH_WORK/filled-leader" "$BENCH_WORK/chorus-$BENCH_GEN-n1-$PORT"
  start_chorus n1 $PORT everysec "n1=$PORT"
  local leader=$LAST_PID
  wait_ready $PORT
  log "adding n2 with CHORUS.NODE ADD and starting it"
  redis-cli -p $PORT CHORUS.NODE ADD n2 127.0.0.1:$((PORT + 10001)) 127.0.0.1:$((PORT + 1)) >/dev/null
  local start_ns done_ns leader_cpu0
  leader_cpu0=$(cpu_s "$leader")
  start_ns=$(date +%s%N)
  start_chorus n2 $((PORT + 1)) everysec "n1=$PORT,n2=$((PORT + 1))"
  local joiner=$LAST_PID
  local rate_seen="" deadline=$((SECONDS + 600))
  until [ "$(info_field $((PORT + 1)) chorus_snapshots_installed 2>/dev/null)" = 1 ]; do
    local r
    r=$(info_field $((PORT + 1)) chorus_snapshot_rate_mb_per_s 2>/dev/null || true)
    [ -n "$r" ] && [ "$r" != 0.0 ] && rate_seen=$r
    [ $SECONDS -lt $deadline ] || { log "snapshot not installed"; exit 1; }
    sleep 0.2
  done
  done_ns=$(date +%s%N)
  local leader_cpu joiner_cpu
  leader_cpu=$(awk -v a="$leader_cpu0" -v b="$(cpu_s "$leader")" 'BEGIN { printf "%.1f", b - a }')
  joiner_cpu=$(cpu_s "$joiner")
  local bytes node_rate
  bytes=$(info_field $((PORT + 1)) chorus_snapshot_bytes_total)
  node_rate=$(info_field $((PORT + 1)) chorus_snapshot_rate_mb_per_s)
  stop_all
  local wall_s wall_rate
  wall_s=$(awk -v a="$start_ns" -v b="$done_ns" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  wall_rate=$(awk -v x="$bytes" -v s="$wall_s" 'BEGIN { printf "%.1f", x / 1e6 / s }')
  BOOT_ROWS+="| ${label:+$label | }$(awk -v x="$bytes" 'BEGIN { printf "%.0f", x / 1e6 }') | $wall_s | $wall_rate | ${node_rate} (last in transfer: ${rate_seen:-n/a}) | $dd_mb | $(ratio "$wall_rate" "$dd_mb") | $leader_cpu | $joiner_cpu | $(uptime | sed 's/.*load average: //') |"$'\n'
}

cpu_s() { # pid: the user + system CPU seconds the process used so far
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"
}

fill_leader() { # once per run: a single leader's data directory with FILL_KEYS values, kept in filled-leader/
  [ -d "$BENCH_WORK/filled-leader" ] && return
  log "bootstrap: filling a single leader :$PORT with $FILL_KEYS x 1 KiB random values"
  local dir="$BENCH_WORK/chorus-$BENCH_GEN-n1-$PORT"
  start_chorus n1 $PORT everysec "n1=$PORT"
  wait_ready $PORT
  FILL_LINE=$(dotnet "$BENCH_DLL" fill --port $PORT --count $FILL_KEYS --value-bytes 1024 --pipeline 64 --connections 4)
  log "fill: $FILL_LINE"
  stop_all
  mv "$dir" "$BENCH_WORK/filled-leader"
}

BOOT_ROWS=""
started=$SECONDS
if [ $SNAPSHOT_ONLY = 1 ]; then
  own_dll=$CHORUS_DLL own_bench=$BENCH_DLL
  for round in $(seq 1 "$ROUNDS"); do
    if [ -n "$BASE_ROOT" ]; then
      CHORUS_DLL="$BASE_ROOT/src/Chorus.Cli/bin/Release/net10.0/linux-x64/chorus.dll"
      BENCH_DLL="$BASE_ROOT/bench/Chorus.Benchmarks/bin/Release/net10.0/linux-x64/Chorus.Benchmarks.dll"
      bootstrap "$round | base $(git -C "$BASE_ROOT" rev-parse --short HEAD)"
      CHORUS_DLL=$own_dll BENCH_DLL=$own_bench
    fi
    bootstrap "$round | $(git -C "$BENCH_ROOT" rev-parse --short HEAD)"
  done
  echo "## New node from a snapshot — $(machine_line)"
  echo
  echo "Command: \`bench/rates.sh --snapshot --rounds $ROUNDS${BASE_ROOT:+ --base <checkout of $(git -C "$BASE_ROOT" rev-parse --short HEAD)>}\`"
  echo
  echo "Fill (once, by the first build; every bootstrap starts its leader on a copy): ${FILL_LINE:-reused $BENCH_WORK/filled-leader}"
  echo
  echo "| round | build | snapshot MB | start → installed s | MB/s (wall) | node's chorus_snapshot_rate_mb_per_s | dd MB/s (O_DIRECT, 1 GiB) | wall / dd | leader CPU s | joiner CPU s | load average after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$BOOT_ROWS"
  echo
  echo "_rates.sh took $((SECONDS - started)) s._"
  exit 0
fi
if [ $CATCHUP_ONLY = 1 ] && [ -n "$BASE_ROOT" ]; then
  own_dll=$CHORUS_DLL
  own_rev=$(git -C "$BENCH_ROOT" rev-parse --short HEAD)
  base_rev=$(git -C "$BASE_ROOT" rev-parse --short HEAD)
  AB_ROWS=""
  ab_round() { # round label: one catch-up with the current CHORUS_DLL, as a row
    local load_start
    load_start=$(cut -d' ' -f1-3 /proc/loadavg)
    catch_up
    AB_ROWS+="| $1 | $2 ${CATCHUP_ROW#| } $FOLLOWER_US | $LEADER_US | $load_start | $CATCHUP_LOAD_DURING |"$'\n'
    log "round $1 $2: follower $FOLLOWER_US, leader $LEADER_US per entry"
  }
  for round in $(seq 1 "$ROUNDS"); do
    CHORUS_DLL="$BASE_ROOT/src/Chorus.Cli/bin/Release/net10.0/linux-x64/chorus.dll"
    ab_round "$round" "base $base_rev |"
    CHORUS_DLL=$own_dll
    ab_round "$round" "$own_rev |"
  done
  echo "## Follower catch-up, base vs this tree — $(machine_line)"
  echo
  echo "Command: \`bench/rates.sh --catch-up-only$([ $QUICK = 1 ] && echo " --quick") --base <checkout of $base_rev> --rounds $ROUNDS\`"
  echo
  echo "| round | build | entries missed | restart → caught up s | entries/s incl. process start | entries/s from first INFO answer | entries already applied at first INFO | follower CPU per entry | leader CPU per entry | load at start | load when caught up |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$AB_ROWS"
  echo
  echo "_rates.sh took $((SECONDS - started)) s._"
  exit 0
fi
catch_up
[ $CATCHUP_ONLY = 1 ] || bootstrap
echo "## Catch-up and bootstrap — $(machine_line)"
echo
echo "Command: \`bench/rates.sh$([ $QUICK = 1 ] && echo " --quick")$([ $CATCHUP_ONLY = 1 ] && echo " --catch-up-only")\`"
echo
echo "### Follower catch-up (fsync everysec, 12 B values)"
echo
echo "| entries missed | restart → caught up s | entries/s incl. process start | entries/s from first INFO answer | entries already applied at first INFO |"
echo "|---|---|---|---|---|"
echo "$CATCHUP_ROW"
echo
echo "$CATCHUP_CPU_LINE"
echo
echo "The writes: redis-benchmark -c 50 -n $CATCHUP_ENTRIES -r 100000 -P 16 SET key:__rand_int__ __rand_int__ (a random value each time, so every SET is logged; -t set repeats one value and Chorus logs nothing for a SET that changes nothing) against the leader while the follower was down; error replies: ${CATCHUP_ERRORS:-0}. Entries missed = the leader's LSN advance."
echo
if [ $CATCHUP_ONLY = 0 ]; then
  echo "### New node from a snapshot"
  echo
  echo "Fill: $FILL_LINE"
  echo
  echo "| snapshot MB | start → installed s | MB/s (wall) | node's chorus_snapshot_rate_mb_per_s | dd MB/s (O_DIRECT, 1 GiB) | wall / dd | leader CPU s | joiner CPU s | load average after |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$BOOT_ROWS"
  echo
fi
echo "_rates.sh took $((SECONDS - started)) s._"
