using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// DDIA ch. 5, "Writing to the database when a node is down" and "Sloppy quorums and hinted
/// handoff": the three ways a replica that missed writes catches up — hinted handoff, read
/// repair, anti-entropy — each on its own (the others switched off), in seeded simulator runs.
/// </summary>
public sealed class LeaderlessRepairTests
{
    private static readonly NodeId N1 = new("n1"), N3 = new("n3");

    /// The broken variant (stand-ins acknowledge hints and throw them away) is caught by the same check.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_crashed_home_replica_receives_its_hints_when_it_returns(bool dropHints)
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, ReadRepair = false, AntiEntropy = false, DropHints = dropHints };
        var cluster = Started(31, nodes: 5, settings);
        var victim = new NodeId("n4");
        cluster.Crash(victim);
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var keys = Enumerable.Range(0, 40).Select(i => $"k{i}").ToList();
        foreach (var key in keys)
        {
            Assert.Equal("OK", cluster.Call(cluster.Homes(key).First(h => h != victim), "SET", key, "v-" + key).AsString());
        }
        var missed = keys.Where(k => cluster.Homes(k).Contains(victim)).ToList();
        Assert.NotEmpty(missed);
        Assert.All(missed, key => Assert.True(cluster.StoredVersions(victim, key).IsEmpty));

        cluster.Start(victim);
        var delivered = cluster.RunUntil(() => missed.All(key => Value(cluster.StoredVersions(victim, key)) == "v-" + key), 20_000);

        if (dropHints)
        {
            Assert.False(delivered, "seed 31: with hints dropped, nothing brings the missed writes to the returning node");
            return;
        }
        Assert.True(delivered, $"seed 31: {missed.Count(key => Value(cluster.StoredVersions(victim, key)) != "v-" + key)} of {missed.Count} keys still missing at {victim}");
        Assert.True(cluster.RunUntil(() => cluster.Members.All(m => cluster.Status(m)!.HintsPending == 0), 10_000), "every hint is deleted once delivered");
        Assert.True(cluster.Members.Sum(m => cluster.Status(m)!.Totals.HintsDelivered) >= missed.Count);
        Assert.Empty(cluster.Failures);
    }

    [Fact]
    public void Anti_entropy_alone_repairs_a_replica_that_was_cut_off_during_writes()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, SloppyQuorum = false, HintedHandoff = false, ReadRepair = false, AntiEntropyIntervalMs = 300 };
        var cluster = Started(32, nodes: 3, settings);
        cluster.Network.Partition([[N3], [N1, new NodeId("n2")]]);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", $"k{i}", $"v{i}").AsString());
        }
        cluster.RunFor(2 * settings.RequestTimeoutMs); // the coordinators stop retrying n3
        Assert.NotEqual(cluster.Digest(N1), cluster.Digest(N3));

        cluster.Network.Heal();
        var converged = cluster.RunUntil(() => cluster.Members.All(m => cluster.Digest(m) == cluster.Digest(N1)), 30_000);

        Assert.True(converged, "seed 32: digests equal after anti-entropy");
        cluster.RunFor(100); // the published status is up to 50 ms old
        Assert.True(cluster.Status(N3)!.Totals.KeysRepaired >= 30, $"n3 repaired {cluster.Status(N3)!.Totals.KeysRepaired} keys");
        Assert.Equal(0, cluster.Members.Sum(m => cluster.Status(m)!.Totals.ReadRepairs));
        Assert.Empty(cluster.Failures);
    }

    [Fact]
    public void Without_hints_or_anti_entropy_the_cut_off_replica_stays_stale_until_read_repair_fixes_what_is_read()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 3, SloppyQuorum = false, HintedHandoff = false, AntiEntropy = false };
        var cluster = Started(33, nodes: 3, settings);
        cluster.Network.Partition([[N3], [N1, new NodeId("n2")]]);
        for (var i = 0; i < 10; i++)
        {
            cluster.Call(N1, "SET", $"k{i}", $"v{i}");
        }
        cluster.RunFor(2 * settings.RequestTimeoutMs); // the coordinators stop retrying n3
        cluster.Network.Heal();
        cluster.RunFor(3_000);
        Assert.All(Enumerable.Range(0, 10), i => Assert.True(cluster.StoredVersions(N3, $"k{i}").IsEmpty, $"nothing repairs k{i} by itself"));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"v{i}", cluster.Call(N3, "GET", $"k{i}").AsString());
        }
        cluster.RunFor(1_000);

        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal($"v{i}", Value(cluster.StoredVersions(N3, $"k{i}"))));
        Assert.All(Enumerable.Range(5, 5), i => Assert.True(cluster.StoredVersions(N3, $"k{i}").IsEmpty));
        Assert.True(cluster.Members.Sum(m => cluster.Status(m)!.Totals.ReadRepairs) >= 5);
    }

    [Theory]
    [InlineData("CHORUS.GETV k R 4", "R (4) is larger than N (3)")]
    [InlineData("CHORUS.GETV k N 5", "larger than the cluster's N")]
    [InlineData("CHORUS.GETV k R 0", "R must be an integer between 1 and 64")]
    [InlineData("CHORUS.GETV k X 1", "unknown quorum option 'X'")]
    [InlineData("CHORUS.PUTV k nonsense! v", "invalid version context")]
    [InlineData("SET k v KEEPTTL", "SET options NX, XX, GET and KEEPTTL are not supported by the leaderless family")]
    [InlineData("INCR k", "'incr' is not supported by the leaderless family")]
    public void Bad_quorum_requests_get_a_clear_error(string command, string expected)
    {
        var cluster = Started(35, nodes: 3, new LeaderlessSettings());
        var reply = cluster.Call(N1, command.Split(' '));
        Assert.True(reply.IsError, reply.ToString());
        Assert.Contains(expected, reply.AsString(), StringComparison.Ordinal);
    }

    internal static LeaderlessSimCluster Started(int seed, int nodes, LeaderlessSettings settings)
    {
        var cluster = new LeaderlessSimCluster(seed, nodes, settings);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        return cluster;
    }

    internal static string? Value(DottedVersionVectorSet<VersionedValue> versions) =>
        KeyVersions.Winner(versions) is { Value.Bytes: { } bytes } ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}
