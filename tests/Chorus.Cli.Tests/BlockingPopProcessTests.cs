using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, blocking pops with real processes: a client blocked in BLPOP — on the leader, or on
/// a follower that forwards it — is woken by a push from another connection; and a client blocked
/// on a leader that is demoted (FAILOVER) or killed gets an error, never a hang.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class BlockingPopProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Blocked_clients_are_woken_by_a_push_from_another_connection_and_a_demoted_or_killed_leader_unblocks_them_with_an_error()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);
        var follower = cluster.Members.First(m => m.Id != leader).Id;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // Woken by a push: one client on the leader, one on a follower (forwarded to the leader).
        await using var onLeader = await ConnectAsync(cluster, leader, stop.Token);
        await using var onFollower = await ConnectAsync(cluster, follower, stop.Token);
        var leaderPop = onLeader.CommandAsync(stop.Token, "BLPOP", "jobs", "0");
        await ProcessCluster.Eventually(async () => await BlockedClientsAsync(cluster, leader) == 1, Bound, "the first client is blocked on the leader");
        var followerPop = onFollower.CommandAsync(stop.Token, "BRPOP", "other", "jobs", "0");
        await ProcessCluster.Eventually(async () => await BlockedClientsAsync(cluster, leader) == 2, Bound, "the forwarded client is blocked on the leader too");
        await using (var pusher = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster[leader].Port},allowAdmin=true"))
        {
            // Served oldest first: the leader's own client, then the forwarded one.
            var db = pusher.GetDatabase();
            await db.ListRightPushAsync("jobs", "first");
            var first = await leaderPop.WaitAsync(Bound, stop.Token);
            Assert.Equal(["jobs", "first"], first.Items.Select(i => i.AsString()));
            await db.ListRightPushAsync("jobs", "second");
            var second = await followerPop.WaitAsync(Bound, stop.Token);
            Assert.Equal(["jobs", "second"], second.Items.Select(i => i.AsString()));
        }

        // A demoted leader: FAILOVER hands leadership over; its blocked client hears -UNBLOCKED.
        var demoted = onLeader.CommandAsync(stop.Token, "BLPOP", "never", "0");
        await ProcessCluster.Eventually(async () => await BlockedClientsAsync(cluster, leader) == 1, Bound, "the client is blocked on the leader");
        var target = cluster[follower];
        var handover = await cluster.CommandAsync(leader, "FAILOVER", "TO", target.Host, target.Port.ToString(CultureInfo.InvariantCulture), "TIMEOUT", "10000");
        Assert.False(handover.IsError, handover.AsString());
        var unblocked = await demoted.WaitAsync(Bound, stop.Token);
        output.WriteLine($"blocked on the demoted leader: {unblocked.AsString()}");
        Assert.StartsWith("UNBLOCKED", unblocked.AsString());

        // A killed leader: the client blocked through a follower hears an error, not silence.
        var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        var via = cluster.Members.First(m => m.Id != newLeader).Id;
        await using var throughFollower = await ConnectAsync(cluster, via, stop.Token);
        var orphaned = throughFollower.CommandAsync(stop.Token, "BLPOP", "never", "0");
        await ProcessCluster.Eventually(async () =>
        {
            if (orphaned.IsCompleted)
            {
                // Right after the handover the follower may not know the new leader yet (TRYAGAIN): ask again.
                output.WriteLine($"BLPOP through {via} answered at once: {(await orphaned).AsString()}");
                orphaned = throughFollower.CommandAsync(stop.Token, "BLPOP", "never", "0");
                return false;
            }
            return await BlockedClientsAsync(cluster, newLeader) == 1;
        }, Bound, "the forwarded client is blocked on the new leader");
        await cluster.KillAsync(newLeader);
        var failed = await orphaned.WaitAsync(Bound, stop.Token);
        output.WriteLine($"blocked through {via} on the killed leader {newLeader}: {failed.AsString()}");
        Assert.True(failed.IsError, $"an error, not {failed}");
    }

    private static Task<RespConnection> ConnectAsync(ProcessCluster cluster, string id, CancellationToken cancellationToken) =>
        RespConnection.ConnectAsync("127.0.0.1", cluster[id].Port, TimeSpan.FromSeconds(5), cancellationToken);

    /// <summary>INFO clients' blocked_clients on <paramref name="id"/>.</summary>
    private static async Task<int> BlockedClientsAsync(ProcessCluster cluster, string id)
    {
        var info = await cluster.TryInfoAsync(id, "clients");
        return info is not null && info.TryGetValue("blocked_clients", out var count) ? int.Parse(count, CultureInfo.InvariantCulture) : -1;
    }
}
