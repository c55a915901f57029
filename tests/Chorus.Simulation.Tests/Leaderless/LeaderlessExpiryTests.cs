using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;
using static Chorus.Simulation.Tests.Leaderless.LeaderlessRepairTests;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// Expiry on a leaderless cluster (docs/leaderless.md, "Expiry"): the absolute expiry is part of
/// the versioned value, set by the node that takes the write; every node hides a value past it by
/// its own clock, the key's first live home replica deletes it by quorum write (a tombstone), and
/// a replica that missed the deletion never serves the value again. Seeded simulator runs through
/// the production shell and core; clock skew is a per-node offset.
/// </summary>
public sealed class LeaderlessExpiryTests
{
    private static readonly NodeId N1 = new("n1"), N2 = new("n2"), N3 = new("n3");

    private static readonly LeaderlessSettings Settings = new() { N = 3, W = 2, R = 2, SloppyQuorum = false, HintedHandoff = true, TombstoneGraceMs = 2_000 };

    [Fact]
    public void Keys_set_with_a_ttl_read_back_until_they_expire_then_are_deleted_on_every_replica()
    {
        var cluster = Started(71, nodes: 4, Settings);
        var keys = Enumerable.Range(0, 20).Select(i => $"session{i}").ToList();
        foreach (var key in keys)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", key, "token", "PX", "1500").AsString());
        }
        Assert.Equal("OK", cluster.Call(N1, "SET", "forever", "v").AsString());
        Assert.Equal("token", cluster.Call(N2, "GET", "session0").AsString());
        Assert.InRange(cluster.Call(N3, "PTTL", "session0").AsInteger(), 1_000, 1_500);
        Assert.Equal(1, cluster.Call(N2, "TTL", "session0").AsInteger());
        Assert.Equal(-1, cluster.Call(N2, "TTL", "forever").AsInteger());
        Assert.Equal(-2, cluster.Call(N2, "TTL", "nothing").AsInteger());
        Assert.True(keys.All(key => cluster.Homes(key).All(home => KeyVersions.AllExpireAtMs(cluster.StoredVersions(home, key)) > 0)), "seed 71: every home replica stores the expiry with the value");

        cluster.RunFor(1_600);
        Assert.All(cluster.Members, m => Assert.True(cluster.Call(m, "GET", "session0").IsNull, $"seed 71: {m} still serves an expired value"));
        Assert.Equal(0, cluster.Call(N3, ["EXISTS", .. keys]).AsInteger());
        Assert.Equal(-2, cluster.Call(N3, "PTTL", "session1").AsInteger());
        Assert.Equal("v", cluster.Call(N3, "GET", "forever").AsString());

