namespace Chorus.Resp;

/// <summary>
/// Integer parsing with Redis's <c>string2ll</c> rules: an optional '-', no '+', no leading
/// zeros, no "-0", no spaces, no overflow. Lengths and counts must be exactly these texts.
/// </summary>
internal static class RespInteger
{
    /// <summary>"-9223372036854775808" is the longest text that can parse.</summary>
    public const int TextLengthMax = 20;

    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > TextLengthMax)
        {
            return false;
        }

        if (text is [(byte)'0'])
        {
            return true;
        }

        var negative = text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits[0] is < (byte)'1' or > (byte)'9')
        {
            return false;
        }

        return TryAccumulate(digits, negative, out value);
    }

    private static bool TryAccumulate(ReadOnlySpan<byte> digits, bool negative, out long value)
    {
        // Accumulate as a negative number: its range includes long.MinValue.
        long result = 0;
        foreach (var b in digits)
        {
            var digit = b - (byte)'0';
            if ((uint)digit > 9 || result < (long.MinValue + digit) / 10)
            {
                value = 0;
                return false;
            }

            result = (result * 10) - digit;
        }

        if (!negative && result == long.MinValue)
        {
            value = 0;
            return false;
        }

        value = negative ? result : -result;
        return true;
    }
}
