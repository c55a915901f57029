using Chorus.Core;

namespace Chorus.Replication.Election;

/// <summary>Raft's voting rules (with pre-vote and leader stickiness), as pure functions.</summary>
public static class VoteRules
{
    /// <summary>
    /// The candidate's log is at least as up to date as ours: a later last epoch, or the same
    /// last epoch and at least as long. Only such a candidate can hold every acknowledged write.
    /// </summary>
    public static bool IsUpToDate(LogPosition candidateLast, LogPosition ourLast) => candidateLast >= ourLast;

    /// <summary>Majority of <paramref name="voters"/>.</summary>
    public static int Majority(int voters) => (voters / 2) + 1;
}
