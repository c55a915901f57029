using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Node.Resync;
using Chorus.Replication.Leaderless;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Node.Tests.Resync;

/// <summary>
/// DDIA ch. 5, "Anti-entropy" applied to "Handling node outages": a single-leader follower that fell
/// out of the leader's log compares Merkle trees of its own rows and of the leader's checkpoint, and
/// copies only the rows of the leaves that differ — ending with exactly the checkpoint's rows.
/// </summary>
public sealed class MerkleResyncTests
{
    private const int Seed = 20261205;

    [Fact]
    public void A_follower_with_one_percent_changed_ends_with_the_leaders_rows_copying_few_of_them()
    {
        var random = new Random(Seed);
        TestContext.Current.SendDiagnosticMessage($"seed {Seed}");
        using var leader = new InMemoryStorageEngine();
        using var follower = new InMemoryStorageEngine();
        for (var i = 0; i < 10_000; i++)
        {
            var value = Bytes($"value-{i}");
            Put(leader, StorageColumn.Data, $"k{i}", value);
            Put(follower, StorageColumn.Data, $"k{i}", value);
        }
        var changed = Enumerable.Range(0, 100).Select(_ => random.Next(10_000)).Distinct().ToList();
        foreach (var i in changed)
        {
            Put(leader, StorageColumn.Data, $"k{i}", Bytes($"newer-{i}"));
        }
        Put(leader, StorageColumn.Data, "only-at-leader", Bytes("x"));
        Put(follower, StorageColumn.Data, "only-at-follower", Bytes("gone"));
        Put(leader, StorageColumn.Meta, "applied", Bytes("9000"));
        Put(follower, StorageColumn.Meta, "applied", Bytes("10"));
        // The follower's old log is behind the leader's: it goes, and the leader's retained log comes whole.
        for (var i = 0; i < 50; i++)
        {
            Put(follower, StorageColumn.Log, $"old-{i}", Bytes("entry"));
            Put(leader, StorageColumn.Log, $"new-{i}", Bytes("entry"));
        }

        var stats = ResyncExchange.Run(new NodeId("n3"), new ResyncLeaderSide(leader, new LogPosition(new Epoch(2), new Lsn(9000))), new ResyncFollowerSide(follower));

        Assert.Equal(Rows(leader), Rows(follower));
        TestContext.Current.SendDiagnosticMessage($"copied {stats.RowsCopied} rows, removed {stats.RowsRemoved}, {stats.DifferingRanges} ranges, {stats.BytesToFollower} bytes to the follower, {stats.BytesToLeader} to the leader");
        Assert.InRange(stats.RowsCopied, changed.Count + 52, 5 * (changed.Count + 52));
        Assert.True(stats.RowsRemoved >= changed.Count + 2, "the follower's changed rows and its own-only row went");
    }

    [Fact]
    public void Equal_databases_exchange_only_the_roots_and_copy_nothing()
    {
        using var leader = new InMemoryStorageEngine();
        using var follower = new InMemoryStorageEngine();
        foreach (var storage in new[] { leader, follower })
        {
            for (var i = 0; i < 500; i++)
            {
                Put(storage, StorageColumn.Data, $"k{i}", Bytes($"v{i}"));
            }
        }
        var stats = ResyncExchange.Run(new NodeId("n2"), new ResyncLeaderSide(leader, new LogPosition(new Epoch(1), new Lsn(500))), new ResyncFollowerSide(follower));
        Assert.Equal(0, stats.RowsCopied);
        Assert.Equal(0, stats.RowsRemoved);
        Assert.Equal(0, stats.DifferingRanges);
    }

    [Fact]
    public void An_empty_follower_receives_every_row()
    {
        using var leader = new InMemoryStorageEngine();
        using var follower = new InMemoryStorageEngine();
        for (var i = 0; i < 300; i++)
        {
            Put(leader, (StorageColumn)(i % 3), $"k{i}", Bytes($"v{i}"));
        }
        var stats = ResyncExchange.Run(new NodeId("n2"), new ResyncLeaderSide(leader, new LogPosition(new Epoch(1), new Lsn(1))), new ResyncFollowerSide(follower));
        Assert.Equal(300, stats.RowsCopied);
        Assert.Equal(Rows(leader), Rows(follower));
    }

