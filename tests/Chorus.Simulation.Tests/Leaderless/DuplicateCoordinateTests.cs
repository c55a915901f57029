using System.Globalization;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// A write sent to a node that is not a home replica of its key is handed to a home replica
/// (<c>Coordinate</c>). A network that duplicates and reorders messages may deliver that hand-over
/// twice, the copy after the first has finished; the copy must not run the write again — a SET
/// takes the coordinator's context at the time, so a rerun would replace every write acknowledged
/// since with the older value (found by <c>chorus sim-leaderless-faults</c>, seed 13; without the
/// fix, seed 41 here ends with value 148 after 150 acknowledged writes).
/// </summary>
public sealed class DuplicateCoordinateTests
{
    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public void A_late_copy_of_a_handed_over_write_does_not_replace_later_acknowledged_writes(int seed)
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, SloppyQuorum = false };
        var cluster = new LeaderlessSimCluster(seed, 5, settings);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        const string key = "k";
        var contact = cluster.Members.First(m => !cluster.Homes(key).Contains(m));
        // Every message twice, a third of them held back up to 20 typical delays.
        cluster.Network.SetFlaky(new LinkProfile(new LatencyDistribution(0, 0), DuplicateProbability: 1.0, ReorderProbability: 0.3));
        var lastAcknowledged = -1;
        for (var i = 0; i < 150; i++)
        {
            if (!cluster.Call(contact, "SET", key, i.ToString(CultureInfo.InvariantCulture)).IsError)
            {
                lastAcknowledged = i;
            }
        }
        cluster.Network.SetFlaky(null);
        cluster.RunFor(3 * settings.RequestTimeoutMs);

        var stored = cluster.Homes(key).Select(home => cluster.StoredVersions(home, key)).ToList();
        var newest = stored.SelectMany(s => s.Values).Where(v => v.Bytes is not null).Select(v => int.Parse(System.Text.Encoding.UTF8.GetString(v.Bytes!), CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();
        Assert.True(lastAcknowledged > 100, $"seed {seed}: only {lastAcknowledged + 1} writes acknowledged");
        // One value at every home replica, the last acknowledged one (or a later write that failed but was stored).
        Assert.True(stored.All(s => s.SiblingCount == 1 && s.Values.Single().Bytes is { } bytes && int.Parse(System.Text.Encoding.UTF8.GetString(bytes), CultureInfo.InvariantCulture) >= lastAcknowledged),
            $"seed {seed}: the home replicas hold [{string.Join("; ", stored)}], the last acknowledged write was {lastAcknowledged} (newest held {newest})");
    }
}
