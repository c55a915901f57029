using System.Globalization;
using System.Text;

namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// Floats as Redis reads them (<c>string2ld</c>, which is C's <c>strtold</c> plus checks): an
/// optional sign, then decimal digits with an optional point and exponent, a C99 hex float
/// ("0x1.8p1"), or "inf"/"infinity" in any case. The whole text must be consumed; leading
/// spaces, NaN, overflow and underflow to zero are errors.
/// </summary>
/// <remarks>
/// Redis parses into an 80-bit long double; this parses into a double, so values beyond the
/// double's range (|x| &gt; 1.8e308 or tiny ones that round to 0) are rejected where Redis would
/// accept them.
/// </remarks>
public static class FloatText
{
    /// <summary>Redis copies the text into a MAX_LONG_DOUBLE_CHARS (5 KiB) buffer with its NUL.</summary>
    public const int LengthMax = (5 * 1024) - 1;

    private const NumberStyles DecimalStyle =
        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > LengthMax || IsSpace(text[0]))
        {
            return false;
        }
        var negative = text[0] == (byte)'-';
        var body = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (body.Length >= 2 && body[0] == (byte)'0' && (body[1] | 0x20) == (byte)'x')
        {
            return HexFloat.TryParse(body[2..], negative, out value);
        }
        if (!IsDecimal(body, out var hasNonZeroDigit) ||
            !double.TryParse(text, DecimalStyle, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        // strtold reports ERANGE for overflow (±HUGE_VAL) and for underflow to zero: both rejected.
        return double.IsFinite(value) && (value != 0 || !hasNonZeroDigit);
    }

    /// <summary>
    /// The exact decimal value of text that <see cref="TryParse"/> accepted, when it is plain
    /// decimal notation within <see cref="decimal"/>'s range (not hex, not infinite).
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out decimal value)
    {
        value = 0;
        var body = text is [(byte)'-' or (byte)'+', ..] ? text[1..] : text;
        return IsDecimal(body, out _) &&
            decimal.TryParse(text, DecimalStyle, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>C's isspace in the "C" locale.</summary>
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    /// <summary>digits [. digits] [e [sign] digits], at least one mantissa digit, nothing else.</summary>
    private static bool IsDecimal(ReadOnlySpan<byte> body, out bool hasNonZeroDigit)
    {
        hasNonZeroDigit = false;
        var i = 0;
        var mantissaDigits = 0;
        var seenPoint = false;
        for (; i < body.Length; i++)
        {
            var b = body[i];
            if (b == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
            }
            else if (char.IsAsciiDigit((char)b))
            {
                mantissaDigits++;
                hasNonZeroDigit |= b != (byte)'0';
            }
            else
            {
                break;
            }
        }
        if (mantissaDigits == 0)
        {
            return false;
        }
        if (i == body.Length)
        {
            return true;
        }
        if ((body[i] | 0x20) != (byte)'e')
        {
            return false;
        }
        var exponent = body[(i + 1)..];
        if (exponent is [(byte)'-' or (byte)'+', ..])
        {
            exponent = exponent[1..];
        }
        return !exponent.IsEmpty && !exponent.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
