namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// Floats as Redis reads them from arguments and stored values (<c>string2ld</c>; the rules are
/// in <see cref="ExtendedFloatText"/>), for callers that want a double.
/// </summary>
public static class FloatText
{
    /// <summary>Redis copies the text into a MAX_LONG_DOUBLE_CHARS (5 KiB) buffer with its NUL.</summary>
    public const int LengthMax = ExtendedFloatText.LengthMax;

    /// <summary>
    /// True when Redis accepts <paramref name="text"/> as a long double. <paramref name="value"/>
    /// is the nearest double, saturated to ±<see cref="double.MaxValue"/> for finite values past
    /// the double's range, so only "inf" itself reads as infinite (as in Redis's NaN/Infinity checks).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        var parsed = ExtendedFloatText.TryParse(text, out var extended);
        value = parsed ? extended.ToDouble() : 0;
        return parsed;
    }

    /// <summary>C's isspace in the "C" locale.</summary>
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
