#!/usr/bin/env bash
# Coverage-guided fuzzing with SharpFuzz (instrumentation) and AFL++ (the fuzzer), shared by
# fuzz-resp.sh (the RESP request parser) and fuzz-peer.sh (the peer message codecs). Every crash
# found is copied into the target's corpus, which `dotnet test` replays: commit it with the fix.
#
#   scripts/fuzz.sh TARGET [seconds]   # TARGET: resp | peer; default 600 s
#   installs afl++ (Debian) and SharpFuzz's tool (dotnet tool SharpFuzz.CommandLine) if missing
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:?usage: scripts/fuzz.sh resp|peer [seconds]}"
SECONDS_TO_RUN="${2:-600}"
case "$TARGET" in
  resp) PROJECT=Chorus.Resp.Fuzz; INSTRUMENT=(Chorus.Resp.dll); EXT=resp ;;
  peer) PROJECT=Chorus.Peer.Fuzz; INSTRUMENT=(Chorus.Core.dll Chorus.Replication.dll); EXT=bin ;;
  *) echo "unknown fuzz target '$TARGET' (resp | peer)" >&2; exit 2 ;;
esac
WORK="${FUZZ_WORK:-$(mktemp -d "/tmp/chorus-fuzz-$TARGET.XXXXXX")}"
CORPUS="$ROOT/tests/$PROJECT/corpus"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

"$ROOT/scripts/install-deps.sh" afl
if [ ! -x "$WORK/tools/sharpfuzz" ]; then
  log "installing the SharpFuzz instrumentation tool (dotnet tool SharpFuzz.CommandLine)"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$WORK/tools" >/dev/null
fi

log "building the fuzz target $PROJECT"
dotnet publish "$ROOT/tests/$PROJECT" -c Release -o "$WORK/publish" -nologo -v q >/dev/null
for dll in "${INSTRUMENT[@]}"; do
  log "instrumenting $dll"
  "$WORK/tools/sharpfuzz" "$WORK/publish/$dll"
done

log "fuzzing for $SECONDS_TO_RUN s (findings in $WORK/findings)"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$CORPUS" -o "$WORK/findings" -t 10000 -m none -V "$SECONDS_TO_RUN" -- dotnet "$WORK/publish/$PROJECT.dll" >"$WORK/afl.log" 2>&1 || {
  tail -30 "$WORK/afl.log"; exit 1; }

stats="$WORK/findings/default/fuzzer_stats"
grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|saved_crashes|saved_hangs) ' "$stats" || true
crashes=0
for crash in "$WORK/findings/default/crashes"/id:*; do
  [ -e "$crash" ] || continue
  name="crash-$(sha1sum "$crash" | cut -c1-12).$EXT"
  cp "$crash" "$CORPUS/$name"
  crashes=$((crashes + 1))
  log "crash saved as tests/$PROJECT/corpus/$name: dotnet $WORK/publish/$PROJECT.dll $CORPUS/$name"
done
log "$crashes crash(es); corpus: $CORPUS"
[ "$crashes" -eq 0 ]
