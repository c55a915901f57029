using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Storage;

namespace Chorus.Node.Resync;

/// <summary>
/// The leader's side of a Merkle resync, over a checkpoint pinned at <paramref name="position"/>
/// (so the tree and the rows it sends are one consistent cut): it chooses the tree depth, builds
/// its tree, answers the follower's level by level (<see cref="MerkleExchange"/>), and sends the
/// rows of the ranges that differ. Pure: the host carries the frames.
/// </summary>
public sealed class ResyncLeaderSide(IStorageEngine checkpoint, LogPosition position)
{
    private MerkleTree? _tree;

    public long RowsSent { get; private set; }

    public long RowBytesSent { get; private set; }

    public IEnumerable<ResyncFrame> OnFrame(ResyncFrame frame)
    {
        switch (frame)
        {
            case ResyncOpen when _tree is null:
                _tree = RowMerkle.Build(checkpoint, RowMerkle.DepthFor(RowMerkle.EstimateRows(checkpoint)), out var rows);
                return [new ResyncHeader(position, _tree.Depth, _tree.RootHash, rows)];
            case ResyncLevel level when _tree is not null:
                var step = MerkleExchange.Reply(_tree, level.Level);
                return step.Kind switch
                {
                    MerkleStepKind.Descend => [new ResyncLevel(step.Next!)],
                    MerkleStepKind.ShapeMismatch => throw new InvalidOperationException("the follower's Merkle tree has another shape"),
                    _ => SendRows(step.DifferingRanges, announce: true),
                };
            case ResyncRanges ranges when _tree is not null:
                return SendRows(ranges.Ranges, announce: false);
            default:
                throw new InvalidOperationException($"unexpected {frame.GetType().Name} in a Merkle resync");
        }
    }

    private IEnumerable<ResyncFrame> SendRows(IReadOnlyList<HashRange> ranges, bool announce)
    {
        if (announce)
        {
            yield return new ResyncRanges(ranges);
        }
        var chunk = new List<StoredRow>();
        var chunkBytes = 0L;
        foreach (var row in RowMerkle.RowsIn(checkpoint, ranges))
        {
            chunk.Add(row);
            chunkBytes += row.Key.Length + row.Value.Length + 8;
            RowsSent++;
            RowBytesSent += row.Key.Length + row.Value.Length;
            if (chunkBytes >= ResyncFrameCodec.RowsFrameBytesMax)
            {
                yield return new ResyncRows(chunk);
                (chunk, chunkBytes) = ([], 0);
            }
        }
        if (chunk.Count > 0)
        {
            yield return new ResyncRows(chunk);
        }
        yield return new ResyncEnd(RowsSent);
    }
}

/// <summary>
/// The follower's side of a Merkle resync, over <paramref name="copy"/>: a private copy of its own
/// database that becomes the leader's checkpoint. It builds its tree at the leader's depth, runs the
/// exchange, removes its rows in the differing ranges, writes the leader's, and at the end checks
/// that its tree root equals the leader's. Only then is the copy <see cref="Complete"/>; the host
/// installs it as it installs a downloaded snapshot (a crash before that leaves the old database).
/// </summary>
public sealed class ResyncFollowerSide(IStorageEngine copy)
{
    private MerkleTree? _tree;
    private RowPatch? _patch;

    public ResyncHeader? Header { get; private set; }

    public RowPatch? Patch => _patch;

    /// <summary>Node hashes this side sent during the comparison.</summary>
    public long HashesSent { get; private set; }

    public bool Complete { get; private set; }

    public IReadOnlyList<ResyncFrame> OnFrame(ResyncFrame frame)
    {
        switch (frame)
        {
            case ResyncHeader header when Header is null:
                Header = header;
                // This node is out of the leader's log: none of its own entries survive the resync
                // (the leader's log comes with its rows), and keeping them would only add leaves to compare.
                RowPatch.DeleteColumn(copy, StorageColumn.Log);
                _tree = RowMerkle.Build(copy, header.Depth);
                return [Level(MerkleExchange.Start(_tree))];
            case ResyncLevel level when _tree is not null && _patch is null:
                var step = MerkleExchange.Reply(_tree, level.Level);
                switch (step.Kind)
                {
                    case MerkleStepKind.Descend:
                        return [Level(step.Next!)];
                    case MerkleStepKind.ShapeMismatch:
                        throw new InvalidOperationException("the leader's Merkle tree has another shape");
                    default:
                        BeginPatch(step.DifferingRanges);
                        return [new ResyncRanges(step.DifferingRanges)];
                }
            case ResyncRanges ranges when _tree is not null && _patch is null:
                BeginPatch(ranges.Ranges);
                return [];
            case ResyncRows rows when _patch is not null && !Complete:
                _patch.Put(rows.Rows);
                return [];
            case ResyncEnd when _patch is not null && !Complete:
                if (!_patch.MatchesLeader(Header!.LeaderRoot))
                {
                    throw new InvalidOperationException("after the Merkle resync this node's tree differs from the leader's checkpoint");
                }
                Complete = true;
                return [];
            default:
                throw new InvalidOperationException($"unexpected {frame.GetType().Name} in a Merkle resync");
        }
    }

    private ResyncLevel Level(MerkleLevel level)
    {
        HashesSent += level.Nodes.Count;
        return new ResyncLevel(level);
    }

    private void BeginPatch(IReadOnlyList<HashRange> ranges)
    {
        _patch = new RowPatch(copy, _tree!, ranges);
        _patch.RemoveDiffering();
    }
}
