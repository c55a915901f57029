using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Storage;

namespace Chorus.Node.Resync;

/// <summary>One row of one column family, as the Merkle resync moves it.</summary>
public readonly record struct StoredRow(StorageColumn Column, byte[] Key, byte[] Value);

/// <summary>
/// The leaderless family's <see cref="MerkleTree"/> over a whole database, row by row, for a
/// single-leader follower's Merkle resync (DESIGN §4.3, docs/replication.md): every row of every
/// column family is placed in the tree by the hash of (column, key) and contributes the digest of
/// its value. Two databases with the same tree root hold the same rows (up to a 2^-64 chance),
/// so a follower that makes the rows of every differing leaf equal to the leader's checkpoint
/// ends with that checkpoint's database, as a full snapshot would leave it.
/// </summary>
public static class RowMerkle
{
    /// <summary>Tree depths the resync uses: at least 16 leaves, at most <see cref="MerkleTree.DepthMax"/>.</summary>
    public const int DepthMin = 4;

    /// <summary>
    /// The log's rows have the top 1/64 of the hash space to themselves: a resyncing follower takes
    /// the leader's retained log whole, and log rows sharing leaves with data rows would drag
    /// unchanged keys along with them.
    /// </summary>
    private const ulong LogSliceWidth = KeyHash.SpaceEnd / 64;

    private const ulong LogSliceStart = KeyHash.SpaceEnd - LogSliceWidth;

    /// <summary>Where a row sits in the tree: the key hash of its column tag and key (a log row in the log's slice).</summary>
    public static ulong HashOf(StorageColumn column, ReadOnlySpan<byte> key)
    {
        Span<byte> tagged = key.Length < 512 ? stackalloc byte[key.Length + 1] : new byte[key.Length + 1];
        tagged[0] = (byte)column;
        key.CopyTo(tagged[1..]);
        var hash = KeyHash.Of(tagged);
        return column == StorageColumn.Log ? LogSliceStart + (hash % LogSliceWidth) : hash % LogSliceStart;
    }

    public static ulong DigestOf(StorageColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        unchecked(MerkleTree.Digest(key, value) + (ulong)column);

    /// <summary>
    /// A depth giving about two rows per leaf: a leaf that differs re-sends few rows, and the
    /// exchange costs a few hashes per differing leaf and level.
    /// </summary>
    public static int DepthFor(long rows)
    {
        var depth = 0;
        while (depth < MerkleTree.DepthMax && (1L << depth) * 2 < rows)
        {
            depth++;
        }
        return Math.Max(DepthMin, depth);
    }

    /// <summary>Reads every row of <paramref name="storage"/> into a tree of <paramref name="depth"/>.</summary>
    public static MerkleTree Build(IStorageEngine storage, int depth) => Build(storage, depth, out _);

    /// <summary>As <see cref="Build(IStorageEngine, int)"/>, counting the rows on the same scan.</summary>
    public static MerkleTree Build(IStorageEngine storage, int depth, out long rows)
    {
        var tree = new MerkleTree(HashRange.All, depth);
        rows = 0;
        foreach (var column in StorageColumns.All)
        {
            using var iterator = storage.NewIterator(column);
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                tree.Add(HashOf(column, iterator.Key), DigestOf(column, iterator.Key, iterator.Value));
                rows++;
            }
        }
        return tree;
    }

    /// <summary>
    /// The storage engine's estimate of its rows, enough to choose a depth (<see cref="DepthFor"/>
    /// wants about two rows per leaf, not an exact count): counting them exactly would read the
    /// whole database once more before the build scan reads it again.
    /// </summary>
    public static long EstimateRows(IStorageEngine storage) =>
        StorageColumns.All.Sum(column => Math.Max(0, storage.ApproximateKeyCount(column)));

    /// <summary>The rows of <paramref name="storage"/> whose hash falls in one of <paramref name="ranges"/> (sorted, disjoint).</summary>
    public static IEnumerable<StoredRow> RowsIn(IStorageEngine storage, IReadOnlyList<HashRange> ranges)
    {
        if (ranges.Count == 0)
        {
            yield break;
        }
        foreach (var column in StorageColumns.All)
        {
            using var iterator = storage.NewIterator(column);
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                if (InRanges(ranges, HashOf(column, iterator.Key)))
                {
                    yield return new StoredRow(column, iterator.Key.ToArray(), iterator.Value.ToArray());
                }
            }
        }
    }

    /// <summary>Whether <paramref name="hash"/> is in one of the sorted, disjoint <paramref name="ranges"/>.</summary>
    public static bool InRanges(IReadOnlyList<HashRange> ranges, ulong hash)
    {
        var (low, high) = (0, ranges.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (ranges[middle].End <= hash)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low < ranges.Count && ranges[low].Contains(hash);
    }
}
