using System.Text;
using Chorus.Commands.Statements;
using Chorus.Core.Log;
using Chorus.Node.Tests.Driver;
using Chorus.Resp;

namespace Chorus.Node.Tests.Blocking;

/// <summary>
/// Issue 15, blocking pops (Redis 7.0 semantics): a client blocked in BLPOP/BZPOPMIN/BLMOVE on
/// the leader is served when another client's write gives one of its keys data — clients blocked
/// on a key are served oldest first — and what it pops is one ordinary log entry that followers
/// apply. Its deadline is the loop round's time passing it (time is an input: the test moves the
/// clock); 0 waits forever; a leader that stops leading answers -UNBLOCKED. Through the
/// production driver, core and command layer, over in-memory disks and network.
/// </summary>
public sealed class BlockingPopTests
{
    [Fact]
    public void A_blocked_blpop_is_served_by_a_later_push_and_its_pop_replicates_as_an_entry()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        using var blocked = cluster.Submit(["BLPOP", "jobs", "other", "0"]);
        Assert.False(blocked.Completion.IsCompleted, "nothing to pop: the client waits");
        Assert.True(blocked.Blocked);
        var before = cluster.Log("n1").Count;

        Assert.Equal(1, cluster.Write("RPUSH", "jobs", "job-1").Integer);

