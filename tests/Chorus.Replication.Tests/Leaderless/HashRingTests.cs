using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Replication.Tests.Leaderless;

public sealed class HashRingTests(ITestOutputHelper output)
{
    private static readonly NodeId[] Five = [.. Enumerable.Range(1, 5).Select(i => new NodeId($"n{i}"))];

    [Fact]
    public void Placement_depends_only_on_node_ids_and_virtual_node_count()
    {
        var a = new HashRing(Five, 64);
        var b = new HashRing(Five.Reverse(), 64);
        Assert.True(a.Tokens.SequenceEqual(b.Tokens));
        Assert.Equal(320, a.Tokens.Length);
        Assert.Equal(HashRing.TokenOf(new NodeId("n1"), 0), KeyHash.Of("n1#0"u8));
    }

    /// DDIA ch. 5, "Leaderless replication": each key lives on N distinct nodes, found clockwise.
    [Fact]
    public void A_preference_list_is_the_first_n_distinct_nodes_clockwise_from_the_key()
    {
        var ring = new HashRing(Five, 16);
        for (var k = 0; k < 2000; k++)
        {
            var hash = KeyHash.Of(BitConverter.GetBytes(k));
            var list = ring.PreferenceList(hash, 3);
            Assert.Equal(3, list.Distinct().Count());
            var owner = ring.Tokens.ToArray().Where(t => t.Token >= hash).DefaultIfEmpty(ring.Tokens[0]).First().Node;
            Assert.Equal(owner, list[0]);
        }
        Assert.Equal(5, ring.PreferenceList(0, 9).Count);
        var last = ring.Tokens[^1];
        Assert.Equal(ring.Tokens[0].Node, ring.PreferenceList(last.Token + 1, 1)[0]); // past the last token wraps around
        Assert.Equal(last.Node, ring.PreferenceList(last.Token, 1)[0]);
    }

    /// Virtual nodes even out the share of the key space each node holds; measured, not assumed.
    [Fact]
    public void Virtual_nodes_balance_the_ring()
    {
        var deviations = new Dictionary<int, double>();
        foreach (var virtualNodes in new[] { 1, 16, 256 })
        {
            var shares = new HashRing(Five, virtualNodes).PrimaryShares();
            Assert.Equal(1.0, shares.Values.Sum(), 9);
            deviations[virtualNodes] = shares.Values.Max(s => Math.Abs(s - 0.2) / 0.2);
            output.WriteLine($"{virtualNodes,3} virtual nodes per node: {string.Join(", ", shares.Select(s => $"{s.Key} {s.Value:P1}"))}; largest deviation from 20%: {deviations[virtualNodes]:P1}");
        }
        Assert.True(deviations[256] < deviations[16] && deviations[16] < deviations[1]);
        Assert.True(deviations[256] <= 0.10, $"with 256 virtual nodes a node's share deviates {deviations[256]:P1} from even");
    }

    [Fact]
    public void Keys_spread_evenly_over_the_nodes_with_256_virtual_nodes()
    {
        var ring = new HashRing(Five, 256);
        var counts = Five.ToDictionary(n => n, _ => 0);
        for (var k = 0; k < 100_000; k++)
        {
            counts[ring.PreferenceList(KeyHash.Of(System.Text.Encoding.ASCII.GetBytes($"key:{k}")), 1)[0]]++;
        }
        output.WriteLine("keys per node: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        Assert.All(counts.Values, c => Assert.InRange(c, 18_000, 22_000));
    }

    /// Sloppy quorum (DDIA ch. 5): a down home node's copy goes to the next healthy node on the
    /// ring, which is told whose copy it keeps (hinted handoff).
    [Fact]
    public void A_sloppy_preference_list_replaces_down_home_nodes_with_the_next_healthy_ones()
    {
        var ring = new HashRing(Five, 16);
        for (var k = 0; k < 500; k++)
        {
            var hash = KeyHash.Of(BitConverter.GetBytes(k));
            var walk = ring.PreferenceList(hash, 5);
            var down = new HashSet<NodeId> { walk[1] };
            var replicas = ring.SloppyPreferenceList(hash, 3, n => !down.Contains(n));
            Assert.Equal([new Replica(walk[0]), new Replica(walk[3], walk[1]), new Replica(walk[2])], replicas);
            Assert.Equal(ring.PreferenceList(hash, 3).Select(n => new Replica(n)), ring.SloppyPreferenceList(hash, 3, _ => true));
            down.UnionWith(walk.Skip(2));
            Assert.Equal([new Replica(walk[0])], ring.SloppyPreferenceList(hash, 3, n => !down.Contains(n)));
        }
    }

    [Fact]
    public void Replicated_ranges_tile_the_key_space_and_agree_with_preference_lists()
    {
        var ring = new HashRing(Five, 32);
        var ranges = ring.ReplicatedRanges(3);
        Assert.Equal(0UL, ranges[0].Range.Start);
        Assert.Equal(KeyHash.SpaceEnd, ranges[^1].Range.End);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.Equal(ranges[i - 1].Range.End, ranges[i].Range.Start);
        }
        var random = new Random(21_000);
        for (var k = 0; k < 2000; k++)
        {
            var hash = (ulong)random.NextInt64(0, long.MaxValue);
            Assert.Equal(ring.PreferenceList(hash, 3), ranges.Single(r => r.Range.Contains(hash)).Replicas);
        }
    }

    [Fact]
    public void Bad_rings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new HashRing([], 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashRing(Five, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashRing(Five, HashRing.VirtualNodesPerNodeMax + 1));
    }
}
