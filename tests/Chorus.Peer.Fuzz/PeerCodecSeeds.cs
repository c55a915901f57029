using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Election;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Peer.Fuzz;

/// <summary>The seed corpus: a valid encoding of every message kind, an entry of every payload kind, a batch and cluster settings.</summary>
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
