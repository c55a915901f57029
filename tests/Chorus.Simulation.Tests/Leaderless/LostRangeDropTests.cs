using System.Text;
using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// DDIA ch. 6, "Rebalancing partitions": once a membership change has moved a range to its new
/// owners, the old holders delete their copies (<see cref="RangeDropper"/>) — after the handover,
/// never before — and every key stays readable at quorum. A node that crashes in the middle of
/// the sweep finishes it after its restart.
/// </summary>
public sealed class LostRangeDropTests
{
    private static readonly NodeId N1 = new("n1"), N5 = new("n5");
    private const int Keys = 2_000;

    [Fact]
    public void After_a_node_joins_the_old_holders_drop_exactly_the_moved_keys_and_every_key_stays_readable()
    {
        const int seed = 91;
        var (cluster, settings) = Joined(seed);
        var members = cluster.Members.Append(N5).ToList();
        Assert.True(cluster.RunUntil(() => members.All(m => cluster.Status(m) is { DroppingLostRanges: false, Totals.RangeSweepsCompleted: > 0 }), 30_000),
            $"seed {seed}: every member finished its sweep");

        var ring = new HashRing(members, settings.VirtualNodesPerNode);
        var moved = AssertOnlyHomesHoldKeys(cluster, ring, settings, seed);
        Assert.True(moved > Keys / 4, $"seed {seed}: only {moved} copies moved");
        Assert.Equal(moved, cluster.Members.Sum(m => cluster.Status(m)!.Totals.KeysDropped));
        Assert.Equal(0, cluster.Status(N5)!.Totals.KeysDropped); // the new node lost nothing
        AssertEveryKeyReadable(cluster, members, seed);
        Assert.Empty(cluster.Failures);
    }

    [Fact]
    public void A_node_that_crashes_in_the_middle_of_its_sweep_finishes_it_after_restarting()
    {
        const int seed = 92;
        var (cluster, settings) = Joined(seed);
        var members = cluster.Members.Append(N5).ToList();
        NodeId? victim = null;
        Assert.True(cluster.RunUntil(() => (victim = cluster.Members.Where(m => cluster.Status(m) is { DroppingLostRanges: true, Totals.KeysDropped: > 0 }).Select(m => (NodeId?)m).FirstOrDefault()) is not null, 30_000),
            $"seed {seed}: a sweep got under way");
        var droppedBeforeCrash = cluster.Status(victim!.Value)!.Totals.KeysDropped;
        cluster.Crash(victim.Value);
        cluster.RunFor(200);
        cluster.Start(victim.Value);
        Assert.True(cluster.RunUntil(() => cluster.Status(victim.Value) is { DroppingLostRanges: false, Totals.RangeSweepsCompleted: > 0 }, 30_000),
            $"seed {seed}: {victim} swept again after its restart");
        Assert.True(cluster.Status(victim.Value)!.Totals.KeysDropped > 0, $"seed {seed}: {victim} had dropped {droppedBeforeCrash} keys before the crash and found more after it");
        Assert.True(cluster.RunUntil(() => members.All(m => cluster.Status(m) is { DroppingLostRanges: false }), 30_000), $"seed {seed}: every sweep ended");

        AssertOnlyHomesHoldKeys(cluster, new HashRing(members, settings.VirtualNodesPerNode), settings, seed);
        AssertEveryKeyReadable(cluster, members, seed);

        // The finished sweep is recorded: the next restart does not scan again.
        cluster.Crash(victim.Value);
        cluster.RunFor(200);
        cluster.Start(victim.Value);
        cluster.RunFor(settings.RequestTimeoutMs * 5);
        Assert.True(cluster.Status(victim.Value) is { DroppingLostRanges: false, Totals.RangeSweepsCompleted: 0, Totals.KeysDropped: 0 }, $"seed {seed}: {victim} swept again after a restart that followed a finished sweep");
        Assert.Empty(cluster.Failures);
    }

    /// <summary>A four-node ring with <see cref="Keys"/> keys, then n5 added and the handover done everywhere.</summary>
    private static (LeaderlessSimCluster Cluster, LeaderlessSettings Settings) Joined(int seed)
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2 };
        var cluster = new LeaderlessSimCluster(seed, 4, settings, spares: 1);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var acknowledged = 0;
        for (var i = 0; i < Keys; i++)
        {
            cluster.Send(cluster.Members[i % 4], ["SET", $"k{i}", $"v{i}"], reply => acknowledged += reply.AsString() == "OK" ? 1 : 0);
        }
        Assert.True(cluster.RunUntil(() => acknowledged == Keys, 30_000), $"seed {seed}: {acknowledged} of {Keys} writes acknowledged");
        cluster.Start(N5);
        cluster.RunFor(300);
        Assert.Equal("OK", cluster.Call(N1, "CHORUS.RING", "ADD", "n5", "n5.sim:7000", "n5.sim:6379").AsString());
        var members = cluster.Members.Append(N5).ToList();
        Assert.True(cluster.RunUntil(() => members.All(m => cluster.Status(m) is { Ring.Version: 2, PreviousRing: null }), 60_000), $"seed {seed}: the handover completes");
        return (cluster, settings);
    }

    /// <summary>Every key is stored by exactly its home replicas under <paramref name="ring"/>; returns the copies the old holders no longer keep.</summary>
    private static int AssertOnlyHomesHoldKeys(LeaderlessSimCluster cluster, HashRing ring, LeaderlessSettings settings, int seed)
    {
        var moved = 0;
        for (var i = 0; i < Keys; i++)
        {
            var key = $"k{i}";
            var hash = KeyHash.Of(Encoding.UTF8.GetBytes(key));
            var homes = ring.PreferenceList(hash, settings.N);
            foreach (var node in cluster.Members.Append(N5))
            {
                var held = !cluster.StoredVersions(node, key).IsEmpty;
                Assert.True(held == homes.Contains(node), $"seed {seed}: {node} {(held ? "still holds" : "lacks")} {key} (homes {string.Join(",", homes)})");
            }
            moved += cluster.Ring.PreferenceList(hash, settings.N).Count(old => !homes.Contains(old));
        }
        return moved;
    }

    private static void AssertEveryKeyReadable(LeaderlessSimCluster cluster, IReadOnlyList<NodeId> members, int seed)
    {
        for (var i = 0; i < Keys; i += 7)
        {
            var value = cluster.Call(members[i % members.Count], "GET", $"k{i}").AsString();
            Assert.True(value == $"v{i}", $"seed {seed}: GET k{i} read {value}");
        }
    }
}
