using System.Globalization;
using System.Numerics;

namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// A C <c>long double</c> as Redis has it on x86-64 Linux: the x87 80-bit extended format, a
/// 64-bit significand and magnitudes from 2^-16445 (the smallest subnormal) to just below
/// 2^16384. INCRBYFLOAT and HINCRBYFLOAT compute in it, so their replies keep long double's own
/// rounding in the last digits: Redis answers -16 + 935.48 with "919.47999999999999998", and
/// accepts 1e400 (beyond a double, well within a long double).
/// </summary>
/// <remarks>
/// Software arithmetic, because .NET has no long double: every operation is exact on big
/// integers and then rounded once to nearest, ties to even, as the FPU rounds. Only what the
/// commands need: parse (<see cref="ExtendedFloatText"/>), add, and print as Redis prints.
/// </remarks>
public readonly struct ExtendedFloat
{
    /// <summary>The x87 extended format: 64 significand bits, subnormals down to 2^-16445, finite below 2^16384.</summary>
    internal static readonly BinaryFormat Extended = new(SignificandBits: 64, ExponentMin: -16445, MagnitudeBitsMax: 16384);

    /// <summary>IEEE double: 53 significand bits, subnormals down to 2^-1074, finite below 2^1024.</summary>
    internal static readonly BinaryFormat Double = new(SignificandBits: 53, ExponentMin: -1074, MagnitudeBitsMax: 1024);

    /// <summary>Redis's MAX_LONG_DOUBLE_CHARS: room for the longest "%.17Lf" text (about 4,950 characters).</summary>
    public const int HumanTextLengthMax = 5 * 1024;

    private const int HumanDecimals = 17;

    private static readonly BigInteger HumanScale = BigInteger.Pow(10, HumanDecimals);

    private readonly Kind _kind;

    private ExtendedFloat(Kind kind, bool negative, ulong significand, int exponent)
    {
        _kind = kind;
        IsNegative = negative;
        Significand = significand;
        Exponent = exponent;
    }

    private enum Kind : byte
    {
        Finite,
        Infinity,
        NaN,
    }

    public bool IsNegative { get; }

    /// <summary>A finite value is ± <see cref="Significand"/> × 2^<see cref="Exponent"/>.</summary>
    public ulong Significand { get; }

    public int Exponent { get; }

    public bool IsFinite => _kind == Kind.Finite;

    public bool IsInfinity => _kind == Kind.Infinity;

    public bool IsZero => IsFinite && Significand == 0;

    public static ExtendedFloat Zero(bool negative) => new(Kind.Finite, negative, 0, 0);

    public static ExtendedFloat Infinity(bool negative) => new(Kind.Infinity, negative, 0, 0);

    public static ExtendedFloat NaN { get; } = new(Kind.NaN, false, 0, 0);

    /// <summary>The sum, rounded to nearest even; ±infinity when it overflows, NaN for inf + -inf.</summary>
    public static ExtendedFloat operator +(ExtendedFloat a, ExtendedFloat b)
    {
        if (a._kind == Kind.NaN || b._kind == Kind.NaN || (a.IsInfinity && b.IsInfinity && a.IsNegative != b.IsNegative))
        {
            return NaN;
        }
        if (a.IsInfinity || b.IsInfinity)
        {
            return a.IsInfinity ? a : b;
        }
        var exponent = Math.Min(a.Exponent, b.Exponent);
        var sum = a.ScaledTo(exponent) + b.ScaledTo(exponent);
        // Round to nearest: x + (-x) is +0, and only -0 + -0 is -0.
        return sum.IsZero
            ? Zero(a.IsNegative && b.IsNegative)
            : Round(sum.Sign < 0, BigInteger.Abs(sum), exponent, Extended);
    }

    /// <summary>
    /// ± <paramref name="magnitude"/> × 2^<paramref name="exponent"/> rounded to <paramref name="format"/>
    /// (nearest, ties to even): zero below half the smallest subnormal, infinity past the largest value.
    /// </summary>
    internal static ExtendedFloat Round(bool negative, BigInteger magnitude, long exponent, BinaryFormat format)
    {
        if (magnitude.IsZero)
        {
            return Zero(negative);
        }
        var bits = (long)magnitude.GetBitLength();
        var shift = Math.Max(bits - format.SignificandBits, format.ExponentMin - exponent);
        if (shift > bits)
        {
            return Zero(negative);   // below half of the smallest step
        }
        if (shift > 0)
        {
            magnitude = ShiftRightToNearestEven(magnitude, (int)shift);
            exponent += shift;
            if (magnitude.GetBitLength() > format.SignificandBits)
            {
                magnitude >>= 1;     // rounding carried into a new top bit; the bit dropped is 0
                exponent++;
            }
        }
        if (magnitude.IsZero)
        {
            return Zero(negative);
        }
        return magnitude.GetBitLength() + exponent > format.MagnitudeBitsMax
            ? Infinity(negative)
            : new ExtendedFloat(Kind.Finite, negative, (ulong)magnitude, (int)exponent);
    }

    /// <summary>
    /// The nearest double, except that a finite value beyond the double's range gives ±double.MaxValue
    /// (a finite long double never reads as infinite) and a tiny nonzero one the smallest subnormal.
    /// </summary>
    public double ToDouble()
    {
        if (!IsFinite)
        {
            return IsInfinity ? (IsNegative ? double.NegativeInfinity : double.PositiveInfinity) : double.NaN;
        }
        var rounded = Round(IsNegative, Significand, Exponent, Double);
        var magnitude = rounded.IsInfinity ? double.MaxValue
            : rounded.IsZero && !IsZero ? double.Epsilon
            : Math.ScaleB(rounded.Significand, rounded.Exponent);
        return IsNegative ? -magnitude : magnitude;
    }

    /// <summary>
    /// Redis's human-friendly text (<c>ld2string</c> with LD_STR_HUMAN): <c>"%.17Lf"</c> — plain
    /// notation, exactly rounded to 17 decimals, ties to even — then trailing zeros and a trailing
    /// point removed, and "-0" printed as "0". Finite values only.
    /// </summary>
    public int FormatHuman(Span<byte> destination)
    {
        Core.Invariant.That(IsFinite, "only finite long doubles are printed");
        var scaled = Exponent >= 0
            ? ((BigInteger)Significand << Exponent) * HumanScale
            : ShiftRightToNearestEven(Significand * HumanScale, -Exponent);
        if (scaled.IsZero)
        {
            destination[0] = (byte)'0';
            return 1;
        }
        var digits = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(HumanDecimals + 1, '0');
        var integerDigits = digits.Length - HumanDecimals;
        var fraction = digits.AsSpan(integerDigits).TrimEnd('0');
        var written = 0;
        if (IsNegative)
        {
            destination[written++] = (byte)'-';
        }
        written += Ascii(digits.AsSpan(0, integerDigits), destination[written..]);
        if (!fraction.IsEmpty)
        {
            destination[written++] = (byte)'.';
            written += Ascii(fraction, destination[written..]);
        }
        return written;
    }

    public override string ToString()
    {
        if (!IsFinite)
        {
            return IsInfinity ? (IsNegative ? "-inf" : "inf") : "nan";
        }
        Span<byte> text = stackalloc byte[HumanTextLengthMax];
        return System.Text.Encoding.ASCII.GetString(text[..FormatHuman(text)]);
    }

    /// <summary>value / 2^shift rounded to nearest, ties to even.</summary>
    internal static BigInteger ShiftRightToNearestEven(BigInteger value, int shift)
    {
        if (shift == 0)
        {
            return value;
        }
        var quotient = value >> shift;
        var remainder = value - (quotient << shift);
        var comparison = remainder.CompareTo(BigInteger.One << (shift - 1));
        return comparison > 0 || (comparison == 0 && !quotient.IsEven) ? quotient + 1 : quotient;
    }

    /// <summary>This value's signed significand expressed in units of 2^<paramref name="exponent"/> (at most this value's own exponent).</summary>
    private BigInteger ScaledTo(int exponent)
    {
        var scaled = (BigInteger)Significand << (Exponent - exponent);
        return IsNegative ? -scaled : scaled;
    }

    private static int Ascii(ReadOnlySpan<char> text, Span<byte> destination)
    {
        for (var i = 0; i < text.Length; i++)
        {
            destination[i] = (byte)text[i];
        }
        return text.Length;
    }
}

/// <summary>A binary floating-point format: significand width, smallest exponent, magnitude limit (finite values are below 2^MagnitudeBitsMax).</summary>
internal readonly record struct BinaryFormat(int SignificandBits, int ExponentMin, int MagnitudeBitsMax);
