#!/usr/bin/env bash
# Installs the system packages that Chorus's tests, benchmarks and tools compare against or
# drive, from Debian's archive. A fresh machine has only the .NET SDK; this script is the one
# place that installs anything else (CI, `dotnet test` fixtures and bench/ all call it).
#
#   scripts/install-deps.sh COMPONENT...        e.g. scripts/install-deps.sh redis
#
# Components (add a new one to the two tables below):
#   redis   Debian's redis-server and redis-tools (Redis 7.0 on bookworm): the reference server
#           for the differential tests and the benchmarks.
#   netns   iproute2 (ip, tc): the across-hosts test puts each node in a network namespace of
#           its own, with a real address, and partitions them with routes.
#   chromium  Debian's chromium: the browser tests drive the dashboard in it, headless, through
#           Microsoft.Playwright (which is pointed at this browser and never downloads its own).
#   afl     Debian's afl++: the coverage-guided fuzzer scripts/fuzz.sh drives (CI runs it briefly).
#   pyredis   Debian's python3-redis (redis-py 4.3): a real Python client, used through its Sentinel
#           support by the failover timing tests (run with /usr/bin/python3, Debian's own).
#   ioredis   Node.js and npm (Debian's, unless a node is already installed) and then the pinned
#           ioredis from tests/Chorus.Cli.Tests/Clients/package-lock.json (npm ci, from the npm
#           registry): a real Node.js client for the same tests.
#   postgres  Debian's postgresql (PostgreSQL 15 on bookworm): the relay's PostgreSQL target. Tests
#           run a private server with initdb/pg_ctl from /usr/lib/postgresql/<v>/bin (Debian keeps
#           them off PATH) in a temporary directory, as the postgres user when run as root.
#
# Idempotent and quick: a component whose commands are all on PATH is skipped without touching
# apt, so callers may run it every time. Installs as root, or through passwordless sudo; fails
# with a message saying what to run otherwise (it never prompts for a password).
set -euo pipefail

# Component -> the Debian packages that provide it.
declare -A PACKAGES=(
  [redis]="redis-server redis-tools"
  [netns]="iproute2"
  [chromium]="chromium"
  [postgres]="postgresql"
  [afl]="afl++"
  [pyredis]="python3-redis"
  [ioredis]="nodejs npm"
)
# Component -> commands that prove it is installed (all must be on PATH).
declare -A COMMANDS=(
  [redis]="redis-server redis-cli redis-benchmark"
  [netns]="ip tc"
  [chromium]="chromium"
  [postgres]="psql pg_ctlcluster"
  [afl]="afl-fuzz"
  [pyredis]="python3:redis"
  [ioredis]="node npm"
)

# Where `npm ci` puts the Node.js clients the tests drive.
CLIENTS_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/Chorus.Cli.Tests/Clients"

# A check of COMMANDS: a command on PATH, or "python3:MODULE" — Debian's own /usr/bin/python3
# imports MODULE (a pyenv or venv python3 earlier on PATH would not see Debian's modules).
present() {
  case $1 in
    python3:*) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ${1#python3:}" 2>/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# What a component needs beyond its Debian packages, run after they are installed.
after_install() {
  case $1 in
    ioredis)
      if [ ! -f "$CLIENTS_DIR/node_modules/ioredis/package.json" ]; then
        echo "install-deps: installing the Node.js clients (npm ci in $CLIENTS_DIR)" >&2
        npm ci --prefix "$CLIENTS_DIR" --no-audit --no-fund --loglevel=error >&2
      fi
      ;;
  esac
}

usage() {
  echo "usage: $0 COMPONENT...   (components: ${!PACKAGES[*]})" >&2
  exit 2
}

# Packages of the requested components that are not installed yet, one per line.
missing_packages() {
  local component command
  for component in "$@"; do
    for command in ${COMMANDS[$component]}; do
      if ! present "$command"; then
        tr ' ' '\n' <<<"${PACKAGES[$component]}"
        break
      fi
    done
  done
}

# How to run apt-get with root rights: directly, or through passwordless sudo.
privilege() {
  if [ "$(id -u)" -eq 0 ]; then
    echo ""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "sudo -n"
  else
    return 1
  fi
}

install_packages() {
  local packages=("$@") sudo
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install ${packages[*]} (Debian package names) with your package manager" >&2
    return 1
  fi
  if ! sudo="$(privilege)"; then
    echo "install-deps: ${packages[*]} must be installed and this is not root (and sudo needs a password);" >&2
    echo "install-deps: run: sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    return 1
  fi
  echo "install-deps: installing ${packages[*]} (Debian packages)" >&2
  # Lock::Timeout: wait for another apt or dpkg run (an unattended upgrade, a parallel caller)
  # instead of failing at once. Where the package starts a system service (redis-server on port
  # 6379 under systemd), that is harmless: tests and benchmarks start their own on free ports.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${packages[@]}"
}

main() {
  [ $# -gt 0 ] || usage
  local component
  for component in "$@"; do
    [ -n "${PACKAGES[$component]:-}" ] || { echo "install-deps: unknown component '$component'" >&2; usage; }
  done
  if [ -z "$(missing_packages "$@")" ]; then
    for component in "$@"; do after_install "$component"; done
    return 0
  fi

  # Test projects run in parallel and may all find a package missing: one installs, the others
  # wait for it and then find everything in place.
  local lock="${TMPDIR:-/tmp}/chorus-install-deps.lock"
  exec 9>>"$lock"
  flock -w 600 9 || { echo "install-deps: timed out waiting for another install (lock $lock)" >&2; return 1; }
  local packages
  mapfile -t packages < <(missing_packages "$@" | sort -u)
  [ ${#packages[@]} -eq 0 ] || install_packages "${packages[@]}"

  local command
  for component in "$@"; do
    for command in ${COMMANDS[$component]}; do
      present "$command" || { echo "install-deps: $command is still missing after installing ${PACKAGES[$component]}" >&2; return 1; }
    done
    after_install "$component"
  done
}

main "$@"
