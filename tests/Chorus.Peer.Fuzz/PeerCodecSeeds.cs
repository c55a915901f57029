using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Versions;
using Chorus.Replication.Election;
using Chorus.Replication.Leaderless;
using Chorus.Replication.Leaderless.Messages;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Peer.Fuzz;

/// <summary>The seed corpus: a valid encoding of every message kind (single-leader and leaderless), an entry of every payload kind, a batch, cluster settings, a leaderless key's versions and ring.</summary>
public static class PeerCodecSeeds
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    public static IEnumerable<(string Name, byte[] Input)> All()
    {
        var entries = new[] { Entry(5, PayloadKind.Logical, "SET k v"), Entry(6, PayloadKind.Noop, "") };
        var batch = LogEntryBatch.Encode(entries);
        var position = new LogPosition(new Epoch(2), new Lsn(4));
        PeerMessage[] messages =
        [
            new AppendEntries(N1, N2, new Epoch(3), position, batch, 2, new Lsn(6), HlcTimestamp.From(1234, 5), "127.0.0.1:7379", AckLevel.Flushed, ReadRound: 9),
            new AppendResponse(N2, N1, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), new Lsn(5), new Lsn(6), ReadRound: 9),
            new Subscribe(N2, N1, new Epoch(3), LogPosition.Zero, position, [(new Epoch(1), new Lsn(1)), (new Epoch(2), new Lsn(3))], new Lsn(4), "127.0.0.1:7380"),
            new TruncateLog(N1, N2, new Epoch(3), new Lsn(4)),
            new InstallSnapshot(N1, N2, new Epoch(3), position),
            new RequestVote(N2, N1, new Epoch(4), position, PreVote: true, Transfer: false),
            new VoteResponse(N1, N2, new Epoch(4), Granted: true, PreVote: false),
            new TimeoutNow(N1, N2, new Epoch(4)),
            new ReadIndexRequest(N2, N1, new Epoch(4), 7),
            new ReadIndexResponse(N1, N2, new Epoch(4), 7, position),
        ];
        foreach (var message in messages)
        {
            yield return ($"message-{message.GetType().Name}", [(byte)PeerCodecTarget.Decoder.PeerMessage, .. PeerMessageCodec.Encode(message)]);
        }
        foreach (var kind in Enum.GetValues<PayloadKind>())
        {
            yield return ($"entry-{kind}", [(byte)PeerCodecTarget.Decoder.LogEntry, .. Entry(7, kind, "payload").Encoded.Span]);
        }
        yield return ("batch", [(byte)PeerCodecTarget.Decoder.LogEntryBatch, .. batch]);
        var settings = new ClusterSettings(
            [new Member(N1, "127.0.0.1:17379", "127.0.0.1:7379", MemberRole.Voter), new Member(N2, "127.0.0.1:17380", "", MemberRole.Learner)],
            new AckPolicy(AckMode.SemiSync, 1, AckLevel.Flushed, 1000, AckTimeoutAction.Degrade), FailoverMode.Manual);
        yield return ("settings", [(byte)PeerCodecTarget.Decoder.ClusterSettings, .. settings.Encode()]);
        foreach (var seed in LeaderlessSeeds())
        {
            yield return seed;
        }
    }

    private static IEnumerable<(string Name, byte[] Input)> LeaderlessSeeds()
    {
        var versions = KeyVersions.Empty
            .Update(VersionVector.Empty, new VersionedValue("milk"u8.ToArray(), HlcTimestamp.From(1000, 0)), N1)
            .Update(VersionVector.Empty, VersionedValue.Tombstone(HlcTimestamp.From(1001, 1)), N2)
            .Update(VersionVector.Empty, new VersionedValue("eggs"u8.ToArray(), HlcTimestamp.From(1002, 0), ExpiresAtMs: 1_700_000_060_000), N2);
        var wire = KeyVersions.Encode(versions);
        var ring = new RingConfig(2, [new RingMember(N1, "127.0.0.1:17379", "127.0.0.1:7379"), new RingMember(N2, "127.0.0.1:17380", "127.0.0.1:7380")]);
        var range = new HashRange(1UL << 40, 1UL << 62);
        LeaderlessMessage[] messages =
        [
            new Ping(2),
            new Pong(2),
            new Store(2, 11, "cart"u8.ToArray(), wire, HintFor: N2),
            new Stored(2, 11, "cart"u8.ToArray()),
            new Fetch(2, 12, ["cart"u8.ToArray(), "list"u8.ToArray()]),
            new Fetched(2, 12, [wire, KeyVersions.Encode(KeyVersions.Empty)]),
            new Coordinate(2, 13, "cart"u8.ToArray(), "eggs"u8.ToArray(), VersionVector.Of(("n1", 1), ("n2", 1)), 3, 2, ExpiresAtMs: 1_700_000_060_000),
            new Coordinated(2, 13, CoordinatedStatus.QuorumNotReached, wire, WasLive: true, 2, 1, 3, 1000, "1 of the 2 acknowledgements needed"),
            new TreeLevels(2, 14, Reply: true, [new MerkleLevel(range, 10, 1, [new MerkleNodeHash(0, 42), new MerkleNodeHash(1, 7)])]),
            new RangeKeys(2, 14, [range], [("cart"u8.ToArray(), wire)], Last: true, SendYours: false),
            new StreamRange(2, 15, [range]),
            new Handover(2, Received: true),
            new RingUpdate(2, ring.Encode()),
            new Reap(2, "cart"u8.ToArray(), versions.Context),
        ];
        foreach (var message in messages)
        {
            yield return ($"leaderless-{message.GetType().Name}", [(byte)PeerCodecTarget.Decoder.LeaderlessMessage, .. LeaderlessCodec.Encode(message)]);
        }
        yield return ("leaderless-versions", [(byte)PeerCodecTarget.Decoder.KeyVersions, .. wire]);
        yield return ("leaderless-ring", [(byte)PeerCodecTarget.Decoder.Ring, .. ring.Encode()]);
    }

    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, input) in All())
        {
            File.WriteAllBytes(Path.Combine(directory, name + ".bin"), input);
        }
    }

    private static LogEntry Entry(ulong lsn, PayloadKind kind, string payload) =>
        LogEntry.Create(new LogPosition(new Epoch(2), new Lsn(lsn)), HlcTimestamp.From(1000 + (long)lsn, 0), N1, kind, System.Text.Encoding.UTF8.GetBytes(payload));
}
