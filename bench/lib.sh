# Shared helpers for bench/*.sh: install Redis, build Chorus, start and stop servers, medians.
# Sourced, not run. Every server started here is stopped by the EXIT trap (by its own pid).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_WORK="${BENCH_WORK:-$(mktemp -d /tmp/chorus-bench.XXXXXX)}"
mkdir -p "$BENCH_WORK"
CHORUS_DLL="$BENCH_ROOT/src/Chorus.Cli/bin/Release/net10.0/linux-x64/chorus.dll"
BENCH_DLL="$BENCH_ROOT/bench/Chorus.Benchmarks/bin/Release/net10.0/linux-x64/Chorus.Benchmarks.dll"
BENCH_PIDS=()
BENCH_GEN=0   # data directories are fresh after every stop_all (a node's data holds its cluster)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

ensure_redis() { # redis-server, redis-cli and redis-benchmark, from the project's one installer
  "$BENCH_ROOT/scripts/install-deps.sh" redis
}

# Garnet (Microsoft's Redis-compatible server in C#), the second peer: garnet-server, pinned in the
# project's local tool manifest (.config/dotnet-tools.json), restored from NuGet.
ensure_garnet() {
  (cd "$BENCH_ROOT" && dotnet tool restore >"$BENCH_WORK/tool-restore.log" 2>&1) || { cat "$BENCH_WORK/tool-restore.log"; exit 1; }
}

build_chorus() {
  if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$CHORUS_DLL" ] && [ -f "$BENCH_DLL" ]; then
    return
  fi
  log "building Chorus and bench/Chorus.Benchmarks in Release"
  dotnet build -c Release -nologo -v q "$BENCH_ROOT/src/Chorus.Cli" >"$BENCH_WORK/build.log" 2>&1 || { cat "$BENCH_WORK/build.log"; exit 1; }
  dotnet build -c Release -nologo -v q "$BENCH_ROOT/bench/Chorus.Benchmarks" >>"$BENCH_WORK/build.log" 2>&1 || { cat "$BENCH_WORK/build.log"; exit 1; }
}

stop_all() {
  local pid
  for pid in "${BENCH_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
  BENCH_GEN=$((BENCH_GEN + 1))
}

