namespace Chorus.Simulation.Checkers.Elections;

/// <summary>
/// A node's epoch never goes backwards, across crashes and restarts too: the epoch and the vote
/// are durable (synced before anything depending on them leaves the node). A node that came
/// back in an older epoch could vote again in an epoch it already voted in.
/// </summary>
public static class EpochMonotonicityChecker
{
    public static CheckResult Check(IEnumerable<RoleObservation> changes)
    {
        var last = new Dictionary<string, RoleObservation>(StringComparer.Ordinal);
        var violations = new List<Violation>();
        foreach (var change in changes)
        {
            if (last.TryGetValue(change.Node, out var before) && change.Epoch < before.Epoch)
            {
                var across = change.Incarnation != before.Incarnation ? " across a restart" : "";
                violations.Add(new Violation(CheckNames.EpochMonotonic, $"{change.Node}'s epoch went backwards{across}: {before.Epoch} → {change.Epoch} ({before} then {change})", []));
            }
            last[change.Node] = change;
        }
        return CheckResult.From(CheckNames.EpochMonotonic, violations);
    }
}
