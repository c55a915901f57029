namespace Chorus.Simulation.Checkers.Elections;

/// <summary>
/// Every change of a node's role or epoch, observed after each input a node handled (read-only:
/// it changes nothing). The election checkers judge this trace.
/// </summary>
public sealed class RoleLog
{
    private readonly List<RoleObservation> _changes = [];
    private readonly Dictionary<string, RoleObservation> _last = new(StringComparer.Ordinal);

    public IReadOnlyList<RoleObservation> Changes => _changes;

    /// <summary>Epochs in which some node led.</summary>
    public int LeaderEpochs => _changes.Where(c => c.IsLeader).Select(c => c.Epoch).Distinct().Count();

    public void Observe(RoleObservation observation)
    {
        if (_last.TryGetValue(observation.Node, out var last)
            && last.IsLeader == observation.IsLeader && last.Epoch == observation.Epoch && last.Incarnation == observation.Incarnation)
        {
            return;
        }
        _last[observation.Node] = observation;
        _changes.Add(observation);
    }
}
