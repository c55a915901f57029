using System.Buffers;
using Chorus.Core;
using Chorus.Core.Encoding;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// The binary form of a <see cref="MerkleLevel"/> sent between replicas.
/// <code>
/// u8 format (1) | varint range start | varint range end | u8 depth | u8 level
/// | varint count | (varint index gap | u64le hash)*     indexes ascending; gap = index − previous − 1
/// </code>
/// A root message over the whole space is 24 bytes (the end, 2^63, is a 10-byte varint); each
/// further node 9 bytes.
/// Decoding refuses levels deeper than the tree, indexes outside the level and unsorted indexes.
/// </summary>
public static class MerkleLevelCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(MerkleLevel level)
    {
        var buffer = new ArrayBufferWriter<byte>(24 + (level.Nodes.Count * 10));
        var writer = new ByteWriter(buffer);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt(level.Range.Start);
        writer.WriteVarUInt(level.Range.End);
        writer.WriteByte((byte)level.Depth);
        writer.WriteByte((byte)level.Level);
        writer.WriteVarUInt((ulong)level.Nodes.Count);
        var previous = -1;
        foreach (var node in level.Nodes)
        {
            Invariant.That(node.Index > previous && node.Index < 1 << level.Level, "Merkle level nodes are ascending and inside the level");
            writer.WriteVarUInt((ulong)(node.Index - previous - 1));
            writer.WriteUInt64LittleEndian(node.Hash);
            previous = node.Index;
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static MerkleLevel Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "Merkle level");
        var range = new HashRange(reader.ReadVarUInt(), reader.ReadVarUInt());
        if (range.IsEmpty || range.End > KeyHash.SpaceEnd)
        {
            throw new CorruptDataException($"Merkle range {range} is empty or outside the key-hash space");
        }
        var (depth, level) = (reader.ReadByte(), reader.ReadByte());
        if (depth > MerkleTree.DepthMax || level > depth)
        {
            throw new CorruptDataException($"Merkle level {level} of depth {depth} (depth at most {MerkleTree.DepthMax})");
        }
        var width = 1L << level;
        // Each node takes at least 9 bytes: a hostile count cannot make the array larger than the message.
        var count = reader.ReadLength((int)Math.Min(width, reader.Remaining / 9));
        var nodes = new MerkleNodeHash[count];
        var index = -1L;
        for (var i = 0; i < count; i++)
        {
            var gap = reader.ReadVarUInt();
            if (gap >= (ulong)(width - index - 1))
            {
                throw new CorruptDataException($"Merkle node index past the {width} nodes of level {level}");
            }
            index += (long)gap + 1;
            nodes[i] = new MerkleNodeHash((int)index, reader.ReadUInt64LittleEndian());
        }
        FormatCheck.End(reader, "Merkle level");
        return new MerkleLevel(range, depth, level, nodes);
    }
}
