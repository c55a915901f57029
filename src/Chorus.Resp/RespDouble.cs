using System.Buffers.Text;
using System.Globalization;

namespace Chorus.Resp;

/// <summary>
/// Doubles as Redis 7.2+ prints them (<c>d2string</c>): "inf", "-inf", "nan", "0", "-0";
/// integral values within ±2^62 as integers; anything else as the shortest digits that round
/// trip, laid out like fpconv_dtoa (plain up to 1e21, decimals down to 1e-7, else <c>1.5e+300</c>).
/// </summary>
/// <remarks>
/// .NET's "R" gives the shortest round-trip digits; Redis's Grisu2 almost always gives the same
/// ones, so replies match Redis byte for byte in all but rare cases, and always parse back equal.
/// </remarks>
internal static class RespDouble
{
    /// <summary>Longest text: a sign, "0.", six zeros and 17 digits.</summary>
    public const int TextLengthMax = 32;

    // Redis's double2ll bound: (double)(LLONG_MAX / 2).
    private const double IntegralMax = long.MaxValue / 2;

    public static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("nan"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "inf"u8 : "-inf"u8, destination);
        }

        if (value == 0)
        {
            return Copy(double.IsNegative(value) ? "-0"u8 : "0"u8, destination);
        }

        if (value >= -IntegralMax && value <= IntegralMax && value == Math.Truncate(value))
        {
            Utf8Formatter.TryFormat((long)value, destination, out var written);
            return written;
        }

        return FormatShortest(value, destination);
    }

    private static int FormatShortest(double value, Span<byte> destination)
    {
        Span<byte> digits = stackalloc byte[TextLengthMax];
        var digitCount = ShortestDigits(Math.Abs(value), digits, out var exponent);
        var written = 0;
        if (value < 0)
        {
            destination[written++] = (byte)'-';
        }

        return written + FpconvLayout.Emit(digits[..digitCount], exponent, destination[written..]);
    }

    /// <summary>
    /// The shortest round-trip decimal digits of a positive finite value, without leading or
    /// trailing zeros, and <paramref name="exponent"/> K such that value = digits × 10^K.
    /// </summary>
    private static int ShortestDigits(double value, Span<byte> digits, out int exponent)
    {
        Span<byte> text = stackalloc byte[TextLengthMax];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        text = text[..length];
        var e = text.IndexOf((byte)'E');
        exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var count = 0;
        var afterPoint = false;
        foreach (var b in mantissa)
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

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
