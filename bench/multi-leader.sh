#!/usr/bin/env bash
# Multi-leader sites (issue 11; docs/multi-leader.md) against single-leader Chorus.
#
# Three sites of one node each (s1n1, s2n1, s3n1: every node a site leader, all-to-all at start)
# and a single-leader cluster (leader + 2 followers) run side by side, everysec. With
# bench/Chorus.Benchmarks `ops` (closed loop, one SET outstanding per connection, a new value
# each time), in --rounds interleaved rounds:
# 1. write throughput: 48 connections at the single leader; 48 at site s1 alone; and 16 at each
#    of the three sites at once (three `ops` processes, each site on its own keys: no conflicts);
# 2. cross-site lag at half load, per topology (changed at runtime with CHORUS.SITECONFIG
#    TOPOLOGY): `lag --visible-only` paces SETs at s1 at half the s1-alone rate and writes a probe
#    key every 5 ms, read at s2 and s3 in a tight loop until it shows (s1's ack → visible there);
#    the same at the single leader, read at its followers, for reference;
# 3. conflict-resolution overhead: 16 connections at each site at once, all three writing the
#    same 100 keys (most writes conflict), under lww, siblings and custom:union (the built-in
#    union resolver; CHORUS.SITECONFIG POLICIES), and INCRs of 100 shared keys under lww against
#    PN-counter keys (cnt:*, a counter policy set at start: it cannot change at runtime); compared
#    with the same command on 100 keys of each site's own (no conflicts). Conflicts per second:
#    the conflicts the three sites resolved during the row (INFO sites, site_conflicts) over the
#    row's time from the first write until every site had every change.
#
#   bench/multi-leader.sh [--quick] [--rounds N] [--requests N] [--lag-seconds S]
#   (default: 3 rounds of 24,000 requests per row, 10 s per lag run: about 5 minutes on 2 cores)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 REQUESTS=24000 LAG_SECONDS=10
while [ $# -gt 0 ]; do
  case $1 in
    --quick) ROUNDS=1 REQUESTS=6000 LAG_SECONDS=4 ;;
    --rounds) ROUNDS=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    --lag-seconds) LAG_SECONDS=$2; shift ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--requests N] [--lag-seconds S]" >&2; exit 2 ;;
  esac
  shift
done

ensure_redis   # redis-cli
build_chorus
SITE=(7481 7482 7483) SL=(7491 7492 7493)
SITE_PEERS="s1n1=7481,s2n1=7482,s3n1=7483" SL_PEERS="n1=7491,n2=7492,n3=7493"
RESULTS="$BENCH_WORK/multi.txt"   # row|ops|p50|p99|conflicts|seconds (rows hold commas)
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

sites_field() { redis-cli -p "$1" INFO sites 2>/dev/null | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print substr($0, length(k) + 2) }'; }
site_loaded() { [ "$(sites_field "$1" site_loaded)" = 1 ]; }
conflicts() { local s=0 p; for p in "${SITE[@]}"; do s=$((s + $(sites_field "$p" site_conflicts))); done; echo $s; }
same_frontier() { # every site has every change
  local a; a=$(sites_field "${SITE[0]}" site_frontier)
  [ "$(sites_field "${SITE[1]}" site_frontier)" = "$a" ] && [ "$(sites_field "${SITE[2]}" site_frontier)" = "$a" ]
}
topology_everywhere() { local p; for p in "${SITE[@]}"; do [ "$(sites_field "$p" site_topology)" = "$1" ] || return 1; done; }

log "starting 3 sites (one node each) and a leader + 2 followers"
for i in 1 2 3; do
  BENCH_LEADER="s${i}n1" start_chorus "s${i}n1" "${SITE[$((i - 1))]}" everysec "$SITE_PEERS" \
    --family multi-leader --site "s$i" --topology all-to-all --ConflictPolicies="cnt:*=counter;*=lww" \
    --Sites:s1=s1n1 --Sites:s2=s2n1 --Sites:s3=s3n1
done
for i in 1 2 3; do start_chorus "n$i" "${SL[$((i - 1))]}" everysec "$SL_PEERS"; done
for p in "${SITE[@]}"; do wait_ready "$p" 120; until_true 60 "site on $p loaded" site_loaded "$p"; done
wait_ready "${SL[0]}" 120
SL_LEADER=$(wait_leader 120 "${SL[@]}")

