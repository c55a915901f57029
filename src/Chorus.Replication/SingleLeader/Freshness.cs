using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// How current a follower's state is, by a round trip on the follower's own elapsed clock
/// (<see cref="ElapsedClock"/>): the follower stamps each acknowledgement with its time t0; the
/// leader echoes the latest stamp it received in its next AppendEntries, beside where its log ends
/// when it sends. The leader sent that after t0, so every write it acknowledged before t0 is in
/// the log up to that end: once the follower holds that much, its state is current as of t0.
/// Dating by receipt instead (as this did before) counted a delayed message, or a backlog a
/// paused follower worked through, as fresh: the simulator found reads older than their bound.
/// </summary>
internal sealed class Freshness
{
    private const int AnnouncementsMax = 256;

    private readonly Queue<(long StampMs, Lsn LeaderLast)> _announced = new();

    /// <summary>The latest stamp (elapsed clock) as of which this node holds every write acknowledged before it (−1: never).</summary>
    public long CurrentAsOfMs { get; private set; } = -1;

    /// <summary>The leader announced, after receiving our stamp <paramref name="stampMs"/>, that its log ends at <paramref name="leaderLast"/>.</summary>
    public void Announced(long stampMs, Lsn leaderLast, Lsn appended)
    {
        if (leaderLast <= appended)
        {
            _announced.Clear();
            CurrentAsOfMs = Math.Max(CurrentAsOfMs, stampMs);
            return;
        }
        if (_announced.Count == AnnouncementsMax)
        {
            _announced.Dequeue(); // bounded: the oldest announcement only ever gives the oldest time
        }
        _announced.Enqueue((stampMs, leaderLast));
    }

    /// <summary>The local log grew to <paramref name="appended"/>: announcements it now covers count.</summary>
    public void Appended(Lsn appended)
    {
        while (_announced.TryPeek(out var next) && next.LeaderLast <= appended)
        {
            _announced.Dequeue();
            CurrentAsOfMs = Math.Max(CurrentAsOfMs, next.StampMs);
        }
    }

    /// <summary>A new leader (or a truncation): what the last one announced no longer describes the log.</summary>
    public void Forget() => _announced.Clear();
}
