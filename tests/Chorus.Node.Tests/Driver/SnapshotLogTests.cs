using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication;
using Chorus.Replication.SingleLeader;
using Chorus.Storage;
using Chorus.Storage.RocksDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// DESIGN §4.3: a snapshot for a joiner leaves out the committed log before its position (the
/// joiner takes the log after it from the leader), keeps whatever a failover could still discard,
/// and still opens as a node whose log ends at the snapshot's position.
/// </summary>
public sealed class SnapshotLogTests : IDisposable
{
    private const long Now = 1_700_000_000_000;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chorus-snapshot-log-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_checkpoint_without_its_committed_log_keeps_the_data_and_only_the_last_entry_and_opens_on_another_node()
    {
        var position = CheckpointAfterWrites(writes: 50, out var committed, out var leaderDigest);
        Assert.Equal(position.Lsn, committed);

        using (var copy = OpenCopy())
        {
            var entriesBefore = LogKeys(copy).Count;
            var through = SnapshotLog.RetireCommittedPrefix(copy, committed);
            Assert.Equal(position.Lsn.Previous, through);
            var (from, last) = SnapshotLog.RetiredKeys(through);
            copy.DropDeletedRange(StorageColumn.Log, from, last);

            var keys = LogKeys(copy);
            Assert.True(entriesBefore >= 50, $"the leader's log held every write ({entriesBefore} entries)");
            Assert.Equal([position.Lsn.Value], keys);
            Assert.Equal(leaderDigest, KeyspaceDigest.Compute(copy).Digest);
            NodeIdentity.ClaimForNode(copy, new NodeId("n2"));
        }

        // The joiner's node opens on it: its log ends where its applied position says, and its
        // history starts after the retired prefix.
        using var storage = RocksDbStorageEngine.Open(Path.Combine(_root, "checkpoint"), new RocksDbStorageOptions());
        var joiner = new NodeId("n2");
        var family = new SingleLeaderFamily(new ReplicationOptions(), new ClusterConfig(joiner, new NodeId("n1"), [new NodeId("n1"), joiner]));
        var driver = new NodeDriver(new NodeDriverOptions(joiner, family), storage, new CommandTable(DataCommands.All), new NoPeers(), new MemoryRollbackSink(), NullLogger.Instance);
        driver.Start(Now);
        Assert.Equal(position.Lsn, driver.Applied.Applied);
    }

    [Fact]
    public void Entries_not_known_to_be_committed_stay_in_the_copy()
    {
        var position = CheckpointAfterWrites(writes: 20, out _, out _);
        var committed = new Lsn(position.Lsn.Value - 8);

        using var copy = OpenCopy();
        Assert.Equal(committed, SnapshotLog.RetireCommittedPrefix(copy, committed));

        var expected = Enumerable.Range(0, 8).Select(i => committed.Value + 1 + (ulong)i).ToList();
        Assert.Equal(expected, LogKeys(copy));
    }

    [Fact]
    public void Nothing_is_retired_when_the_family_says_nothing_about_commitment()
    {
        var position = CheckpointAfterWrites(writes: 5, out _, out _);

        using var copy = OpenCopy();
        Assert.Equal(Lsn.Zero, SnapshotLog.RetireCommittedPrefix(copy, Lsn.Zero));
        Assert.Equal(position.Lsn.Value, (ulong)LogKeys(copy).Count);
    }

    /// <summary>A single-node leader (every write commits at once) writes, then checkpoints through the loop's input.</summary>
    private LogPosition CheckpointAfterWrites(int writes, out Lsn committed, out string digest)
    {
        var self = new NodeId("n1");
        using var storage = RocksDbStorageEngine.Open(Path.Combine(_root, "db"), new RocksDbStorageOptions());
        var family = new SingleLeaderFamily(new ReplicationOptions(), new ClusterConfig(self, self, [self]));
        var driver = new NodeDriver(new NodeDriverOptions(self, family), storage, new CommandTable(DataCommands.All), new NoPeers(), new MemoryRollbackSink(), NullLogger.Instance);
        driver.Start(Now);
        Assert.Equal(NodeRole.Leader, driver.Status.Role);
        for (var i = 0; i < writes; i++)
        {
            using var batch = new ClientWriteBatch();
            batch.Commands.Add(["SET", $"key:{i}", new string('v', 100 + i)]);
            driver.BeginRound(Now + i);
            driver.Submit(batch);
            driver.EndRound();
        }
        var taken = new TaskCompletionSource<CheckpointTaken>();
        driver.BeginRound(Now + writes);
        driver.Handle(new CreateCheckpointInput(Path.Combine(_root, "checkpoint"), "n2", taken));
        driver.EndRound();
        Assert.True(taken.Task.IsCompletedSuccessfully, "the checkpoint was taken on the loop");
        committed = taken.Task.Result.CommittedThrough;
        digest = KeyspaceDigest.Compute(storage).Digest;
        return taken.Task.Result.Position;
    }

    private RocksDbStorageEngine OpenCopy() => RocksDbStorageEngine.Open(Path.Combine(_root, "checkpoint"), new RocksDbStorageOptions());

    private static List<ulong> LogKeys(IStorageEngine storage)
    {
        var keys = new List<ulong>();
        using var iterator = storage.NewIterator(StorageColumn.Log);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            keys.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(iterator.Key));
        }
        return keys;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed class NoPeers : ITransport
    {
        public void Send(Envelope message)
        {
        }
    }
}
