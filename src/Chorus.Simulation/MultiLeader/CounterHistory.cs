namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// The increments clients made to counter keys (the PN-counter checker): after healing, every
/// node's value of a counter must be the sum of the acknowledged increments — plus, at most, the
/// increments whose acknowledgement was lost (they may or may not have happened). Every
/// increment is positive, so the bound is exact.
/// </summary>
internal sealed class CounterHistory
{
    private readonly SortedDictionary<string, long> _acknowledged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _inDoubt = [];

    public void Acknowledged(string key, long increment) => _acknowledged[key] = _acknowledged.GetValueOrDefault(key) + increment;

    public void InDoubt(string key, long increment) => _inDoubt[key] = _inDoubt.GetValueOrDefault(key) + increment;

    public void Check(SiteRunResult result, string node, Func<string, long> valueOf)
    {
        foreach (var (key, sum) in _acknowledged)
        {
            var value = valueOf(key);
            if (value < sum || value > sum + _inDoubt.GetValueOrDefault(key))
            {
                result.CounterMismatches.Add($"{node}: {key}={value}, acknowledged increments sum to {sum} (+{_inDoubt.GetValueOrDefault(key)} in doubt)");
            }
        }
        result.CountersChecked += _acknowledged.Count;
        result.IncrementsAcknowledged = _acknowledged.Values.Sum();
    }
}
