using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Keyspace.Migration;

/// <summary>
/// A value as format 1 stored and logged it: <c>u8 type | varint expires-at-ms | payload</c>, a
/// string's payload its bytes, a hash's <c>varint count | (len+field len+value)*</c>, a set's
/// <c>varint count | (len+member)*</c>. Read by the migration and by format-1 log payloads only.
/// </summary>
public sealed class FormatOneValue
{
    private FormatOneValue(DataType type, long expiresAtMs, byte[] text, List<(byte[] Name, byte[] Value)> elements)
    {
        Type = type;
        ExpiresAtMs = expiresAtMs;
        Text = text;
        Elements = elements;
    }

    public DataType Type { get; }

    public long ExpiresAtMs { get; }

    /// <summary>A string's bytes.</summary>
    public byte[] Text { get; }

    /// <summary>A hash's fields and values, or a set's members (with empty values).</summary>
    public List<(byte[] Name, byte[] Value)> Elements { get; }

    public static FormatOneValue Parse(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var type = (DataType)reader.ReadByte();
        var expiresAtMs = (long)reader.ReadVarUInt();
        if (type == DataType.String)
        {
            return new FormatOneValue(type, expiresAtMs, reader.Rest.ToArray(), []);
        }
        if (type is not (DataType.Hash or DataType.Set))
        {
            throw new CorruptDataException($"format-1 value type {(byte)type} is unknown");
        }
        var count = reader.IsEnd ? 0 : reader.ReadLength();
        var elements = new List<(byte[] Name, byte[] Value)>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadLengthPrefixed().ToArray();
            elements.Add((name, type == DataType.Hash ? reader.ReadLengthPrefixed().ToArray() : []));
        }
        return new FormatOneValue(type, expiresAtMs, [], elements);
    }

    /// <summary>The format-2 image of this value: a string as is, a collection as its header and count.</summary>
    public byte[] Image() => Type == DataType.String
        ? Records.String(Text, ExpiresAtMs)
        : Records.WithExpiry(Records.NewCollectionImageWithCount(Type, Elements.Count), ExpiresAtMs);
}
