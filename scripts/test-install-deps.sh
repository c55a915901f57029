#!/usr/bin/env bash
# Tests scripts/install-deps.sh from scratch without touching this machine: in a private mount
# namespace, a copy-on-write view of the root filesystem (overlayfs over a tmpfs, thrown away at
# the end) gets the components' packages purged. Then:
#   1. the installer run as an unprivileged user fails with a message saying what to run;
#   2. two installers run at once as root (one installs, the other waits on the lock) succeed;
#   3. a third run finds everything and returns at once, printing nothing.
# With --dotnet-test, step 2 and 3 are replaced by the differential tests themselves
# (tests/Chorus.Compat.Tests, built beforehand): their fixture must install redis-server.
#
# The client components (pyredis, ioredis) are left out by default: their checks are not commands
# on PATH and ioredis needs the checkout's package-lock.json; ClientFailoverTimingTests install them.
#
#   sudo scripts/test-install-deps.sh [--dotnet-test] [COMPONENT...]   (default: every component;
#                                     needs root, unshare, overlayfs and the network)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "test-install-deps: needs root (mount namespaces, chroot)" >&2; exit 2; }
mode=installer
if [ "${1:-}" = --dotnet-test ]; then
  mode=dotnet-test
  shift
fi
components=("$@")
if [ ${#components[@]} -eq 0 ]; then
  mapfile -t components < <(sed -n '/^declare -A PACKAGES/,/^)/s/^  \[\([a-z0-9-]*\)\]=.*/\1/p' "$here/install-deps.sh" | grep -vx -e pyredis -e ioredis)
fi
# The packages to purge and the commands to look for: the installer's own tables.
table() { for c in "${components[@]}"; do sed -n "/^declare -A $1/,/^)/s/^  \[$c\]=\"\(.*\)\"/\1/p" "$here/install-deps.sh"; done | xargs; }
packages="$(table PACKAGES)"
commands="$(table COMMANDS)"
echo "test-install-deps: components ${components[*]}: packages '$packages', commands '$commands' ($mode)"

scratch="$(mktemp -d /tmp/chorus-install-test.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

unshare --mount --propagation private bash -euo pipefail -s "$scratch" <<INSIDE
mount -t tmpfs tmpfs "$scratch"
mkdir -p "$scratch/upper" "$scratch/work" "$scratch/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root"
for fs in proc sys dev; do mount --rbind "/\$fs" "$scratch/root/\$fs"; done
# Bind-mounted files (a container's resolv.conf) do not show through the overlay: copy them.
cp /etc/resolv.conf /etc/hosts "$scratch/root/etc/"
cp "$here/install-deps.sh" "$scratch/root/tmp/install-deps.sh"
chmod 755 "$scratch/root/tmp/install-deps.sh"
chroot "$scratch/root" bash -euo pipefail -c '
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $packages >/dev/null
  for c in $commands; do
    if command -v "\$c" >/dev/null; then echo "FAIL: \$c still present after purge"; exit 1; fi
  done
  echo "purged: $packages"

  if output=\$(runuser -u nobody -- /tmp/install-deps.sh ${components[*]} 2>&1); then
    echo "FAIL: the installer succeeded without root"; exit 1
  fi
  grep -q "apt-get install" <<<"\$output" || { echo "\$output"; echo "FAIL: no advice without root"; exit 1; }
  echo "without root: fails and says: \$(tail -n 1 <<<"\$output")"

  if [ $mode = dotnet-test ]; then
    cd "$root" && dotnet tests/Chorus.Compat.Tests/bin/Debug/net10.0/linux-x64/Chorus.Compat.Tests.dll | tail -n 6
  else
    start=\$SECONDS
    /tmp/install-deps.sh ${components[*]} > /tmp/first.log 2>&1 & first=\$!
    /tmp/install-deps.sh ${components[*]} > /tmp/second.log 2>&1 & second=\$!
    wait \$first || { cat /tmp/first.log; echo "FAIL: first installer"; exit 1; }
    wait \$second || { cat /tmp/second.log; echo "FAIL: second installer"; exit 1; }
    echo "two concurrent installs finished in \$((SECONDS - start)) s"
  fi
  for c in $commands; do
    command -v "\$c" >/dev/null || { echo "FAIL: \$c missing after install"; exit 1; }
  done
  ! command -v redis-server >/dev/null || echo "installed: \$(redis-server --version)"
  start=\$(date +%s%N)
  output=\$(/tmp/install-deps.sh ${components[*]} 2>&1)
  elapsed_ms=\$(( (\$(date +%s%N) - start) / 1000000 ))
  [ -z "\$output" ] || { echo "\$output"; echo "FAIL: a run with everything installed printed something"; exit 1; }
  echo "run with everything installed: \${elapsed_ms} ms, no output"
'
INSIDE
echo "test-install-deps: PASS"
