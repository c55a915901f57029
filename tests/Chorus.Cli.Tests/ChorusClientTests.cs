using Chorus.Cli.Tests.Support;
using Chorus.Client;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// The .NET client (docs/client.md) against real node processes: it finds the leader and the
/// followers, reads at a follower that a guarantee allows, falls back to the leader when the
/// follower is too stale, carries a session's token across devices, and follows a failover.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ChorusClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ChorusClient ClientFor(ProcessCluster cluster, params string[] ids)
    {
        // A generous write retry: on a loaded machine an election can take longer than the default 10 s.
        var options = new ChorusClientOptions { TopologyRefreshInterval = TimeSpan.FromMilliseconds(200), WriteRetryTimeout = TimeSpan.FromSeconds(60) };
        foreach (var id in ids)
        {
            options.Endpoints.Add($"127.0.0.1:{cluster[id].Port}");
        }
        return new ChorusClient(options);
    }

    /// DDIA ch. 5: the lost comment (read-your-writes), across devices, and time moving backwards (monotonic).
    [Fact]
    public async Task Sessions_read_at_a_lagging_follower_only_what_their_guarantee_allows()
    {
        // A long election timeout: n2 hears nothing while its link is held, and must not campaign.
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--fault-commands", "true", "--election-timeout-ms", "10000");
        var leader = await cluster.WaitForLeaderAsync(Deadline);
        Assert.Equal("n1", leader);
        await cluster.WaitForFollowersAsync(2);
        // The client knows n1 and n2 only, so every follower read goes to n2, the one made to lag.
        await using var client = ClientFor(cluster, "n1", "n2");
        await client.ConnectAsync(cancellationToken: Ct);
        await ProcessCluster.Eventually(async () => (await client.RefreshTopologyAsync(cancellationToken: Ct)) is { Leader.NodeId: "n1", Followers: [{ NodeId: "n2", LinkUp: true }] },
            Deadline, "the client sees n1 leading and n2 following");

        var phone = client.OpenSession(ReadConsistency.ReadYourWrites);
        await phone.StringSetAsync("comment", "first", cancellationToken: Ct);
        await cluster.WaitForReplicationAsync();
        Assert.Equal("first", (string?)await phone.StringGetAsync("comment", cancellationToken: Ct));
        Assert.Equal(1, phone.Counters.FollowerReads);

        Assert.Equal("OK", (await cluster.CommandAsync("n2", "CHORUS.FAULT", "LINK", "PAUSE")).AsString());
        await phone.StringSetAsync("comment", "second", cancellationToken: Ct);

        // Eventual reads at n2 are stale: the write is acknowledged, n2 does not have it.
        var eventual = client.OpenSession(ReadConsistency.Eventual);
        Assert.Equal("first", (string?)await eventual.StringGetAsync("comment", cancellationToken: Ct));
        Assert.Equal(1, eventual.Counters.FollowerReads);

        // Read-your-writes: n2 cannot serve the session's write in time, so the leader does.
        Assert.Equal("second", (string?)await phone.StringGetAsync("comment", cancellationToken: Ct));
        AssertReadAtLeader(phone, leaderReads: 1);

        // Another device, handed the phone's token, reads the write too.
        var laptop = client.OpenSession(ReadConsistency.ReadYourWrites, SessionToken.Parse(phone.Token.ToString()));
        Assert.Equal("second", (string?)await laptop.StringGetAsync("comment", cancellationToken: Ct));
        AssertReadAtLeader(laptop, leaderReads: 1);

        // Monotonic: having seen "second" (at the leader), the session never goes back to "first".
        var reader = client.OpenSession(ReadConsistency.Monotonic);
        Assert.Equal("second", (string?)await reader.ReadAsync(ReadConsistency.Strong, "GET", ["comment"], cancellationToken: Ct));
        Assert.Equal("second", (string?)await reader.StringGetAsync("comment", cancellationToken: Ct));
        AssertReadAtLeader(reader, leaderReads: 2);

        Assert.False((await cluster.CommandAsync("n2", "CHORUS.FAULT", "LINK", "RESUME")).IsError);
        await cluster.WaitForReplicationAsync();
        // The client routes by its own view of the cluster: until a refresh sees n2's link up again,
        // it sends the session's reads to the leader (twice in loaded full runs the read below went there).
        await ProcessCluster.Eventually(async () => (await client.RefreshTopologyAsync(cancellationToken: Ct)) is { Followers: [{ NodeId: "n2", LinkUp: true }] },
            Deadline, "the client sees n2's link up again");
        Assert.Equal("second", (string?)await laptop.StringGetAsync("comment", cancellationToken: Ct));
        Assert.Equal(1, laptop.Counters.FollowerReads);
        output.WriteLine($"phone: {phone.Counters}; laptop: {laptop.Counters}; client: {client.Counters}; token {phone.Token}");
    }

    /// <summary>
    /// The read went to the leader: held back by the lagging follower, or sent there at once when
    /// the client's topology refresh had already seen the follower's link down (timing decides which).
    /// </summary>
    private static void AssertReadAtLeader(ChorusSession session, int leaderReads)
    {
        Assert.Equal(leaderReads, session.Counters.LeaderReads);
        Assert.True(session.Counters.ReadsHeldBack <= 1, session.Counters.ToString());
    }

    [Fact]
    public async Task The_client_follows_a_failover_and_the_session_reads_its_acknowledged_writes()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        var old = await cluster.WaitForLeaderAsync(Deadline);
        await cluster.WaitForFollowersAsync(2);
        await using var client = ClientFor(cluster, "n1", "n2", "n3");
        await ProcessCluster.Eventually(async () => (await client.RefreshTopologyAsync(cancellationToken: Ct)).Leader?.NodeId == old, Deadline, $"the client sees {old} leading");
        var session = client.OpenSession(ReadConsistency.ReadYourWrites);
        for (var i = 0; i < 20; i++)
        {
            await session.StringSetAsync("counter", i, cancellationToken: Ct);
        }

        await cluster.KillAsync(old);
        var acknowledged = 19L;
        var inDoubt = 0;
        var next = 20L;
        // Write until a write is acknowledged by a new leader; the one in flight at the kill may be in doubt.
        await ProcessCluster.Eventually(async () =>
            {
                try
                {
                    await session.StringSetAsync("counter", next, cancellationToken: Ct);
                    acknowledged = next++;
                    return client.Topology.Leader is { } leader && leader.NodeId != old;
                }
                catch (WriteOutcomeUnknownException e)
                {
                    output.WriteLine($"in doubt: {e.Message}");
                    inDoubt++;
                    next++;
                    return false;
                }
            }, TimeSpan.FromSeconds(120), "a write is acknowledged by a new leader");

        var newLeader = client.Topology.Leader!.NodeId;
        Assert.NotEqual(old, newLeader);
        Assert.Equal(acknowledged, (long)await session.StringGetAsync("counter", cancellationToken: Ct));
        output.WriteLine($"{old} killed; {newLeader} leads; last acknowledged {acknowledged}; {inDoubt} in doubt; {session.Counters}");
    }

    [Fact]
    public async Task Writes_the_cluster_refuses_surface_as_redis_errors_and_change_nothing()
    {
        await using var cluster = await ProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Deadline);
        await using var client = ClientFor(cluster, "n1");
        var session = client.OpenSession();
        await session.HashSetAsync("profile", "name", "ada", cancellationToken: Ct);
        var wrongType = await Assert.ThrowsAsync<RedisServerException>(() => session.StringIncrementAsync("profile", cancellationToken: Ct));
        Assert.StartsWith("WRONGTYPE", wrongType.Message);
        var badToken = client.OpenSession(ReadConsistency.ReadYourWrites, SessionToken.Parse("v1:elsewhere=5"));
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => badToken.StringGetAsync("profile", cancellationToken: Ct));
        Assert.Contains("which this cluster does not have", refused.Message);
        Assert.Equal("ada", (string?)await session.HashGetAsync("profile", "name", cancellationToken: Ct));
        Assert.Equal(1, session.Counters.Writes);
    }
}
