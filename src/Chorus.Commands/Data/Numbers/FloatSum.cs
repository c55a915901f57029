using System.Globalization;

namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// INCRBYFLOAT and HINCRBYFLOAT arithmetic: adds an increment to a value and writes the result
/// the way Redis's <c>ld2string(LD_STR_HUMAN)</c> does: plain notation (never an exponent), at
/// most 17 decimals, no trailing zeros, "0" rather than "-0".
/// </summary>
/// <remarks>
/// Redis adds 80-bit long doubles, whose extra precision makes "0.1 + 0.2" print as "0.3".
/// .NET has no long double, so when both operands are decimal text within
/// <see cref="decimal"/>'s 28 digits the sum is exact decimal arithmetic (the same text Redis
/// prints in every case where long double is itself exact); otherwise (hex floats, huge or
/// tiny magnitudes) it is a double sum printed with its shortest round-trip digits.
/// </remarks>
public static class FloatSum
{
    /// <summary>A sign and the 309 integer digits of the largest double, with room to spare.</summary>
    public const int TextLengthMax = 320;

    private const int DecimalsMax = 17;

    // Operands below this magnitude cannot overflow decimal when added.
    private const decimal DecimalOperandMax = 1e27m;

    /// <summary>
    /// Writes <paramref name="value"/> + <paramref name="increment"/> (both already accepted by
    /// <see cref="FloatText.TryParse"/>, whose results are passed alongside their text) into
    /// <paramref name="destination"/>. False when the sum is NaN or infinite.
    /// </summary>
    public static bool TryAdd(
        ReadOnlySpan<byte> valueText, double value, ReadOnlySpan<byte> incrementText, double increment,
        Span<byte> destination, out int written)
    {
        written = 0;
        var sum = value + increment;
        if (!double.IsFinite(sum))
        {
            return false;
        }
        if (FloatText.TryParseDecimal(valueText, out var exactValue) && Math.Abs(exactValue) < DecimalOperandMax &&
            FloatText.TryParseDecimal(incrementText, out var exactIncrement) && Math.Abs(exactIncrement) < DecimalOperandMax)
        {
            written = FormatDecimal(exactValue + exactIncrement, destination);
            return true;
        }
        written = FormatDouble(sum, destination);
        return true;
    }

    /// <summary>Redis's "%.17Lf" with trailing zeros removed, for an exact decimal.</summary>
    public static int FormatDecimal(decimal value, Span<byte> destination)
    {
        value = decimal.Round(value, DecimalsMax, MidpointRounding.ToEven);
        if (value == 0)
        {
            return Zero(destination);
        }
        value.TryFormat(destination, out var written, "0.#################", CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>A finite double in plain notation with its shortest round-trip digits, at most 17 decimals.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            return Zero(destination);
        }
        Span<byte> digits = stackalloc byte[32];
        var count = ShortestDigits(Math.Abs(value), digits, out var exponent);
        if (-exponent > DecimalsMax)
        {
            return FormatRounded(value, destination);
        }
        var written = 0;
        if (value < 0)
        {
            destination[written++] = (byte)'-';
        }
        return written + Layout(digits[..count], exponent, destination[written..]);
    }

    /// <summary>digits × 10^exponent in plain notation.</summary>
    private static int Layout(ReadOnlySpan<byte> digits, int exponent, Span<byte> destination)
    {
        if (exponent >= 0)
        {
            digits.CopyTo(destination);
            destination.Slice(digits.Length, exponent).Fill((byte)'0');
            return digits.Length + exponent;
        }
        var integerDigits = digits.Length + exponent;
        if (integerDigits > 0)
        {
            digits[..integerDigits].CopyTo(destination);
            destination[integerDigits] = (byte)'.';
            digits[integerDigits..].CopyTo(destination[(integerDigits + 1)..]);
            return digits.Length + 1;
        }
        "0."u8.CopyTo(destination);
        destination.Slice(2, -integerDigits).Fill((byte)'0');
        digits.CopyTo(destination[(2 - integerDigits)..]);
        return 2 - integerDigits + digits.Length;
    }

    /// <summary>Values with digits past the 17th decimal: round there, as "%.17f" does.</summary>
    private static int FormatRounded(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, "F17", CultureInfo.InvariantCulture);
        while (destination[written - 1] == (byte)'0')
        {
            written--;
        }
        if (destination[written - 1] == (byte)'.')
        {
            written--;
        }
        return destination[..written] is [(byte)'-', (byte)'0'] ? Zero(destination) : written;
    }

    /// <summary>
    /// The shortest round-trip decimal digits of a positive finite value, without trailing
    /// zeros, and the exponent K such that value = digits × 10^K.
    /// </summary>
    private static int ShortestDigits(double value, Span<byte> digits, out int exponent)
    {
        Span<byte> text = stackalloc byte[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        text = text[..length];
        var e = text.IndexOf((byte)'E');
        exponent = 0;
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var count = 0;
        var afterPoint = false;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                afterPoint = true;
                continue;
            }
            exponent -= afterPoint ? 1 : 0;
            if (count > 0 || b != (byte)'0')
            {
                digits[count++] = b;
            }
        }
        while (digits[count - 1] == (byte)'0')
        {
            count--;
            exponent++;
        }
        return count;
    }

    private static int Zero(Span<byte> destination)
    {
        destination[0] = (byte)'0';
        return 1;
    }
}
