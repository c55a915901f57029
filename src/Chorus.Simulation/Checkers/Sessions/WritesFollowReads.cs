namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Writes follow reads: a write made after reading something is ordered after it for
/// everyone. A read that shows a session's append also shows everything that session had read
/// before making it — otherwise someone sees a reply without the message it replies to.
/// </summary>
internal static class WritesFollowReads
{
    public static List<Violation> Check(AppendObservations observations)
    {
        var violations = new List<Violation>();
        foreach (var read in observations.Reads)
        {
            if (Check(observations, read) is { } violation)
            {
                violations.Add(violation);
            }
        }
        return violations;
    }

    private static Violation? Check(AppendObservations observations, ReadView read)
    {
        var latest = observations.LatestVisibleAppends(read);
        for (var client = 0; client < latest.Length; client++)
        {
            if (latest[client] < 0)
            {
                continue;
            }
            var shown = observations.Append(latest[client]);
            foreach (var key in read.Keys)
            {
                if (observations.FrontierOf(client, key).MissingFrom(read, key, shown.SessionIndex, observations) is { } gap)
                {
                    var cause = observations.Append(gap.Append);
                    return new Violation(
                        CheckNames.WritesFollowReads,
                        $"{read.Op} shows {shown.Value}, which {shown.Client} wrote after reading {cause.Value} in {cause.Key} ({gap.Earlier.Op}), but not {cause.Value}",
                        [gap.Earlier.Op.Id, shown.Id, read.Op.Id]);
                }
            }
        }
        return null;
    }
}
