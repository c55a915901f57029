namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Monotonic writes: a session's writes take effect in the order it made them. A read that
/// shows a session's append also shows every append that session had acknowledged before it
/// (on the keys the read covers), and within one key, earlier in the list.
/// </summary>
internal static class MonotonicWrites
{
    public static List<Violation> Check(AppendObservations observations)
    {
        var violations = new List<Violation>();
        foreach (var read in observations.Reads)
        {
            if ((Missing(observations, read) ?? OutOfOrder(observations, read)) is { } violation)
            {
                violations.Add(violation);
            }
        }
        return violations;
    }

    /// <summary>The read shows a session's later append but not an earlier acknowledged one.</summary>
    private static Violation? Missing(AppendObservations observations, ReadView read)
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
                var earlier = observations.AckedOf(client, key).MissingFrom(read, key, shown.SessionIndex);
                if (earlier >= 0)
                {
                    var lacking = observations.Append(earlier);
                    return new Violation(
                        CheckNames.MonotonicWrites,
                        $"{read.Op} shows {shown.Client}'s {shown.Value} but not its earlier acknowledged {lacking.Value} ({lacking})",
                        [lacking.Id, shown.Id, read.Op.Id]);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Within one key, the read lists a session's append before one it had acknowledged earlier.
    /// A canonical prefix lists appends in the canonical order, so the canonical list is checked
    /// once (on the read that showed it) rather than on every read that shows a prefix of it.
    /// </summary>
    private static Violation? OutOfOrder(AppendObservations observations, ReadView read)
    {
        foreach (var key in read.Keys.Where(k => !read.IsCanonicalPrefix(k) || observations.Canonical.OpId(k) == read.Op.Id))
        {
            for (var client = 0; client < observations.Clients.Count; client++)
            {
                var furthest = -1;
                var furthestAppend = -1;
                foreach (var append in observations.AckedOf(client, key).All)
                {
                    var position = read.PositionOf(append);
                    if (position < 0)
                    {
                        continue;
                    }
                    if (position < furthest)
                    {
                        var (first, second) = (observations.Append(furthestAppend), observations.Append(append));
                        return new Violation(
                            CheckNames.MonotonicWrites,
                            $"{read.Op} lists {second.Value} before {first.Value}, which {first.Client} acknowledged first",
                            [second.Id, first.Id, read.Op.Id]);
                    }
                    (furthest, furthestAppend) = (position, append);
                }
            }
        }
        return null;
    }
}
