using System.Buffers;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Replication.Leaderless;
using Chorus.Storage;

namespace Chorus.Node.Resync;

/// <summary>One message of a Merkle resync between a follower and its leader (<see cref="ResyncFrameCodec"/>).</summary>
public abstract record ResyncFrame;

/// <summary>Follower → leader: the first frame, naming the follower.</summary>
public sealed record ResyncOpen(NodeId Follower) : ResyncFrame;

/// <summary>Leader → follower: the checkpoint's position, the tree depth to build, and the checkpoint tree's root.</summary>
public sealed record ResyncHeader(LogPosition Position, int Depth, ulong LeaderRoot, long LeaderRows) : ResyncFrame;

/// <summary>Either way: one step of <see cref="MerkleExchange"/>.</summary>
public sealed record ResyncLevel(MerkleLevel Level) : ResyncFrame;

/// <summary>Either way: the comparison ended; these leaf ranges differ (none: in sync). The leader then sends their rows.</summary>
public sealed record ResyncRanges(IReadOnlyList<HashRange> Ranges) : ResyncFrame;

/// <summary>Leader → follower: checkpoint rows of the differing ranges.</summary>
public sealed record ResyncRows(IReadOnlyList<StoredRow> Rows) : ResyncFrame;

/// <summary>Leader → follower: every row was sent.</summary>
public sealed record ResyncEnd(long RowsSent) : ResyncFrame;

/// <summary>
/// The binary form of <see cref="ResyncFrame"/>s: <c>u8 version | u8 kind | body</c>; a Merkle level
/// is <see cref="MerkleLevelCodec"/>'s bytes. Decoding refuses anything malformed
/// (<see cref="CorruptDataException"/>): a peer's bytes never crash the node.
/// </summary>
public static class ResyncFrameCodec
{
    public const byte FormatVersion = 1;

    /// <summary>Row bytes per <see cref="ResyncRows"/> frame: well under the transport's message limit.</summary>
    public const int RowsFrameBytesMax = 1 << 20;

    private enum Kind : byte { Open = 1, Header = 2, Level = 3, Ranges = 4, Rows = 5, End = 6 }

    public static byte[] Encode(ResyncFrame frame)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(buffer);
        writer.WriteByte(FormatVersion);
        switch (frame)
        {
            case ResyncOpen open:
                writer.WriteByte((byte)Kind.Open);
                writer.WriteLengthPrefixed(System.Text.Encoding.UTF8.GetBytes(open.Follower.Value));
                break;
            case ResyncHeader header:
                writer.WriteByte((byte)Kind.Header);
                writer.WriteVarUInt(header.Position.Epoch.Value);
                writer.WriteVarUInt(header.Position.Lsn.Value);
                writer.WriteByte((byte)header.Depth);
                writer.WriteUInt64LittleEndian(header.LeaderRoot);
                writer.WriteVarUInt((ulong)header.LeaderRows);
                break;
            case ResyncLevel level:
                writer.WriteByte((byte)Kind.Level);
                writer.WriteRaw(MerkleLevelCodec.Encode(level.Level));
                break;
            case ResyncRanges ranges:
                writer.WriteByte((byte)Kind.Ranges);
                writer.WriteVarUInt((ulong)ranges.Ranges.Count);
                foreach (var range in ranges.Ranges)
                {
                    writer.WriteVarUInt(range.Start);
                    writer.WriteVarUInt(range.End);
                }
                break;
            case ResyncRows rows:
                writer.WriteByte((byte)Kind.Rows);
                writer.WriteVarUInt((ulong)rows.Rows.Count);
                foreach (var row in rows.Rows)
                {
                    writer.WriteByte((byte)row.Column);
                    writer.WriteLengthPrefixed(row.Key);
                    writer.WriteLengthPrefixed(row.Value);
                }
                break;
            case ResyncEnd end:
                writer.WriteByte((byte)Kind.End);
                writer.WriteVarUInt((ulong)end.RowsSent);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(frame));
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static ResyncFrame Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "Merkle resync frame");
        var kind = (Kind)reader.ReadByte();
        if (kind == Kind.Level)
        {
            return new ResyncLevel(MerkleLevelCodec.Decode(reader.Rest));
        }
        ResyncFrame frame = kind switch
        {
            Kind.Open => new ResyncOpen(new NodeId(System.Text.Encoding.UTF8.GetString(reader.ReadLengthPrefixed()))),
            Kind.Header => ReadHeader(ref reader),
            Kind.Ranges => new ResyncRanges(ReadRanges(ref reader)),
            Kind.Rows => new ResyncRows(ReadRows(ref reader)),
            Kind.End => new ResyncEnd((long)reader.ReadVarUInt()),
            _ => throw new CorruptDataException($"unknown Merkle resync frame kind {(byte)kind}"),
        };
        FormatCheck.End(reader, "Merkle resync frame");
        return frame;
    }

    private static ResyncHeader ReadHeader(ref ByteReader reader)
    {
        var position = new LogPosition(new Epoch(reader.ReadVarUInt()), new Lsn(reader.ReadVarUInt()));
        var depth = reader.ReadByte();
        if (depth > MerkleTree.DepthMax)
        {
            throw new CorruptDataException($"Merkle resync depth {depth} exceeds {MerkleTree.DepthMax}");
        }
        return new ResyncHeader(position, depth, reader.ReadUInt64LittleEndian(), (long)reader.ReadVarUInt());
    }

    private static List<HashRange> ReadRanges(ref ByteReader reader)
    {
        // Each range takes at least 2 bytes: a hostile count cannot make the list larger than the frame.
        var count = reader.ReadLength(reader.Remaining / 2);
        var ranges = new List<HashRange>(count);
        for (var i = 0; i < count; i++)
        {
            var range = new HashRange(reader.ReadVarUInt(), reader.ReadVarUInt());
            if (range.IsEmpty || range.End > KeyHash.SpaceEnd || (ranges.Count > 0 && range.Start < ranges[^1].End))
            {
                throw new CorruptDataException($"Merkle resync range {range} is empty, outside the key-hash space or out of order");
            }
            ranges.Add(range);
        }
        return ranges;
    }

    private static List<StoredRow> ReadRows(ref ByteReader reader)
    {
        var count = reader.ReadLength(reader.Remaining / 3);
        var rows = new List<StoredRow>(count);
        for (var i = 0; i < count; i++)
        {
            var column = (StorageColumn)reader.ReadByte();
            if (!StorageColumns.All.Contains(column))
            {
                throw new CorruptDataException($"unknown column family {(byte)column} in a Merkle resync row");
            }
            rows.Add(new StoredRow(column, reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray()));
        }
        return rows;
    }
}
