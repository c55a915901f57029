using Chorus.Node;
using Chorus.Simulation.Cluster;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// A simulated snapshot's rows: every row of every column family, copied out of a leader's
/// storage, and installed in place of a follower's disk as production's swap installs a checkpoint.
/// </summary>
internal static class StorageCopy
{
    /// <summary>Every row of <paramref name="storage"/>, column by column.</summary>
    public static IEnumerable<SnapshotRow> Rows(IStorageEngine storage)
    {
        foreach (var column in StorageColumns.All)
        {
            using var iterator = storage.NewIterator(column);
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                yield return new SnapshotRow(column, iterator.Key.ToArray(), iterator.Value.ToArray());
            }
        }
    }

    /// <summary>
    /// The rows a node installing the snapshot gets: without the committed log prefix, which
    /// production's snapshot source leaves out (<see cref="SnapshotLog"/>), so the simulator runs
    /// followers on the same shortened log.
    /// </summary>
    public static IReadOnlyList<SnapshotRow> ForInstall(IReadOnlyList<SnapshotRow> rows, Chorus.Core.Lsn committedThrough)
    {
        using var copy = new InMemoryStorageEngine();
        using (var batch = copy.NewBatch())
        {
            foreach (var row in rows)
            {
                batch.Put(row.Column, row.Key, row.Value);
            }
            copy.Write(batch, sync: true);
        }
        return SnapshotLog.RetireCommittedPrefix(copy, committedThrough) == Chorus.Core.Lsn.Zero ? rows : [.. Rows(copy)];
    }

    /// <summary>Replaces everything on <paramref name="disk"/> with <paramref name="rows"/> (synced), claimed for node <paramref name="owner"/>.</summary>
    public static void Install(InMemoryStorageEngine disk, IReadOnlyList<SnapshotRow> rows, Chorus.Core.NodeId owner)
    {
        using (var batch = disk.NewBatch())
        {
            foreach (var column in StorageColumns.All)
            {
                foreach (var old in Rows(disk).Where(r => r.Column == column))
                {
                    batch.Delete(column, old.Key);
                }
            }
            foreach (var row in rows)
            {
                batch.Put(row.Column, row.Key, row.Value);
            }
            disk.Write(batch, sync: true);
        }
        NodeIdentity.ClaimForNode(disk, owner);
    }
}
