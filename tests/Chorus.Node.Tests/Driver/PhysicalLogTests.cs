using Chorus.Commands.Keyspace;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// DDIA ch. 5, "Write-ahead log shipping", through the production driver: the leader ships the
/// storage bytes of each write, followers write them as they are and end byte-identical to the
/// leader; the stream is tied to the storage format version, and a follower on another version
/// (or with another physical layout) refuses it without storing any of it.
/// </summary>
public sealed class PhysicalLogTests
{
    private static readonly LogFormatSetting Physical = new(LogFormat.Physical);

    /// Collections, expiry, FLUSHDB/SWAPDB/MOVE (node-local physical ids), a transaction.
    private static readonly string[][] Workload =
    [
        ["SET", "s1", "v"],
        ["HSET", "h", "a", "1", "b", "2", "c", "3"],
        ["SADD", "set", "x", "y", "z"],
        ["RPUSH", "list", "1", "2", "3"],
        ["ZADD", "z", "1", "one", "2", "two"],
        ["INCR", "counter"],
        ["SET", "session", "x", "PX", "150"],
        ["EXPIRE", "h", "1000"],
        ["MOVE", "set", "3"],
        ["SWAPDB", "0", "3"],
        ["HDEL", "h", "a"],
        ["SPOP", "set"],
        ["FLUSHDB"],
        ["SET", "after-flush", "1"],
        ["SWAPDB", "0", "3"],
        ["DEL", "list"],
        ["APPEND", "s1", "w"],
    ];

    [Fact]
    public void A_physical_cluster_ships_storage_bytes_and_every_replica_is_byte_identical()
    {
        var cluster = new DriverCluster(3) { LogFormat = Physical };
        cluster.StartAll();
        for (var round = 0; round < 5; round++)
        {
            cluster.Write(Workload);
            cluster.Transaction(null, null, ["HSET", "tx", "f", round.ToString(System.Globalization.CultureInfo.InvariantCulture)], ["SADD", "txset", $"m{round}"]);
            cluster.Advance(97);
        }
        cluster.Advance(300); // "session" expires: the leader's deletion is row-based in every format
        cluster.Settle();

        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
        foreach (var column in new[] { StorageColumn.Data, StorageColumn.Elements, StorageColumn.Expiry })
        {
            Assert.Equal(Dump(cluster, "n1", column), Dump(cluster, "n2", column));
            Assert.Equal(Dump(cluster, "n1", column), Dump(cluster, "n3", column));
        }
        var kinds = Log(cluster, "n3").Select(e => e.Kind).ToList();
        Assert.Contains(PayloadKind.Physical, kinds);
        Assert.DoesNotContain(PayloadKind.Statement, kinds);
        Assert.Equal(Physical, cluster["n2"].Driver!.LogFormat);
        Assert.Equal("4", cluster.Read("n2", "HGET", "tx", "f").AsString());
    }

    /// The rolling-upgrade problem: a follower on another storage format refuses the stream,
    /// names both versions, keeps what it had, and the rest of the cluster goes on.
    [Fact]
    public void A_follower_on_another_storage_format_refuses_the_stream_and_keeps_its_data()
    {
        var cluster = new DriverCluster(3) { LogFormat = Physical, StorageFormatVersions = { ["n3"] = 3 } };
        cluster.StartAll();
        cluster.Settle();
        var before = cluster.Digest("n3");
        var appliedBefore = cluster["n3"].Driver!.Applied.Applied;

        cluster.Write("SET", "k", "v");
        cluster.Write("HSET", "h", "f", "1");
        cluster.Settle();

        var refusal = cluster["n3"].Driver!.ReplicationRefusal;
        Assert.NotNull(refusal);
        Assert.Contains("storage format version 2", refusal);
        Assert.Contains("this node's storage format is version 3", refusal);
        Assert.Equal(before, cluster.Digest("n3"));
        Assert.True(cluster["n3"].Driver!.Applied.Applied.Value <= appliedBefore.Value + 1, "at most the format marker was stored");
        Assert.DoesNotContain(PayloadKind.Physical, Log(cluster, "n3").Select(e => e.Kind));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal("v", cluster.Read("n2", "GET", "k").AsString());

        // A stopped node answers writes with the reason instead of taking them.
        using var write = new ClientWriteBatch();
        write.Commands.Add(["SET", "x", "y"]);
        cluster.Post("n3", new ClientWritesInput(write));
        Assert.StartsWith("ERR replication on this node stopped: physical log entry", write.Error);
    }

