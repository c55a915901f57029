using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// The consistent-hashing ring of a leaderless cluster (DDIA ch. 6, "Partitioning by hash of
/// key"; Dynamo): each node owns many virtual nodes (tokens) spread over the 63-bit key-hash
/// space, and a key's preference list is the first N distinct nodes met walking clockwise from
/// the key's hash. Virtual nodes even out the share each node holds, and adding or removing a
/// node moves only the ranges next to its tokens.
/// <para>
/// Placement is a pure function of the node ids and <see cref="VirtualNodesPerNode"/>: token i
/// of node "n1" is <see cref="KeyHash"/> of "n1#i", so every node computes the same ring without
/// coordination. Keys are placed by the same hash the data column is ordered by
/// (<see cref="KeyHash.Of"/>), so a ring range is a contiguous run of stored keys.
/// Immutable: a membership change builds a new ring (<see cref="RingChange"/> says what moves).
/// </para>
/// </summary>
public sealed class HashRing
{
    /// <summary>Tokens per node are bounded so a ring stays small (nodes × this × 16 bytes).</summary>
    public const int VirtualNodesPerNodeMax = 4096;

    private readonly VirtualNode[] _tokens;

    public HashRing(IEnumerable<NodeId> nodes, int virtualNodesPerNode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodesPerNode, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(virtualNodesPerNode, VirtualNodesPerNodeMax);
        Nodes = [.. nodes.Distinct().OrderBy(n => n.Value, StringComparer.Ordinal)];
        if (Nodes.Count == 0)
        {
            throw new ArgumentException("a ring needs at least one node", nameof(nodes));
        }
        VirtualNodesPerNode = virtualNodesPerNode;
        _tokens = [.. Nodes.SelectMany(n => Enumerable.Range(0, virtualNodesPerNode).Select(i => new VirtualNode(TokenOf(n, i), n, i)))];
        Array.Sort(_tokens);
    }

    /// <summary>The physical nodes, sorted by id.</summary>
    public IReadOnlyList<NodeId> Nodes { get; }

    public int VirtualNodesPerNode { get; }

    /// <summary>Every virtual node in ring order; a key belongs to the first token at or after its hash.</summary>
    public ReadOnlySpan<VirtualNode> Tokens => _tokens;

    /// <summary>Where virtual node <paramref name="index"/> of <paramref name="node"/> sits on the ring.</summary>
    public static ulong TokenOf(NodeId node, int index) => KeyHash.Of(System.Text.Encoding.ASCII.GetBytes($"{node.Value}#{index}"));

    /// <summary>
    /// The <paramref name="n"/> distinct nodes that hold a key with this hash, in ring order; the
    /// first is the natural coordinator. Fewer when the ring has fewer nodes.
    /// </summary>
    public IReadOnlyList<NodeId> PreferenceList(ulong keyHash, int n) => WalkFrom(keyHash, Math.Min(n, Nodes.Count));

    /// <summary>
    /// The sloppy preference list: the key's <paramref name="n"/> home nodes, with every home node
    /// that is down replaced by the next node on the ring that is up and not already chosen (which
    /// keeps the write as a hint for it). Fewer than n replicas when not enough nodes are up.
    /// </summary>
    public IReadOnlyList<Replica> SloppyPreferenceList(ulong keyHash, int n, Predicate<NodeId> isUp)
    {
        var walk = WalkFrom(keyHash, Nodes.Count);
        var homes = walk.Take(Math.Min(n, walk.Count));
        var standIns = new Queue<NodeId>(walk.Skip(n).Where(node => isUp(node)));
        var replicas = new List<Replica>(n);
        foreach (var home in homes)
        {
            if (isUp(home))
            {
                replicas.Add(new Replica(home));
            }
            else if (standIns.TryDequeue(out var standIn))
            {
                replicas.Add(new Replica(standIn, home));
            }
        }
        return replicas;
    }

    /// <summary>
    /// The ring cut into ranges, each with the same preference list of <paramref name="n"/> nodes,
    /// in hash order (adjacent ranges with equal lists are joined). A node keeps one Merkle tree,
    /// and runs anti-entropy, per range it appears in.
    /// </summary>
    public IReadOnlyList<ReplicatedRange> ReplicatedRanges(int n)
    {
        var ranges = new List<ReplicatedRange>();
        foreach (var segment in Segments())
        {
            var replicas = PreferenceList(segment.Start, n);
            if (ranges.Count > 0 && ranges[^1].Replicas.SequenceEqual(replicas))
            {
                ranges[^1] = ranges[^1] with { Range = ranges[^1].Range with { End = segment.End } };
            }
            else
            {
                ranges.Add(new ReplicatedRange(segment, replicas));
            }
        }
        return ranges;
    }

    /// <summary>The share of the hash space each node is first in the preference list for.</summary>
    public IReadOnlyDictionary<NodeId, double> PrimaryShares()
    {
        var shares = Nodes.ToDictionary(n => n, _ => 0.0);
        foreach (var segment in Segments())
        {
            shares[PreferenceList(segment.Start, 1)[0]] += (double)segment.Width / KeyHash.SpaceEnd;
        }
        return shares;
    }

    /// <summary>
    /// The non-empty ranges between consecutive tokens, in hash order: [0, t0 + 1), [t0 + 1, t1 + 1),
    /// …, [t_last + 1, 2^63). Every key hash in one segment has the same owner.
    /// </summary>
    public IEnumerable<HashRange> Segments() => SegmentsOf(_tokens.Select(t => t.Token));

    internal static IEnumerable<HashRange> SegmentsOf(IEnumerable<ulong> tokens)
    {
        var start = 0UL;
        foreach (var token in tokens.Order())
        {
            if (token + 1 > start)
            {
                yield return new HashRange(start, token + 1);
                start = token + 1;
            }
        }
        if (start < KeyHash.SpaceEnd)
        {
            yield return new HashRange(start, KeyHash.SpaceEnd);
        }
    }

    private List<NodeId> WalkFrom(ulong keyHash, int count)
    {
        var chosen = new List<NodeId>(count);
        var first = FirstTokenAtOrAfter(keyHash);
        for (var step = 0; step < _tokens.Length && chosen.Count < count; step++)
        {
            var node = _tokens[(first + step) % _tokens.Length].Node;
            if (!chosen.Contains(node))
            {
                chosen.Add(node);
            }
        }
        return chosen;
    }

    private int FirstTokenAtOrAfter(ulong keyHash)
    {
        var (low, high) = (0, _tokens.Length);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_tokens[middle].Token < keyHash)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low == _tokens.Length ? 0 : low;
    }
}

/// <summary>One token on the ring: virtual node <paramref name="Index"/> of <paramref name="Node"/>.</summary>
public readonly record struct VirtualNode(ulong Token, NodeId Node, int Index) : IComparable<VirtualNode>
{
    /// <summary>Ring order; equal tokens (a hash collision) are ordered by node id, then index.</summary>
    public int CompareTo(VirtualNode other)
    {
        var order = Token.CompareTo(other.Token);
        order = order != 0 ? order : string.CompareOrdinal(Node.Value, other.Node.Value);
        return order != 0 ? order : Index.CompareTo(other.Index);
    }
}

/// <summary>A range of key hashes and the nodes that replicate it, in preference order.</summary>
public sealed record ReplicatedRange(HashRange Range, IReadOnlyList<NodeId> Replicas);
