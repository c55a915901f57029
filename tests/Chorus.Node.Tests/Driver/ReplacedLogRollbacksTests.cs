using System.Text;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Node.Tests.Driver;

/// When a snapshot or resync replaces a node's database, the entries only that node held go to a
/// rollback file, and nothing else does.
public sealed class ReplacedLogRollbacksTests
{
    private static readonly NodeId Self = new("n1");

    [Fact]
    public void An_old_leaders_unreplicated_entries_become_a_pending_rollback_of_the_new_database()
    {
        // n1 led epoch 1 and wrote 1..10; only 1..4 reached the others; epoch 2 began at 5.
        using var old = Database(Self, (1, 1, 10));
        using var installed = Database(new NodeId("n2"), (1, 1, 4), (2, 5, 30));
        NodeIdentity.ClaimForNode(installed, Self);

        var carried = ReplacedLogRollbacks.Carry(old, installed, Self, atMs: 1234);

        Assert.Equal(6, carried);
        var record = Assert.Single(PendingRollbacks.ReadAll(installed));
        Assert.Equal(new Lsn(4), record.KeepThrough);
        Assert.Equal(new Epoch(2), record.EpochAtRollback);
        Assert.Equal(1234, record.AtMs);
        Assert.Equal([5UL, 6, 7, 8, 9, 10], record.Entries.Select(e => e.Lsn.Value));
        Assert.All(record.Entries, e => Assert.Equal(new Epoch(1), e.Epoch));
        Assert.Equal("put 7", Encoding.ASCII.GetString(record.Entries[2].Payload.Span));
    }

    [Fact]
    public void A_follower_ahead_of_the_checkpoint_in_its_epoch_reports_nothing()
    {
        // A healthy follower usually holds entries past the copy it downloads: the copy's node wrote them too.
        using var old = Database(Self, (1, 1, 4), (2, 5, 40));
        using var installed = Database(new NodeId("n2"), (1, 1, 4), (2, 5, 30));
        NodeIdentity.ClaimForNode(installed, Self);

        Assert.Equal(0, ReplacedLogRollbacks.Carry(old, installed, Self, atMs: 1));
        Assert.Empty(PendingRollbacks.ReadAll(installed));
    }

    [Fact]
    public void Entries_of_an_older_epoch_past_the_copys_end_are_reported_even_when_the_histories_share_nothing()
    {
        // The installed copy's history starts after a retirement (base 50 of epoch 3) and knows no earlier epoch.
        using var old = Database(Self, (1, 1, 60));
        using var installed = Database(new NodeId("n2"), basePosition: new LogPosition(new Epoch(3), new Lsn(50)), (3, 51, 55));
        NodeIdentity.ClaimForNode(installed, Self);

        // No shared point: compared from the copy's base on; 51..55 differ in epoch, 56..60 of epoch 1 can never be in it.
        Assert.Equal(10, ReplacedLogRollbacks.Carry(old, installed, Self, atMs: 1));
        var record = Assert.Single(PendingRollbacks.ReadAll(installed));
        Assert.Equal(new Lsn(50), record.KeepThrough);
        Assert.Equal(51UL, record.Entries[0].Lsn.Value);
        Assert.Equal(60UL, record.Entries[^1].Lsn.Value);
    }

    [Fact]
    public void Waiting_rollbacks_of_the_old_database_are_kept_and_the_copys_own_are_dropped_and_a_repeat_changes_nothing()
    {
        using var old = Database(Self, (1, 1, 3));
        using var installed = Database(new NodeId("n2"), (1, 1, 3), (2, 4, 9));
        Stage(old, new RollbackRecord(Self, new Epoch(1), new Lsn(2), 77, [Entry(1, 3)]));
        Stage(installed, new RollbackRecord(new NodeId("n2"), new Epoch(2), new Lsn(5), 88, [Entry(2, 6)]));
        NodeIdentity.ClaimForNode(installed, Self);

        ReplacedLogRollbacks.Carry(old, installed, Self, atMs: 5);
        ReplacedLogRollbacks.Carry(old, installed, Self, atMs: 5); // a crash before the marker was removed repeats it

        var record = Assert.Single(PendingRollbacks.ReadAll(installed));
        Assert.Equal((Self, 77L, 3UL), (record.Node, record.AtMs, record.Entries.Single().Lsn.Value));
    }

    private static InMemoryStorageEngine Database(NodeId owner, params (ulong Epoch, ulong From, ulong To)[] runs) =>
        Database(owner, LogPosition.Zero, runs);

    private static InMemoryStorageEngine Database(NodeId owner, LogPosition basePosition, params (ulong Epoch, ulong From, ulong To)[] runs)
    {
        var storage = new InMemoryStorageEngine();
        var history = EpochHistory.Restore(basePosition, basePosition, []);
        using var batch = storage.NewBatch();
        batch.Put(StorageColumn.Meta, MetaKeys.NodeId, Encoding.ASCII.GetBytes(owner.Value));
        foreach (var (epoch, from, to) in runs)
        {
            for (var lsn = from; lsn <= to; lsn++)
            {
                var entry = Entry(epoch, lsn);
                LogStore.Append(batch, entry);
                history.Append(entry.Position);
            }
        }
        NodeMetadata.WriteHistory(batch, history);
        NodeMetadata.WriteApplied(batch, history.Last);
        storage.Write(batch, sync: true);
        return storage;
    }

    private static LogEntry Entry(ulong epoch, ulong lsn) =>
        LogEntry.Create(new LogPosition(new Epoch(epoch), new Lsn(lsn)), HlcTimestamp.Zero, Self, PayloadKind.Statement, Encoding.ASCII.GetBytes($"put {lsn}"));

    private static void Stage(IStorageEngine storage, RollbackRecord record)
    {
        using var batch = storage.NewBatch();
        PendingRollbacks.Stage(batch, record);
        storage.Write(batch, sync: true);
    }
}