    /// The end-to-end check: a copy whose tree root differs from the leader's is never complete.
    [Fact]
    public void A_follower_that_misses_rows_refuses_to_call_the_copy_complete()
    {
        using var leader = new InMemoryStorageEngine();
        using var follower = new InMemoryStorageEngine();
        Put(leader, StorageColumn.Data, "a", Bytes("1"));
        var side = new ResyncFollowerSide(follower);
        side.OnFrame(new ResyncHeader(new LogPosition(new Epoch(1), new Lsn(1)), 4, RowMerkle.Build(leader, 4).RootHash, 1));
        side.OnFrame(new ResyncRanges([HashRange.All]));
        var error = Assert.Throws<InvalidOperationException>(() => side.OnFrame(new ResyncEnd(0)));
        Assert.Contains("differs from the leader's checkpoint", error.Message, StringComparison.Ordinal);
        Assert.False(side.Complete);
    }

    [Fact]
    public void A_row_outside_the_differing_ranges_is_refused()
    {
        using var follower = new InMemoryStorageEngine();
        var side = new ResyncFollowerSide(follower);
        side.OnFrame(new ResyncHeader(new LogPosition(new Epoch(1), new Lsn(1)), 4, 0, 0));
        side.OnFrame(new ResyncRanges([new HashRange(0, 1)]));
        Assert.Throws<InvalidOperationException>(() => side.OnFrame(new ResyncRows([new StoredRow(StorageColumn.Data, Bytes("k"), Bytes("v"))])));
    }

    [Fact]
    public void Frames_survive_the_codec_and_garbage_is_refused()
    {
        ResyncFrame[] frames =
        [
            new ResyncOpen(new NodeId("n3")),
            new ResyncHeader(new LogPosition(new Epoch(3), new Lsn(77)), 12, 0xdeadbeef, 1234),
            new ResyncRanges([new HashRange(5, 10), new HashRange(20, 30)]),
            new ResyncRows([new StoredRow(StorageColumn.Elements, Bytes("key"), Bytes("value"))]),
            new ResyncEnd(1),
        ];
        foreach (var frame in frames)
        {
            var encoded = ResyncFrameCodec.Encode(frame);
            Assert.Equal(encoded, ResyncFrameCodec.Encode(ResyncFrameCodec.Decode(encoded)));
            for (var cut = 1; cut < encoded.Length; cut++)
            {
                Assert.ThrowsAny<Exception>(() => ResyncFrameCodec.Decode(encoded.AsSpan(0, cut)));
            }
        }
        Assert.Throws<CorruptDataException>(() => ResyncFrameCodec.Decode([ResyncFrameCodec.FormatVersion, 99]));
        var unordered = ResyncFrameCodec.Encode(new ResyncRanges([new HashRange(20, 30)]));
        unordered[3] = 40; // start past the end
        Assert.Throws<CorruptDataException>(() => ResyncFrameCodec.Decode(unordered));
    }

    [Theory]
    [InlineData(0, RowMerkle.DepthMin)]
    [InlineData(100_000, 16)]
    [InlineData(1L << 40, 20)]
    public void The_depth_gives_about_two_rows_per_leaf_within_bounds(long rows, int depth) =>
        Assert.Equal(depth, RowMerkle.DepthFor(rows));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static void Put(IStorageEngine storage, StorageColumn column, string key, byte[] value)
    {
        using var batch = storage.NewBatch();
        batch.Put(column, Bytes(key), value);
        storage.Write(batch, sync: true);
    }

    private static List<string> Rows(IStorageEngine storage) =>
        [.. RowMerkle.RowsIn(storage, [HashRange.All]).Select(r => $"{r.Column}/{Encoding.UTF8.GetString(r.Key)}={Encoding.UTF8.GetString(r.Value)}")];
}
