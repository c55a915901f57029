using System.Text;
using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// Hints held for a node the ring no longer gives the key to: they go to the key's home replicas
/// under the new ring, instead of waiting for a node that will never be asked for the key.
/// </summary>
public sealed class HintRehomeTests
{
    private static readonly NodeId N1 = new("n1"), N4 = new("n4");

    [Theory]
    [InlineData(61)]
    [InlineData(62)]
    public void Hints_for_a_node_removed_while_it_was_down_reach_the_keys_new_home_replicas(int seed)
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, ReadRepair = false, AntiEntropy = false };
        var cluster = LeaderlessRepairTests.Started(seed, nodes: 5, settings);
        cluster.Crash(N4);
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var keys = Enumerable.Range(0, 60).Select(i => $"k{i}").ToList();
        foreach (var key in keys)
        {
            Assert.Equal("OK", cluster.Call(cluster.Homes(key).First(h => h != N4), "SET", key, "v-" + key).AsString());
        }
        var hinted = keys.Where(k => cluster.Homes(k).Contains(N4)).ToList();
        Assert.NotEmpty(hinted);
        var members = cluster.Members.Where(m => m != N4).ToList();
        Assert.True(members.Sum(m => cluster.Status(m)!.HintsPending) >= hinted.Count, $"seed {seed}: the stand-ins hold a hint for each write n4 missed");

        // n4 never comes back: it is removed, and its ranges move to the others.
        Assert.Equal("OK", cluster.Call(N1, "CHORUS.RING", "REMOVE", "n4").AsString());
        Assert.True(cluster.RunUntil(() => members.All(m => cluster.Status(m) is { Ring.Version: 2, PreviousRing: null }), 60_000), $"seed {seed}: the removal's handover completes");

        Assert.True(cluster.RunUntil(() => members.All(m => cluster.Status(m)!.HintsPending == 0), 20_000),
            $"seed {seed}: hints still held for {string.Join(", ", members.SelectMany(m => cluster.Status(m)!.HintsByHome.Select(h => $"{h.Key} at {m} ({h.Value})")))}");
        Assert.True(members.Sum(m => cluster.Status(m)!.Totals.HintsRehomed) >= hinted.Count, $"seed {seed}: each hint for n4 moved to the key's new home replicas");
        var ring = new HashRing(members, settings.VirtualNodesPerNode);
        foreach (var key in keys)
        {
            foreach (var home in ring.PreferenceList(KeyHash.Of(Encoding.UTF8.GetBytes(key)), settings.N))
            {
                Assert.True(LeaderlessRepairTests.Value(cluster.StoredVersions(home, key)) == "v-" + key, $"seed {seed}: {home}, a home replica of {key} under the new ring, holds {LeaderlessRepairTests.Value(cluster.StoredVersions(home, key)) ?? "nothing"}");
            }
        }
        Assert.Empty(cluster.Failures);
    }
}
