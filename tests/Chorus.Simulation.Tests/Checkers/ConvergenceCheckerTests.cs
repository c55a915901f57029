using Chorus.Core;
using Chorus.Simulation.Checkers;

namespace Chorus.Simulation.Tests.Checkers;

public sealed class ConvergenceCheckerTests
{
    [Fact]
    public void Replicas_with_one_digest_have_converged()
    {
        ReplicaState[] replicas = [new("n1", true, new Lsn(9), "aaaaaaaaaaaaaaaa"), new("n2", true, new Lsn(9), "aaaaaaaaaaaaaaaa")];
        Assert.Equal(Verdict.Pass, ConvergenceChecker.Check(replicas).Verdict);
    }

    [Fact]
    public void Different_digests_after_quiescence_are_a_violation_that_names_the_replicas()
    {
        ReplicaState[] replicas =
        [
            new("n1", true, new Lsn(9), "aaaaaaaaaaaaaaaa"),
            new("n2", true, new Lsn(9), "aaaaaaaaaaaaaaaa"),
            new("n3", true, new Lsn(8), "bbbbbbbbbbbbbbbb"),
        ];
        var violation = Assert.Single(ConvergenceChecker.Check(replicas).Violations);
        Assert.Contains("n3@lsn8", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_still_down_has_not_converged()
    {
        ReplicaState[] replicas = [new("n1", true, new Lsn(9), "aaaaaaaaaaaaaaaa"), new("n2", false, Lsn.Zero, "aaaaaaaaaaaaaaaa")];
        Assert.Equal(Verdict.Fail, ConvergenceChecker.Check(replicas).Verdict);
    }
}
