using Chorus.Core;
using Chorus.Replication.Leaderless;
using static Chorus.Simulation.Tests.Leaderless.LeaderlessRepairTests;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// Deletes in a leaderless store are tombstones (DDIA ch. 5, "Leaderless replication"; Dynamo,
/// Cassandra's gc_grace): kept so that older copies cannot bring a value back, collected once every
/// home replica holds the deletion and the grace period has passed, so deleted keys do not take
/// space forever. Seeded simulator runs through the production shell and core.
/// </summary>
public sealed class TombstoneCollectionTests
{
    private static readonly NodeId N1 = new("n1"), N3 = new("n3");

    private static readonly LeaderlessSettings Settings = new() { N = 3, W = 2, R = 2, SloppyQuorum = false, HintedHandoff = true, TombstoneGraceMs = 2_000 };

    [Fact]
    public void A_deletion_every_home_replica_stored_is_collected_everywhere_after_the_grace_period()
    {
        var cluster = Started(61, nodes: 4, Settings);
        var keys = Enumerable.Range(0, 30).Select(i => $"gone{i}").ToList();
        foreach (var key in keys)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", key, "v").AsString());
        }
        foreach (var key in keys)
        {
            Assert.Equal(1, cluster.Call(N1, "DEL", key).AsInteger());
        }
        Assert.True(keys.All(key => cluster.Homes(key).All(home => !cluster.StoredVersions(home, key).IsEmpty)), "seed 61: right after the deletes every home replica holds a tombstone");

        var collected = cluster.RunUntil(() => keys.All(key => cluster.Members.All(m => cluster.StoredVersions(m, key).IsEmpty)), 3 * Settings.TombstoneGraceMs);

        Assert.True(collected, $"seed 61: {keys.Count(key => cluster.Members.Any(m => !cluster.StoredVersions(m, key).IsEmpty))} of {keys.Count} tombstones still stored");
        // The published status trails the core by up to one status interval.
        Assert.True(cluster.RunUntil(() => cluster.Members.Sum(m => cluster.Status(m)!.Totals.TombstonesReaped) == keys.Count * Settings.N, 2_000));
        Assert.All(cluster.Members, m => Assert.Equal(0, cluster.Status(m)!.TombstonesPending));
        Assert.Single(cluster.Members.Select(cluster.Digest).Distinct());
        Assert.True(cluster.Call(new NodeId("n2"), "GET", "gone0").IsNull);
        // The key starts over: counters restart, and a new write reads back.
        Assert.Equal("OK", cluster.Call(new NodeId("n4"), "SET", "gone0", "again").AsString());
        Assert.Equal("again", cluster.Call(N3, "GET", "gone0").AsString());
        Assert.Empty(cluster.Failures);
    }

    /// Collecting a deletion a home replica never stored would let that replica's old value come
    /// back through read repair or anti-entropy: such a deletion is kept, and the value stays deleted.
    [Fact]
    public void A_deletion_a_home_replica_missed_is_kept_and_the_value_never_comes_back()
    {
        var cluster = Started(62, nodes: 3, Settings with { AntiEntropyIntervalMs = 300 });
        var keys = Enumerable.Range(0, 20).Select(i => $"kept{i}").ToList();
        foreach (var key in keys)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", key, "old").AsString());
        }
        cluster.Network.Partition([[N3], [N1, new NodeId("n2")]]);
        foreach (var key in keys)
        {
            Assert.Equal(1, cluster.Call(N1, "DEL", key).AsInteger());
        }
        cluster.RunFor(3 * Settings.TombstoneGraceMs);
        Assert.All(keys, key => Assert.False(cluster.StoredVersions(N1, key).IsEmpty, $"seed 62: {key}'s tombstone was collected while n3 had not stored it"));
        Assert.Equal(0, cluster.Members.Sum(m => cluster.Status(m)!.Totals.TombstonesReaped));

        cluster.Network.Heal();
        Assert.True(cluster.RunUntil(() => keys.All(key => Value(cluster.StoredVersions(N3, key)) is null), 20_000), "seed 62: the deletions reach n3 (hints, anti-entropy)");
        cluster.RunFor(3 * Settings.TombstoneGraceMs);
        Assert.All(keys, key => Assert.True(cluster.Call(N3, "GET", key).IsNull, $"seed 62: {key} came back"));
        Assert.Empty(cluster.Failures);
    }

    private static string? Value(Core.Versions.DottedVersionVectorSet<Core.Versions.VersionedValue> versions) =>
        Core.Versions.KeyVersions.Winner(versions) is { Value.Bytes: { } bytes } ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}
