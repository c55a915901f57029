using Chorus.Node;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Guarded reads a node answered while it did not lead: what a bound costs where it matters, at
/// followers (a leader counts itself current, so it never holds a bounded read back as too stale).
/// </summary>
public sealed class GuardedFollowerReads
{
    /// <summary>Served from the follower's own state.</summary>
    public long Served { get; private set; }

    /// <summary>Held back because the follower's state was older than the read's bound (or of unknown age).</summary>
    public long HeldBackTooStale { get; private set; }

    internal void CountServed(bool atFollower)
    {
        if (atFollower)
        {
            Served++;
        }
    }

    internal void CountHeldBack(bool atFollower, ReadRefusal reason)
    {
        if (atFollower && reason is TooStale)
        {
            HeldBackTooStale++;
        }
    }
}
