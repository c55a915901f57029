using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Node;

/// <summary>
/// Every connection's WATCHed keys on this node, and the changes that invalidate them. The loop
/// reports each change twice: when a write is staged on the leader (a later EXEC in the same
/// round must see it) and once it is stored (so a connection that WATCHes and then reads never
/// misses a change its read did not see yet); replicated entries on a follower, rollbacks and
/// flushes too. Thread-safe: connections watch, the loop touches; one lock, held briefly, and
/// only taken when some key is watched.
/// </summary>
public sealed class KeyWatches
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Db, byte[] Key), List<WatchedKey>> _byKey = new(DbKeyComparer.Instance);
    private volatile int _count;

    /// <summary>Whether any key is watched (a touch is free otherwise).</summary>
    public bool Active => _count > 0;

    /// <summary>
    /// Watches <paramref name="key"/> of <paramref name="db"/> for <paramref name="set"/>.
    /// <paramref name="probe"/> reads the key's state (exists, expired) under the lock, so no
    /// change can fall between the read and the registration.
    /// </summary>
    public void Watch(WatchSet set, int db, byte[] key, Func<(bool Exists, bool Expired)> probe, Lsn appliedNow)
    {
        lock (_lock)
        {
            if (set.Keys.Exists(k => k.Db == db && k.Key.AsSpan().SequenceEqual(key)))
            {
                return;
            }
            var (exists, expired) = probe();
            var watched = new WatchedKey(set, db, key, exists, expired);
            if (set.Keys.Count == 0)
            {
                set.WatchedAt = appliedNow;
            }
            set.Keys.Add(watched);
            if (!_byKey.TryGetValue((db, key), out var list))
            {
                _byKey[(db, key)] = list = [];
            }
            list.Add(watched);
            _count++;
        }
    }

    /// <summary>UNWATCH (and the end of EXEC or DISCARD): forgets the set's keys, and that one changed.</summary>
    public void Unwatch(WatchSet set)
    {
        lock (_lock)
        {
            foreach (var watched in set.Keys)
            {
                if (_byKey.TryGetValue((watched.Db, watched.Key), out var list))
                {
                    list.Remove(watched);
                    if (list.Count == 0)
                    {
                        _byKey.Remove((watched.Db, watched.Key));
                    }
                    _count--;
                }
            }
            set.Clear();
        }
    }

    /// <summary>The watched keys of <paramref name="set"/> (a copy), for the EXEC's expiry check or a forwarded EXEC.</summary>
    public IReadOnlyList<(int Db, byte[] Key, bool Existed, bool Expired)> KeysOf(WatchSet set)
    {
        lock (_lock)
        {
            return [.. set.Keys.Select(k => (k.Db, k.Key, k.Existed, k.Expired))];
        }
    }

    /// <summary>
    /// The changes of a log entry's payload happened. <paramref name="exists"/> says whether a key
    /// of a database exists now (SWAPDB changes only watched keys that exist in one of its databases).
    /// </summary>
    public void Touch(PayloadKind kind, ReadOnlySpan<byte> payload, Func<int, byte[], bool> exists)
    {
        if (!Active || kind != PayloadKind.Logical)
        {
            return;
        }
        var changes = LogicalPayload.Decode(payload);
        lock (_lock)
        {
            foreach (var change in changes)
            {
                TouchLocked(change, exists);
            }
        }
    }

    /// <summary>Keys a command modified without a logged change (SET of the same value).</summary>
    public void TouchKeys(IReadOnlyList<(int Db, byte[] Key)> keys)
    {
        if (!Active)
        {
            return;
        }
        lock (_lock)
        {
            foreach (var (db, key) in keys)
            {
                TouchKey(db, key, deleted: false);
            }
        }
    }

    /// <summary>Everything may have changed (a rollback of a divergent suffix): every watch fails.</summary>
    public void TouchAll()
    {
        if (!Active)
        {
            return;
        }
        lock (_lock)
        {
            foreach (var list in _byKey.Values)
            {
                list.ForEach(w => w.Owner.MarkDirty());
            }
        }
    }

    private void TouchLocked(RowChange change, Func<int, byte[], bool> exists)
    {
        switch (change)
        {
            case RenameChange rename:
                TouchKey(rename.Db, rename.Key, deleted: true);
                TouchKey(rename.TargetDb, rename.Target, deleted: false);
                break;
            case CopyChange copy:
                TouchKey(copy.TargetDb, copy.Target, deleted: false);
                break;
            case StreamChange stream when stream.Before is not null && !stream.Items.Any(i => i.Kind == StreamItemKind.Entry):
                // Redis 7.0 signals a stream modified only when entries come or go (or MKSTREAM
                // creates it): XGROUP, XSETID, XREADGROUP, XACK, XCLAIM, XAUTOCLAIM leave a WATCH be.
                break;
            case KeyChange key:
                TouchKey(key.Db, key.Key, deleted: change is DeleteChange);
                break;
            case FlushDbChange flush:
                Flush(db => db == flush.Db);
                break;
            case FlushAllChange:
                Flush(_ => true);
                break;
            case SwapDbChange swap:
                foreach (var (key, list) in _byKey)
                {
                    if ((key.Db == swap.Db || key.Db == swap.OtherDb) && (exists(swap.Db, key.Key) || exists(swap.OtherDb, key.Key)))
                    {
                        list.ForEach(w => w.Owner.MarkDirty());
                    }
                }
                break;
        }
    }

    /// <summary>
    /// Redis 7.0's touchWatchedKey: a key that had already expired when it was watched and is now
    /// deleted has not logically changed (it was gone, it is gone); any other change fails the watch.
    /// </summary>
    private void TouchKey(int db, byte[] key, bool deleted)
    {
        if (!_byKey.TryGetValue((db, key), out var list))
        {
            return;
        }
        foreach (var watched in list)
        {
            if (watched.Expired && deleted)
            {
                watched.Expired = false;
                watched.Existed = false;
                continue;
            }
            watched.Existed = !deleted;
            watched.Owner.MarkDirty();
        }
    }

    /// <summary>Redis 7.0's touchAllWatchedKeysInDb: only keys that existed change when their database is emptied.</summary>
    private void Flush(Func<int, bool> emptied)
    {
        foreach (var (key, list) in _byKey)
        {
            if (!emptied(key.Db))
            {
                continue;
            }
            foreach (var watched in list)
            {
                if (!watched.Existed)
                {
                    continue;
                }
                if (watched.Expired)
                {
                    watched.Expired = false;
                    watched.Existed = false;
                    continue;
                }
                watched.Existed = false;
                watched.Owner.MarkDirty();
            }
        }
    }
}
