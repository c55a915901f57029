using System.Security.Cryptography;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Server.Node;
using Chorus.Server.Tests.Support;

namespace Chorus.Server.Tests.Driver;

/// <summary>
/// Issue 17, finding 1: a rollback whose file could not be written (the JSON writer failed above
/// ~166 MB) killed the node loop on every restart and left an empty file — an acknowledged write
/// lost with no record. The discarded entries now move into the database with the truncation
/// itself, and reach a binary-safe file whenever it can be written.
/// </summary>
public sealed class RollbackFileTests
{
    [Fact]
    public void A_rollback_file_that_cannot_be_written_loses_nothing_and_stops_nothing()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "stable", "1");
        cluster.Settle();
        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        cluster.Write("SET", "stable", "2");
        cluster.Write("SET", "only-on-n1", "lost?");
        cluster.Settle(rounds: 40);
        Assert.NotEqual("n1", cluster.Leader);

        var sink = cluster["n1"].Rollbacks;
        sink.FailuresLeft = 2;
        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);
        Assert.Equal(cluster.Digest(cluster.Leader), cluster.Digest("n1"));
        Assert.Empty(sink.Records);
        Assert.Equal(1, cluster["n1"].Driver!.PendingRollbacks);

        // Power loss: the discarded entries were saved with the truncation, and survive it.
        cluster.Crash("n1");
        cluster.Start("n1");
        Assert.Empty(sink.Records);
        Assert.Equal(1, cluster["n1"].Driver!.PendingRollbacks);

        cluster.Advance(NodeDriver.RollbackRetryMs);
        var record = Assert.Single(sink.Records);
        Assert.Equal(0, cluster["n1"].Driver!.PendingRollbacks);
        Assert.Equal(2, record.Entries.Count);
        Assert.Contains(record.Entries.SelectMany(e => LogicalPayload.Decode(e.Payload.Span)), c => c.Key.AsSpan().SequenceEqual("only-on-n1"u8));

        cluster.Crash("n1");
        cluster.Start("n1");
        cluster.Advance(NodeDriver.RollbackRetryMs);
        Assert.Single(sink.Records);
    }

    /// <summary>The finding's size: 170,000,000 bytes, binary, through a file and back byte for byte.</summary>
    [Fact]
    public void A_large_binary_value_round_trips_through_a_rollback_file()
    {
        var value = new byte[170_000_000];
        new Random(17).NextBytes(value.AsSpan(0, 1 << 20));
        value.AsSpan(0, 1 << 20).CopyTo(value.AsSpan(value.Length - (1 << 20)));
        var change = new PutChange("big"u8.ToArray(), StringValue.Encode(value, 0), null);
        var entry = LogEntry.Create(new LogPosition(new Epoch(3), new Lsn(8)), HlcTimestamp.From(1_700_000_000_000, 0), new NodeId("n1"), PayloadKind.Logical, LogicalPayload.Encode([change]));
        var directory = Path.Combine(Path.GetTempPath(), "chorus-rollback-" + Guid.NewGuid().ToString("N"));
        try
        {
            var sink = new FileRollbackSink(directory);
            sink.Write(new RollbackRecord(new NodeId("n1"), new Epoch(4), new Lsn(7), 1_700_000_000_500, [entry]));
            var path = Assert.Single(Directory.GetFiles(sink.Directory));
            Assert.EndsWith("-epoch4-lsn8-8.rollback", path, StringComparison.Ordinal);
            using var stream = File.OpenRead(path);
            var header = RollbackFile.ReadHeader(stream);
            Assert.Equal(new RollbackFile.Header(new NodeId("n1"), new Epoch(4), new Lsn(7), 1_700_000_000_500, 1), header);
            var read = Assert.Single(RollbackFile.ReadEntries(stream, header));
            var put = Assert.IsType<PutChange>(Assert.Single(LogicalPayload.Decode(read.Payload.Span)));
            Assert.Equal(SHA256.HashData(value), SHA256.HashData(StoredValue.Parse(put.After).Payload));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
