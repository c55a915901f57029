namespace Chorus.Node.Sessions;

/// <summary>
/// The named sessions a node knows, by id: <see cref="SessionRecord"/>s, or whatever the host keeps
/// per session around one (<typeparamref name="TSession"/>). Bounded (<see cref="SessionsMax"/>), and
/// forgets sessions idle for longer than <see cref="IdleMsMax"/> — time is an input. Deterministic
/// and single-threaded: the server guards it with a lock, the simulator runs it as it is.
/// </summary>
public sealed class SessionTable<TSession>(Func<string, long, TSession> create, long idleMsMax)
    where TSession : class, IIdleSession
{
    /// <summary>Sessions at most, per node (a bound on what clients can make a node hold).</summary>
    public const int SessionsMax = 100_000;

    private readonly Dictionary<string, TSession> _sessions = new(StringComparer.Ordinal);

    public long IdleMsMax { get; } = idleMsMax;

    public int Count => _sessions.Count;

    /// <summary>Everything currently known (for rollback attribution and metrics).</summary>
    public IReadOnlyCollection<TSession> All => _sessions.Values;

    /// <summary>The session named <paramref name="id"/>, created if new (or expired); null when the table is full of active sessions.</summary>
    public TSession? Open(string id, long nowMs)
    {
        if (_sessions.TryGetValue(id, out var known) && !known.IsIdle(nowMs, IdleMsMax))
        {
            known.Touch(nowMs);
            return known;
        }
        if (known is null && _sessions.Count >= SessionsMax && Sweep(nowMs) == 0)
        {
            return null;
        }
        var fresh = create(id, nowMs);
        _sessions[id] = fresh;
        return fresh;
    }

    public TSession? Find(string id) => _sessions.GetValueOrDefault(id);

    /// <summary>Forgets idle sessions; returns how many.</summary>
    public int Sweep(long nowMs)
    {
        var idle = _sessions.Where(s => s.Value.IsIdle(nowMs, IdleMsMax)).Select(s => s.Key).ToList();
        foreach (var id in idle)
        {
            _sessions.Remove(id);
        }
        return idle.Count;
    }
}

/// <summary>What a <see cref="SessionTable{TSession}"/> needs of a session: when it was last used.</summary>
public interface IIdleSession
{
    bool IsIdle(long nowMs, long idleMsMax);

    void Touch(long nowMs);
}

/// <summary>Matches a rollback's discarded entries with the sessions that wrote them (by LSN, as each session recorded its write groups).</summary>
public static class SessionRollbacks
{
    /// <summary>
    /// For each session that made one of <paramref name="record"/>'s entries, the notices to add
    /// (the entry's LSN, epoch and up to <paramref name="keysOf"/>'s keys). Adds them to the session.
    /// </summary>
    public static List<(SessionRecord Session, IReadOnlyList<RollbackNotice> Notices)> Match(
        IEnumerable<SessionRecord> sessions, RollbackRecord record, Func<Chorus.Core.Log.LogEntry, IReadOnlyList<string>> keysOf)
    {
        var byLsn = record.Entries.ToDictionary(e => e.Lsn);
        var lsns = byLsn.Keys.Order().ToList();
        var matched = new List<(SessionRecord, IReadOnlyList<RollbackNotice>)>();
        foreach (var session in sessions)
        {
            // By (epoch, LSN) where the session's record knows the epoch: an entry of another epoch at that LSN is not its write.
            var made = session.Made(lsns).Where(lsn => session.MadeIn(lsn, byLsn[lsn].Epoch)).ToList();
            if (made.Count == 0)
            {
                continue;
            }
            var notices = made.Select(lsn => new RollbackNotice(lsn, byLsn[lsn].Epoch, keysOf(byLsn[lsn]), record.AtMs)).ToList();
            foreach (var notice in notices)
            {
                session.Notify(notice);
            }
            matched.Add((session, notices));
        }
        return matched;
    }
}
