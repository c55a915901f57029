using System.Text;
using Chorus.Commands.Statements;
using Chorus.Core.Log;
using Chorus.Node.Tests.Driver;

namespace Chorus.Node.Tests.Streams;

/// <summary>
/// Issue 15, streams through the production driver, core and command layer: XREAD BLOCK waits on
/// the leader's loop like BLPOP (woken by another client's XADD; <c>$</c> means "after what was
/// last when it blocked"; the deadline is the loop round's time), and stream writes — ids the
/// leader chose from its clock included — reach every follower identically under the logical and
/// the statement log formats.
/// </summary>
public sealed class StreamNodeTests
{
    private static readonly string[][] Writes =
    [
        ["XADD", "events", "*", "kind", "signup", "user", "1"],
        ["XADD", "events", "MAXLEN", "=", "5", "*", "kind", "login"],
        ["XADD", "events", "9999999999999-*", "kind", "future"],
        ["XADD", "other", "1-1", "a", "b"],
        ["XDEL", "other", "1-1"],
        ["XTRIM", "events", "MAXLEN", "3"],
    ];

    [Fact]
    public void An_xread_block_with_dollar_is_woken_by_the_next_xadd_and_gets_only_that_entry()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("XADD", "s", "1-0", "old", "x");
        using var blocked = cluster.Submit(["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
        Assert.False(blocked.Completion.IsCompleted, "nothing after $: the client waits");
        Assert.True(blocked.Blocked);

        cluster.Write("XADD", "unrelated", "1-0", "f", "v");
        Assert.False(blocked.Completion.IsCompleted);
        Assert.Equal("2-0", cluster.Write("XADD", "s", "2-0", "new", "y").AsString());

        Assert.True(blocked.Completion.IsCompleted);
        var reply = DriverCluster.Replies(blocked)[0];
        var stream = Assert.Single(reply.Items);
        Assert.Equal("s", stream.Items[0].AsString());
        var entry = Assert.Single(stream.Items[1].Items);
        Assert.Equal("2-0", entry.Items[0].AsString());
        Assert.Equal(["new", "y"], entry.Items[1].Items.Select(i => i.AsString()));
        cluster.Settle();
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
    }

    [Fact]
    public void An_xread_block_times_out_at_its_deadline_with_a_null_array_and_an_entry_before_it_serves_it()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var timed = cluster.Submit(["XREAD", "BLOCK", "500", "STREAMS", "a", "0-0"]);
        using var served = cluster.Submit(["XREAD", "COUNT", "1", "BLOCK", "500", "STREAMS", "b", "a", "0", "$"]);
        cluster.Advance(499);
        Assert.False(timed.Completion.IsCompleted);
        cluster.Write("XADD", "b", "5-0", "f", "v");
        Assert.Equal(["b"], DriverCluster.Replies(served)[0].Items.Select(s => s.Items[0].AsString()));
        Assert.False(timed.Completion.IsCompleted);
        cluster.Advance(1);
        Assert.Equal("*-1\r\n", Encoding.ASCII.GetString(timed.Replies.WrittenSpan));
    }

    /// Inside MULTI nothing waits: XREAD BLOCK answers at once, as Redis does.
    [Fact]
    public void An_xread_block_in_a_transaction_answers_at_once()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        using var transaction = cluster.Transaction(null, null, ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], ["XADD", "s", "1-0", "f", "v"]);
        var replies = DriverCluster.Replies(transaction);
        Assert.True(replies[0].IsNull);
        Assert.Equal("1-0", replies[1].AsString());
    }

    [Theory]
    [InlineData(LogFormat.Logical)]
    [InlineData(LogFormat.Statement)]
    public void Stream_writes_reach_every_follower_identically(LogFormat format)
    {
        var cluster = new DriverCluster(3) { LogFormat = new LogFormatSetting(format) };
        cluster.StartAll();
        for (var round = 0; round < 5; round++)
        {
            foreach (var write in Writes)
            {
                cluster.Write(write);
            }
            cluster.Advance(3);
        }
        cluster.Settle();

        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
        Assert.Equal(cluster.Read("n1", "XRANGE", "events", "-", "+"), cluster.Read("n3", "XRANGE", "events", "-", "+"));
        if (format == LogFormat.Statement)
        {
            // The log names the ids the leader chose: a follower replaying it reads no clock.
            var adds = cluster.Log("n2").Where(e => e.Kind == PayloadKind.Statement)
                .Select(e => StatementPayload.Decode(e.Payload.Span).Arguments)
                .Where(a => Encoding.ASCII.GetString(a[0]) == "XADD").ToList();
            Assert.NotEmpty(adds);
            Assert.All(adds, a => Assert.DoesNotContain(a, arg => arg.AsSpan().IndexOf((byte)'*') >= 0));
        }
    }
}
