using Chorus.Commands.Statements;
using Chorus.Node.Tests.Driver;

namespace Chorus.Node.Tests.Streams;

/// <summary>
/// Issue 15, consumer groups through the production driver, core and command layer: the groups,
/// consumers and pending entries lists a leader builds with XREADGROUP, XACK, XCLAIM and
/// XAUTOCLAIM reach every follower identically under the logical and the statement log formats
/// (delivery times are the leader's command time, so a replayed statement rebuilds the same PEL),
/// and XREADGROUP BLOCK waits on the leader's loop like XREAD BLOCK.
/// </summary>
public sealed class StreamGroupNodeTests
{
    [Theory]
    [InlineData(LogFormat.Logical)]
    [InlineData(LogFormat.Statement)]
    public void Followers_have_the_leader_s_groups_consumers_and_pel(LogFormat format)
    {
        var cluster = new DriverCluster(3) { LogFormat = new LogFormatSetting(format) };
        cluster.StartAll();
        cluster.Write("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM");
        for (var round = 0; round < 4; round++)
        {
            cluster.Write("XADD", "jobs", "*", "job", $"j{round}a");
            cluster.Write("XADD", "jobs", "*", "job", $"j{round}b");
            cluster.Write("XREADGROUP", "GROUP", "workers", "alice", "COUNT", "1", "STREAMS", "jobs", ">");
            cluster.Advance(7);
            cluster.Write("XREADGROUP", "GROUP", "workers", "bob", "STREAMS", "jobs", ">");
            cluster.Advance(5);
        }
        var alicePending = cluster.Read("n1", "XPENDING", "jobs", "workers", "-", "+", "10", "alice");
        cluster.Write("XACK", "jobs", "workers", alicePending.Items[0].Items[0].AsString()!);
        cluster.Write("XCLAIM", "jobs", "workers", "carol", "0", alicePending.Items[1].Items[0].AsString()!);
        cluster.Advance(20);
        cluster.Write("XAUTOCLAIM", "jobs", "workers", "dave", "10", "0", "COUNT", "2");
        cluster.Write("XGROUP", "DELCONSUMER", "jobs", "workers", "bob");
        cluster.Write("XGROUP", "CREATE", "jobs", "audit", "0");
        cluster.Write("XREADGROUP", "GROUP", "audit", "eve", "NOACK", "STREAMS", "jobs", ">");
        cluster.Settle();

        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
        foreach (var follower in (string[])["n2", "n3"])
        {
            Assert.Equal(cluster.Read("n1", "XPENDING", "jobs", "workers"), cluster.Read(follower, "XPENDING", "jobs", "workers"));
            Assert.Equal(cluster.Read("n1", "XINFO", "GROUPS", "jobs"), cluster.Read(follower, "XINFO", "GROUPS", "jobs"));
            Assert.Equal(cluster.Read("n1", "XINFO", "STREAM", "jobs", "FULL"), cluster.Read(follower, "XINFO", "STREAM", "jobs", "FULL"));
        }
        var summary = cluster.Read("n3", "XPENDING", "jobs", "workers");
        Assert.Equal(4, summary.Items[0].Integer); // 8 delivered, 1 acked, and the 3 bob still had (dave claimed one of his) went with him
    }

    [Fact]
    public void An_xreadgroup_block_is_woken_by_the_next_xadd_and_its_entry_is_pending_everywhere()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        using var blocked = cluster.Submit(["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"]);
        Assert.False(blocked.Completion.IsCompleted, "nothing new: the client waits");

        cluster.Write("XADD", "s", "5-0", "f", "v");
        Assert.True(blocked.Completion.IsCompleted);
        var stream = Assert.Single(DriverCluster.Replies(blocked)[0].Items);
        Assert.Equal("5-0", Assert.Single(stream.Items[1].Items).Items[0].AsString());
        cluster.Settle();
        foreach (var node in (string[])["n1", "n2", "n3"])
        {
            var summary = cluster.Read(node, "XPENDING", "s", "g");
            Assert.Equal(1, summary.Items[0].Integer);
            Assert.Equal("5-0", summary.Items[1].AsString());
        }
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
    }
}
