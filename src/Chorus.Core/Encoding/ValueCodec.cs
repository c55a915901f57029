namespace Chorus.Core.Encoding;

/// <summary>Writes one value of a generic container (a sibling, a register's value).</summary>
public delegate void ValueWriter<in T>(ByteWriter writer, T value);

/// <summary>Reads one value written by the matching <see cref="ValueWriter{T}"/>; refuses corrupt input.</summary>
public delegate T ValueReader<out T>(ref ByteReader reader);

/// <summary>How the values inside a versioned container are encoded.</summary>
public sealed record ValueCodec<T>(ValueWriter<T> Write, ValueReader<T> Read);

/// <summary>Value codecs the database itself uses.</summary>
public static class ValueCodec
{
    /// <summary>Byte strings, length-prefixed.</summary>
    public static readonly ValueCodec<byte[]> Bytes = new(
        static (writer, value) => writer.WriteLengthPrefixed(value),
        static (ref reader) => reader.ReadLengthPrefixed().ToArray());

    /// <summary>
    /// Byte strings or null, a deletion (tombstone): a zero byte for null, else one and the bytes.
    /// </summary>
    public static readonly ValueCodec<byte[]?> BytesOrTombstone = new(
        static (writer, value) =>
        {
            writer.WriteByte(value is null ? (byte)0 : (byte)1);
            if (value is not null)
            {
                writer.WriteLengthPrefixed(value);
            }
        },
        static (ref reader) => reader.ReadByte() switch
        {
            0 => null,
            1 => reader.ReadLengthPrefixed().ToArray(),
            var other => throw new CorruptDataException($"value tag {other} is neither 0 (tombstone) nor 1 (value)"),
        });
}