        // Deleted (a tombstone written by quorum), then collected like any deletion.
        var gone = cluster.RunUntil(() => keys.All(key => cluster.Members.All(m => cluster.StoredVersions(m, key).IsEmpty)), 5 * Settings.TombstoneGraceMs);
        Assert.True(gone, $"seed 71: {keys.Count(key => cluster.Members.Any(m => !cluster.StoredVersions(m, key).IsEmpty))} of {keys.Count} expired keys still stored");
        // The published status trails the core by up to one status interval.
        Assert.True(cluster.RunUntil(() => cluster.Members.Sum(m => cluster.Status(m)!.Totals.ExpiredKeysDeleted) >= keys.Count, 2_000));
        // One deletion per key: only the first live home replica deletes it.
        Assert.Equal(keys.Count, cluster.Members.Sum(m => cluster.Status(m)!.Totals.ExpiredKeysDeleted));
        Assert.All(cluster.Homes("forever"), home => Assert.False(cluster.StoredVersions(home, "forever").IsEmpty));
        Assert.Empty(cluster.Failures);
    }

    /// <summary>
    /// A hot key written again and again with a TTL is tracked once per replica (not once per
    /// write), and is deleted at its last write's expiry, not at the first's.
    /// </summary>
    [Fact]
    public void A_key_written_again_and_again_is_tracked_once_and_deleted_at_its_last_expiry()
    {
        var cluster = Started(76, nodes: 3, Settings);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", "hot", $"v{i}", "PX", "1000").AsString());
        }
        Assert.Equal("OK", cluster.Call(N1, "SET", "hot", "last", "PX", "3000").AsString());
        // The published status trails the core by up to one status interval.
        Assert.True(
            cluster.RunUntil(() => cluster.Homes("hot").All(home => cluster.Status(home)!.ExpiringKeys == 1), 2_000),
            $"seed 76: expiring keys tracked per home: {string.Join(", ", cluster.Homes("hot").Select(home => $"{home} {cluster.Status(home)!.ExpiringKeys}"))}");

        cluster.RunFor(1_500); // past the first writes' expiry, well before the last's
        Assert.Equal("last", cluster.Call(N2, "GET", "hot").AsString());
        Assert.All(cluster.Homes("hot"), home => Assert.False(cluster.StoredVersions(home, "hot").IsEmpty, $"seed 76: {home} deleted the key at an earlier write's expiry"));

        var gone = cluster.RunUntil(() => cluster.Members.All(m => cluster.StoredVersions(m, "hot").IsEmpty), 3_000 + (5 * Settings.TombstoneGraceMs));
        Assert.True(gone, "seed 76: the key is still stored after its last expiry");
        Assert.Equal(1, cluster.Members.Sum(m => cluster.Status(m)!.Totals.ExpiredKeysDeleted));
        Assert.Empty(cluster.Failures);
    }

    [Fact]
    public void Expire_persist_and_their_options_follow_redis()
    {
        var cluster = Started(72, nodes: 3, Settings);
        Assert.Equal("OK", cluster.Call(N1, "SET", "k", "v").AsString());
        Assert.Equal(0, cluster.Call(N2, "EXPIRE", "missing", "10").AsInteger());
        Assert.Equal(0, cluster.Call(N2, "PERSIST", "k").AsInteger());
        Assert.Equal(0, cluster.Call(N2, "EXPIRE", "k", "10", "XX").AsInteger());
        Assert.Equal(1, cluster.Call(N2, "EXPIRE", "k", "10", "NX").AsInteger());
        Assert.Equal(10, cluster.Call(N3, "TTL", "k").AsInteger());
        Assert.Equal(0, cluster.Call(N2, "EXPIRE", "k", "100", "NX").AsInteger());
        Assert.Equal(0, cluster.Call(N2, "EXPIRE", "k", "5", "GT").AsInteger());
        Assert.Equal(1, cluster.Call(N2, "PEXPIRE", "k", "5000", "LT").AsInteger());
        Assert.InRange(cluster.Call(N1, "PTTL", "k").AsInteger(), 4_000, 5_000);
        var at = cluster.Call(N1, "PEXPIRETIME", "k").AsInteger();
        Assert.Equal(at / 1000 + (at % 1000 >= 500 ? 1 : 0), cluster.Call(N1, "EXPIRETIME", "k").AsInteger());
        Assert.Equal(1, cluster.Call(N3, "PERSIST", "k").AsInteger());
        Assert.Equal(-1, cluster.Call(N1, "TTL", "k").AsInteger());
        Assert.Equal("v", cluster.Call(N1, "GET", "k").AsString());
        Assert.Equal(1, cluster.Call(N1, "PEXPIREAT", "k", (cluster[N1].LocalMs + 60_000).ToString(System.Globalization.CultureInfo.InvariantCulture)).AsInteger());
        Assert.InRange(cluster.Call(N1, "TTL", "k").AsInteger(), 59, 60);
        // A time that is not in the future deletes the key, as in Redis.
        Assert.Equal(1, cluster.Call(N2, "EXPIRE", "k", "-1").AsInteger());
        Assert.True(cluster.Call(N3, "GET", "k").IsNull);
        Assert.Equal(-2, cluster.Call(N3, "TTL", "k").AsInteger());

        Assert.Equal("ERR value is not an integer or out of range", cluster.Call(N1, "EXPIRE", "k", "soon").AsString());
        Assert.Equal("ERR invalid expire time in 'set' command", cluster.Call(N1, "SET", "k", "v", "EX", "0").AsString());
        Assert.Equal("ERR syntax error", cluster.Call(N1, "SET", "k", "v", "EX").AsString());
        Assert.StartsWith("ERR SET options NX, XX, GET and KEEPTTL are not supported", cluster.Call(N1, "SET", "k", "v", "NX").AsString());
        Assert.Equal("ERR NX and XX, GT or LT options at the same time are not compatible", cluster.Call(N1, "EXPIRE", "k", "1", "NX", "XX").AsString());
        Assert.Equal("OK", cluster.Call(N1, "SET", "k", "v").AsString());
        Assert.Equal("ERR invalid expire time in 'pexpire' command", cluster.Call(N1, "PEXPIRE", "k", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).AsString());
        Assert.Empty(cluster.Failures);
    }

    /// <summary>
    /// Concurrent writes with different expiries become siblings, each with its own expiry; a plain
    /// read shows the newest, and once it expires the key reads as absent (as under last-write-wins).
    /// EXPIRE on a key with live siblings is refused rather than resolving the conflict silently.
    /// </summary>
    [Fact]
    public void Each_sibling_carries_its_own_expiry()
    {
        var cluster = Started(73, nodes: 3, Settings);
        Assert.Equal("OK", cluster.Call(N1, "SET", "cart", "short", "PX", "1000").AsString());
        // A write with the empty context replaces nothing: a sibling without expiry, newer.
        cluster.Call(N2, "CHORUS.PUTV", "cart", "", "long");
        var siblings = cluster.Call(N3, "CHORUS.GETV", "cart");
        Assert.Equal(3, siblings.Items.Count);
        Assert.StartsWith("ERR the key has 2 concurrent values (siblings)", cluster.Call(N3, "EXPIRE", "cart", "10").AsString());
        cluster.RunFor(1_200);
        Assert.Equal("long", cluster.Call(N3, "GET", "cart").AsString());
        var after = cluster.Call(N3, "CHORUS.GETV", "cart");
        Assert.Contains(after.Items.Skip(1), item => item.IsNull); // the expired sibling reads as a deletion
        Assert.Contains(after.Items.Skip(1), item => item.AsString() == "long");
        cluster.RunFor(3_000);
        Assert.Equal("long", cluster.Call(N1, "GET", "cart").AsString()); // never deleted with it
        Assert.Empty(cluster.Failures);
    }

    /// A home replica that was down while its keys expired and were deleted does not bring them
    /// back when it returns: the deletion reaches it (hints, anti-entropy), and its own copy carries
    /// the expiry, so it never serves the value meanwhile either (even cut off from the others).
    [Fact]
    public void A_replica_that_missed_the_expiry_does_not_bring_the_keys_back()
    {
        var cluster = Started(74, nodes: 3, Settings with { AntiEntropyIntervalMs = 300 });
        var keys = Enumerable.Range(0, 20).Select(i => $"otp{i}").ToList();
        foreach (var key in keys)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", key, "1234", "PX", "800").AsString());
        }
        Assert.True(cluster.RunUntil(() => keys.All(key => !cluster.StoredVersions(N3, key).IsEmpty), 2_000), "seed 74: n3 stores every key");
        cluster.Crash(N3);
        Assert.True(cluster.RunUntil(() => keys.All(key => cluster.StoredVersions(N1, key).Values.All(v => v.IsTombstone)), 10_000), "seed 74: the live replicas delete the expired keys");
        Assert.All(keys, key => Assert.False(cluster.StoredVersions(N3, key).Values.All(v => v.IsTombstone), $"seed 74: n3 was down, yet {key} is deleted there"));
        cluster.RunFor(2 * Settings.TombstoneGraceMs);

        cluster.Network.Partition([[N3], [N1, N2]]);
        cluster.Start(N3);
        var alone = cluster.Call(N3, "CHORUS.GETV", "otp0", "R", "1");
        Assert.True(alone.Items.Count > 1 && alone.Items.Skip(1).All(item => item.IsNull), $"seed 74: alone, n3 still hides its expired copy: {alone}");
        cluster.Network.Heal();
        Assert.True(cluster.RunUntil(() => keys.All(key => cluster.StoredVersions(N3, key).Values.All(v => v.IsTombstone)), 20_000), "seed 74: the deletions reach n3");
        cluster.RunFor(3 * Settings.TombstoneGraceMs);
        Assert.All(keys, key => Assert.True(cluster.Call(N2, "GET", key).IsNull, $"seed 74: {key} came back"));
        Assert.Equal(0, cluster.Call(N3, ["EXISTS", .. keys]).AsInteger());
        Assert.Single(cluster.Members.Select(cluster.Digest).Distinct());
        Assert.Empty(cluster.Failures);
    }

    /// <summary>
    /// A deletion that cannot reach its quorum (W = 3 with one replica cut off when the key expires)
    /// is not rolled back: each side stores its tombstone, and once the partition heals anti-entropy
    /// carries it to every replica, so no retry of the deletion is needed to free the space.
    /// </summary>
    [Fact]
    public void A_deletion_that_missed_its_quorum_still_reaches_every_replica_after_the_heal()
    {
        var strict = Settings with { W = 3, R = 1 };
        var cluster = Started(77, nodes: 3, strict);
        Assert.Equal("OK", cluster.Call(N1, "SET", "otp", "1234", "PX", "800").AsString());
        cluster.Network.Partition([[N1], [N2, N3]]);
        cluster.RunFor(800 + (3 * strict.RequestTimeoutMs));
        Assert.All(cluster.Members, m => Assert.True(cluster.Call(m, "GET", "otp").IsNull, $"seed 77: {m} serves an expired value"));

        cluster.Network.Heal();
        var deleted = cluster.RunUntil(() => cluster.Members.All(m => cluster.StoredVersions(m, "otp").Values.All(v => v.IsTombstone)), 5 * strict.RequestTimeoutMs);
        Assert.True(deleted, $"seed 77: the expired key is still stored after the heal: {string.Join(", ", cluster.Members.Select(m => $"{m} {cluster.StoredVersions(m, "otp").Values.Count(v => !v.IsTombstone)} live"))}");
        Assert.True(cluster.RunUntil(() => cluster.Members.Select(cluster.Digest).Distinct().Count() == 1, 5 * strict.TombstoneGraceMs), "seed 77: the replicas do not converge");
        Assert.Empty(cluster.Failures);
    }

    /// <summary>
    /// Clock skew (docs/leaderless.md, "Expiry"): the node that takes the write fixes the absolute
    /// expiry by its clock, and each node judges it by its own. A contact node 2 s ahead gives a
    /// 5 s TTL that lasts 7 s on correct clocks, and itself stops serving the key after 5 s real time.
    /// </summary>
    [Fact]
    public void Clock_skew_shifts_an_expiry_by_the_difference_of_the_clocks()
    {
        var cluster = new LeaderlessSimCluster(75, 5, Settings);
        var n5 = new NodeId("n5");
        cluster.StartAll();
        cluster.RunFor(2 * Settings.PeerDownAfterMs);
        var key = Enumerable.Range(0, 200).Select(i => $"skewed{i}").First(k => !cluster.Homes(k).Contains(n5));
        var reader = cluster.Homes(key)[0];
        cluster[n5].Clock.Skew(2_000_000);
        cluster.RunFor(100);

        Assert.Equal("OK", cluster.Call(n5, "SET", key, "v", "EX", "5").AsString());
        Assert.InRange(cluster.Call(reader, "PTTL", key).AsInteger(), 6_500, 7_000); // TTL + the writer's lead
        Assert.InRange(cluster.Call(n5, "PTTL", key).AsInteger(), 4_500, 5_000);
        cluster.RunFor(5_300);
        Assert.True(cluster.Call(n5, "GET", key).IsNull, "seed 75: the fast node judges the expiry by its own clock");
        Assert.Equal("v", cluster.Call(reader, "GET", key).AsString());
        cluster.RunFor(2_000);
        Assert.True(cluster.Call(reader, "GET", key).IsNull);
        Assert.Empty(cluster.Failures);
    }
}
