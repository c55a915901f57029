namespace Chorus.Simulation.Checkers.Elections;

/// <summary>
/// Election safety (Raft §5.2, DESIGN §4.4): at most one node ever leads a given epoch. A node
/// voting twice in an epoch, a vote forgotten in a crash, or an epoch reused would all show up
/// here as a second leader of the same epoch — whether or not the two led at the same time.
/// </summary>
public static class ElectionSafetyChecker
{
    public static CheckResult Check(IEnumerable<RoleObservation> changes)
    {
        var leaders = new Dictionary<ulong, RoleObservation>();
        var violations = new List<Violation>();
        foreach (var change in changes.Where(c => c.IsLeader))
        {
            if (!leaders.TryGetValue(change.Epoch, out var first))
            {
                leaders[change.Epoch] = change;
            }
            else if (first.Node != change.Node)
            {
                violations.Add(new Violation(CheckNames.ElectionSafety, $"two leaders in epoch {change.Epoch}: {first} and {change}", []));
            }
        }
        return CheckResult.From(CheckNames.ElectionSafety, violations);
    }
}
