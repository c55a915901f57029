using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// A removed node that missed the handover (cut off while the others moved its ranges) still
/// finishes: each member that handed over keeps telling the removed nodes for a while, since
/// they can no longer reach the members themselves (peer connections from outside the ring are
/// refused). Without it the node waited for ever with leaderless_ring_moving:1, and an operator
/// waiting for 0 before stopping it waited too (the process test LeaderlessMembershipTests timed
/// out so under load: the one Handover sent to n2 was lost).
/// </summary>
public sealed class RemovedNodeHandoverTests
{
    private static readonly NodeId N1 = new("n1"), N2 = new("n2");

    [Fact]
    public void A_node_removed_while_cut_off_ends_its_handover_once_it_can_reach_the_others_again()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2 };
        var cluster = LeaderlessRepairTests.Started(81, nodes: 5, settings);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", $"k{i}", $"v{i}").AsString());
        }
        var others = cluster.Members.Where(m => m != N2).ToList();
        cluster.Network.Partition([[N2], [.. others]]);
        cluster.RunFor(2 * settings.PeerDownAfterMs);

        Assert.Equal("OK", cluster.Call(N1, "CHORUS.RING", "REMOVE", "n2").AsString());
        Assert.True(cluster.RunUntil(() => others.All(m => cluster.Status(m) is { Ring.Version: 2, PreviousRing: null }), 30_000), "seed 81: the members complete the move without n2");

        cluster.Network.Heal();
        Assert.True(cluster.RunUntil(() => cluster.Status(N2) is { Ring.Version: 2, PreviousRing: null }, 30_000),
            $"seed 81: n2 runs ring v{cluster.Status(N2)!.Ring.Version}, still waiting for {string.Join(",", cluster.Status(N2)!.AwaitedGainers)}");
        Assert.False(cluster.Status(N2)!.IsMember);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"v{i}", cluster.Call(N1, "GET", $"k{i}").AsString());
        }
        Assert.Empty(cluster.Failures);
    }
}
