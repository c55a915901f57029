using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// The anti-entropy settings: <see cref="LeaderlessSettings.AntiEntropyKeysPerSecond"/> paces the
/// repair of a replica that missed writes, and <see cref="LeaderlessSettings.MerkleTrees"/> off
/// keeps no trees at all (the with/without comparison of what trees cost a write).
/// </summary>
public sealed class MerkleSettingsTests
{
    private static readonly NodeId N1 = new("n1"), N3 = new("n3");
    private const int Keys = 400;

    /// <summary>n3 misses <see cref="Keys"/> writes; returns the virtual ms anti-entropy takes to bring it level after the heal.</summary>
    private static long RepairMs(int seed, int keysPerSecond)
    {
        var settings = new LeaderlessSettings
        {
            N = 3, W = 2, R = 2, SloppyQuorum = false, HintedHandoff = false, ReadRepair = false,
            AntiEntropyIntervalMs = 300, AntiEntropyKeysPerSecond = keysPerSecond,
        };
        var cluster = LeaderlessRepairTests.Started(seed, nodes: 3, settings);
        cluster.Network.Partition([[N3], [N1, new NodeId("n2")]]);
        var acknowledged = 0;
        for (var i = 0; i < Keys; i++)
        {
            cluster.Send(N1, ["SET", $"k{i}", $"v{i}"], reply => acknowledged += reply.AsString() == "OK" ? 1 : 0);
        }
        Assert.True(cluster.RunUntil(() => acknowledged == Keys, 30_000), $"seed {seed}: {acknowledged} of {Keys} writes acknowledged");
        cluster.RunFor(2 * settings.RequestTimeoutMs); // the coordinators stop retrying n3

        cluster.Network.Heal();
        var healedMs = cluster.NowMs;
        Assert.True(cluster.RunUntil(() => cluster.Digest(N3) == cluster.Digest(N1), 60_000), $"seed {seed}: anti-entropy at {keysPerSecond} keys/s repairs n3");
        Assert.Empty(cluster.Failures);
        return cluster.NowMs - healedMs;
    }

    [Fact]
    public void The_anti_entropy_rate_limit_paces_the_repair()
    {
        var fast = RepairMs(61, 20_000);
        var slow = RepairMs(61, 100);
        // n1 and n2 each send n3 its missing keys at 100 keys/s at most: 400 keys take about 2 s
        // (each node's bucket starts full, at one second's worth); at 20,000 keys/s the interval dominates.
        Assert.True(slow >= 1_000, $"seed 61: at 100 keys/s the repair took {slow} ms");
        Assert.True(slow > fast + 500, $"seed 61: at 100 keys/s {slow} ms, at 20,000 keys/s {fast} ms");
    }

    [Fact]
    public void Without_merkle_trees_a_node_keeps_no_trees_and_serves_reads_and_writes()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, MerkleTrees = false, AntiEntropy = false };
        var cluster = LeaderlessRepairTests.Started(62, nodes: 3, settings);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", $"k{i}", $"v{i}").AsString());
        }
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"v{i}", cluster.Call(N3, "GET", $"k{i}").AsString());
        }
        cluster.RunFor(100); // the published status is up to 50 ms old
        Assert.All(cluster.Members, m => Assert.Equal(0, cluster.Status(m)!.Trees));
        Assert.Equal(0, cluster.Members.Sum(m => cluster.Status(m)!.AntiEntropyPasses));
        Assert.Empty(cluster.Failures);
    }

    [Fact]
    public void Anti_entropy_without_merkle_trees_is_refused_with_the_reason()
    {
        var problem = new LeaderlessSettings { MerkleTrees = false }.Problem(3);
        Assert.Equal("anti-entropy compares Merkle trees: with MerkleTrees off, switch AntiEntropy off too", problem);
        Assert.Equal("AntiEntropyKeysPerSecond must be at least 1, not 0", new LeaderlessSettings { AntiEntropyKeysPerSecond = 0 }.Problem(3));
    }
}
