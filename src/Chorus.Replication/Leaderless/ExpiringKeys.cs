using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Core.Versions;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Removes expired keys. An expiry is part of the value (<see cref="VersionedValue.ExpiresAtMs"/>),
/// so every replica hides an expired value on its own; this class frees the space. Each replica
/// keeps the keys it stores that will expire as a whole (every value has an expiry), in due order
/// — filled as versions are stored and by the Merkle build scan, so a restart finds them again.
/// Once a key is due, the first home replica that is up deletes it with an ordinary quorum write:
/// a tombstone whose context is exactly the versions it read, so a value written meanwhile (not
/// covered) survives as a sibling, and a replica that missed the deletion receives the tombstone by
/// hint, read repair or anti-entropy instead of bringing the value back. The other home replicas
/// take over after <see cref="TakeoverMs"/> if the key is still there (the first home was down);
/// two deletions of one key are harmless (tombstone siblings). The tombstone is then collected as
/// any deletion is (<see cref="TombstoneReaper"/>). Even a copy that comes back after that is
/// never served: it carries its expiry, and it is deleted again.
/// </summary>
internal sealed class ExpiringKeys(LeaderlessContext context, VersionStore store, Action<KeyWrite> delete)
{
    /// <summary>Keys tracked at most: beyond it, a key is found again by the next build scan (space, not correctness).</summary>
    public const int TrackedMax = 1_000_000;

    /// <summary>Expired keys looked at per loop round: bounds one round's work.</summary>
    public const int ChecksPerTickMax = 256;

    private readonly PriorityQueue<(byte[] Key, bool Takeover), long> _due = new();

    // One live entry per key, its due time here: a key written again with the same or a later
    // expiry queues nothing (the check at the queued time finds the later expiry and queues it
    // then), so a hot key written often with EX holds one entry, not one per write. An entry whose
    // time differs from this one was superseded by an earlier expiry and is passed over.
    private readonly Dictionary<byte[], long> _queuedDueMs = new(ByteArrayComparer.Instance);

    /// <summary>Keys tracked: each once, however often it was written.</summary>
    public int Tracked => _queuedDueMs.Count;

    /// <summary>How long after a key is due the other home replicas wait for the first one.</summary>
    public long TakeoverMs => 2 * context.Settings.RequestTimeoutMs;

    /// <summary>Versions of <paramref name="key"/> were stored (or scanned): tracks the key if it will expire as a whole.</summary>
    public void Track(byte[] key, Set versions)
    {
        var expiresAtMs = KeyVersions.AllExpireAtMs(versions);
        if (expiresAtMs == 0)
        {
            return;
        }
        var dueMs = DueMs(expiresAtMs);
        if (_queuedDueMs.TryGetValue(key, out var queuedDueMs))
        {
            if (queuedDueMs <= dueMs)
            {
                return;
            }
        }
        else if (_queuedDueMs.Count >= TrackedMax)
        {
            context.Counters.ExpiringKeysNotTracked++;
            return;
        }
        Queue(key, takeover: false, dueMs);
    }

    public void Tick()
    {
        for (var checks = 0; checks < ChecksPerTickMax && _due.TryPeek(out var due, out var dueMs) && dueMs <= context.NowMs; checks++)
        {
            _due.Dequeue();
            if (!_queuedDueMs.TryGetValue(due.Key, out var queuedDueMs) || queuedDueMs != dueMs)
            {
                continue; // superseded: the key was queued again for an earlier time
            }
            _queuedDueMs.Remove(due.Key);
            var homes = context.Homes(KeyHash.Of(due.Key), context.Settings.N);
            if (!homes.Contains(context.Self))
            {
                continue; // no longer this node's key: its home replicas expire it
            }
            if (!due.Takeover && homes.First(h => h == context.Self || context.IsUp(h)) != context.Self)
            {
                Queue(due.Key, takeover: true, context.NowMs + TakeoverMs);
                continue;
            }
            store.Read(due.Key, current => DeleteIfExpired(due.Key, current));
        }
    }

    private void Queue(byte[] key, bool takeover, long dueMs)
    {
        _queuedDueMs[key] = dueMs;
        _due.Enqueue((key, takeover), dueMs);
    }

    private void DeleteIfExpired(byte[] key, Set current)
    {
        var expiresAtMs = KeyVersions.AllExpireAtMs(current);
        if (expiresAtMs == 0)
        {
            return; // written again since without an expiry
        }
        if (context.NowMs < DueMs(expiresAtMs))
        {
            Track(key, current); // written again since with a later expiry: check again then
            return;
        }
        context.Counters.ExpiredKeysDeleted++;
        delete(new KeyWrite(key, null, current.Context, QuorumOverrides.None));
    }

    /// <summary>Redis's rule: a value is expired once the time is past its expiry.</summary>
    private static long DueMs(long expiresAtMs) => expiresAtMs == long.MaxValue ? long.MaxValue : expiresAtMs + 1;
}
