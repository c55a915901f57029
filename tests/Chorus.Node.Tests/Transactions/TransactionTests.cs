using Chorus.Commands.Logical;
using Chorus.Core.Log;
using Chorus.Node.Tests.Driver;
using Chorus.Resp;

namespace Chorus.Node.Tests.Transactions;

/// <summary>
/// Issue 15, transactions: MULTI ... EXEC runs as one unit on the leader's loop and becomes ONE
/// log entry — one atomic batch on every node, one unit in a rollback file — so no node ever
/// holds half of a transaction. WATCH fails EXEC when a watched key changed (a write from any
/// connection, a replicated entry on a follower, a rollback). Through the production driver,
/// replication core and command layer, over in-memory disks and network.
/// </summary>
public sealed class TransactionTests
{
    [Fact]
    public void A_transaction_is_one_log_entry_and_runtime_errors_are_per_command_replies()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        var before = cluster.Log("n1").Count;

        using var batch = cluster.Transaction(null, null, ["SET", "x", "1"], ["INCR", "x"], ["LPUSH", "x", "a"], ["GET", "x"], ["HSET", "h", "f", "v"]);
        Assert.True(batch.Completion.IsCompleted);
        var replies = DriverCluster.Replies(batch);
        Assert.Equal(["OK", "2", "WRONGTYPE Operation against a key holding the wrong kind of value", "2", "1"], replies.Select(r => r.AsString() ?? r.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(5, batch.ReplyEnds.Count);
        Assert.Equal(batch.Replies.WrittenCount, batch.ReplyEnds[^1]);

        var added = cluster.Log("n1").Skip(before).Where(e => e.Kind == PayloadKind.Logical).ToList();
        var entry = Assert.Single(added);
        var keys = LogicalPayload.Decode(entry.Payload.Span).OfType<KeyChange>().Select(c => System.Text.Encoding.UTF8.GetString(c.Key)).ToList();
        Assert.Equal(["x", "x", "h"], keys);

        cluster.Settle();
        Assert.Equal("2", cluster.Read("n3", "GET", "x").AsString());
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
    }

    [Fact]
    public void Reads_inside_a_transaction_see_its_own_earlier_writes()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var batch = cluster.Transaction(null, null, ["RPUSH", "l", "a", "b"], ["LRANGE", "l", "0", "-1"], ["SADD", "s", "m"], ["SISMEMBER", "s", "m"], ["SELECT", "3"], ["SET", "k", "in-3"], ["GET", "k"]);
        var replies = DriverCluster.Replies(batch);
        Assert.Equal(2, replies[1].Items.Count);
        Assert.Equal(1, replies[3].Integer);
        Assert.Equal("in-3", replies[6].AsString());
        Assert.Equal(3, batch.Db);
        Assert.Null(cluster.Read("n1", "GET", "k").AsString());
    }

    [Fact]
    public void A_write_to_a_watched_key_aborts_the_transaction_and_nothing_is_applied()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        cluster.Write("SET", "balance", "10");
        var watch = new WatchSet();
        cluster.Watch("n1", watch, "balance");
        cluster.Write("SET", "balance", "10"); // the same value still counts as a change, as in Redis

