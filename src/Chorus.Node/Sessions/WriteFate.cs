using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>What a log says about a write group it was asked about.</summary>
public enum WriteFateKind
{
    /// <summary>The log's commit point has not reached the group's last entry: it may still go either way.</summary>
    Undecided,

    /// <summary>Every entry of the group is committed with the group's epoch: it survives for good.</summary>
    Survived,

    /// <summary>Some of its entries were replaced by entries of another epoch that are committed: those are lost for good.</summary>
    Lost,

    /// <summary>Committed, but the log no longer holds the entries (retired into a snapshot): it cannot tell.</summary>
    Unknown,
}

/// <summary>A group's fate, and which of its LSNs were lost (for <see cref="WriteFateKind.Lost"/>).</summary>
public readonly record struct WriteFate(WriteFateKind Kind, IReadOnlyList<Lsn> LostLsns);

/// <summary>
/// Decides a write's fate from one node's log, with no message to anyone: the write is
/// (epoch, LSN), and a committed entry is final. If the log's committed prefix holds another epoch at
/// one of the write's LSNs, that entry of the write can never be committed (log matching: two
/// logs that agree on (epoch, LSN) agree on everything before; a committed entry is in every
/// future leader's log) — so it is lost, whichever node rolled it back, and whether or not one did.
/// And when the commit point has not reached the write but its committed entry is of a later
/// epoch than the write's, the write is lost too: a log's epochs never decrease, so no log that
/// holds that committed entry — every future leader's does — can hold the write after it. This is
/// what decides a write whose LSN the new history has not reached (a new leader with a shorter log).
/// Any node can judge; its commit point only has to pass the write, or be of a later epoch.
/// </summary>
public static class WriteFates
{
    /// <param name="epochAt">The epoch of the entry this log holds at an LSN; null when it no longer holds it.</param>
    public static WriteFate Judge(WriteGroup group, Lsn committed, Func<Lsn, Epoch?> epochAt)
    {
        Invariant.That(group.HasIdentity, "only a write whose entries and epoch are known can be judged");
        if (committed < group.Last)
        {
            return committed > Lsn.Zero && epochAt(committed) is { } tip && tip > group.Epoch
                ? new WriteFate(WriteFateKind.Lost, LostUpTo(group, committed, epochAt))
                : new WriteFate(WriteFateKind.Undecided, []);
        }
        var last = epochAt(group.Last);
        if (last == group.Epoch)
        {
            return new WriteFate(WriteFateKind.Survived, []); // the last entry matches, so every one before it does
        }
        if (last is null)
        {
            return new WriteFate(WriteFateKind.Unknown, []);
        }
        return new WriteFate(WriteFateKind.Lost, LostUpTo(group, committed, epochAt));
    }

    /// <summary>The group's LSNs lost: those at or below <paramref name="committed"/> holding another epoch, and every one above it.</summary>
    private static List<Lsn> LostUpTo(WriteGroup group, Lsn committed, Func<Lsn, Epoch?> epochAt)
    {
        var lost = new List<Lsn>();
        for (var lsn = group.First; lsn <= group.Last; lsn = lsn.Next)
        {
            if (lsn > committed || epochAt(lsn) != group.Epoch)
            {
                lost.Add(lsn);
            }
        }
        return lost;
    }
}

/// <summary>How a leader took in a device's report of a write (<see cref="SessionRecord.RecordAtLeader(LeaderView, Lsn, Lsn, WriteGroup, IReadOnlyList{WriteGroup}, long)"/>).</summary>
public enum WriteRecording
{
    /// <summary>Recorded as the session's write, against the entries it made.</summary>
    Recorded,

    /// <summary>Refused: beyond this log's end with no epoch to judge it by (another cluster's token, or a discarded history).</summary>
    AheadOfLog,

    /// <summary>Refused: made in an epoch newer than this leader's, so this leader was replaced; ask the current one.</summary>
    NewerEpoch,

    /// <summary>This log does not hold the write's entries with its epoch: not recorded against them; the session is told once the commit point decides.</summary>
    NotInThisLog,
}
