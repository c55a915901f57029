using System.IO.Hashing;
using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// A hash tree over one range of key hashes (DDIA ch. 5, "Anti-entropy"; Dynamo §4.7): two
/// replicas compare roots, descend only into children that differ, and end with the few leaf
/// ranges whose keys they must exchange.
/// <para>
/// Shape. Fixed depth over a fixed <see cref="HashRange"/> (a ring range, or the whole space): leaf
/// i covers an equal slice of the range, so two replicas of the range have trees of the same
/// shape without agreeing on anything but (range, depth). The tree is a complete binary tree in
/// one array (2^(depth+1) − 1 × 8 bytes: depth 10 is 16 KiB, depth 16 is 1 MiB). Deeper trees mean
/// smaller leaves (fewer keys re-sent per difference) but more memory and more nodes exchanged;
/// aim for tens of keys per leaf.
/// </para>
/// <para>
/// Hashes. Each key contributes a 64-bit digest of (key, version bytes) (<see cref="Digest"/>);
/// a leaf holds the wrapping sum of its keys' digests and an inner node the sum of its children,
/// so a node's hash is the sum over its range. A sum is order-independent and a key's change is
/// O(depth): add (new − old) along one path, no rehashing, no key reads. Sums of 64-bit digests
/// cancel by chance with probability about 2^-64 per comparison; fine for repair, not for
/// defending against a peer that chooses digests (peers are trusted cluster members).
/// </para>
/// </summary>
public sealed class MerkleTree
{
    public const int DepthMax = 20;

    private readonly ulong[] _nodes;

    public MerkleTree(HashRange range, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, DepthMax);
        if (range.IsEmpty || range.End > KeyHash.SpaceEnd)
        {
            throw new ArgumentException($"range {range} is empty or outside the key-hash space", nameof(range));
        }
        (Range, Depth) = (range, depth);
        _nodes = new ulong[(2 << depth) - 1];
    }

    public HashRange Range { get; }

    public int Depth { get; }

    public int LeafCount => 1 << Depth;

    public ulong RootHash => _nodes[0];

    /// <summary>The digest a key contributes: xxHash64 of its version bytes, seeded by the key's own hash.</summary>
    public static ulong Digest(ReadOnlySpan<byte> key, ReadOnlySpan<byte> version) =>
        XxHash64.HashToUInt64(version, unchecked((long)XxHash64.HashToUInt64(key)));

    /// <summary>A key appears with <paramref name="digest"/>.</summary>
    public void Add(ulong keyHash, ulong digest) => AddAlongPath(LeafOf(keyHash), digest);

    /// <summary>A key with <paramref name="digest"/> goes away.</summary>
    public void Remove(ulong keyHash, ulong digest) => AddAlongPath(LeafOf(keyHash), unchecked(0 - digest));

    /// <summary>A key's version changes: O(depth), whatever the number of keys.</summary>
    public void Update(ulong keyHash, ulong oldDigest, ulong newDigest) =>
        AddAlongPath(LeafOf(keyHash), unchecked(newDigest - oldDigest));

    /// <summary>The hashes of one level, left to right (level 0 is the root, level <see cref="Depth"/> the leaves).</summary>
    public ReadOnlySpan<ulong> Level(int level)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)level, (uint)Depth, nameof(level));
        return _nodes.AsSpan((1 << level) - 1, 1 << level);
    }

    public ulong NodeHash(int level, int index) => Level(level)[index];

    /// <summary>The leaf a key hash falls in.</summary>
    public int LeafOf(ulong keyHash)
    {
        if (!Range.Contains(keyHash))
        {
            throw new ArgumentOutOfRangeException(nameof(keyHash), $"key hash {keyHash:x} is outside the tree's range {Range}");
        }
        return (int)((UInt128)(keyHash - Range.Start) * (ulong)LeafCount / Range.Width);
    }

    /// <summary>The key hashes leaf <paramref name="leaf"/> covers (exactly those <see cref="LeafOf"/> maps to it).</summary>
    public HashRange LeafRange(int leaf) => new(Boundary(leaf), Boundary(leaf + 1));

    /// <summary>The key hashes node <paramref name="index"/> of <paramref name="level"/> covers.</summary>
    public HashRange NodeRange(int level, int index)
    {
        var leavesPerNode = 1 << (Depth - level);
        return new HashRange(Boundary(index * leavesPerNode), Boundary((index + 1) * leavesPerNode));
    }

    /// <summary>Whether <paramref name="other"/> covers the same range with the same depth (so it can be compared).</summary>
    public bool SameShapeAs(MerkleTree other) => Range == other.Range && Depth == other.Depth;

    public bool SameHashesAs(MerkleTree other) => SameShapeAs(other) && _nodes.AsSpan().SequenceEqual(other._nodes);

    private ulong Boundary(int leaf)
    {
        // The smallest offset o with floor(o × leaves / width) ≥ leaf: ceil(leaf × width / leaves).
        var numerator = (UInt128)(ulong)leaf * Range.Width;
        return Range.Start + (ulong)((numerator + (ulong)LeafCount - 1) / (ulong)LeafCount);
    }

    private void AddAlongPath(int leaf, ulong delta)
    {
        var index = LeafCount - 1 + leaf;
        while (true)
        {
            _nodes[index] = unchecked(_nodes[index] + delta);
            if (index == 0)
            {
                return;
            }
            index = (index - 1) / 2;
        }
    }
}
