namespace Chorus.Server.Consistency;

/// <summary>One set of a named session's counts: writes, guarded reads, and how those reads ended.</summary>
internal readonly record struct SessionCounts(long Writes, long Reads, long Waited, long Forwarded, long Refused)
{
    public bool IsZero => this == default;

    public static SessionCounts operator +(SessionCounts a, SessionCounts b) =>
        new(a.Writes + b.Writes, a.Reads + b.Reads, a.Waited + b.Waited, a.Forwarded + b.Forwarded, a.Refused + b.Refused);

    public static SessionCounts operator -(SessionCounts a, SessionCounts b) =>
        new(a.Writes - b.Writes, a.Reads - b.Reads, a.Waited - b.Waited, a.Forwarded - b.Forwarded, a.Refused - b.Refused);

    public static SessionCounts Of(SessionCounters counters) =>
        new(counters.Writes, counters.Reads, counters.Waited, counters.Forwarded, counters.Refused);
}

/// <summary>
/// A named session's counters summed over the nodes its connections use (docs/consistency.md).
/// Each node counts its own connections' reads (<see cref="NamedSession.Counters"/>); a follower
/// hands the leader what it counted since it last did, on the lookup it makes anyway (a bound
/// read, INFO, a bind), and learns the sums back. The leader counts every write of the session
/// itself (its own connections', forwarded ones, CHORUS.SESSION WROTE), so only reads travel.
/// Like the position, the sums live in the leader's memory: a failover starts them again from
/// what nodes report to the new leader.
/// </summary>
internal sealed class SessionTotals
{
    private readonly object _lock = new();
    private SessionCounts _reported;
    private SessionCounts _fromOthers;
    private SessionCounts _lastHeard;

    /// <summary>A follower: the reads counted here that the leader has not been told of, marked as told (give them back if the telling fails).</summary>
    public SessionCounts TakeUnreported(SessionCounters own)
    {
        lock (_lock)
        {
            var now = SessionCounts.Of(own) with { Writes = 0 };
            var delta = now - _reported;
            _reported = now;
            return delta;
        }
    }

    /// <summary>A follower: the leader did not hear <paramref name="delta"/>; it goes with the next lookup.</summary>
    public void GiveBack(SessionCounts delta)
    {
        lock (_lock)
        {
            _reported -= delta;
        }
    }

    /// <summary>A follower: the sums the leader answered with.</summary>
    public void Heard(SessionCounts totals)
    {
        lock (_lock)
        {
            _lastHeard = totals;
        }
    }

    /// <summary>The leader: another node's reads of the session.</summary>
    public void Add(SessionCounts delta)
    {
        lock (_lock)
        {
            _fromOthers += delta with { Writes = 0 };
        }
    }

    /// <summary>The leader: its own counts plus every other node's reported reads.</summary>
    public SessionCounts AtLeader(SessionCounters own)
    {
        lock (_lock)
        {
            return SessionCounts.Of(own) + _fromOthers;
        }
    }

    /// <summary>What to show: the live sums at the leader, else the sums as last heard from it.</summary>
    public SessionCounts Shown(SessionCounters own, bool isLeader)
    {
        if (isLeader)
        {
            return AtLeader(own);
        }
        lock (_lock)
        {
            return _lastHeard;
        }
    }
}
