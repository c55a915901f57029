using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// What a membership change moves (DDIA ch. 6, "Rebalancing partitions"): the key ranges whose
/// replica set differs between the ring before and the ring after, with the nodes that gain a
/// range (they must fetch it from a node that held it) and the nodes that lose one (they may
/// drop it once the gainers have it). Ranges whose replicas stay the same are not listed.
/// </summary>
public static class RingChange
{
    public static IReadOnlyList<RangeMove> Between(HashRing before, HashRing after, int n)
    {
        var boundaries = before.Tokens.ToArray().Select(t => t.Token).Concat(after.Tokens.ToArray().Select(t => t.Token));
        var moves = new List<RangeMove>();
        foreach (var segment in HashRing.SegmentsOf(boundaries))
        {
            var (was, becomes) = (before.PreferenceList(segment.Start, n), after.PreferenceList(segment.Start, n));
            if (was.ToHashSet().SetEquals(becomes))
            {
                continue;
            }
            if (moves.Count > 0 && moves[^1].Range.End == segment.Start
                && moves[^1].Before.SequenceEqual(was) && moves[^1].After.SequenceEqual(becomes))
            {
                moves[^1] = moves[^1] with { Range = moves[^1].Range with { End = segment.End } };
            }
            else
            {
                moves.Add(new RangeMove(segment, was, becomes));
            }
        }
        return moves;
    }
}

/// <summary>A range whose replicas change from <paramref name="Before"/> to <paramref name="After"/>.</summary>
public sealed record RangeMove(HashRange Range, IReadOnlyList<NodeId> Before, IReadOnlyList<NodeId> After)
{
    /// <summary>Nodes that must receive the range's keys.</summary>
    public IEnumerable<NodeId> Gained => After.Except(Before);

    /// <summary>Nodes that no longer replicate the range.</summary>
    public IEnumerable<NodeId> Lost => Before.Except(After);
}
