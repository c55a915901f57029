using Chorus.Replication.Leaderless;
using Chorus.Storage;

namespace Chorus.Node.Resync;

/// <summary>
/// Makes the rows of the differing leaves of <paramref name="target"/> (the follower's private
/// copy of its own database) equal to the leader's: every row of the target in those ranges goes,
/// then the leader's rows of those ranges come in. <paramref name="tree"/> (the target's tree)
/// follows each change, so once the leader's rows are in, its root must equal the leader's root:
/// <see cref="MatchesLeader"/> is the end-to-end check that the copy is the leader's checkpoint.
/// </summary>
public sealed class RowPatch(IStorageEngine target, MerkleTree tree, IReadOnlyList<HashRange> ranges)
{
    /// <summary>Rows per write batch: bounds the memory one batch holds.</summary>
    public const int BatchRowsMax = 4096;

    public IReadOnlyList<HashRange> Ranges => ranges;

    /// <summary>The target's rows removed from the differing ranges (the leader's rows that differ replace some of them).</summary>
    public long RowsRemoved { get; private set; }

    /// <summary>The leader's rows written.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Key and value bytes of the leader's rows written.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Removes every target row in the differing ranges. Runs once, before <see cref="Put"/>.</summary>
    public void RemoveDiffering()
    {
        var doomed = RowMerkle.RowsIn(target, ranges).ToList();
        foreach (var chunk in doomed.Chunk(BatchRowsMax))
        {
            using var batch = target.NewBatch();
            foreach (var row in chunk)
            {
                batch.Delete(row.Column, row.Key);
                tree.Remove(RowMerkle.HashOf(row.Column, row.Key), RowMerkle.DigestOf(row.Column, row.Key, row.Value));
            }
            target.Write(batch, sync: false);
        }
        RowsRemoved += doomed.Count;
    }

    /// <summary>Deletes every row of <paramref name="column"/> from <paramref name="storage"/>, in bounded batches.</summary>
    public static void DeleteColumn(IStorageEngine storage, StorageColumn column)
    {
        while (true)
        {
            using var batch = storage.NewBatch();
            var count = 0;
            using (var iterator = storage.NewIterator(column))
            {
                for (iterator.SeekToFirst(); iterator.Valid && count < BatchRowsMax; iterator.Next(), count++)
                {
                    batch.Delete(column, iterator.Key);
                }
            }
            if (count == 0)
            {
                return;
            }
            storage.Write(batch, sync: false);
        }
    }

    /// <summary>Writes leader rows; a row outside the differing ranges is refused (a confused or hostile peer).</summary>
    public void Put(IReadOnlyList<StoredRow> rows)
    {
        using var batch = target.NewBatch();
        foreach (var row in rows)
        {
            var hash = RowMerkle.HashOf(row.Column, row.Key);
            if (!RowMerkle.InRanges(ranges, hash))
            {
                throw new InvalidOperationException($"the leader sent a {StorageColumns.Name(row.Column)} row outside the ranges that differ");
            }
            batch.Put(row.Column, row.Key, row.Value);
            tree.Add(hash, RowMerkle.DigestOf(row.Column, row.Key, row.Value));
            BytesWritten += row.Key.Length + row.Value.Length;
        }
        target.Write(batch, sync: false);
        RowsWritten += rows.Count;
    }

    /// <summary>Whether the target now holds exactly the leader's rows (equal tree roots).</summary>
    public bool MatchesLeader(ulong leaderRoot) => tree.RootHash == leaderRoot;
}
