using Chorus.Simulation.History;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// The session guarantees over list-append histories (APPEND of unique tokens, reads of whole
/// lists): read-your-writes, monotonic reads, monotonic writes, writes-follow-reads and
/// consistent prefix, one result each. Each judges only what clients observed — list contents
/// and the order of each session's operations — never the servers' own bookkeeping.
/// Histories without appends (registers, counters) get "not applicable".
/// </summary>
public static class SessionChecker
{
    public static IReadOnlyList<CheckResult> Check(OperationHistory history)
    {
        var observations = new AppendObservations(history);
        if (observations.IsEmpty)
        {
            return [.. CheckNames.SessionGuarantees.Select(c => CheckResult.NotApplicable(c, CheckResult.NeedsListAppend))];
        }
        return
        [
            CheckResult.From(CheckNames.ReadYourWrites, ReadYourWrites.Check(observations)),
            CheckResult.From(CheckNames.MonotonicReads, MonotonicReads.Check(observations)),
            CheckResult.From(CheckNames.MonotonicWrites, MonotonicWrites.Check(observations)),
            CheckResult.From(CheckNames.WritesFollowReads, WritesFollowReads.Check(observations)),
            CheckResult.From(CheckNames.ConsistentPrefix, ConsistentPrefix.Check(observations)),
        ];
    }
}