ops() { # row ports connections requests op keys key-prefix: one ops run, printed as "ops p50 p99"
  local line
  line=$(dotnet "$BENCH_DLL" ops --ports "$2" --connections "$3" --requests "$4" --op "$5" --keys "$6" --key-prefix "$7") || true   # error replies are counted, not fatal
  [ -n "$(field "$line" ops)" ] || { log "ops failed for $1: $line"; exit 1; }
  [ "$(field "$line" errors)" = 0 ] || log "$1: $(field "$line" errors) error replies ($(field "$line" last_error))"
  echo "$(field "$line" ops) $(field "$line" p50_ms) $(field "$line" p99_ms)"
}

at_each_site() { # row op keys shared|disjoint: 16 connections at each site at once
  local row=$1 op=$2 keys=$3 mode=$4 i prefix before loads=() started
  before=$(conflicts) started=$(date +%s.%N)
  for i in 0 1 2; do
    prefix="${ROW_PREFIX:-key:}"
    [ "$mode" = disjoint ] && prefix="${prefix}s$((i + 1)):"
    ops "$row" "${SITE[$i]}" 16 $((REQUESTS / 3)) "$op" "$keys" "$prefix" >"$BENCH_WORK/site$i.out" &
    loads+=($!)
  done
  for i in "${loads[@]}"; do wait "$i"; done   # (a bare wait would wait for the servers too)
  until_true 120 "sites converged after $row" same_frontier
  local sum=0 p50s=() p99s=()
  for i in 0 1 2; do
    read -r o p50 p99 <"$BENCH_WORK/site$i.out"
    echo "$row · s$((i + 1))|$o|$p50|$p99|" >>"$RESULTS"
    sum=$(awk -v a="$sum" -v b="$o" 'BEGIN { print a + b }')
  done
  echo "$row · sum|$sum|||$(( $(conflicts) - before ))|$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" >>"$RESULTS"
}

one() { # row port connections op keys prefix
  local o p50 p99
  read -r o p50 p99 < <(ops "$1" "$2" "$3" "$REQUESTS" "$4" "$5" "$6")
  echo "$1|$o|$p50|$p99|" >>"$RESULTS"
}

for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS: write throughput"
  one "single leader, 48 connections" "$SL_LEADER" 48 set 100000 key:
  one "site s1 alone, 48 connections" "${SITE[0]}" 48 set 100000 key:
  at_each_site "3 sites at once, own keys" set 100000 disjoint
  log "round $round/$ROUNDS: conflicts"
  redis-cli -p "${SITE[0]}" CHORUS.SITECONFIG POLICIES "cnt:*=counter;*=lww" >/dev/null
  at_each_site "lww, 100 own keys per site" set 100 disjoint
  at_each_site "lww, 100 shared keys" set 100 shared
  redis-cli -p "${SITE[0]}" CHORUS.SITECONFIG POLICIES "cnt:*=counter;*=siblings" >/dev/null
  until_true 30 "siblings policy everywhere" bash -c "redis-cli -p ${SITE[2]} CHORUS.SITES | grep -qF '*=siblings'"
  at_each_site "siblings, 100 shared keys" set 100 shared
  redis-cli -p "${SITE[0]}" CHORUS.SITECONFIG POLICIES "cnt:*=counter;*=custom:union" >/dev/null
  until_true 30 "custom:union policy everywhere" bash -c "redis-cli -p ${SITE[2]} CHORUS.SITES | grep -qF '*=custom:union'"
  at_each_site "custom:union, 100 shared keys" set 100 shared
  redis-cli -p "${SITE[0]}" CHORUS.SITECONFIG POLICIES "cnt:*=counter;*=lww" >/dev/null
  until_true 30 "lww policy everywhere" bash -c "redis-cli -p ${SITE[2]} CHORUS.SITES | grep -qF '*=lww'"
  ROW_PREFIX=inc: at_each_site "INCR lww, 100 own keys per site" incr 100 disjoint
  ROW_PREFIX=inc: at_each_site "INCR lww, 100 shared keys" incr 100 shared
  ROW_PREFIX=cnt: at_each_site "INCR counter (PN), 100 shared keys" incr 100 shared
