using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Storage;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// The node driver end to end without sockets: commands become log entries, entries are
/// persisted and applied atomically, followers converge, and crashes lose exactly what the
/// durability policy allows.
/// </summary>
public sealed class NodeDriverReplicationTests
{
    [Fact]
    public void Every_follower_ends_with_the_leaders_state()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 200; i++)
        {
            cluster.Write("SET", $"k{i}", $"v{i}");
            cluster.Write("HSET", $"h{i % 7}", $"f{i}", $"{i}");
            cluster.Write("SADD", $"s{i % 5}", $"m{i}");
            if (i % 10 == 0)
            {
                cluster.Write("DEL", $"k{i / 2}");
                cluster.Write("SPOP", $"s{i % 5}");
            }
        }
        cluster.Settle();

        var leader = cluster.Digest("n1");
        Assert.Equal(leader, cluster.Digest("n2"));
        Assert.Equal(leader, cluster.Digest("n3"));
        Assert.Equal("v199", cluster.Read("n2", "GET", "k199").AsString());
    }

    /// DDIA ch. 5, "Follower failure: Catch-up recovery".
    [Fact]
    public void A_follower_that_lost_power_resumes_from_what_it_kept_and_converges()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 50; i++)
        {
            cluster.Write("SET", $"k{i}", "before");
        }
        cluster.Settle();
        cluster.Sync("n2");
        var synced = cluster["n2"].Driver!.Applied.Applied;
        for (var i = 0; i < 50; i++)
        {
            cluster.Write("SET", $"k{i}", "unsynced");
        }
        cluster.Settle();
        var syncedThrough = cluster["n2"].Storage;
        cluster.Crash("n2");
        for (var i = 0; i < 100; i++)
        {
            cluster.Write("INCR", "counter");
        }

        cluster.Start("n2");
        var resumeFrom = cluster["n2"].Driver!.Applied.Applied.Next;
        cluster.Settle();

        Assert.Equal(synced.Next, resumeFrom);
        Assert.Equal(resumeFrom, cluster["n2"].Driver!.Status.Link!.ResumedFrom);
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal("100", cluster.Read("n2", "GET", "counter").AsString());
        Assert.NotNull(syncedThrough);
    }

    /// DDIA ch. 5, "Leader failure": writes an isolated old leader acknowledged (async) but never
    /// replicated are undone in place when it rejoins, and written to a rollback record — never
    /// dropped silently.
    [Fact]
    public void A_returning_old_leader_undoes_and_records_the_writes_only_it_had()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "stable", "1");
        cluster.Write("HSET", "row", "a", "1", "b", "2");
        cluster.Write("SADD", "tags", "x", "y");
        cluster.Settle();

        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        cluster.Write("SET", "stable", "2");
        cluster.Write("SET", "fresh", "new");
        cluster.Write("HSET", "row", "a", "changed", "c", "3");
        cluster.Write("HDEL", "row", "b");
        cluster.Write("SREM", "tags", "x");
        cluster.Write("DEL", "tags");
        Assert.Equal("2", cluster.Read("n1", "GET", "stable").AsString());
        cluster.Settle(rounds: 40);
        Assert.NotEqual("n1", cluster.Leader);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);

        Assert.Equal(cluster.Digest(cluster.Leader), cluster.Digest("n1"));
        Assert.Equal("1", cluster.Read("n1", "GET", "stable").AsString());
        Assert.True(cluster.Read("n1", "GET", "fresh").IsNull);
        Assert.Equal(["a", "1", "b", "2"], cluster.Read("n1", "HGETALL", "row").Items!.Select(i => i.AsString()).Chunk(2).OrderBy(p => p[0]).SelectMany(p => p));
        Assert.Equal(2, cluster.Read("n1", "SCARD", "tags").AsInteger());
        var record = Assert.Single(cluster["n1"].Rollbacks.Records);
        Assert.Equal(6, record.Entries.Count);
        Assert.All(record.Entries, e => Assert.Equal(PayloadKind.Logical, e.Kind));
        Assert.Empty(cluster["n2"].Rollbacks.Records);
    }

    /// docs/storage-layout.md, "Garbage": a leader cut off from its followers deletes a big hash,
    /// flushes a database and swaps two; when it rejoins, all of it is undone exactly — the hash
    /// comes back from garbage, the databases from their old physical ids.
    [Fact]
    public void A_returning_old_leader_undoes_big_deletes_flushes_and_swaps()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write(["HSET", "big", .. Enumerable.Range(0, 2000).SelectMany(i => new[] { $"f{i}", $"v{i}" })]);
        cluster.Write("SADD", "set", "a", "b");
        cluster.Write("SET", "plain", "1");
        cluster.Settle();
        var before = cluster.Digest("n1");

        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        cluster.Write("DEL", "big");
        cluster.Write("SWAPDB", "0", "3");
        cluster.Write("FLUSHDB");
        cluster.Write("FLUSHALL");
        cluster.Write("HSET", "big", "new", "hash");
        Assert.True(cluster.Read("n1", "HGET", "big", "f5").IsNull);
        cluster.Settle(rounds: 40);
        Assert.NotEqual("n1", cluster.Leader);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);

        Assert.Equal(before, cluster.Digest("n1"));
        Assert.Equal("v1999", cluster.Read("n1", "HGET", "big", "f1999").AsString());
        Assert.Equal(2000, cluster.Read("n1", "HLEN", "big").AsInteger());
        Assert.Equal(5, Assert.Single(cluster["n1"].Rollbacks.Records).Entries.Count);
    }

    /// Once the log is retired past a deletion, no rollback can need what it left: the garbage goes.
    [Fact]
    public void Garbage_is_collected_once_the_log_is_retired_past_it()
    {
        var cluster = new DriverCluster(1) { Retention = new RetentionOptions { RetainBytes = 1, KeepTailEntries = 1 } };
        cluster.StartAll();
        cluster.Write(["SADD", "set", .. Enumerable.Range(0, 500).Select(i => $"m{i}")]);
        cluster.Write("DEL", "set");
        Assert.Equal(500, cluster["n1"].Storage.ApproximateKeyCount(StorageColumn.Elements));

        for (var i = 0; i < 5; i++)
        {
            cluster.Advance(6_000);
            cluster.Write("SET", $"k{i}", "v");
        }

        Assert.Equal(0, cluster["n1"].Storage.ApproximateKeyCount(StorageColumn.Elements));
        Assert.Equal(5, cluster.Read("n1", "DBSIZE").AsInteger());
    }

    [Fact]
    public void With_fsync_always_an_acknowledged_write_survives_power_loss()
    {
        var cluster = new DriverCluster(1, DurabilityPolicy.Always);
        cluster.StartAll();
        for (var i = 0; i < 100; i++)
        {
            cluster.Write("SET", $"k{i}", $"v{i}");
        }
        cluster.Crash("n1");
        cluster.Start("n1");

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"v{i}", cluster.Read("n1", "GET", $"k{i}").AsString());
        }
    }

    [Fact]
    public void With_fsync_everysec_power_loss_loses_only_what_was_not_synced()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        cluster.Write("SET", "synced", "yes");
        cluster.Sync("n1");
        cluster.Write("SET", "unsynced", "yes");
        cluster.Crash("n1");
        cluster.Start("n1");

        Assert.Equal("yes", cluster.Read("n1", "GET", "synced").AsString());
        Assert.True(cluster.Read("n1", "GET", "unsynced").IsNull);
    }

    /// Expiry is decided by the leader and replicated as deletions; replicas only hide expired keys.
    [Fact]
    public void Keys_expire_on_the_leader_and_followers_apply_the_deletion()
    {
        var cluster = new DriverCluster(2);
        cluster.StartAll();
        cluster.Write("SET", "session", "token", "PX", "1000");
        cluster.Write("SET", "keep", "forever");
        cluster.Settle(rounds: 1);
        Assert.Equal("token", cluster.Read("n2", "GET", "session").AsString());

        // Cut the follower off: it must hide the key by itself once the time has passed.
        cluster.Network = _ => false;
        cluster.Advance(1_500);
        Assert.True(cluster.Read("n2", "GET", "session").IsNull);
        Assert.Equal(2, cluster["n2"].Storage.ApproximateKeyCount(StorageColumn.Data));

        cluster.Network = _ => true;
        cluster.Settle();
        Assert.Equal(1, cluster["n1"].Storage.ApproximateKeyCount(StorageColumn.Data));
        Assert.Equal(1, cluster["n2"].Storage.ApproximateKeyCount(StorageColumn.Data));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
    }

    [Fact]
    public void A_pipeline_of_writes_sees_its_own_earlier_writes()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        var replies = cluster.Write(["SET", "n", "1"], ["INCR", "n"], ["INCRBY", "n", "10"]);
        Assert.Equal(12, replies[2].AsInteger());
    }
}
