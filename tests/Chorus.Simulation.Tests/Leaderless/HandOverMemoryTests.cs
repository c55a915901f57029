using Chorus.Core.Messaging;
using Chorus.Replication.Leaderless;
using Chorus.Replication.Leaderless.Messages;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// A coordinator remembers the hand-overs (<c>Coordinate</c>) it took, so that a duplicated one is
/// not run twice, and forgets them once the duplicate window has passed. A hand-over it refused
/// used to stay remembered for the node's lifetime: one entry per refusal, a slow leak on a node
/// that keeps receiving writes for keys it no longer holds (a stale ring at the forwarder).
/// </summary>
public sealed class HandOverMemoryTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public void Refused_and_finished_hand_overs_are_forgotten_after_the_duplicate_window(int seed)
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, SloppyQuorum = false };
        var cluster = new LeaderlessSimCluster(seed, 5, settings);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        const string key = "k";
        var homes = cluster.Homes(key);
        var stranger = cluster.Members.First(m => !homes.Contains(m));
        var forwarder = cluster.Members.First(m => m != stranger);

        var ringVersion = cluster.Status(stranger)!.Ring.Version;
        // Hand-overs to a node that is not a home replica of the key: each is refused.
        for (ulong id = 1; id <= 20; id++)
        {
            var handOver = new Coordinate(ringVersion, 1_000_000 + id, "k"u8.ToArray(), "v"u8.ToArray(), null, 0, 0);
            cluster.Network.Send(new Envelope(forwarder, stranger, MessageFamily.Leaderless, LeaderlessCodec.Encode(handOver)));
        }
        // And ordinary writes through the stranger, which it hands to a home replica that finishes them.
        for (var i = 0; i < 10; i++)
        {
            Assert.False(cluster.Call(stranger, "SET", key, $"v{i}").IsError, $"seed {seed}: write {i} failed");
        }
        cluster.RunFor(settings.RequestTimeoutMs / 10);
        Assert.True(cluster.Status(stranger)!.HandOversRemembered >= 20, $"seed {seed}: {stranger} remembers {cluster.Status(stranger)!.HandOversRemembered} hand-overs right after refusing 20");
        Assert.True(homes.Sum(h => cluster.Status(h)!.HandOversRemembered) >= 1, $"seed {seed}: no home replica remembers the writes handed to it");

        cluster.RunFor((3 * settings.RequestTimeoutMs) + settings.RequestTimeoutMs);

        var remembered = cluster.Members.ToDictionary(m => m, m => cluster.Status(m)!.HandOversRemembered);
        Assert.True(remembered.Values.All(r => r == 0), $"seed {seed}: hand-overs still remembered after the window: {string.Join(", ", remembered.Select(r => $"{r.Key}={r.Value}"))}");
    }
}