        using var batch = cluster.Transaction(watch, null, ["SET", "balance", "0"], ["SET", "spent", "10"]);
        Assert.True(batch.WatchAborted);
        Assert.Empty(batch.Replies.WrittenMemory.ToArray());
        Assert.Equal("10", cluster.Read("n1", "GET", "balance").AsString());
        Assert.True(cluster.Read("n1", "GET", "spent").IsNull);
    }

    [Fact]
    public void An_untouched_watch_lets_the_transaction_run()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        cluster.Write("SET", "a", "1");
        var watch = new WatchSet();
        cluster.Watch("n1", watch, "a");
        cluster.Watch("n1", watch, "missing");
        cluster.Write("SET", "other", "1");
        cluster.Write("FLUSHDB"); // "missing" did not exist, "a" did: only a flush of an existing key counts

        using var batch = cluster.Transaction(watch, null, ["SET", "a", "2"]);
        Assert.True(batch.WatchAborted);

        var second = new WatchSet();
        cluster.Watch("n1", second, "missing");
        cluster.Write("FLUSHDB");
        using var runs = cluster.Transaction(second, null, ["SET", "missing", "now"]);
        Assert.False(runs.WatchAborted);
        Assert.Equal("now", cluster.Read("n1", "GET", "missing").AsString());
    }

    [Fact]
    public void An_earlier_write_in_the_same_loop_round_aborts_a_watching_transaction()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        var watch = new WatchSet();
        cluster.Watch("n1", watch, "k");
        var node = cluster["n1"];
        var write = new ClientWriteBatch();
        write.Commands.Add("SET", "k", "other");
        var transaction = new ClientWriteBatch { IsTransaction = true, TransactionWrites = true, Watch = watch };
        transaction.Commands.Add("SET", "k", "mine");
        node.Inbox.Post(new ClientWritesInput(write));
        node.Inbox.Post(new ClientWritesInput(transaction));
        LoopRound.Run(node.Driver!, node.Inbox, cluster.NowMs);
        Assert.True(transaction.WatchAborted);
        Assert.Equal("other", cluster.Read("n1", "GET", "k").AsString());
    }

    [Fact]
    public void A_replicated_change_marks_a_watch_on_a_follower()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "k", "1");
        cluster.Settle();
        var watch = new WatchSet();
        cluster.Watch("n2", watch, "k");
        var untouched = new WatchSet();
        cluster.Watch("n2", untouched, "unrelated");
        cluster.Write("SET", "k", "2");
        cluster.Settle();
        Assert.True(watch.IsDirty);
        Assert.False(untouched.IsDirty);
    }

    [Fact]
    public void A_rollback_marks_every_watch_and_puts_the_whole_transaction_in_one_rollback_entry()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "stable", "1");
        cluster.Settle();
        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        using var lost = cluster.Transaction(null, null, ["SET", "a", "1"], ["SET", "b", "2"], ["INCR", "stable"]);
        var watch = new WatchSet();
        cluster.Watch("n1", watch, "nothing-writes-this");
        cluster.Settle(rounds: 40);
        Assert.NotEqual("n1", cluster.Leader);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);
        Assert.Equal(cluster.Digest(cluster.Leader), cluster.Digest("n1"));
        Assert.True(watch.IsDirty);
        Assert.True(cluster.Read("n1", "GET", "a").IsNull);
        Assert.Equal("1", cluster.Read("n1", "GET", "stable").AsString());
        var record = Assert.Single(cluster["n1"].Rollbacks.Records);
        var transaction = Assert.Single(record.Entries, e => e.Kind == PayloadKind.Logical);
        Assert.Equal(3, LogicalPayload.Decode(transaction.Payload.Span).Count);
    }

    [Fact]
    public void A_read_only_transaction_runs_on_a_follower()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "k", "v");
        cluster.Settle();
        using var batch = cluster.Transaction(null, "n2", ["GET", "k"], ["EXISTS", "k"]);
        Assert.True(batch.Completion.IsCompleted);
        Assert.False(batch.Failed);
        var replies = DriverCluster.Replies(batch);
        Assert.Equal("v", replies[0].AsString());
        Assert.Equal(1, replies[1].Integer);
    }

    [Fact]
    public void A_writing_transaction_on_a_follower_is_refused_whole()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        using var batch = cluster.Transaction(null, "n2", ["SET", "k", "v"], ["GET", "k"]);
        Assert.True(batch.Failed);
        var error = Assert.Single(DriverCluster.Replies(batch));
        Assert.Equal(RespValueKind.Error, error.Kind);
    }

    /// A follower forwards its watch as (its applied LSN, the keys): the leader checks its own log
    /// after that position, which may hold changes the follower has not received yet.
    [Fact]
    public void A_forwarded_watch_aborts_when_the_leaders_log_changed_a_watched_key_after_the_followers_position()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "k", "1");
        cluster.Settle();
        var position = cluster["n2"].Driver!.Applied.Applied;
        cluster.Write("SET", "unrelated", "1");
        var untouched = Forwarded(cluster, position, "k");
        Assert.False(untouched.WatchAborted);

        var later = cluster["n2"].Driver!.Applied.Applied;
        cluster.Write("SET", "k", "changed on the leader only");
        var changed = Forwarded(cluster, later, "k");
        Assert.True(changed.WatchAborted);
        Assert.Equal("changed on the leader only", cluster.Read("n1", "GET", "k").AsString());
    }

    private static ClientWriteBatch Forwarded(DriverCluster cluster, Chorus.Core.Lsn after, string key)
    {
        var batch = new ClientWriteBatch
        {
            IsTransaction = true,
            TransactionWrites = true,
            RemoteWatch = new ForwardedWatch(after, [(0, System.Text.Encoding.UTF8.GetBytes(key))]),
        };
        batch.Commands.Add("SET", key, "mine");
        var node = cluster["n1"];
        node.Inbox.Post(new ClientWritesInput(batch));
        LoopRound.Run(node.Driver!, node.Inbox, cluster.NowMs);
        return batch;
    }
}
