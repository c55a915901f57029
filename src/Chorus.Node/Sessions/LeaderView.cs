using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>
/// What a leader knows when it answers for a session: its epoch, where its log ends, and its
/// commit point; <see cref="EpochAt"/> reads the epoch of the entry its log holds at an LSN (null:
/// not held) — so a write named by (epoch, LSN) can be checked against the log, up to
/// <see cref="DurablyCommitted"/>.
/// </summary>
public readonly record struct LeaderView(Epoch Epoch, Lsn LogEnd, Lsn Committed)
{
    public Func<Lsn, Epoch?> EpochAt { get; init; } = _ => null;

    /// <summary>
    /// The commit point a majority holds on stable storage (NodeStatus.DurablyCommitted): writes are
    /// judged against it, not <see cref="Committed"/>, which under fsync everysec counts copies a
    /// power loss takes back (the simulator's chaos seed 20 judged a write survived that a power
    /// loss then lost). Zero: nothing is judged.
    /// </summary>
    public Lsn DurablyCommitted { get; init; }
}
