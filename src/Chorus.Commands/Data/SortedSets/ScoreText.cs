using System.Globalization;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// Sorted-set scores as Redis 7.0 prints them: C's <c>%.17g</c> ("0.10000000000000001",
/// "1.2345678901234568e+17", "3"), and "inf" / "-inf". (Redis 7.2 switched to the shortest
/// round-trip form; 7.0 is the reference here.)
/// </summary>
internal static class ScoreText
{
    public const int LengthMax = 32;

    public static int Format(double score, Span<byte> destination)
    {
        if (double.IsInfinity(score))
        {
            return Copy(score > 0 ? "inf"u8 : "-inf"u8, destination);
        }
        Span<char> text = stackalloc char[LengthMax];
        score.TryFormat(text, out var length, "G17", CultureInfo.InvariantCulture);
        var written = 0;
        var exponent = text[..length].IndexOf('E');
        var mantissa = exponent < 0 ? text[..length] : text[..exponent];
        foreach (var c in mantissa)
        {
            destination[written++] = (byte)c;
        }
        if (exponent < 0)
        {
            return written;
        }
        // C writes the exponent with a sign and at least two digits: e+17, e-05.
        var digits = text[(exponent + 1)..length];
        destination[written++] = (byte)'e';
        destination[written++] = digits[0] == '-' ? (byte)'-' : (byte)'+';
        digits = digits.TrimStart('+').TrimStart('-');
        if (digits.Length < 2)
        {
            destination[written++] = (byte)'0';
        }
        foreach (var c in digits)
        {
            destination[written++] = (byte)c;
        }
        return written;
    }

    /// <summary>A score as a bulk string, whatever the protocol (ZSCAN, WITHSCORES in RESP2).</summary>
    public static void WriteBulk(RespWriter reply, double score)
    {
        Span<byte> text = stackalloc byte[LengthMax];
        reply.WriteBulkString(text[..Format(score, text)]);
    }

    /// <summary>A score as a double reply: RESP3 <c>,text</c>, RESP2 a bulk string.</summary>
    public static void Write(RespWriter reply, double score)
    {
        Span<byte> text = stackalloc byte[LengthMax];
        reply.WriteDoubleText(text[..Format(score, text)]);
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
