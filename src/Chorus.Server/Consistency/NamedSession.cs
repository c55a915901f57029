using Chorus.Core;

namespace Chorus.Server.Consistency;

/// <summary>
/// One named session as this node knows it: its position (the latest write and the newest state
/// it read, on any connection bound to it), its counters, the writes it made here (to attribute
/// a rollback) and the rollback notices it has not forgotten. Guarded by its own lock: connections
/// of several devices touch it at once.
/// </summary>
internal sealed class NamedSession(string id, long createdAtMs)
{
    /// <summary>Recent write groups remembered for rollback attribution (older ones were committed long ago, in practice).</summary>
    private const int RecentWritesMax = 1024;

    /// <summary>Notices kept (the oldest go first).</summary>
    public const int NoticesMax = 32;

    private readonly object _lock = new();
    private readonly Queue<(Lsn First, Lsn Last)> _recentWrites = new();
    private readonly List<RollbackNotice> _notices = [];
    private Lsn _written;
    private Lsn _seen;
    private Epoch _recordedIn;
    private long _lastActiveMs = createdAtMs;
    private long _noticeSeq;

    public string Id { get; } = id;

    public long CreatedAtMs { get; } = createdAtMs;

    /// <summary>This node's own counts of the session's reads and writes.</summary>
    public SessionCounters Counters { get; } = new();

    /// <summary>The session's counts over the cluster (<see cref="SessionTotals"/>): summed at the leader, as last heard from it elsewhere.</summary>
    public SessionTotals Totals { get; } = new();

    public Lsn Written { get { lock (_lock) { return _written; } } }

    public Lsn Seen { get { lock (_lock) { return _seen; } } }

    public long LastActiveMs { get { lock (_lock) { return _lastActiveMs; } } }

    /// <summary>The sequence number of the newest notice (0: none ever).</summary>
    public long LatestNotice { get { lock (_lock) { return _noticeSeq; } } }

    public bool IsIdle(long nowMs, long idleMsMax) => nowMs - LastActiveMs > idleMsMax;

    public void Touch(long nowMs)
    {
        lock (_lock)
        {
            _lastActiveMs = Math.Max(_lastActiveMs, nowMs);
        }
    }

    /// <summary>A write group of this session ended at <paramref name="position"/>; <paramref name="first"/>..<paramref name="last"/> are the entries it made (zero: none).</summary>
    public void Wrote(Lsn position, Lsn first, Lsn last, Epoch epoch, long nowMs)
    {
        lock (_lock)
        {
            _written = Lsn.Max(_written, position);
            if (epoch > _recordedIn)
            {
                _recordedIn = epoch;
            }
            _lastActiveMs = Math.Max(_lastActiveMs, nowMs);
            if (last > Lsn.Zero)
            {
                _recentWrites.Enqueue((first > Lsn.Zero ? first : last, last));
                if (_recentWrites.Count > RecentWritesMax)
                {
                    _recentWrites.Dequeue();
                }
            }
        }
        Counters.CountWrite();
    }

    /// <summary>The leader said the session has written up to <paramref name="written"/> (a follower's view).</summary>
    public void Learned(Lsn written)
    {
        lock (_lock)
        {
            _written = Lsn.Max(_written, written);
        }
    }

    public void Saw(Lsn lsn)
    {
        lock (_lock)
        {
            _seen = Lsn.Max(_seen, lsn);
        }
    }

    /// <summary>See <see cref="SessionDirectory.Lookup"/>.</summary>
    public (Lsn Written, Lsn Seen) AtLeader(Epoch epoch, Lsn logEnd, Lsn seen)
    {
        lock (_lock)
        {
            if (_recordedIn != epoch)
            {
                // Nothing recorded in this epoch: the session's surviving writes all precede it.
                _written = Lsn.Max(_written, logEnd);
                _recordedIn = epoch;
            }
            _seen = Lsn.Max(_seen, seen);
            return (_written, _seen);
        }
    }

    /// <summary>Which of <paramref name="lsns"/> (ascending, as a rollback's suffix is) this session wrote, as recorded here.</summary>
    public IReadOnlyList<Lsn> Made(IReadOnlyList<Lsn> lsns)
    {
        lock (_lock)
        {
            if (lsns.Count == 0 || _written < lsns[0])
            {
                return []; // wrote nothing that late: the common case, decided at once
            }
            return [.. lsns.Where(lsn => _recentWrites.Any(w => w.First <= lsn && lsn <= w.Last))];
        }
    }

    /// <summary>Adds a notice unless one for the same entry is known; returns whether it was new.</summary>
    public bool Notify(RollbackNotice notice)
    {
        lock (_lock)
        {
            if (_notices.Any(n => n.Lsn == notice.Lsn && n.Epoch == notice.Epoch))
            {
                return false;
            }
            _notices.Add(notice with { Seq = ++_noticeSeq });
            if (_notices.Count > NoticesMax)
            {
                _notices.RemoveAt(0);
            }
            return true;
        }
    }

    /// <summary>The notices newer than <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<RollbackNotice> NoticesAfter(long after)
    {
        lock (_lock)
        {
            return [.. _notices.Where(n => n.Seq > after)];
        }
    }
}

/// <summary>A write of a session that a failover rolled back: the entry's LSN and epoch, the keys it changed, when it was discarded.</summary>
internal sealed record RollbackNotice(Lsn Lsn, Epoch Epoch, IReadOnlyList<string> Keys, long AtMs)
{
    /// <summary>Assigned by the session that holds it (1, 2, …).</summary>
    public long Seq { get; init; }

    public override string ToString() =>
        $"LSN {Lsn.Value} (epoch {Epoch.Value}): {(Keys.Count == 0 ? "no keys" : string.Join(", ", Keys))}";
}

/// <summary>A session's read counters: reads a guarantee held back and then served, forwarded to the leader, or refused.</summary>
internal sealed class SessionCounters
{
    private long _writes;
    private long _reads;
    private long _waited;
    private long _forwarded;
    private long _refused;

    public long Writes => Interlocked.Read(ref _writes);

    public long Reads => Interlocked.Read(ref _reads);

    public long Waited => Interlocked.Read(ref _waited);

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Refused => Interlocked.Read(ref _refused);

    public void CountWrite() => Interlocked.Increment(ref _writes);

    public void Count(ReadOutcome outcome)
    {
        Interlocked.Increment(ref _reads);
        switch (outcome)
        {
            case ReadOutcome.Waited:
                Interlocked.Increment(ref _waited);
                break;
            case ReadOutcome.Forwarded:
                Interlocked.Increment(ref _forwarded);
                break;
            case ReadOutcome.Refused:
                Interlocked.Increment(ref _refused);
                break;
        }
    }
}

/// <summary>How a guarded read ended.</summary>
internal enum ReadOutcome
{
    /// <summary>Served at once from local state.</summary>
    Served,

    /// <summary>Held back until the guarantee held here, then served.</summary>
    Waited,

    /// <summary>Served by the leader on this node's behalf.</summary>
    Forwarded,

    /// <summary>Refused (TRYAGAIN) or redirected (MOVED).</summary>
    Refused,
}
