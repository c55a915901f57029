using Chorus.Commands.Logical;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// Issue 17, finding 1: a rollback whose file could not be written (the JSON writer failed above
/// ~166 MB) killed the node loop on every restart and left an empty file — an acknowledged write
/// lost with no record. The discarded entries now move into the database with the truncation
/// itself, and reach a binary-safe file whenever it can be written (the file format itself is
/// tested with the server's sink: Chorus.Server.Tests, FileRollbackSinkTests).
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
}
