using Chorus.Core;
using Chorus.Replication;
using Chorus.Replication.Election;
using Chorus.Replication.SingleLeader;

namespace Chorus.Node.Tests.Driver;

/// <summary>What a client is told when a FAILOVER takes leadership away while its write is paused.</summary>
public sealed class FailoverWordingTests
{
    /// Regression: the step-down reason was never cleared, so a deliberate FAILOVER told the
    /// paused write that the leader "lost contact with a majority" — an earlier, stale reason.
    [Fact]
    public async Task A_write_paused_by_a_failover_is_told_about_the_handover_not_an_old_lost_majority()
    {
        var cluster = new DriverCluster(3, failover: FailoverMode.Manual);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        cluster.Settle(rounds: 15); // n1's lease runs out: it steps down, "lost contact with a majority"
        Assert.Contains("lost contact with a majority", cluster["n1"].Driver!.Status.Election.LastStepDownReason!.Describe(), StringComparison.Ordinal);
        cluster.Network = _ => true;
        cluster.Settle(); // in manual mode only n1 stands: it leads again
        Assert.Equal("n1", cluster.Leader);

        var started = cluster.Admin("n1", core => ((SingleLeaderCore)core).TransferLeadership(new NodeId("n2"), 5_000) == ControlResult.Done ? null : "refused");
        Assert.Null(await started);
        using var paused = cluster.Submit(["SET", "k", "v"]);
        Assert.False(paused.Completion.IsCompleted, "FAILOVER pauses writes until it hands over");
        cluster.Settle(rounds: 10);

        Assert.Equal("n2", cluster.Leader);
        var error = DriverCluster.Replies(paused)[0].AsString();
        Assert.StartsWith("TRYAGAIN", error);
        Assert.Contains("the write was not applied", error, StringComparison.Ordinal);
        Assert.DoesNotContain("lost contact", error, StringComparison.Ordinal);
        Assert.Contains("n2", error, StringComparison.Ordinal);
        Assert.IsType<LeadershipLost>(paused.Outcome);
    }
}
