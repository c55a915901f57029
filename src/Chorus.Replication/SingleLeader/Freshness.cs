using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// How current a follower's state is: the latest local time at which it held everything its
/// leader had announced by then (each AppendEntries says where the leader's log ends). Bounded
/// staleness reads measure against it. The leader's send time is unknown here (clocks differ),
/// so the time is that of receipt: the one-way delay of that message is not counted.
/// </summary>
internal sealed class Freshness
{
    private const int AnnouncementsMax = 256;

    private readonly Queue<(long ReceivedAtMs, Lsn LeaderLast)> _announced = new();

    /// <summary>The latest time this node held everything its leader had announced (−1: never).</summary>
    public long CurrentAsOfMs { get; private set; } = -1;

    /// <summary>The leader announced, at <paramref name="nowMs"/>, that its log ends at <paramref name="leaderLast"/>.</summary>
    public void Announced(long nowMs, Lsn leaderLast, Lsn appended)
    {
        if (leaderLast <= appended)
        {
            _announced.Clear();
            CurrentAsOfMs = Math.Max(CurrentAsOfMs, nowMs);
            return;
        }
        if (_announced.Count == AnnouncementsMax)
        {
            _announced.Dequeue(); // bounded: the oldest announcement only ever gives the oldest time
        }
        _announced.Enqueue((nowMs, leaderLast));
    }

    /// <summary>The local log grew to <paramref name="appended"/>: announcements it now covers count.</summary>
    public void Appended(Lsn appended)
    {
        while (_announced.TryPeek(out var next) && next.LeaderLast <= appended)
        {
            _announced.Dequeue();
            CurrentAsOfMs = Math.Max(CurrentAsOfMs, next.ReceivedAtMs);
        }
    }

    /// <summary>A new leader (or a truncation): what the last one announced no longer describes the log.</summary>
    public void Forget() => _announced.Clear();
}
