#!/usr/bin/env bash
# Coverage-guided fuzzing of the RESP request parser: SharpFuzz instruments Chorus.Resp.dll and
# AFL++ drives the target in tests/Chorus.Resp.Fuzz (parse all at once and in pieces; they must
# agree, within the limits, without exceptions). Every crash found is copied into the corpus,
# which `dotnet test` replays (Chorus.Resp.Tests, FuzzCorpusTests): commit it with the fix.
#
#   scripts/fuzz-resp.sh [seconds]     # default 600; installs afl++ (Debian) and SharpFuzz's tool
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-600}"
WORK="${FUZZ_WORK:-$(mktemp -d /tmp/chorus-fuzz.XXXXXX)}"
CORPUS="$ROOT/tests/Chorus.Resp.Fuzz/corpus"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if ! command -v afl-fuzz >/dev/null; then
  log "installing afl++ (Debian package)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >/dev/null
fi
if [ ! -x "$WORK/tools/sharpfuzz" ]; then
  log "installing the SharpFuzz instrumentation tool (dotnet tool SharpFuzz.CommandLine)"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$WORK/tools" >/dev/null
fi

log "building the fuzz target"
dotnet publish "$ROOT/tests/Chorus.Resp.Fuzz" -c Release -o "$WORK/publish" -nologo -v q >/dev/null
log "instrumenting Chorus.Resp.dll"
"$WORK/tools/sharpfuzz" "$WORK/publish/Chorus.Resp.dll"

log "fuzzing for $SECONDS_TO_RUN s (findings in $WORK/findings)"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$CORPUS" -o "$WORK/findings" -t 10000 -m none -V "$SECONDS_TO_RUN" -- dotnet "$WORK/publish/Chorus.Resp.Fuzz.dll" >"$WORK/afl.log" 2>&1 || {
  tail -30 "$WORK/afl.log"; exit 1; }

stats="$WORK/findings/default/fuzzer_stats"
grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|saved_crashes|saved_hangs) ' "$stats" || true
crashes=0
for crash in "$WORK/findings/default/crashes"/id:*; do
  [ -e "$crash" ] || continue
  name="crash-$(sha1sum "$crash" | cut -c1-12).resp"
  cp "$crash" "$CORPUS/$name"
  crashes=$((crashes + 1))
  log "crash saved as tests/Chorus.Resp.Fuzz/corpus/$name: dotnet $WORK/publish/Chorus.Resp.Fuzz.dll $CORPUS/$name"
done
log "$crashes crash(es); corpus: $CORPUS"
[ "$crashes" -eq 0 ]
