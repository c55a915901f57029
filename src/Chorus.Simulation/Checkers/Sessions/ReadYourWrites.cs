namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Read-your-writes (DDIA ch. 5, "Reading Your Own Writes"): a read shows every append its own
/// session had acknowledged before it. The classic failure: a user submits a comment, reloads,
/// and it is gone — the read went to a replica that had not caught up.
/// </summary>
internal static class ReadYourWrites
{
    public static List<Violation> Check(AppendObservations observations)
    {
        var violations = new List<Violation>();
        foreach (var read in observations.Reads)
        {
            foreach (var key in read.Keys)
            {
                var lost = observations.AckedOf(read.Client, key).MissingFrom(read, key, read.SessionIndex);
                if (lost >= 0)
                {
                    var write = observations.Append(lost);
                    violations.Add(new Violation(
                        CheckNames.ReadYourWrites,
                        $"{read.Op.Client} does not see its own acknowledged append {write.Value} to {write.Key}: {write} then {read.Op}",
                        [write.Id, read.Op.Id]));
                    break;
                }
            }
        }
        return violations;
    }
}
