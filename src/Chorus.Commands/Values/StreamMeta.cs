using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>
/// What a stream's key record keeps beside its entry count (docs/storage-layout.md, "Key records"):
/// the last id ever added (XADD's next id starts after it, even once the entry is gone), how many
/// entries were ever added, and the largest id ever deleted (XINFO STREAM). Encoded as
/// <c>varint last-ms | varint last-seq | varint entries-added | varint max-deleted-ms | varint max-deleted-seq</c>.
/// This is logical state: images carry it, and the digest covers it.
/// </summary>
public readonly record struct StreamMeta(StreamId LastId, ulong EntriesAdded, StreamId MaxDeletedId)
{
    public static readonly StreamMeta Empty = new(StreamId.Zero, 0, StreamId.Zero);

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(5 * ByteWriter.VarIntLengthMax);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt(LastId.Ms);
        writer.WriteVarUInt(LastId.Seq);
        writer.WriteVarUInt(EntriesAdded);
        writer.WriteVarUInt(MaxDeletedId.Ms);
        writer.WriteVarUInt(MaxDeletedId.Seq);
        return output.WrittenSpan.ToArray();
    }

    public static StreamMeta Decode(ReadOnlySpan<byte> tail)
    {
        var reader = new ByteReader(tail);
        var last = new StreamId(reader.ReadVarUInt(), reader.ReadVarUInt());
        var added = reader.ReadVarUInt();
        var deleted = new StreamId(reader.ReadVarUInt(), reader.ReadVarUInt());
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after stream metadata");
        }
        return new StreamMeta(last, added, deleted);
    }
}

/// <summary>A stream entry's stored value (<c>varint n | (len+field len+value)*</c>) read back as field, value, field, value…</summary>
public static class StreamFields
{
    public static List<byte[]> Decode(ReadOnlySpan<byte> value)
    {
        var reader = new ByteReader(value);
        var pairs = reader.ReadLength();
        var items = new List<byte[]>(pairs * 2);
        for (var i = 0; i < pairs * 2; i++)
        {
            items.Add(reader.ReadLengthPrefixed().ToArray());
        }
        return items;
    }
}
