using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Leader failover": a new leader may not have an old leader's last writes, and
/// "those writes are simply discarded". A session named per command (Chorus.Client's named
/// sessions, which share one connection per node) is told of exactly its own discarded writes:
/// two sessions write over the same connection, a failover discards both writes, and each learns
/// only its own — as an exception from its next read, an event, and a query of its notices.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class NamedSessionRollbackClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_a_failover_rolls_back_are_reported_to_the_named_session_that_made_each()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "2000");
        Assert.Equal("n1", await cluster.WaitForLeaderAsync(Deadline));
        await cluster.WaitForFollowersAsync(2);
        await using var client = ChorusClientTests.ClientFor(cluster, "n1", "n2", "n3");
        await ProcessCluster.Eventually(async () => (await client.RefreshTopologyAsync(cancellationToken: Ct)) is { Leader.NodeId: "n1", Followers.Count: 2 },
            Deadline, "the client sees n1 leading two followers");
        var bob = client.OpenNamedSession("bob", ReadConsistency.ReadYourWrites);
        var alice = client.OpenNamedSession("alice", ReadConsistency.ReadYourWrites);
        var raised = new List<WritesRolledBackEventArgs>();
        bob.WritesRolledBack += (_, e) => { lock (raised) { raised.Add(e); } };
        await bob.StringSetAsync("before", "replicated", cancellationToken: Ct);
        await cluster.WaitForReplicationAsync();

        // The technique of SessionTests: the followers freeze with the leader's next writes unread,
        // then the leader freezes and the followers restart without ever having read them. Both
        // sessions' writes go to n1 over the client's one connection to it.
        cluster.Pause("n2");
        cluster.Pause("n3");
        await bob.StringSetAsync("cart", "lost", cancellationToken: Ct);
        await alice.StringSetAsync("wish", "lost too", cancellationToken: Ct);
        cluster.Pause("n1");
        await cluster.KillAsync("n2");
        await cluster.KillAsync("n3");
        cluster.Start("n2");
        cluster.Start("n3");
        var leader = await cluster.WaitForLeaderAsync(Deadline, "n2", "n3");
        cluster.Resume("n1");
        await ProcessCluster.Eventually(async () => (await cluster.TryInfoAsync("n1"))?.GetValueOrDefault("chorus_rollbacks") == "1",
            Deadline, "n1 steps down and rolls back");
        await ProcessCluster.Eventually(async () => (await client.RefreshTopologyAsync(cancellationToken: Ct)).Leader?.NodeId == leader,
            Deadline, $"the client sees {leader} leading");

        // Bob's next read is not run: it throws with his lost write, and only his. Until n1 has told
        // the new leader, a read served elsewhere may still succeed; it never shows the lost value.
        SessionWritesRolledBackException? told = null;
        await ProcessCluster.Eventually(async () =>
        {
            try
            {
                Assert.Null((string?)await bob.StringGetAsync("cart", Ct));
                return false;
            }
            catch (SessionWritesRolledBackException e)
            {
                told = e;
                return true;
            }
        }, Deadline, "bob's read reports his rolled-back write");
        output.WriteLine($"bob was told: {told!.Message}");
        var lost = Assert.Single(told.Writes);
        Assert.Equal(["cart"], lost.Keys);
        Assert.Equal(lost, Assert.Single(Assert.Single(raised).Writes));
        Assert.Equal([lost], bob.RolledBackWrites);
        // Told once: the next read runs (another node repeating the notice is absorbed by the client).
        Assert.Equal("replicated", (string?)await bob.StringGetAsync("before", Ct));
        Assert.Single(raised);

        // Alice, on the same connection, is told of her own write alone; a second device of hers
        // (another client) finds it by asking the leader.
        await using var tablet = ChorusClientTests.ClientFor(cluster, "n1", "n2", "n3");
        var aliceOnTablet = tablet.OpenNamedSession("alice");
        IReadOnlyList<RolledBackWrite> hers = [];
        await ProcessCluster.Eventually(async () => (hers = await aliceOnTablet.GetRolledBackWritesAsync(Ct)).Count > 0,
            Deadline, $"{leader} knows of alice's rolled-back write");
        var aliceLost = Assert.Single(hers);
        Assert.Equal(["wish"], aliceLost.Keys);
        Assert.Equal(lost.Epoch, aliceLost.Epoch);
        Assert.Equal(lost.Lsn + 1, aliceLost.Lsn); // exact entries: bob's write, then alice's, each its own
        var aliceAsked = await alice.GetRolledBackWritesAsync(Ct);
        Assert.Equal([aliceLost], aliceAsked);
    }
}
