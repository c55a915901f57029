#!/usr/bin/env bash
# The long differential run: the same seeded random commands to Debian's redis-server 7.0 and to
# a Chorus node, every reply compared (tests/Chorus.Compat; docs/compatibility.md explains it).
#
#   scripts/differential.sh --seeds 1000 --commands 10000      # a long run, with a summary
#   scripts/differential.sh --seed 17 --commands 85 --trace     # replay one seed, every reply shown
#   scripts/differential.sh --help                              # every option
#
# Installs redis-server if it is missing (scripts/install-deps.sh) and builds in Release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh" redis
log="$(mktemp)"
if ! dotnet build -c Release -nologo -v q "$root/tests/Chorus.Compat" >"$log" 2>&1; then
  cat "$log"
  echo "differential: the build failed" >&2
  exit 1
fi
rm -f "$log"
exec dotnet "$root/tests/Chorus.Compat/bin/Release/net10.0/linux-x64/chorus-compat.dll" "$@"
