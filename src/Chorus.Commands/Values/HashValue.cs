using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>
/// Hash values ("rows"): <c>varint count | (len+field len+value)*</c>, fields in insertion
/// order. Reads scan the payload in place; writes go through <see cref="FieldList"/>.
/// The whole hash is one stored value, so a write costs O(fields): fine for rows, not for
/// hashes with millions of fields.
/// </summary>
public static class HashValue
{
    public static int Count(ReadOnlySpan<byte> payload) => payload.IsEmpty ? 0 : (int)new ByteReader(payload).ReadVarUInt();

    public static bool TryGet(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        foreach (var pair in Enumerate(payload))
        {
            if (pair.Field.SequenceEqual(field))
            {
                value = pair.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static Enumerator Enumerate(ReadOnlySpan<byte> payload) => new(payload);

    public static byte[] Encode(FieldList fields, long expiresAtMs)
    {
        var output = new ArrayBufferWriter<byte>(fields.EncodedLengthEstimate + 12);
        StoredValue.WriteHeader(output, DataType.Hash, expiresAtMs);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)fields.Count);
        foreach (var (field, value) in fields)
        {
            writer.WriteLengthPrefixed(field);
            writer.WriteLengthPrefixed(value);
        }
        return output.WrittenSpan.ToArray();
    }

    public readonly ref struct Pair(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        public ReadOnlySpan<byte> Field { get; } = field;
        public ReadOnlySpan<byte> Value { get; } = value;
    }

    public ref struct Enumerator
    {
        private ByteReader _reader;
        private int _remaining;

        public Enumerator(ReadOnlySpan<byte> payload)
        {
            _reader = new ByteReader(payload);
            _remaining = payload.IsEmpty ? 0 : (int)_reader.ReadVarUInt();
        }

        public Pair Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }
            _remaining--;
            var field = _reader.ReadLengthPrefixed();
            var value = _reader.ReadLengthPrefixed();
            Current = new Pair(field, value);
            return true;
        }
    }
}
