using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Named sessions through the .NET client (docs/client.md): two devices — two clients, sharing
/// nothing but a session id — read each other's writes at a lagging follower, with no token
/// handed over; a session of its own at the same follower reads the stale value. Also the server
/// side the client uses (CHORUS.READ … SESSION, CHORUS.SESSION WROTE) and its refusals.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class NamedSessionClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChorusClient ClientFor(ProcessCluster cluster, params string[] ids)
    {
        var options = new ChorusClientOptions { TopologyRefreshInterval = TimeSpan.FromMilliseconds(200) };
        foreach (var id in ids)
        {
            options.Endpoints.Add($"127.0.0.1:{cluster[id].Port}");
        }
        return new ChorusClient(options);
    }

    [Fact]
    public async Task Two_devices_of_one_named_session_read_each_others_writes_at_a_lagging_follower()
    {
        // A long election timeout: n2 hears nothing while its link is held, and must not campaign.
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--fault-commands", "true", "--election-timeout-ms", "10000");
        Assert.Equal("n1", await cluster.WaitForLeaderAsync(Deadline));
        await cluster.WaitForFollowersAsync(2);
        // Two devices: separate clients (separate connections, no shared state). The laptop knows
        // n1 and n2 only, so its follower reads go to n2, the one made to lag.
        await using var phoneClient = ClientFor(cluster, "n1", "n3");
        await using var laptopClient = ClientFor(cluster, "n1", "n2");
        await ProcessCluster.Eventually(async () => (await laptopClient.RefreshTopologyAsync(cancellationToken: Ct)) is { Leader.NodeId: "n1", Followers: [{ NodeId: "n2", LinkUp: true }] },
            Deadline, "the laptop's client sees n1 leading and n2 following");
        var phone = phoneClient.OpenNamedSession("user:42", ReadConsistency.ReadYourWrites);
        var laptop = laptopClient.OpenNamedSession("user:42", ReadConsistency.ReadYourWrites);
        var stranger = laptopClient.OpenSession(ReadConsistency.ReadYourWrites);

        await phone.StringSetAsync("profile:42", "old photo", cancellationToken: Ct);
        await cluster.WaitForReplicationAsync();
        Assert.Equal("old photo", (string?)await laptop.StringGetAsync("profile:42", cancellationToken: Ct));
        Assert.Equal(1, laptop.Counters.FollowerReads);

        Assert.Equal("OK", (await cluster.CommandAsync("n2", "CHORUS.FAULT", "LINK", "PAUSE")).AsString());
        await phone.StringSetAsync("profile:42", "new photo", cancellationToken: Ct);

        // A session of its own at n2 has written nothing: the stale value is within its guarantee.
        Assert.Equal("old photo", (string?)await stranger.StringGetAsync("profile:42", cancellationToken: Ct));
        // The laptop was handed nothing, yet reads the phone's write: n2 cannot serve it, the leader does.
        Assert.Equal("new photo", (string?)await laptop.StringGetAsync("profile:42", cancellationToken: Ct));
        // Held back by n2, or sent to n1 at once if the client's topology already saw n2's link down.
        Assert.Equal(1, laptop.Counters.LeaderReads);
        // And the laptop's own write is the phone's to read.
        await laptop.StringSetAsync("status:42", "away", cancellationToken: Ct);
        Assert.Equal("away", (string?)await phone.StringGetAsync("status:42", cancellationToken: Ct));

        Assert.False((await cluster.CommandAsync("n2", "CHORUS.FAULT", "LINK", "RESUME")).IsError);
        await cluster.WaitForReplicationAsync();
        await ProcessCluster.Eventually(async () => (await laptopClient.RefreshTopologyAsync(cancellationToken: Ct)) is { Followers: [{ NodeId: "n2", LinkUp: true }] },
            Deadline, "the laptop's client sees n2's link up again");
        Assert.Equal("new photo", (string?)await laptop.StringGetAsync("profile:42", cancellationToken: Ct));
        Assert.Equal(2, laptop.Counters.FollowerReads);

        // The leader recorded both devices' writes as the session's: its token covers the laptop's.
        var info = await cluster.CommandAsync("n1", "CHORUS.SESSION", "user:42");
        Assert.True(RespMaps.Field(info, "writes").AsInteger() >= 3, $"writes recorded: {RespMaps.Field(info, "writes")}");
        var recorded = SessionToken.Parse(RespMaps.Field(info, "token").AsString()!);
        // The single-leader log is named after its cluster (sl.<cluster-id>).
        static ulong SingleLeader(SessionToken token) => token.Positions.Where(p => p.Key.StartsWith("sl", StringComparison.Ordinal)).Max(p => p.Value);
        Assert.True(SingleLeader(recorded) >= SingleLeader(laptop.Token), $"session token {recorded}, laptop {laptop.Token}");
        output.WriteLine($"phone: {phone.Counters}; laptop: {laptop.Counters}; stranger: {stranger.Counters}; session token {recorded}");

        // The server side's refusals, each clear, each changing nothing.
        var badId = await cluster.CommandAsync("n2", "CHORUS.READ", "read-your-writes", "SESSION", "user 42", "GET", "profile:42");
        Assert.True(badId.IsError);
        Assert.Contains("may hold only letters", badId.AsString());
        var notPerConnection = await cluster.CommandAsync("n2", "CHORUS.CONSISTENCY", "read-your-writes", "SESSION", "user:42");
        Assert.True(notPerConnection.IsError);
        Assert.Contains("CHORUS.SESSION <id> binds a connection", notPerConnection.AsString());
        var future = await cluster.CommandAsync("n2", "CHORUS.SESSION", "WROTE", "user:42", "v1:sl=999999999");
        Assert.True(future.IsError);
        Assert.Contains("ahead of this cluster's log", future.AsString());
        var malformed = await cluster.CommandAsync("n1", "CHORUS.SESSION", "WROTE", "user:42", "not-a-token");
        Assert.True(malformed.IsError);
    }
}
