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

    /// <summary>
    /// Redis's getDoubleFromObject (ZADD and ZINCRBY scores, WEIGHTS): C's strtod, so unlike
    /// <see cref="TryParse"/> a value past the double's range is refused ("1e400"), and so is a
    /// nonzero one that rounds to zero ("1e-400").
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (!ExtendedFloatText.TryParse(text, out var extended))
        {
            return false;
        }
        value = extended.ToDoubleUnsaturated();
        return !extended.IsFinite || (double.IsFinite(value) && (value != 0 || extended.IsZero));
    }

    /// <summary>
    /// A score range bound as Redis's zslParseRange reads it (after any "("): C's strtod with only
    /// NaN and trailing text refused, so "" is 0, leading spaces are skipped, and values past the
    /// double's range are ±infinity.
    /// </summary>
    public static bool TryParseRangeBound(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return true;
        }
        var start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }
        if (start == text.Length || !ExtendedFloatText.TryParse(text[start..], out var extended))
        {
            return false;
        }
        value = extended.ToDoubleUnsaturated();
        return true;
    }

    /// <summary>C's isspace in the "C" locale.</summary>
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
