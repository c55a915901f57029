using System.Globalization;
using System.Numerics;
using System.Text;

namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// Text to <see cref="ExtendedFloat"/> as Redis's <c>string2ld</c> reads it: C's <c>strtold</c>
/// (an optional sign, then decimal digits with an optional point and exponent, a C99 hex float
/// such as "0x1.8p1", or "inf"/"infinity" in any case), correctly rounded to the long double
/// format, plus Redis's checks: the whole text is consumed, no leading space, no NaN, no
/// overflow, no underflow to zero (a subnormal result is accepted), at most 5 KiB.
/// </summary>
public static class ExtendedFloatText
{
    /// <summary>Redis copies the text into a MAX_LONG_DOUBLE_CHARS (5 KiB) buffer with its NUL.</summary>
    public const int LengthMax = (5 * 1024) - 1;

    // Beyond these decimal magnitudes the value is infinite (max ≈ 1.19e4932) or rounds to zero
    // (min subnormal ≈ 3.6e-4951), so no big-integer arithmetic is needed to know.
    private const int DecimalMagnitudeMax = 4933;
    private const int DecimalMagnitudeMin = -4952;

    /// <summary>Exponents saturate here: far past both limits, still cheap to test.</summary>
    private const int ExponentLimit = 1_000_000;

    public static bool TryParse(ReadOnlySpan<byte> text, out ExtendedFloat value)
    {
        value = default;
        if (text.IsEmpty || text.Length > LengthMax || FloatText.IsSpace(text[0]))
        {
            return false;
        }
        var negative = text[0] == (byte)'-';
        var body = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = ExtendedFloat.Infinity(negative);
            return true;
        }
        var isHex = body.Length >= 2 && body[0] == (byte)'0' && (body[1] | 0x20) == (byte)'x';
        if (!(isHex ? TryParseHex(body[2..], negative, out value) : TryParseDecimal(body, negative, out value)))
        {
            return false;
        }
        // strtold reports ERANGE for overflow (±HUGE_VALL) and for underflow to zero: both rejected.
        return value.IsFinite && (!value.IsZero || !HasNonZeroDigit(isHex ? body[2..] : body, isHex ? 16 : 10));
    }

    /// <summary>digits [. digits] [e [sign] digits]: at least one digit, nothing else.</summary>
    private static bool TryParseDecimal(ReadOnlySpan<byte> body, bool negative, out ExtendedFloat value)
    {
        value = default;
        var mantissa = ReadDigits(body, 10, out var used, out var fractionDigits);
        if (mantissa is null || !TryReadExponent(body[used..], (byte)'e', out var exponent))
        {
            return false;
        }
        value = FromDecimal(negative, mantissa.Value, exponent - fractionDigits);
        return true;
    }

    /// <summary>After "0x": hexdigits [. hexdigits] [p [sign] digits], at least one hex digit.</summary>
    private static bool TryParseHex(ReadOnlySpan<byte> body, bool negative, out ExtendedFloat value)
    {
        value = default;
        var mantissa = ReadDigits(body, 16, out var used, out var fractionDigits);
        if (mantissa is null || !TryReadExponent(body[used..], (byte)'p', out var exponent))
        {
            return false;
        }
        value = ExtendedFloat.Round(negative, mantissa.Value, (long)exponent - (4L * fractionDigits), ExtendedFloat.Extended);
        return true;
    }

    /// <summary>± mantissa × 10^exponent, correctly rounded.</summary>
    private static ExtendedFloat FromDecimal(bool negative, BigInteger mantissa, long exponent)
    {
        if (mantissa.IsZero)
        {
            return ExtendedFloat.Zero(negative);
        }
        var magnitude = mantissa.ToString(CultureInfo.InvariantCulture).Length + exponent;   // value < 10^magnitude
        if (magnitude > DecimalMagnitudeMax)
        {
            return ExtendedFloat.Infinity(negative);
        }
        if (magnitude < DecimalMagnitudeMin)
        {
            return ExtendedFloat.Zero(negative);
        }
        if (exponent >= 0)
        {
            return ExtendedFloat.Round(negative, mantissa * BigInteger.Pow(10, (int)exponent), 0, ExtendedFloat.Extended);
        }
        // mantissa / 10^-exponent: a quotient of at least 66 bits plus a sticky bit for any
        // remainder rounds exactly like the true quotient (the sticky bit is never the half bit).
        var divisor = BigInteger.Pow(10, (int)-exponent);
        var scale = Math.Max(0L, 67 - ((long)mantissa.GetBitLength() - (long)divisor.GetBitLength()));
        var quotient = BigInteger.DivRem(mantissa << (int)scale, divisor, out var remainder);
        var sticky = (quotient << 1) | (remainder.IsZero ? BigInteger.Zero : BigInteger.One);
        return ExtendedFloat.Round(negative, sticky, -scale - 1, ExtendedFloat.Extended);
    }

    /// <summary>The digits (with at most one point) at the start of <paramref name="text"/> as an integer; null when there are none.</summary>
    private static BigInteger? ReadDigits(ReadOnlySpan<byte> text, int radix, out int used, out int fractionDigits)
    {
        var digits = new StringBuilder();
        fractionDigits = 0;
        var seenPoint = false;
        used = 0;
        for (; used < text.Length; used++)
        {
            var b = text[used];
            if (b == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            if (DigitValue(b) is not { } digit || digit >= radix)
            {
                break;
            }
            digits.Append((char)b);
            fractionDigits += seenPoint ? 1 : 0;
        }
        if (digits.Length == 0)
        {
            return null;
        }
        var style = radix == 16 ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        // A leading 0 keeps hex digits from reading as a negative two's-complement number.
        return BigInteger.Parse("0" + digits, style, CultureInfo.InvariantCulture);
    }

    /// <summary>Nothing, or the marker ('e' or 'p', any case), an optional sign and at least one decimal digit; saturates.</summary>
    private static bool TryReadExponent(ReadOnlySpan<byte> rest, byte marker, out int exponent)
    {
        exponent = 0;
        if (rest.IsEmpty)
        {
            return true;
        }
        if ((rest[0] | 0x20) != marker)
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

    /// <summary>Whether the mantissa (up to the exponent marker) has a digit other than 0.</summary>
    private static bool HasNonZeroDigit(ReadOnlySpan<byte> body, int radix)
    {
        var marker = radix == 16 ? (byte)'p' : (byte)'e';
        foreach (var b in body)
        {
            if ((b | 0x20) == marker)
            {
                return false;
            }
            if (DigitValue(b) is > 0 and var digit && digit < radix)
            {
                return true;
            }
        }
        return false;
    }

    private static int? DigitValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => null,
    };
}
