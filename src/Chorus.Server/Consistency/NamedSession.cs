using Chorus.Core;
using Chorus.Node;
using Chorus.Node.Sessions;

namespace Chorus.Server.Consistency;

/// <summary>
/// One named session as this node knows it: the protocol state (<see cref="SessionRecord"/>, in
/// Chorus.Node: position, recorded writes, rollback notices — the same code the simulator runs),
/// guarded by a lock because connections of several devices touch it at once, plus this node's
/// counters and the cluster's sums (observability, the server's own).
/// </summary>
internal sealed class NamedSession(string id, long createdAtMs) : IIdleSession
{
    /// <summary>Notices kept (the oldest go first).</summary>
    public const int NoticesMax = SessionRecord.NoticesMax;

    private readonly object _lock = new();
    private readonly SessionRecord _record = new(id, createdAtMs);

    public string Id { get; } = id;

    public long CreatedAtMs { get; } = createdAtMs;

    /// <summary>This node's own counts of the session's reads and writes.</summary>
    public SessionCounters Counters { get; } = new();

    /// <summary>The session's counts over the cluster (<see cref="SessionTotals"/>): summed at the leader, as last heard from it elsewhere.</summary>
    public SessionTotals Totals { get; } = new();

    public Lsn Written { get { lock (_lock) { return _record.Written; } } }

    public Lsn Seen { get { lock (_lock) { return _record.Seen; } } }

    public long LastActiveMs { get { lock (_lock) { return _record.LastActiveMs; } } }

    /// <summary>See <see cref="SessionRecord.LastWriteAtMs"/>.</summary>
    public long LastWriteAtMs { get { lock (_lock) { return _record.LastWriteAtMs; } } }

    public void LearnedWriteAgo(long agoMs, long nowMs) { lock (_lock) { _record.LearnedWriteAgo(agoMs, nowMs); } }

    public long WriteAgoMs(long nowMs) { lock (_lock) { return _record.WriteAgoMs(nowMs); } }

    /// <summary>The sequence number of the newest notice (0: none ever).</summary>
    public long LatestNotice { get { lock (_lock) { return _record.LatestNotice; } } }

    /// <summary>Whether a client naming this session per command has notices it was not told.</summary>
    public bool HasUntoldPerCommand { get { lock (_lock) { return _record.HasUntoldPerCommand; } } }

    public bool IsIdle(long nowMs, long idleMsMax) { lock (_lock) { return _record.IsIdle(nowMs, idleMsMax); } }

    public void Touch(long nowMs) { lock (_lock) { _record.Touch(nowMs); } }

    /// <summary>See <see cref="SessionRecord.Wrote"/>; counts the write.</summary>
    public void Wrote(Lsn position, WriteGroup made, Epoch epoch, long nowMs)
    {
        lock (_lock)
        {
            _record.Wrote(position, made, epoch, nowMs);
        }
        Counters.CountWrite();
    }

    public void Learned(Lsn written) { lock (_lock) { _record.Learned(written); } }

    public void Saw(Lsn lsn) { lock (_lock) { _record.Saw(lsn); } }

    /// <summary>See <see cref="SessionRecord.RecordAtLeader(LeaderView, Lsn, Lsn, WriteGroup, IReadOnlyList{WriteGroup}, long)"/>; a write taken in is counted.</summary>
    public WriteRecording RecordAtLeader(LeaderView leader, Lsn written, Lsn seen, WriteGroup made, IReadOnlyList<WriteGroup> pending, long nowMs)
    {
        WriteRecording taken;
        lock (_lock)
        {
            taken = _record.RecordAtLeader(leader, written, seen, made, pending, nowMs);
        }
        if (taken is WriteRecording.Recorded or WriteRecording.NotInThisLog && Lsn.Max(written, made.Last) > Lsn.Zero)
        {
            Counters.CountWrite();
        }
        return taken;
    }

    /// <summary>The notices for entries of <paramref name="record"/> this session made here (added to it too).</summary>
    public IReadOnlyList<RollbackNotice> MatchRollback(RollbackRecord record)
    {
        lock (_lock)
        {
            return SessionRollbacks.Match([_record], record, SessionRollbackSink.KeysOf) is [var matched] ? matched.Notices : [];
        }
    }

    public bool Notify(RollbackNotice notice) { lock (_lock) { return _record.Notify(notice); } }

    public IReadOnlyList<RollbackNotice> NoticesAfter(long after) { lock (_lock) { return _record.NoticesAfter(after); } }

    /// <summary>See <see cref="SessionRecord.TakeUntoldPerCommand"/>.</summary>
    public IReadOnlyList<RollbackNotice> TakeUntoldPerCommand() { lock (_lock) { return _record.TakeUntoldPerCommand(); } }
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
