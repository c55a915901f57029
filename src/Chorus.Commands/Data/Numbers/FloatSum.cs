namespace Chorus.Commands.Data.Numbers;

/// <summary>
/// INCRBYFLOAT and HINCRBYFLOAT arithmetic: a value plus an increment, both text Redis accepts
/// as a long double, computed in long double (<see cref="ExtendedFloat"/>) and written as Redis
/// writes it (<see cref="ExtendedFloat.FormatHuman"/>).
/// </summary>
public static class FloatSum
{
    /// <summary>Room for the longest result (Redis's MAX_LONG_DOUBLE_CHARS).</summary>
    public const int TextLengthMax = ExtendedFloat.HumanTextLengthMax;

    /// <summary>
    /// Writes <paramref name="valueText"/> + <paramref name="incrementText"/> (both accepted by
    /// <see cref="FloatText.TryParse"/>) into <paramref name="destination"/>; false when the sum is
    /// NaN or infinite.
    /// </summary>
    public static bool TryAdd(ReadOnlySpan<byte> valueText, ReadOnlySpan<byte> incrementText, Span<byte> destination, out int written)
    {
        written = 0;
        var parsed = ExtendedFloatText.TryParse(valueText, out var value) & ExtendedFloatText.TryParse(incrementText, out var increment);
        Core.Invariant.That(parsed, "both operands were accepted as floats before they are added");
        var sum = value + increment;
        if (!sum.IsFinite)
        {
            return false;
        }
        written = sum.FormatHuman(destination);
        return true;
    }

    /// <summary>
    /// The same sum, for callers that parsed both operands to doubles first (HINCRBYFLOAT): the
    /// doubles are not used, the texts are what long double arithmetic needs.
    /// </summary>
    public static bool TryAdd(
        ReadOnlySpan<byte> valueText, double value, ReadOnlySpan<byte> incrementText, double increment,
        Span<byte> destination, out int written)
    {
        _ = (value, increment);
        return TryAdd(valueText, incrementText, destination, out written);
    }
}
