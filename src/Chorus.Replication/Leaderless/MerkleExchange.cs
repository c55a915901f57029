namespace Chorus.Replication.Leaderless;

/// <summary>
/// One message of a Merkle comparison: the hashes of some nodes at one level of a tree over
/// (<paramref name="Range"/>, <paramref name="Depth"/>). Comparison goes level by level, each side
/// in turn sending the children of the nodes found different, so a replica that differs in a few
/// keys exchanges a few hashes per level instead of the whole tree. Encoded by <see cref="MerkleLevelCodec"/>.
/// </summary>
public sealed record MerkleLevel(HashRange Range, int Depth, int Level, IReadOnlyList<MerkleNodeHash> Nodes);

/// <summary>The hash of node <paramref name="Index"/> (left to right) of a level.</summary>
public readonly record struct MerkleNodeHash(int Index, ulong Hash);

/// <summary>What a replica does with a <see cref="MerkleLevel"/> it received.</summary>
public enum MerkleStepKind
{
    /// <summary>Every node received matches: these ranges are in sync.</summary>
    InSync,
    /// <summary>Some nodes differ: send <see cref="MerkleStep.Next"/>, their children.</summary>
    Descend,
    /// <summary>Leaves differ: exchange the keys of <see cref="MerkleStep.DifferingRanges"/>.</summary>
    LeavesDiffer,
    /// <summary>The trees cover different ranges or depths and cannot be compared.</summary>
    ShapeMismatch,
}

public sealed record MerkleStep(MerkleStepKind Kind, MerkleLevel? Next, IReadOnlyList<HashRange> DifferingRanges);

/// <summary>
/// The comparison protocol as pure functions of a tree and the message received; the leaderless
/// anti-entropy process sends the messages. <see cref="Compare"/> runs both sides in memory.
/// </summary>
public static class MerkleExchange
{
    /// <summary>The first message: the root.</summary>
    public static MerkleLevel Start(MerkleTree tree) => new(tree.Range, tree.Depth, 0, [new MerkleNodeHash(0, tree.RootHash)]);

    public static MerkleStep Reply(MerkleTree tree, MerkleLevel received)
    {
        if (received.Range != tree.Range || received.Depth != tree.Depth || received.Level > tree.Depth)
        {
            return new MerkleStep(MerkleStepKind.ShapeMismatch, null, []);
        }
        var ours = tree.Level(received.Level);
        var differing = new List<int>();
        foreach (var node in received.Nodes)
        {
            if (ours[node.Index] != node.Hash)
            {
                differing.Add(node.Index);
            }
        }
        if (differing.Count == 0)
        {
            return new MerkleStep(MerkleStepKind.InSync, null, []);
        }
        if (received.Level == tree.Depth)
        {
            return new MerkleStep(MerkleStepKind.LeavesDiffer, null, Coalesce(differing.Select(tree.LeafRange)));
        }
        var below = tree.Level(received.Level + 1);
        var children = new MerkleNodeHash[differing.Count * 2];
        for (var i = 0; i < differing.Count; i++)
        {
            var left = 2 * differing[i];
            children[2 * i] = new MerkleNodeHash(left, below[left]);
            children[(2 * i) + 1] = new MerkleNodeHash(left + 1, below[left + 1]);
        }
        return new MerkleStep(MerkleStepKind.Descend, received with { Level = received.Level + 1, Nodes = children }, []);
    }

    /// <summary>
    /// Compares two replicas' trees by running the exchange between them, counting every node hash
    /// sent. The differing ranges are where their keys or versions differ.
    /// </summary>
    public static MerkleComparison Compare(MerkleTree local, MerkleTree remote)
    {
        var message = Start(local);
        var (sent, rounds) = (message.Nodes.Count, 1);
        var (receiver, sender) = (remote, local);
        while (true)
        {
            var step = Reply(receiver, message);
            if (step.Kind != MerkleStepKind.Descend)
            {
                return new MerkleComparison(step.Kind, step.DifferingRanges, sent, rounds);
            }
            message = step.Next!;
            sent += message.Nodes.Count;
            rounds++;
            (receiver, sender) = (sender, receiver);
        }
    }

    /// <summary>Joins adjacent ranges (sorted input), so a run of differing leaves is one scan.</summary>
    public static IReadOnlyList<HashRange> Coalesce(IEnumerable<HashRange> sorted)
    {
        var joined = new List<HashRange>();
        foreach (var range in sorted)
        {
            if (joined.Count > 0 && joined[^1].End == range.Start)
            {
                joined[^1] = joined[^1] with { End = range.End };
            }
            else
            {
                joined.Add(range);
            }
        }
        return joined;
    }
}

/// <summary>The result of comparing two trees: where they differ, and what finding out cost.</summary>
public sealed record MerkleComparison(MerkleStepKind Outcome, IReadOnlyList<HashRange> DifferingRanges, int NodesExchanged, int Messages);
