using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Chorus.Commands.Values;

/// <summary>
/// A stream entry's id, <c>ms-seq</c>: milliseconds and a sequence number, both unsigned 64-bit
/// and compared in that order, as in Redis. Stored big-endian (16 bytes) so byte order is id order.
/// </summary>
public readonly record struct StreamId(ulong Ms, ulong Seq) : IComparable<StreamId>
{
    public const int EncodedLength = 16;

    public static readonly StreamId Zero = new(0, 0);

    public static readonly StreamId Max = new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>The next id after this one (Redis's streamIncrID), or false at the maximum.</summary>
    public bool TryNext(out StreamId next)
    {
        // Read everything before writing: callers may pass the receiver itself (id.TryNext(out id)).
        var (ms, seq) = (Ms, Seq);
        next = seq != ulong.MaxValue ? new StreamId(ms, seq + 1) : new StreamId(unchecked(ms + 1), 0);
        return seq != ulong.MaxValue || ms != ulong.MaxValue;
    }

    /// <summary>The id before this one, or false at zero.</summary>
    public bool TryPrevious(out StreamId previous)
    {
        var (ms, seq) = (Ms, Seq);
        previous = seq != 0 ? new StreamId(ms, seq - 1) : new StreamId(unchecked(ms - 1), ulong.MaxValue);
        return seq != 0 || ms != 0;
    }

    public int CompareTo(StreamId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;

    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;

    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;

    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Ms);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Seq);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    public static StreamId Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ms}-{Seq}");

    public byte[] ToText() => Encoding.ASCII.GetBytes(ToString());

    /// <summary>
    /// Parses <c>ms</c> or <c>ms-seq</c> (Redis's streamParseID): a missing sequence is
    /// <paramref name="missingSeq"/>; a sequence of <c>*</c> is accepted only when
    /// <paramref name="seqStar"/> is non-null, which is then set.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, ulong missingSeq, out StreamId id, Ref<bool>? seqStar = null)
    {
        id = default;
        if (text.Length == 0 || text.Length > 127)
        {
            return false;
        }
        var dash = text.IndexOf((byte)'-');
        if (dash < 0)
        {
            if (!TryUInt64(text, out var msOnly))
            {
                return false;
            }
            id = new StreamId(msOnly, missingSeq);
            return true;
        }
        if (!TryUInt64(text[..dash], out var ms))
        {
            return false;
        }
        var seqText = text[(dash + 1)..];
        if (seqStar is not null && seqText.Length == 1 && seqText[0] == (byte)'*')
        {
            seqStar.Value = true;
            id = new StreamId(ms, 0);
            return true;
        }
        if (!TryUInt64(seqText, out var seq))
        {
            return false;
        }
        id = new StreamId(ms, seq);
        return true;
    }

    /// <summary>
    /// Redis's string2ull: a strict decimal (string2ll; negative is refused), else what C's
    /// strtoull(s, &amp;end, 10) takes whole — leading white space, a sign ("-5" wraps, as in C),
    /// leading zeros — within 64 bits.
    /// </summary>
    private static bool TryUInt64(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (Data.Numbers.IntegerText.TryParse(text, out var strict))
        {
            value = (ulong)strict;
            return strict >= 0;
        }
        var i = 0;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
        {
            i++;
        }
        var negative = false;
        if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
        {
            negative = text[i] == (byte)'-';
            i++;
        }
        if (i == text.Length)
        {
            return false;
        }
        for (; i < text.Length; i++)
        {
            if (text[i] is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            var digit = (ulong)(text[i] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                return false; // ERANGE
            }
            value = (value * 10) + digit;
        }
        value = negative ? unchecked(0 - value) : value;
        return true;
    }
}

/// <summary>A mutable box for an out-of-band flag of a parser.</summary>
public sealed class Ref<T>(T value)
{
    public T Value { get; set; } = value;
}
