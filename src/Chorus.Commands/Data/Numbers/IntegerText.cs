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
    /// A SCAN cursor, as Redis's <c>string2ull</c> reads it: a non-negative <c>string2ll</c>
    /// integer, or else whatever <c>strtoull</c> accepts (leading spaces, a sign, leading zeros;
    /// a '-' wraps around as in C).
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong value)
    {
        if (TryParse(text, out var signed))
        {
            value = (ulong)signed;
            return signed >= 0;
        }
        value = 0;
        var start = 0;
        while (start < text.Length && FloatText.IsSpace(text[start]))
        {
            start++;
        }
        var body = text[start..];
        var negative = body is [(byte)'-', ..];
        if (body is [(byte)'-' or (byte)'+', ..])
        {
            body = body[1..];
        }
        if (body.IsEmpty || !TryAccumulate(body, out var magnitude))
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
