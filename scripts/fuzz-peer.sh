#!/usr/bin/env bash
# Coverage-guided fuzzing of the peer codecs (peer messages, log entries, entry batches, cluster
# settings; leaderless messages, key versions and rings: bytes decode canonically or are refused
# with CorruptDataException); crashes go into
# tests/Chorus.Peer.Fuzz/corpus, which `dotnet test` replays (Chorus.Replication.Tests,
# PeerFuzzCorpusTests). See scripts/fuzz.sh.
#
#   scripts/fuzz-peer.sh [seconds]     # default 600
exec "$(dirname "${BASH_SOURCE[0]}")/fuzz.sh" peer "$@"
