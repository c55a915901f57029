using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

public sealed class CodecTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    [Fact]
    public void Every_peer_message_round_trips()
    {
        var entries = LogEntryBatch.Encode([Entry(5, "a"), Entry(6, "bb")]);
        PeerMessage[] messages =
        [
            new AppendEntries(N1, N2, new Epoch(3), new LogPosition(new Epoch(2), new Lsn(4)), entries, 2, new Lsn(6), HlcTimestamp.From(1234, 5), "127.0.0.1:7379"),
            new AppendResponse(N2, N1, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), new Lsn(5)),
            new Subscribe(N2, N1, new Epoch(3), LogPosition.Zero, new LogPosition(new Epoch(2), new Lsn(9)), [(new Epoch(1), new Lsn(1)), (new Epoch(2), new Lsn(7))], new Lsn(8), "127.0.0.1:7380"),
            new TruncateLog(N1, N2, new Epoch(3), new Lsn(4)),
            new InstallSnapshot(N1, N2, new Epoch(3), new LogPosition(new Epoch(2), new Lsn(11))),
            new RequestVote(N2, N1, new Epoch(4), new LogPosition(new Epoch(3), new Lsn(6)), PreVote: true, Transfer: false),
            new RequestVote(N2, N1, new Epoch(4), new LogPosition(new Epoch(3), new Lsn(6)), PreVote: false, Transfer: true),
            new VoteResponse(N1, N2, new Epoch(4), Granted: true, PreVote: false),
            new VoteResponse(N1, N2, new Epoch(5), Granted: false, PreVote: true),
            new TimeoutNow(N1, N2, new Epoch(4)),
            new AppendEntries(N1, N2, new Epoch(3), new LogPosition(new Epoch(2), new Lsn(4)), entries, 2, new Lsn(6), HlcTimestamp.From(1234, 5), "", null, LeaderCommit: new Lsn(5), ReadRound: 17),
            new AppendResponse(N2, N1, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), new Lsn(5), new Lsn(6), ReadRound: 17),
            new ReadIndexRequest(N2, N1, new Epoch(3), 99),
            new ReadIndexResponse(N1, N2, new Epoch(3), 99, new LogPosition(new Epoch(3), new Lsn(40))),
            new ReadIndexResponse(N1, N2, new Epoch(3), 100, null),
        ];
        foreach (var message in messages)
        {
            var decoded = PeerMessageCodec.Decode(PeerMessageCodec.Encode(message));
            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal(message.From, decoded.From);
            Assert.Equal(message.Epoch, decoded.Epoch);
            Assert.Equal(Describe(message), Describe(decoded));
        }
    }

    [Fact]
    public void Append_entries_carry_their_entries_intact()
    {
        var batch = LogEntryBatch.Encode([Entry(5, "a"), Entry(6, "bb")]);
        var message = new AppendEntries(N1, N2, new Epoch(3), LogPosition.Zero, batch, 2, new Lsn(6), HlcTimestamp.Zero, "");
        var decoded = (AppendEntries)PeerMessageCodec.Decode(PeerMessageCodec.Encode(message));
        var entries = LogEntryBatch.Decode(decoded.Entries);
        Assert.Equal([new Lsn(5), new Lsn(6)], entries.Select(e => e.Lsn));
        Assert.Equal("bb", System.Text.Encoding.UTF8.GetString(entries[1].Payload.Span));
    }

    [Fact]
    public void A_message_from_a_newer_format_is_refused()
    {
        var bytes = PeerMessageCodec.Encode(new TruncateLog(N1, N2, new Epoch(1), new Lsn(1)));
        bytes[0] = 99;
        Assert.Throws<CorruptDataException>(() => PeerMessageCodec.Decode(bytes));
    }

    [Fact]
    public void Truncated_messages_are_refused_not_guessed()
    {
        var bytes = PeerMessageCodec.Encode(new AppendResponse(N2, N1, new Epoch(3), new LogPosition(new Epoch(3), new Lsn(6)), new Lsn(5)));
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<CorruptDataException>(() => PeerMessageCodec.Decode(bytes.AsMemory(0, length)));
        }
    }

    [Fact]
    public void Log_entries_round_trip_and_refuse_unknown_versions()
    {
        var entry = LogEntry.Create(new LogPosition(new Epoch(7), new Lsn(42)), HlcTimestamp.From(99, 1), N1, PayloadKind.Logical, "payload"u8);
        var decoded = LogEntryCodec.Decode(entry.Encoded);
        Assert.Equal(entry.Position, decoded.Position);
        Assert.Equal(entry.Timestamp, decoded.Timestamp);
        Assert.Equal(N1, decoded.Origin);
        Assert.Equal("payload"u8.ToArray(), decoded.Payload.ToArray());

        var bytes = entry.Encoded.ToArray();
        bytes[0] = 2;
        Assert.Throws<CorruptDataException>(() => LogEntryCodec.Decode(bytes));
    }

    private static LogEntry Entry(ulong lsn, string payload) =>
        LogEntry.Create(new LogPosition(new Epoch(2), new Lsn(lsn)), HlcTimestamp.From(1000 + (long)lsn, 0), N1, PayloadKind.Logical, System.Text.Encoding.UTF8.GetBytes(payload));

    private static string Describe(PeerMessage message) => message switch
    {
        AppendEntries m => $"{m.Prev} {m.EntryCount} {m.LeaderLastLsn} {m.LeaderTime} {m.LeaderClientEndpoint} {m.RequiredAck} {m.LeaderCommit} {m.ReadRound} {Convert.ToHexString(m.Entries.Span)}",
        AppendResponse m => $"{m.Last} {m.Flushed} {m.Received} {m.ReadRound}",
        ReadIndexRequest m => $"{m.RequestId}",
        ReadIndexResponse m => $"{m.RequestId} {m.Committed}",
        Subscribe m => $"{m.Base} {m.Last} {string.Join(",", m.Epochs)} {m.Flushed} {m.ClientEndpoint}",
        TruncateLog m => $"{m.KeepThrough}",
        InstallSnapshot m => $"{m.FollowerLast}",
        RequestVote m => $"{m.Last} {m.PreVote} {m.Transfer}",
        VoteResponse m => $"{m.Granted} {m.PreVote}",
        TimeoutNow m => $"{m.To}",
        _ => throw new InvalidOperationException($"no description for {message.GetType().Name}"),
    };
}

