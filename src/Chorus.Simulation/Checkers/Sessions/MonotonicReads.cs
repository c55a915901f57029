namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Monotonic reads (DDIA ch. 5): once a session has seen a write, its later reads never show a
/// state without it. The failure is time moving backwards: a user sees a comment, reloads, and
/// the comment has not been written yet — the second read hit a replica further behind.
/// </summary>
internal static class MonotonicReads
{
    public static List<Violation> Check(AppendObservations observations)
    {
        var violations = new List<Violation>();
        foreach (var read in observations.Reads)
        {
            foreach (var key in read.Keys)
            {
                if (observations.FrontierOf(read.Client, key).MissingFrom(read, key, read.SessionIndex, observations) is { } missing)
                {
                    violations.Add(new Violation(
                        CheckNames.MonotonicReads,
                        $"{read.Op.Client} saw {observations.Append(missing.Append).Value} in {observations.Keys[key]}, then read an older state without it: {missing.Earlier.Op} then {read.Op}",
                        [missing.Earlier.Op.Id, read.Op.Id]));
                    break;
                }
            }
        }
        return violations;
    }
}
