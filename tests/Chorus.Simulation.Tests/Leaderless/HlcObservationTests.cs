using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// DDIA ch. 8, "Timestamps for ordering events": a hybrid logical clock takes every timestamp a
/// node receives into account, so a node whose clock runs behind still stamps its next write later
/// than the versions it holds. Last-write-wins among siblings then never shows a version its own
/// coordinator had already stored over the write made after it.
/// </summary>
public sealed class HlcObservationTests
{
    private static readonly NodeId N1 = new("n1"), N2 = new("n2"), N3 = new("n3");

    [Fact]
    public void A_write_is_stamped_after_the_versions_its_coordinator_holds_even_when_another_clock_runs_ahead()
    {
        var settings = new LeaderlessSettings { N = 3, W = 3, R = 3 };
        var cluster = new LeaderlessSimCluster(41, 3, settings);
        cluster[N1].Clock.Skew(10_000 * 1000); // n1's clock runs 10 s ahead
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);

        Assert.Equal("OK", cluster.Call(N1, "SET", "profile", "old").AsString());
        Assert.Equal("old", LeaderlessRepairTests.Value(cluster.StoredVersions(N2, "profile")));

        // A blind write (empty context) through n2, which already stores "old": the two are
        // siblings, and the one shown to a plain GET is the newer by timestamp.
        var written = cluster.Call(N2, "CHORUS.PUTV", "profile", "", "new");
        Assert.False(written.IsError, written.ToString());
        var siblings = cluster.Call(N3, "CHORUS.GETV", "profile", "R", "3");
        Assert.Equal(["new", "old"], siblings.Items.Skip(1).Select(v => v.AsString()!).Order());

        Assert.Equal("new", cluster.Call(N3, "GET", "profile").AsString());
        Assert.Empty(cluster.Failures);
    }
}
