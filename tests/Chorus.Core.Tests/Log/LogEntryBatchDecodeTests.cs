using Chorus.Core.Encoding;
using Chorus.Core.Log;

namespace Chorus.Core.Tests.Log;

/// <summary>
/// Decoding a batch of log entries, as a follower catching up does for every AppendEntries: origin
/// ids are remembered instead of decoded afresh per entry, the sender's entry count is only a hint,
/// and a hostile or truncated batch is refused with <see cref="CorruptDataException"/>, never a crash.
/// </summary>
public sealed class LogEntryBatchDecodeTests
{
    [Fact]
    public void Remembered_origin_ids_equal_fresh_ones()
    {
        var batch = LogEntryBatch.Encode([Entry(1, "n1"), Entry(2, "n2"), Entry(3, "n1"), Entry(4, "dc.west")]);

        var origins = LogEntryBatch.Decode(batch).Select(e => e.Origin).ToList();
        var again = LogEntryBatch.Decode(batch).Select(e => e.Origin).ToList();

        Assert.Equal([new NodeId("n1"), new NodeId("n2"), new NodeId("n1"), new NodeId("dc.west")], origins);
        Assert.Equal(origins, again);
        Assert.NotEqual(origins[0], origins[1]);
        Assert.Equal(new NodeId("n1").GetHashCode(), origins[2].GetHashCode());
    }

    /// The table of remembered ids is bounded: ids past it still decode to themselves.
    [Fact]
    public void More_origins_than_are_remembered_still_decode_to_their_own_names()
    {
        var names = Enumerable.Range(0, 3 * 64).Select(i => $"origin-{i}").ToList();
        var batch = LogEntryBatch.Encode([.. names.Select((name, i) => Entry((ulong)i + 1, name))]);

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(names, LogEntryBatch.Decode(batch).Select(e => e.Origin.Value));
        }
    }

    [Fact]
    public void An_origin_that_is_no_valid_node_id_is_refused()
    {
        var entry = Entry(1, "nX").Encoded.ToArray();
        var at = entry.AsSpan().IndexOf("nX"u8);
        foreach (var bad in new byte[] { (byte)' ', (byte)'?', 0xC3, 0x00 })
        {
            var copy = (byte[])entry.Clone();
            copy[at + 1] = bad;
            var e = Assert.Throws<CorruptDataException>(() => LogEntryCodec.Decode(copy));
            Assert.Contains("origin", e.Message);
        }
    }

    /// The count is the sender's word: too large, negative or zero, it changes nothing decoded.
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-7)]
    [InlineData(int.MaxValue)]
    public void The_expected_count_is_only_a_hint(int expectedCount)
    {
        var batch = LogEntryBatch.Encode([Entry(1, "n1"), Entry(2, "n1"), Entry(3, "n2")]);

        Assert.Equal([1UL, 2UL, 3UL], LogEntryBatch.Decode(batch, expectedCount).Select(e => e.Lsn.Value));
        Assert.Empty(LogEntryBatch.Decode(ReadOnlyMemory<byte>.Empty, expectedCount));
    }

    /// A batch cut anywhere decodes to a prefix of its entries (cut between two) or is refused.
    [Fact]
    public void A_truncated_batch_decodes_to_a_prefix_or_is_refused()
    {
        var entries = new[] { Entry(1, "n1", 40), Entry(2, "n2", 0), Entry(3, "n1", 300) };
        var batch = LogEntryBatch.Encode(entries);
        var boundaries = 0;
        for (var length = 0; length <= batch.Length; length++)
        {
            List<LogEntry> decoded;
            try
            {
                decoded = LogEntryBatch.Decode(batch.AsMemory(0, length), entries.Length);
            }
            catch (CorruptDataException)
            {
                continue;
            }
            boundaries++;
            Assert.Equal(entries.Take(decoded.Count).Select(e => e.Encoded.ToArray()), decoded.Select(e => e.Encoded.ToArray()));
        }
        Assert.Equal(entries.Length + 1, boundaries);
    }

    [Fact]
    public void Hostile_batches_are_refused_or_decode_canonically()
    {
        byte[][] valid =
        [
            LogEntryBatch.Encode([Entry(1, "n1"), Entry(2, "n2", 17)]),
            LogEntryBatch.Encode([Entry(9, "dc.west", 3)]),
        ];
        Hostile.Refused(valid, bytes => LogEntryBatch.Encode(LogEntryBatch.Decode(bytes, 2)), seed: 14_000);
    }

    private static LogEntry Entry(ulong lsn, string origin, int payloadBytes = 5) =>
        LogEntry.Create(new LogPosition(new Epoch(2), new Lsn(lsn)), HlcTimestamp.From(1000 + (long)lsn, 0), new NodeId(origin), PayloadKind.Logical,
            Enumerable.Range(0, payloadBytes).Select(i => (byte)(i * 7 + (int)lsn)).ToArray());
}
