#!/usr/bin/env bash
# Coverage-guided fuzzing of the RESP request parser (parse all at once and in pieces; they must
# agree, within the limits, without exceptions); crashes go into tests/Chorus.Resp.Fuzz/corpus,
# which `dotnet test` replays (Chorus.Resp.Tests, FuzzCorpusTests). See scripts/fuzz.sh.
#
#   scripts/fuzz-resp.sh [seconds]     # default 600
exec "$(dirname "${BASH_SOURCE[0]}")/fuzz.sh" resp "$@"
