using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Elections;

namespace Chorus.Simulation.Tests.Checkers;

/// <summary>Election safety and durable epochs (Raft §5.2, DESIGN §4.4), judged over hand-made role traces.</summary>
public sealed class ElectionCheckerTests
{
    private static RoleObservation Leader(string node, ulong epoch, double atMs, int life = 1) => new((long)(atMs * 1000), node, life, true, epoch);

    private static RoleObservation Follower(string node, ulong epoch, double atMs, int life = 1) => new((long)(atMs * 1000), node, life, false, epoch);

    [Fact]
    public void One_leader_per_epoch_across_failovers_passes()
    {
        RoleObservation[] trace =
        [
            Leader("n1", 1, 0), Follower("n2", 1, 1), Follower("n3", 1, 1),
            Follower("n2", 2, 1500), Leader("n2", 2, 1502), Follower("n1", 2, 2000), Follower("n3", 2, 1501),
            Follower("n1", 3, 4000), Leader("n1", 3, 4001),
        ];
        Assert.Equal(Verdict.Pass, ElectionSafetyChecker.Check(trace).Verdict);
        Assert.Equal(Verdict.Pass, EpochMonotonicityChecker.Check(trace).Verdict);
    }

    [Fact]
    public void Two_leaders_in_one_epoch_fail_even_when_they_did_not_lead_at_the_same_time()
    {
        RoleObservation[] trace = [Leader("n1", 2, 0), Follower("n1", 2, 100), Leader("n2", 2, 900)];
        var result = ElectionSafetyChecker.Check(trace);
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.Contains("two leaders in epoch 2", Assert.Single(result.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_node_leading_its_epoch_again_after_a_blip_is_not_a_second_leader()
    {
        RoleObservation[] trace = [Leader("n1", 2, 0), Leader("n1", 2, 50, life: 1)];
        Assert.Equal(Verdict.Pass, ElectionSafetyChecker.Check(trace).Verdict);
    }

    [Fact]
    public void An_epoch_that_goes_back_across_a_restart_fails()
    {
        RoleObservation[] trace = [Follower("n3", 4, 0, life: 1), Follower("n3", 3, 700, life: 2)];
        var result = EpochMonotonicityChecker.Check(trace);
        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.Contains("across a restart", Assert.Single(result.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Epochs_of_different_nodes_are_judged_separately()
    {
        RoleObservation[] trace = [Follower("n1", 5, 0), Follower("n2", 2, 1), Follower("n2", 5, 2)];
        Assert.Equal(Verdict.Pass, EpochMonotonicityChecker.Check(trace).Verdict);
    }

    [Fact]
    public void The_role_log_keeps_only_changes()
    {
        var log = new RoleLog();
        log.Observe(Follower("n1", 0, 0));
        log.Observe(Follower("n1", 0, 10));
        log.Observe(Leader("n1", 1, 20));
        log.Observe(Leader("n1", 1, 30));
        log.Observe(Leader("n1", 1, 40, life: 2));
        Assert.Equal(3, log.Changes.Count);
        Assert.Equal(1, log.LeaderEpochs);
    }
}