cleanup() {
  stop_all
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$BENCH_WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_ready() { # port [seconds]: until the server accepts a write
  local port=$1 deadline=$((SECONDS + ${2:-60}))
  until [ "$(redis-cli -p "$port" SET __bench_ready 1 2>/dev/null)" = OK ]; do
    [ $SECONDS -lt $deadline ] || { log "server on $port not ready"; return 1; }
    sleep 0.2
  done
}

wait_up() { # port [seconds]: until the server answers PING (replicas refuse writes)
  local port=$1 deadline=$((SECONDS + ${2:-60}))
  until redis-cli -p "$port" PING 2>/dev/null | grep -q PONG; do
    [ $SECONDS -lt $deadline ] || { log "server on $port not up"; return 1; }
    sleep 0.2
  done
}

stalled() { [ -e "$BENCH_WORK/stalled-$1" ]; } # port: a run against it missed its deadline

# redis_benchmark ARGS...: redis-benchmark with a deadline of BENCH_RUN_TIMEOUT seconds (default 300;
# the slowest measured run takes about 40 s). A run that misses it prints no row, so its table cell
# reads n/a, and the server on its port is stopped and marked stalled: the rest of its runs are
# skipped until a server starts on that port again. Garnet 2.2.12 was seen spinning on both cores for 15 minutes on
# SADD into a 10,000-member set, which without a deadline ended the whole run.
redis_benchmark() {
  local port="" arg previous=""
  for arg in "$@"; do [ "$previous" = -p ] && port=$arg; previous=$arg; done
  local status=0
  stalled "$port" && return 0
  timeout --kill-after=5 "${BENCH_RUN_TIMEOUT:-300}" redis-benchmark "$@" || status=$?
  if [ $status = 124 ] || [ $status = 137 ]; then
    local what="${*: -3}"
    log "redis-benchmark on :$port missed its ${BENCH_RUN_TIMEOUT:-300} s deadline (${what:0:60}): n/a, and that server is stopped and its remaining runs skipped"
    touch "$BENCH_WORK/stalled-$port"
    # A stalled server may go on spinning: stop it, or it takes the CPU from the others' runs.
    local pid; pid=$(server_pid "$port"); [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    return 0
  fi
  return $status
}

# start_redis PORT DURABILITY [extra redis-server args...]; DURABILITY: everysec | none
start_redis() {
  local port=$1 durability=$2; shift 2
  local dir="$BENCH_WORK/redis-$port"
  rm -rf "$dir" "$BENCH_WORK/stalled-$port"; mkdir -p "$dir"
  local persist=(--save '' --appendonly no)
  [ "$durability" = everysec ] && persist=(--save '' --appendonly yes --appendfsync everysec)
  redis-server --port "$port" --bind 127.0.0.1 --protected-mode no --dir "$dir" "${persist[@]}" "$@" >"$dir.log" 2>&1 &
  BENCH_PIDS+=($!)
  LAST_PID=$!
  wait_up "$port"
}

# start_garnet PORT DURABILITY [extra garnet-server args...]; DURABILITY: everysec | none.
# everysec = Garnet's AOF committed every 1000 ms (--aof --aof-commit-freq 1000), the nearest to
# Redis's appendfsync everysec; none = no AOF and no checkpoints (nothing written to disk).
# --device-type RandomAccess: Garnet's default native Linux device is built against glibc 2.38
# and liburing/libaio1t64, which Debian bookworm lacks (the first AOF flush kills the server);
# RandomAccess is its managed .NET file device. --lua: Redis runs scripts by default, Garnet not.
start_garnet() {
  local port=$1 durability=$2; shift 2
  local dir="$BENCH_WORK/garnet-$port"
  rm -rf "$dir" "$BENCH_WORK/stalled-$port"; mkdir -p "$dir"
  local persist=()
  [ "$durability" = everysec ] && persist=(--aof --aof-commit-freq 1000)
  # `dotnet tool run` starts GarnetServer.dll as its child and passes SIGTERM on (stop_all kills it).
  (cd "$BENCH_ROOT" && exec dotnet tool run garnet-server -- --port "$port" --bind 127.0.0.1 \
    --checkpointdir "$dir" --device-type RandomAccess --lua "${persist[@]}" "$@") >"$dir.log" 2>&1 &
  BENCH_PIDS+=($!)
  LAST_PID=$!
  wait_up "$port" 120
}

supports() { # port command...: false when the server answers "unknown command" (Garnet lacks some)
  ! redis-cli -p "$1" "${@:2}" 2>&1 | grep -qi 'unknown command'
}

server_pid() { # port: the pid of the process listening on it (the server itself, not a launcher)
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # pid -> clock ticks used

loop_ticks() { # pid -> ticks of the chorus-node-loop thread (0 for Redis)
  local task
  for task in /proc/"$1"/task/*; do
    if [ "$(cat "$task/comm" 2>/dev/null)" = chorus-node-loo ]; then
      awk '{ print $14 + $15 }' "$task/stat"
      return
    fi
  done
  echo 0
}

rss_bytes() { # pid: resident set size in bytes
  awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# start_chorus ID PORT FSYNC PEERS [extra serve args...]; PEERS: id=port,id=port (client ports).
# The first peer is the preferred leader unless BENCH_LEADER names another (a multi-leader site's).
start_chorus() {
  local id=$1 port=$2 fsync=$3 peers=$4; shift 4
  local peer_list="" p
  for p in ${peers//,/ }; do
    peer_list+="${peer_list:+,}${p%%=*}=127.0.0.1:$(( ${p##*=} + 10000 ))"
  done
  local leader=${BENCH_LEADER:-${peers%%=*}}
  mkdir -p "$BENCH_WORK"; rm -f "$BENCH_WORK/stalled-$port"
  # Peers authenticate with mutual TLS, as by default: certificates from a CA of the bench's own.
  dotnet "$CHORUS_DLL" cert --out "$BENCH_WORK/peer-certs" "$id" >/dev/null
  dotnet "$CHORUS_DLL" serve --id "$id" --port "$port" --peer-port $((port + 10000)) --http-port $((port + 20000)) \
    --data "$BENCH_WORK/chorus-$BENCH_GEN-$id-$port" --fsync "$fsync" --leader "$leader" --peers "$peer_list" --peer-tls-dir "$BENCH_WORK/peer-certs" "$@" \
    >>"$BENCH_WORK/chorus-$BENCH_GEN-$id-$port.log" 2>&1 &
  BENCH_PIDS+=($!)
  LAST_PID=$!
}

wait_leader() { # seconds port...: prints the port of the node that leads with every other one
  # streaming from it. The preferred leader (--leader) need not win the first election on a
  # loaded machine, and followers accept writes (they forward them), so wait_ready cannot tell.
  local deadline=$((SECONDS + $1)) port; shift
  while [ $SECONDS -lt $deadline ]; do
    for port in "$@"; do
      [ "$(info_field "$port" connected_slaves)" = $(($# - 1)) ] && { echo "$port"; return; }
    done
    sleep 0.2
  done
  log "no leader with $(($# - 1)) streaming followers among $*"
  return 1
}

until_true() { # seconds what command...: poll until the command succeeds, or exit saying what timed out
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { log "timed out: $what"; exit 1; }
    sleep 0.1
  done
}

load_now() { cut -d' ' -f1-3 /proc/loadavg; } # the 1/5/15-minute load averages

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

preload_keys() { # count port...: SET key:%012d for 0..count-1 once each (16-byte values), spread over the ports
  # Through Chorus.Benchmarks ops: 50 connections, one SET in flight each. Not redis-cli --pipe:
  # one pipeline of 100,000 (or even 2,000) SETs into a leaderless coordinator on a loaded
  # machine failed NOREPLICAS, every queued write's quorum timing out.
  local count=$1 line; shift
  line=$(dotnet "$BENCH_DLL" ops --ports "$(IFS=,; echo "$*")" --op set --sequential --requests "$count" --keys "$count" --warmup 0) || true
  log "preload through $*: $line"
  [ -n "$(field "$line" ops)" ] || exit 1
}

# parse_rounds_requests_keys QUICK_ROUNDS QUICK_REQUESTS QUICK_KEYS "$@": the options of the
# scripts that take [--quick] [--rounds N] [--requests N] [--keys K]; sets ROUNDS, REQUESTS and
# KEYS (set their defaults first).
parse_rounds_requests_keys() {
  local quick_rounds=$1 quick_requests=$2 quick_keys=$3; shift 3
  while [ $# -gt 0 ]; do
    case $1 in
      --quick) ROUNDS=$quick_rounds REQUESTS=$quick_requests KEYS=$quick_keys ;;
      --rounds) ROUNDS=$2; shift ;;
      --requests) REQUESTS=$2; shift ;;
      --keys) KEYS=$2; shift ;;
      *) echo "usage: $0 [--quick] [--rounds N] [--requests N] [--keys K]" >&2; exit 2 ;;
    esac
    shift
  done
}

lsn() { info_field "$1" chorus_last_lsn; } # port: the node's last log position

median() { # numbers on stdin -> median
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

fmt_int() { awk -v a="$1" 'BEGIN { printf "%.0f", a }'; }

field() { # key=value text, key -> value
  tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'
}

info_field() { # port field
  redis-cli -p "$1" INFO replication 2>/dev/null | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'
}

machine_line() {
  local cpu mem runtime
  cpu="$(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))"
  mem="$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  runtime="$(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')"
  local garnet=""
  [ -f "$BENCH_ROOT/.config/dotnet-tools.json" ] && garnet=" · Garnet $(awk '/"garnet-server"/ { getline; gsub(/[",]/, ""); print $2 }' "$BENCH_ROOT/.config/dotnet-tools.json")"
  echo "$(date -u +%Y-%m-%d) · $cpu · $mem · .NET runtime $runtime · $(redis-server --version | awk '{ print $1, $3 }')$garnet · Chorus ${BENCH_REV:-$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
}

# The end of a run: stops every server, then prints the results' preamble — the machine, and the
# load average when the run began (LOAD_BEFORE, set by the script) and now, since on a shared
# machine the load says how far to trust the numbers.
finish_run() {
  stop_all
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  echo
  echo "$(machine_line)"
  echo
  echo "Load average (1/5/15 min) before: ${LOAD_BEFORE:-unknown} · after: $load_after"
  echo
}
