#!/usr/bin/env bash
# Reproduces the main tables in BENCHMARKS.md (about 25-30 minutes on 2 cores, 2 of them for 20
# failovers, plus the scaling curves: an hour or more with 10M keys, a few minutes with --quick):
# Chorus vs Redis vs Garnet, scaling curves, catch-up and bootstrap rates, the failover window, leaderless
# quorums, read guarantees, multi-leader sites, and the BenchmarkDotNet micro-benchmarks.
# (space.sh, cdc.sh, merkle-resync.sh and dashboard-cost.sh run on their own.)
#
#   bench/run-all.sh [--quick] [--out FILE]     (default FILE: bench/results-<date>.md)
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK="" OUT="bench/results-$(date -u +%Y%m%d-%H%M%S).md"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=--quick ;;
    --out) OUT=$2; shift ;;
    *) echo "usage: $0 [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
started=$SECONDS
bench/compare-redis.sh $QUICK | tee "$OUT"
BENCH_SKIP_BUILD=1 bench/scaling.sh $QUICK | tee -a "$OUT"
BENCH_SKIP_BUILD=1 bench/rates.sh $QUICK | tee -a "$OUT"
{ echo; echo "## Failover unavailability window"; echo; } | tee -a "$OUT"
rounds=20
[ -n "$QUICK" ] && rounds=3
BENCH_SKIP_BUILD=1 bench/failover.sh --rounds "$rounds" | tee -a "$OUT"
{ echo; echo "## Leaderless quorums (issue 12)"; } | tee -a "$OUT"
BENCH_SKIP_BUILD=1 bench/leaderless.sh $QUICK | tee -a "$OUT"
BENCH_SKIP_BUILD=1 bench/merkle-cost.sh $QUICK | tee -a "$OUT"
{ echo; echo "## Read guarantees (issue 10)"; } | tee -a "$OUT"
BENCH_SKIP_BUILD=1 bench/read-guarantees.sh $QUICK | tee -a "$OUT"
{ echo; echo "## Multi-leader sites (issue 11)"; } | tee -a "$OUT"
BENCH_SKIP_BUILD=1 bench/multi-leader.sh $QUICK | tee -a "$OUT"
echo | tee -a "$OUT"
BENCH_SKIP_BUILD=1 bench/log-formats.sh $QUICK | tee -a "$OUT"
{
  echo
  echo "## Micro-benchmarks (BenchmarkDotNet, in-process, ShortRun)"
  echo
  echo "Command: \`dotnet bench/Chorus.Benchmarks/bin/Release/net10.0/linux-x64/Chorus.Benchmarks.dll --filter '*' --short\`"
  echo
  filter='*'
  [ -n "$QUICK" ] && filter='*LogEntry*'
  (cd bench && dotnet Chorus.Benchmarks/bin/Release/net10.0/linux-x64/Chorus.Benchmarks.dll --filter "$filter" --short 2>&1) \
    | grep -E '^\|' | grep -v -- '-----' | awk '/^\| Method/ { print ""; print; n = gsub(/\|/, "|"); s = "|"; for (i = 1; i < n; i++) s = s "---|"; print s; next } { print }'
  echo
  echo "_run-all.sh took $((SECONDS - started)) s._"
} | tee -a "$OUT"