        Assert.True(blocked.Completion.IsCompleted);
        Assert.Equal(["jobs", "job-1"], Texts(DriverCluster.Replies(blocked)[0]));
        var added = cluster.Log("n1").Skip(before).Where(e => e.Kind == PayloadKind.Logical).ToList();
        Assert.Equal(2, added.Count); // the push, then the pop: each its own entry
        cluster.Settle();
        Assert.Equal(0, cluster.Read("n3", "EXISTS", "jobs").Integer);
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
    }

    [Fact]
    public void Clients_blocked_on_a_key_are_served_in_the_order_they_blocked()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var first = cluster.Submit(["BRPOP", "q", "0"]);
        using var second = cluster.Submit(["BLPOP", "elsewhere", "q", "0"]);
        using var third = cluster.Submit(["BLPOP", "q", "0"]);

        cluster.Write("LPUSH", "q", "a", "b"); // q is [b, a]
        Assert.Equal(["q", "a"], Texts(DriverCluster.Replies(first)[0]));
        Assert.Equal(["q", "b"], Texts(DriverCluster.Replies(second)[0]));
        Assert.False(third.Completion.IsCompleted);

        cluster.Write("RPUSH", "q", "c");
        Assert.Equal(["q", "c"], Texts(DriverCluster.Replies(third)[0]));
    }

    [Fact]
    public void A_push_and_pop_in_one_transaction_leave_the_blocked_client_waiting()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var blocked = cluster.Submit(["BLPOP", "q", "0"]);
        using var transaction = cluster.Transaction(null, null, ["RPUSH", "q", "x"], ["LPOP", "q"]);
        Assert.Equal("x", DriverCluster.Replies(transaction)[1].AsString());
        Assert.False(blocked.Completion.IsCompleted, "after EXEC q is empty again, as Redis sees it");
    }

    [Fact]
    public void The_timeout_ends_the_wait_with_a_null_array_and_zero_waits_forever()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var timed = cluster.Submit(["BLPOP", "q", "0.5"]);
        using var forever = cluster.Submit(["BZPOPMIN", "z", "0"]);
        using var moving = cluster.Submit(["BLMOVE", "q", "d", "LEFT", "LEFT", "0.25"]);

        cluster.Advance(249);
        Assert.False(moving.Completion.IsCompleted);
        cluster.Advance(1);
        Assert.Equal("*-1\r\n", Raw(moving)); // Redis answers a timed-out BLMOVE with a null array too
        cluster.Advance(249);
        Assert.False(timed.Completion.IsCompleted);
        cluster.Advance(1);
        Assert.Equal("*-1\r\n", Raw(timed));

        cluster.Advance(86_400_000);
        Assert.False(forever.Completion.IsCompleted);
        cluster.Write("ZADD", "z", "2.5", "m");
        Assert.Equal(["z", "m", "2.5"], Texts(DriverCluster.Replies(forever)[0]));
    }

    [Fact]
    public void A_served_blmove_pushes_on_and_serves_the_client_blocked_on_its_destination()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var mover = cluster.Submit(["BLMOVE", "inbox", "work", "RIGHT", "LEFT", "0"]);
        using var worker = cluster.Submit(["BLPOP", "work", "0"]);
        cluster.Write("LPUSH", "inbox", "task");
        Assert.Equal("task", DriverCluster.Replies(mover)[0].AsString());
        Assert.Equal(["work", "task"], Texts(DriverCluster.Replies(worker)[0]));
        Assert.Equal(0, cluster.Read("n1", "EXISTS", "work").Integer);
    }

    [Fact]
    public void A_blocked_client_on_a_leader_that_steps_down_gets_unblocked_with_an_error()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Settle();
        using var blocked = cluster.Submit(["BLPOP", "q", "0"]);
        cluster.Network = _ => false;
        cluster.Settle(rounds: 15); // n1's lease runs out: it stops leading
        Assert.True(blocked.Completion.IsCompleted);
        Assert.StartsWith("UNBLOCKED", DriverCluster.Replies(blocked)[0].AsString());
    }

    [Fact]
    public async Task Client_unblock_answers_as_a_timeout_or_an_error_and_a_departed_client_pops_nothing()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var a = cluster.Submit(["BLPOP", "q", "0"]);
        using var b = cluster.Submit(["BLPOP", "q", "0"]);
        using var c = cluster.Submit(["BLPOP", "q", "0"]);

        var released = new TaskCompletionSource<bool>();
        cluster.Post("n1", new UnblockInput(a, UnblockHow.Timeout, released));
        Assert.True(await released.Task);
        Assert.Equal("*-1\r\n", Raw(a));
        var errored = new TaskCompletionSource<bool>();
        cluster.Post("n1", new UnblockInput(b, UnblockHow.Error, errored));
        Assert.Equal("UNBLOCKED client unblocked via CLIENT UNBLOCK", DriverCluster.Replies(b)[0].AsString());
        c.Abandoned = true;
        var gone = new TaskCompletionSource<bool>();
        cluster.Post("n1", new UnblockInput(c, UnblockHow.Disconnected, gone));
        Assert.True(c.Completion.IsCompleted);

        cluster.Write("RPUSH", "q", "kept");
        Assert.Equal(1, cluster.Read("n1", "LLEN", "q").Integer);
        var again = new TaskCompletionSource<bool>();
        cluster.Post("n1", new UnblockInput(a, UnblockHow.Timeout, again));
        Assert.False(await again.Task, "a client no longer blocked is not unblocked twice");
    }

    [Fact]
    public void Under_the_statement_format_a_served_pop_is_logged_as_the_pop_it_made()
    {
        var cluster = new DriverCluster(3) { LogFormat = new LogFormatSetting(LogFormat.Statement, Rewrite: true) };
        cluster.StartAll();
        using var blocked = cluster.Submit(["BRPOP", "a", "b", "0"]);
        cluster.Write("RPUSH", "b", "x", "y");
        var statement = cluster.Log("n1").Where(e => e.Kind == PayloadKind.Statement).Select(e => StatementPayload.Decode(e.Payload.Span)).Last();
        Assert.Equal(["RPOP", "b"], statement.Arguments.Select(a => Encoding.ASCII.GetString(a)));
        cluster.Settle();
        Assert.Equal(["x"], Texts(cluster.Read("n2", "LRANGE", "b", "0", "-1")));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
    }

    private static List<string?> Texts(RespValue value) => value.Items.Select(i => i.AsString()).ToList();

    private static string Raw(ClientWriteBatch batch) => Encoding.ASCII.GetString(batch.Replies.WrittenSpan);
}
