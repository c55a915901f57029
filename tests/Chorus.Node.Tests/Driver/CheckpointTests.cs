using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Replication;
using Chorus.Replication.SingleLeader;
using Chorus.Core.Messaging;
using Chorus.Storage.RocksDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Node.Tests.Driver;

/// <summary>A snapshot for a new follower holds exactly the state at the position it claims.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chorus-checkpoint-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_checkpoint_taken_in_the_middle_of_a_loop_round_holds_the_writes_staged_before_it()
    {
        var self = new NodeId("n1");
        using var storage = RocksDbStorageEngine.Open(Path.Combine(_root, "db"), new RocksDbStorageOptions());
        var family = new SingleLeaderFamily(new ReplicationOptions(), new ClusterConfig(self, self, [self]));
        var driver = new NodeDriver(new NodeDriverOptions(self, family), storage,
            new CommandTable(DataCommands.All), new NoPeers(), new MemoryRollbackSink(), NullLogger.Instance);
        const long now = 1_700_000_000_000;
        driver.Start(now);
        Assert.Equal(NodeRole.Leader, driver.Status.Role);

        // The loop submits several client batches before it carries the round's output to storage.
        using var batch = new ClientWriteBatch();
        batch.Commands.Add(["SET", "staged", "v"]);
        driver.BeginRound(now);
        driver.Submit(batch);
        var position = driver.CreateCheckpoint(Path.Combine(_root, "checkpoint"), "n2");
        driver.EndRound();

        using var copy = RocksDbStorageEngine.Open(Path.Combine(_root, "checkpoint"), new RocksDbStorageOptions());
        Assert.Equal(batch.LastWrittenLsn, position.Lsn);
        Assert.Equal(KeyspaceDigest.Compute(storage).Digest, KeyspaceDigest.Compute(copy).Digest);
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
