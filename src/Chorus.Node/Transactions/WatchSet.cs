using Chorus.Core;

namespace Chorus.Node;

/// <summary>
/// One connection's WATCHed keys (Redis's optimistic lock): EXEC applies nothing and replies nil
/// if any of them changed after it was watched. Marked by <see cref="KeyWatches"/>, from the node's
/// loop (a write, an expiry, a flush, a replicated entry, a rollback) while the connection waits.
/// </summary>
public sealed class WatchSet
{
    private volatile bool _dirty;

    /// <summary>The keys, guarded by the registry's lock.</summary>
    internal List<WatchedKey> Keys { get; } = [];

    /// <summary>A watched key changed: the next EXEC fails (nil reply).</summary>
    public bool IsDirty => _dirty;

    /// <summary>Whether any key is watched (read on the connection that owns the set).</summary>
    public bool IsEmpty => Keys.Count == 0;

    /// <summary>The local applied LSN when the first key was watched: a forwarded EXEC asks the leader for changes after it.</summary>
    public Lsn WatchedAt { get; internal set; }

    internal void MarkDirty() => _dirty = true;

    internal void Clear()
    {
        Keys.Clear();
        _dirty = false;
        WatchedAt = Lsn.Zero;
    }
}

/// <summary>
/// A watched key of database <see cref="Db"/>, with what Redis 7.0 remembers about it: whether it
/// existed and whether it had already expired (but not yet been deleted) when it was watched.
/// </summary>
internal sealed class WatchedKey(WatchSet owner, int db, byte[] key, bool existed, bool expired)
{
    public WatchSet Owner { get; } = owner;

    public int Db { get; } = db;

    public byte[] Key { get; } = key;

    public bool Existed { get; set; } = existed;

    public bool Expired { get; set; } = expired;
}