    /// A node whose physical ids are not the leader's (here: it flushed a database on its own)
    /// refuses the first physical entry rather than write bytes that mean something else to it.
    [Fact]
    public void A_follower_with_another_physical_layout_refuses_the_stream()
    {
        var cluster = new DriverCluster(3) { LogFormat = Physical };
        cluster.StartAll();
        cluster.Write("SET", "a", "1");
        cluster.Settle();
        cluster.Crash("n3");
        var local = new StagedKeyspace(cluster["n3"].Storage);
        local.FlushDatabase(5); // database 5 now maps to a physical id the leader never handed out
        using (var batch = cluster["n3"].Storage.NewBatch())
        {
            local.FlushTo(batch, new Lsn(0));
            cluster["n3"].Storage.Write(batch, sync: true);
        }
        cluster.Start("n3");

        cluster.Write("SET", "b", "2");
        cluster.Settle();

        var refusal = cluster["n3"].Driver!.ReplicationRefusal;
        Assert.NotNull(refusal);
        Assert.Contains("does not fit this node's storage layout", refusal);
        Assert.Null(cluster.Read("n3", "GET", "b").AsString());
        Assert.Equal("2", cluster.Read("n2", "GET", "b").AsString());
    }

    /// DDIA ch. 5, "Leader failure": physical entries only the old leader had are undone from the
    /// values they replaced (kept beside the log), and go to the rollback file.
    [Fact]
    public void A_returning_old_leader_undoes_its_physical_entries()
    {
        var cluster = new DriverCluster(3) { LogFormat = Physical };
        cluster.StartAll();
        cluster.Write("HSET", "h", "a", "1");
        cluster.Write("SET", "price", "1");
        cluster.Settle();

        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        cluster.Write("HSET", "h", "b", "2");
        cluster.Write("INCRBYFLOAT", "price", "0.5");
        cluster.Write("FLUSHDB");
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(LogFormatSetting.Default)));
        cluster.Write("SET", "logical", "after the marker");
        ElectAnotherLeader(cluster);
        cluster.Write("SET", "new-leader", "x");

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);

        Assert.Equal(cluster.Digest(cluster.Leader), cluster.Digest("n1"));
        Assert.Equal(1, cluster.Read("n1", "HLEN", "h").AsInteger());
        Assert.Equal("1", cluster.Read("n1", "GET", "price").AsString());
        Assert.Equal("x", cluster.Read("n1", "GET", "new-leader").AsString());
        var record = Assert.Single(cluster["n1"].Rollbacks.Records);
        Assert.Equal(3, record.Entries.Count(e => e.Kind == PayloadKind.Physical));
        Assert.Contains(PayloadKind.Logical, record.Entries.Select(e => e.Kind));
    }

    /// A format switch at a marker: logical before, physical after, logical again; a follower
    /// restarted across it reads the mixed log.
    [Fact]
    public void The_format_switches_to_physical_and_back_at_markers()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write(Workload);
        cluster.Settle();
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(Physical)));
        cluster.Write(Workload);
        cluster.Settle();
        cluster.Crash("n3");
        cluster.Write(["HSET", "h", "late", "1"], ["SADD", "set", "late"]);
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(LogFormatSetting.Default)));
        cluster.Write("SET", "after", "logical again");

        cluster.Start("n3");
        cluster.Settle();

        Assert.Null(cluster["n3"].Driver!.ReplicationRefusal);
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
        var kinds = Log(cluster, "n3").Select(e => e.Kind).ToList();
        Assert.Contains(PayloadKind.Physical, kinds);
        Assert.Equal(PayloadKind.Logical, kinds[^1]);
    }

    private static List<string> Dump(DriverCluster cluster, string id, StorageColumn column)
    {
        var rows = new List<string>();
        using var iterator = cluster[id].Storage.NewIterator(column);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            rows.Add($"{Convert.ToHexString(iterator.Key)}={Convert.ToHexString(iterator.Value)}");
        }
        return rows;
    }

    private static void ElectAnotherLeader(DriverCluster cluster)
    {
        for (var round = 0; round < 300 && !cluster.Members.Skip(1).Any(m => cluster[m.Value].Driver is { Status.Role: Replication.NodeRole.Leader }); round++)
        {
            cluster.Settle(rounds: 1);
        }
        Assert.NotEqual("n1", cluster.Leader);
    }

    private static bool RunOnLoop(DriverCluster cluster, string id, Func<bool> action)
    {
        var result = false;
        var done = cluster.Admin(id, _ =>
        {
            result = action();
            return null;
        });
        Assert.True(done.IsCompleted, "the loop ran the action in its round");
        return result;
    }

    private static List<LogEntry> Log(DriverCluster cluster, string id) => new LogStore(cluster[id].Storage).Read(new Lsn(1), long.MaxValue);
}
