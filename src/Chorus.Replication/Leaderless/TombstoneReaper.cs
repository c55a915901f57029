using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless.Messages;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Tombstone collection. A deletion is a tombstone sibling kept in the key's versions, so that
/// older copies still travelling (a hint, a read repair, an anti-entropy exchange) are recognised
/// as superseded instead of bringing the value back. Kept forever, deleted keys would take space
/// forever; so the coordinator of a deletion that every home replica stored itself schedules its
/// collection, and after <see cref="LeaderlessSettings.TombstoneGraceMs"/> sends every node a
/// <see cref="Reap"/>: each home replica removes its record if it is still exactly that deletion,
/// and each node drops the hints the deletion superseded.
/// <para>
/// What is given up (docs/leaderless.md, "Deletes"): a superseded copy that reaches a replica
/// after the grace period — a node restored from an old copy, a message delayed longer than the
/// grace — brings the old value back, as in Cassandra after gc_grace_seconds. A Reap that is lost
/// leaves the tombstone on that replica; anti-entropy then copies it back to the others, and the
/// key keeps its tombstone until it is deleted again: space, never correctness.
/// </para>
/// </summary>
internal sealed class TombstoneReaper(LeaderlessContext context, VersionStore store, HintStore hints)
{
    private readonly Queue<(long DueMs, byte[] Key, VersionVector Context, long RingVersion)> _due = new();

    public int Pending => _due.Count;

    /// <summary>
    /// A write this node coordinated ended: if it left only tombstones and every home replica of
    /// the cluster's N stored it itself (no stand-in, no hint), its collection is scheduled.
    /// </summary>
    public void Consider(byte[] key, int n, Set versions, IEnumerable<NodeId> storedBy)
    {
        // Not during a membership change: a node gaining the key may still receive an older copy.
        if (!context.Settings.TombstoneReaping || n != context.Settings.N || !IsDeletion(versions) || context.Previous is not null)
        {
            return;
        }
        var stored = storedBy.ToHashSet();
        if (!context.Homes(KeyHash.Of(key), n).All(stored.Contains))
        {
            return;
        }
        if (_due.Count >= context.Settings.TombstonesPendingMax)
        {
            context.Counters.TombstonesNotScheduled++;
            return;
        }
        context.Counters.TombstonesScheduled++;
        _due.Enqueue((context.NowMs + context.Settings.TombstoneGraceMs, key, versions.Context, context.Config.Version));
    }

    /// <summary>Sends the collections whose grace period is over (the grace is fixed, so the queue is in due order).</summary>
    public void Tick()
    {
        while (context.Previous is null && _due.TryPeek(out var head) && head.DueMs <= context.NowMs)
        {
            _due.Dequeue();
            if (head.RingVersion != context.Config.Version)
            {
                continue; // the key's home replicas changed since they all stored it: kept (space, not correctness)
            }
            var reap = new Reap(context.Config.Version, head.Key, head.Context);
            foreach (var peer in context.Peers)
            {
                context.Send(peer, reap);
            }
            OnReap(reap);
        }
    }

    /// <summary>Removes this replica's record of the key if it is still exactly the collected deletion; drops superseded hints.</summary>
    public void OnReap(Reap reap)
    {
        context.Counters.HintsPruned += hints.Prune(reap.Key, reap.Context);
        store.Change(reap.Key, current => IsDeletion(current) && current.Context.Equals(reap.Context) ? KeyVersions.Empty : current, (before, after) =>
        {
            if (after.IsEmpty && !before.IsEmpty)
            {
                context.Counters.TombstonesReaped++;
            }
        });
    }

    /// <summary>Versions that are nothing but deletions.</summary>
    private static bool IsDeletion(Set versions) => !versions.IsEmpty && versions.Values.All(v => v.IsTombstone);
}
