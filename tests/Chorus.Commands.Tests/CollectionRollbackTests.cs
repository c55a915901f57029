using System.Buffers;
using System.Globalization;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// DDIA ch. 5, "Leader failure: failover": a node that rolls back a divergent suffix of its log
/// undoes many entries at once (one staged group, newest first, then one flush). Element-level
/// changes and O(1) deletions of whole collections must come back exactly, from garbage in storage
/// as well as garbage staged in the same group.
/// </summary>
public sealed class CollectionRollbackTests : IDisposable
{
    private const long NowMs = 1_700_000_000_000;

    private readonly InMemoryStorageEngine _leader = new();
    private readonly InMemoryStorageEngine _follower = new();

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
    }

    [Fact]
    public void Deleting_a_big_hash_logs_its_size_not_its_fields_and_undo_restores_every_field()
    {
        using var h = new CommandHarness();
        for (var batch = 0; batch < 50; batch++)
        {
            h.Run(["HSET", "big", .. Enumerable.Range(batch * 100, 100).SelectMany(i => new[] { $"field{i}", new string('v', 100) })]);
        }
        Assert.Equal(Int(5000), h.Run("HLEN", "big"));

        h.Run("DEL", "big");

        Assert.True(h.LastPayload!.Length < 64, $"DEL of a 5,000-field hash logged {h.LastPayload.Length} bytes");
        Assert.Equal(5000, KeyRecordCount(Assert.IsType<DeleteChange>(Assert.Single(h.LastChanges)).Before));
    }

    [Fact]
    public void Garbage_goes_once_its_entries_are_retired()
    {
        using var h = new CommandHarness { CollectGarbage = true };
        h.Run(["SADD", "s", .. Enumerable.Range(0, 300).Select(i => $"m{i}")]);
        h.Run("DEL", "s");
        Assert.Equal(300, ElementCount(h.Storage));
        for (var i = 0; i < 6; i++)
        {
            h.Run("SET", $"k{i}", "v");
        }
        Assert.Equal(0, ElementCount(h.Storage));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Undoing_a_suffix_of_entries_in_one_group_restores_each_earlier_state(int seed)
    {
        var random = new Random(seed);
        var keyspace = new StagedKeyspace(_leader);
        var executor = new WriteExecutor(new CommandTable(DataCommands.All), keyspace, new Random(seed));
        var entries = new List<LogEntry>();
        var digests = new List<KeyspaceDigest.Result> { KeyspaceDigest.Compute(_follower) };
        for (var i = 0; i < 200; i++)
        {
            var payload = Execute(executor, keyspace, RandomCommand(random), entries.Count + 1);
            if (payload is null)
            {
                continue;
            }
            var entry = LogEntry.Create(new LogPosition(new Epoch(1), new Lsn((ulong)entries.Count + 1)), HlcTimestamp.From(NowMs, 0), new NodeId("n1"), PayloadKind.Logical, payload);
            entries.Add(entry);
            var follower = new StagedKeyspace(_follower);
            LogApplier.Apply(entry, follower);
            Flush(follower, _follower, entry.Lsn);
            digests.Add(KeyspaceDigest.Compute(_follower));
        }
        Assert.Equal(digests[^1], KeyspaceDigest.Compute(_leader));

        var keep = entries.Count - random.Next(20, 60);
        var rollback = new StagedKeyspace(_follower);
        for (var i = entries.Count - 1; i >= keep; i--)
        {
            LogApplier.Undo(entries[i], rollback);
        }
        Flush(rollback, _follower, entries[keep - 1].Lsn);

        Assert.Equal(digests[keep], KeyspaceDigest.Compute(_follower));
        LayoutCheck.Verify(_follower);
    }

    /// <summary>Runs a command on the leader (in database 0 or 1) and stores what it staged, as a node does.</summary>
    private byte[]? Execute(WriteExecutor executor, StagedKeyspace keyspace, string[] command, int lsn)
    {
        using var request = new RequestBatch();
        request.Add(command);
        var payload = executor.Execute(request[0], new RespWriter(new ArrayBufferWriter<byte>(), RespProtocol.Resp2), NowMs, db: lsn % 2);
        Flush(keyspace, _leader, new Lsn((ulong)lsn));
        return payload;
    }

    private static string[] RandomCommand(Random random)
    {
        var key = $"k{random.Next(4)}";
        var other = $"k{random.Next(4)}";
        var member = $"m{random.Next(6)}";
        return random.Next(12) switch
        {
            0 => ["HSET", key, member, random.Next(9).ToString(CultureInfo.InvariantCulture)],
            1 => ["HDEL", key, member, "m1"],
            2 => ["SADD", key, member, "m2", "m3"],
            3 => ["SREM", key, member],
            4 => ["DEL", key],
            5 => ["SET", key, "string"],
            6 => ["RENAME", key, other],
            7 => ["SUNIONSTORE", key, key, other],
            8 => ["EXPIRE", key, "100"],
            9 => random.Next(4) == 0 ? ["FLUSHDB"] : ["SMOVE", key, other, member],
            10 => random.Next(6) == 0 ? ["SWAPDB", "0", "1"] : ["HINCRBY", key, member, "1"],
            _ => random.Next(10) == 0 ? ["FLUSHALL"] : ["SPOP", key],
        };
    }

    private static int KeyRecordCount(byte[] image) => (int)Values.KeyRecord.ParseImage(image).Count;

    private static int ElementCount(IStorageEngine storage) => (int)storage.ApproximateKeyCount(StorageColumn.Elements);

    private static void Flush(StagedKeyspace staged, IStorageEngine storage, Lsn lsn)
    {
        using var batch = storage.NewBatch();
        staged.FlushTo(batch, lsn);
        storage.Write(batch, sync: false);
    }
}
