namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// Integers as Redis reads them from arguments and stored strings: <c>string2ll</c>'s strict
/// rules (an optional '-', no '+', no leading zeros, no "-0", no spaces, no overflow), so
/// "007" or " 7" is an error here exactly when it is one in Redis.
/// </summary>
public static class IntegerText
{
    /// <summary>"-9223372036854775808" is the longest text that parses.</summary>
    public const int LengthMax = 20;

    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > LengthMax)
        {
            return false;
        }
        if (text is [(byte)'0'])
        {
            return true;
        }
        var negative = text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits[0] is < (byte)'1' or > (byte)'9' || !TryAccumulate(digits, out var magnitude))
        {
            return false;
        }
        if (negative)
        {
            value = unchecked((long)(0 - magnitude));
            return magnitude <= (ulong)long.MaxValue + 1;
        }
        value = (long)magnitude;
        return magnitude <= long.MaxValue;
    }

    /// <summary>
    /// A SCAN cursor as Redis 7.0 reads it (<c>parseScanCursorOrReply</c>: C's <c>strtoul</c>,
    /// then no leading space and nothing left over): an optional sign ('-' wraps around as in C)
    /// and decimal digits without overflow. The empty text is cursor 0: <c>strtoul</c> converts
    /// nothing and stops at its end.
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return true;
        }
        var negative = text[0] == (byte)'-';
        var digits = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (digits.IsEmpty || !TryAccumulate(digits, out var magnitude))
        {
            return false;
        }
        value = negative ? unchecked(0 - magnitude) : magnitude;
        return true;
    }

    /// <summary>Decimal digits only, without overflowing 64 bits.</summary>
    private static bool TryAccumulate(ReadOnlySpan<byte> digits, out ulong magnitude)
    {
        magnitude = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            var digit = (ulong)(b - '0');
            if (magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            magnitude = (magnitude * 10) + digit;
        }
        return true;
    }
}
