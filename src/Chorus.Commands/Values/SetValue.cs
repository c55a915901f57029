using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Values;

/// <summary>Set values: <c>varint count | (len+member)*</c>.</summary>
public static class SetValue
{
    public static int Count(ReadOnlySpan<byte> payload) => payload.IsEmpty ? 0 : (int)new ByteReader(payload).ReadVarUInt();

    public static bool Contains(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> member)
    {
        foreach (var candidate in Enumerate(payload))
        {
            if (candidate.SequenceEqual(member))
            {
                return true;
            }
        }
        return false;
    }

    public static Enumerator Enumerate(ReadOnlySpan<byte> payload) => new(payload);

    public static byte[] Encode(MemberList members, long expiresAtMs)
    {
        var output = new ArrayBufferWriter<byte>(members.EncodedLengthEstimate + 12);
        StoredValue.WriteHeader(output, DataType.Set, expiresAtMs);
        var writer = new ByteWriter(output);
        writer.WriteVarUInt((ulong)members.Count);
        foreach (var member in members)
        {
            writer.WriteLengthPrefixed(member);
        }
        return output.WrittenSpan.ToArray();
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

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }
            _remaining--;
            Current = _reader.ReadLengthPrefixed();
            return true;
        }
    }
}