done

med() { awk -F'|' -v r="$1" -v c="$2" '$1 == r && $c != "" { print $c }' "$RESULTS" | median; }
total() { awk -F'|' -v r="$1" -v c="$2" '$1 == r { s += $c } END { print s + 0 }' "$RESULTS"; }

peak=$(med "site s1 alone, 48 connections" 2)
half=$(awk -v p="$peak" 'BEGIN { printf "%d", p / 2 }')
LAG_ROWS=()
for topology in all-to-all ring "star s1" "star s2"; do
  log "lag at $half SET/s from s1, topology $topology"
  redis-cli -p "${SITE[0]}" CHORUS.SITECONFIG TOPOLOGY "$topology" >/dev/null
  until_true 30 "topology $topology everywhere" topology_everywhere "$topology"
  line=$(dotnet "$BENCH_DLL" lag --leader "${SITE[0]}" --followers "${SITE[1]},${SITE[2]}" --rate "$half" --seconds "$LAG_SECONDS" --visible-only)
  LAG_ROWS+=("| sites, $topology | $(field "$line" achieved_ops) | $(field "$line" probes) | $(field "$line" visible_ms_p50) | $(field "$line" visible_ms_p99) | $(field "$line" visible_ms_max) |")
done
log "lag at $half SET/s at the single leader"
line=$(dotnet "$BENCH_DLL" lag --leader "$SL_LEADER" --followers "$(printf '%s\n' "${SL[@]}" | grep -vx "$SL_LEADER" | paste -sd,)" --rate "$half" --seconds "$LAG_SECONDS" --visible-only)
LAG_ROWS+=("| single leader → its followers | $(field "$line" achieved_ops) | $(field "$line" probes) | $(field "$line" visible_ms_p50) | $(field "$line" visible_ms_p99) | $(field "$line" visible_ms_max) |")
finish_run
echo "### Write throughput (\`ops\` SETs, closed loop, 16 B values, everysec; median of $ROUNDS interleaved rounds)"
echo
echo "| where | SET/s | p50 ms | p99 ms | vs single leader |"
echo "|---|---|---|---|---|"
sl=$(med "single leader, 48 connections" 2)
for row in "single leader, 48 connections" "site s1 alone, 48 connections" "3 sites at once, own keys · s1" "3 sites at once, own keys · s2" "3 sites at once, own keys · s3" "3 sites at once, own keys · sum"; do
  o=$(med "$row" 2)
  echo "| $row | $(fmt_int "$o") | $(med "$row" 3) | $(med "$row" 4) | $(ratio "$o" "$sl") |"
done
echo
echo "### Cross-site lag at half of s1's rate ($half SET/s paced at s1, ${LAG_SECONDS} s, probe every 5 ms read at the two other sites)"
echo
echo "| topology | achieved SET/s | probes | visible p50 ms | visible p99 ms | visible max ms |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${LAG_ROWS[@]}"
echo
echo "### Conflict resolution (16 connections at each of the 3 sites at once; median per-round sum of the three sites)"
echo
echo "| load | policy | ops/s (3 sites) | vs the same command on 100 own keys per site (no conflicts) | conflicts (all rounds) | conflicts/s | p50 ms at s1 | p99 ms at s1 |"
echo "|---|---|---|---|---|---|---|---|"
set_base=$(med "lww, 100 own keys per site · sum" 2) incr_base=$(med "INCR lww, 100 own keys per site · sum" 2)
for row in "lww, 100 own keys per site" "lww, 100 shared keys" "siblings, 100 shared keys" "custom:union, 100 shared keys" "INCR lww, 100 own keys per site" "INCR lww, 100 shared keys" "INCR counter (PN), 100 shared keys"; do
  o=$(med "$row · sum" 2) base=$set_base
  case $row in INCR*) base=$incr_base ;; esac
  c=$(total "$row · sum" 5) secs=$(total "$row · sum" 6)
  echo "| ${row#*, } | ${row%%,*} | $(fmt_int "$o") | $(ratio "$o" "$base") | $c | $(awk -v c="$c" -v s="$secs" 'BEGIN { if (s > 0) printf "%d", c / s; else print "-" }') | $(med "$row · s1" 3) | $(med "$row · s1" 4) |"
done
