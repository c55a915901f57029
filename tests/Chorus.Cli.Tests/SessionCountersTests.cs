using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// A named session's counters summed over the nodes its connections use (docs/consistency.md,
/// "Seeing it"): a phone at the leader and a laptop at a follower, bound to one session, each see
/// their own node's counts and the session's sums in CHORUS.SESSION INFO.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class SessionCountersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sessions_counters_are_summed_over_the_nodes_its_connections_use()
    {
        await using var cluster = await ProcessCluster.StartAsync(2);
        await using var phone = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), Ct);
        await using var laptop = await RespConnection.ConnectAsync("127.0.0.1", cluster["n2"].Port, TimeSpan.FromSeconds(5), Ct);
        foreach (var device in new[] { phone, laptop })
        {
            Assert.False((await device.CommandAsync(Ct, "CHORUS.SESSION", "user:7")).IsError);
            Assert.Equal("OK", (await device.CommandAsync(Ct, "CHORUS.CONSISTENCY", "read-your-writes", "WAIT", "20000")).AsString());
        }
        Assert.Equal("OK", (await phone.CommandAsync(Ct, "SET", "photo:7", "new")).AsString());
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("new", (await phone.CommandAsync(Ct, "GET", "photo:7")).AsString());
        }
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("new", (await laptop.CommandAsync(Ct, "GET", "photo:7")).AsString());
        }

        // The laptop's INFO hands the leader its reads and hears the sums back.
        var atFollower = await laptop.CommandAsync(Ct, "CHORUS.SESSION", "INFO");
        Assert.Equal("leader", RespMaps.Field(atFollower, "position_source").AsString());
        Assert.Equal(3, RespMaps.Field(atFollower, "reads").AsInteger());
        Assert.Equal(5, RespMaps.Field(atFollower, "cluster_reads").AsInteger());
        Assert.Equal(1, RespMaps.Field(atFollower, "cluster_writes").AsInteger());
        var atLeader = await phone.CommandAsync(Ct, "CHORUS.SESSION", "INFO");
        Assert.Equal(2, RespMaps.Field(atLeader, "reads").AsInteger());
        Assert.Equal(5, RespMaps.Field(atLeader, "cluster_reads").AsInteger());
        Assert.Equal(1, RespMaps.Field(atLeader, "cluster_writes").AsInteger());
    }
}