/// <summary>
/// Issue 17, finding 5: a forged epoch of 2^64 − 1 wrapped the next candidate's epoch to 0.
/// The codec refuses any epoch beyond <see cref="Epoch.Max"/>, wherever it appears.
/// </summary>
public sealed class EpochBoundCodecTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    public static TheoryData<string> Forged => new() { "vote", "append", "subscribe", "request-vote-last" };

    [Theory]
    [MemberData(nameof(Forged))]
    public void A_message_with_an_epoch_near_two_to_the_64_is_refused(string where)
    {
        var huge = new Epoch(ulong.MaxValue);
        PeerMessage message = where switch
        {
            "vote" => new VoteResponse(N2, N1, huge, Granted: true, PreVote: false),
            "append" => new AppendEntries(N1, N2, new Epoch(3), new LogPosition(huge, new Lsn(4)), ReadOnlyMemory<byte>.Empty, 0, new Lsn(4), HlcTimestamp.Zero, ""),
            "subscribe" => new Subscribe(N2, N1, new Epoch(3), LogPosition.Zero, LogPosition.Zero, [(huge, new Lsn(1))], Lsn.Zero, ""),
            _ => new RequestVote(N2, N1, new Epoch(3), new LogPosition(huge, new Lsn(6)), PreVote: false, Transfer: false),
        };
        var error = Assert.Throws<CorruptDataException>(() => PeerMessageCodec.Decode(PeerMessageCodec.Encode(message)));
        Assert.Contains("beyond the largest valid epoch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_valid_epoch_still_round_trips()
    {
        var message = new VoteResponse(N2, N1, Epoch.Max, Granted: false, PreVote: false);
        Assert.Equal(Epoch.Max, PeerMessageCodec.Decode(PeerMessageCodec.Encode(message)).Epoch);
    }
}
