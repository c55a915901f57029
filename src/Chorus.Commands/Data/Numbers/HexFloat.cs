namespace Chorus.Commands.Data.Numbers;

/// <summary>C99 hexadecimal floats as strtold reads them, after the "0x": <c>h[.h][p[sign]d]</c>.</summary>
internal static class HexFloat
{
    /// <summary>Hex digits kept in the mantissa (60 bits); later ones only scale it.</summary>
    private const int SignificantDigitsMax = 15;

    /// <summary>Beyond this the exponent saturates: the value is 0 or infinite anyway.</summary>
    private const int ExponentLimit = 100_000;

    public static bool TryParse(ReadOnlySpan<byte> body, bool negative, out double value)
    {
        value = 0;
        ulong mantissa = 0;
        var binaryExponent = 0;
        var digits = 0;
        var significant = 0;
        var seenPoint = false;
        var hasNonZeroDigit = false;
        var i = 0;
        for (; i < body.Length; i++)
        {
            if (body[i] == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            var nibble = HexValue(body[i]);
            if (nibble < 0)
            {
                break;
            }
            digits++;
            hasNonZeroDigit |= nibble != 0;
            if (significant < SignificantDigitsMax)
            {
                significant += mantissa != 0 || nibble != 0 ? 1 : 0;
                mantissa = (mantissa << 4) | (uint)nibble;
                binaryExponent -= seenPoint ? 4 : 0;
            }
            else if (!seenPoint)
            {
                binaryExponent += 4;
            }
        }
        if (digits == 0 || !TryReadExponent(body[i..], out var exponent))
        {
            return false;
        }
        value = Math.ScaleB(mantissa, Math.Clamp(binaryExponent + exponent, -ExponentLimit, ExponentLimit));
        value = negative ? -value : value;
        return double.IsFinite(value) && (value != 0 || !hasNonZeroDigit);
    }

    private static bool TryReadExponent(ReadOnlySpan<byte> rest, out int exponent)
    {
        exponent = 0;
        if (rest.IsEmpty)
        {
            return true;
        }
        if ((rest[0] | 0x20) != (byte)'p')
        {
            return false;
        }
        var digits = rest[1..];
        var negative = digits is [(byte)'-', ..];
        if (digits is [(byte)'-' or (byte)'+', ..])
        {
            digits = digits[1..];
        }
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return false;
        }
        foreach (var d in digits)
        {
            exponent = Math.Min(ExponentLimit, (exponent * 10) + (d - '0'));
        }
        exponent = negative ? -exponent : exponent;
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
