using Chorus.Core;

namespace Chorus.Simulation.Checkers;

/// <summary>A replica at the end of a run: whether it runs, how far it applied, and the digest of its keyspace.</summary>
public sealed record ReplicaState(string Node, bool Up, Lsn Applied, string Digest);

/// <summary>
/// Convergence: after every fault is healed and the cluster has been quiet long enough, all
/// replicas have the same state digest (and all of them run).
/// </summary>
public static class ConvergenceChecker
{
    public static CheckResult Check(IReadOnlyList<ReplicaState> replicas)
    {
        var violations = new List<Violation>();
        foreach (var down in replicas.Where(r => !r.Up))
        {
            violations.Add(new Violation(CheckNames.Convergence, $"{down.Node} is not running after the repair", []));
        }
        var groups = replicas.Where(r => r.Up).GroupBy(r => r.Digest).ToList();
        if (groups.Count > 1)
        {
            var described = groups.Select(g => $"{string.Join(",", g.Select(r => $"{r.Node}@lsn{r.Applied}"))} → {g.Key[..12]}");
            violations.Add(new Violation(CheckNames.Convergence, $"replicas disagree after quiescence: {string.Join("; ", described)}", []));
        }
        return CheckResult.From(CheckNames.Convergence, violations);
    }
}
