using System.Globalization;

namespace Chorus.Server.Configuration;

/// <summary>Redis's memory amounts: "1gb" is 1024³ bytes, "1g" 1000³; a bare number is bytes.</summary>
internal static class MemoryText
{
    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        ("kb", 1L << 10), ("mb", 1L << 20), ("gb", 1L << 30),
        ("k", 1000L), ("m", 1000L * 1000), ("g", 1000L * 1000 * 1000), ("b", 1L),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim().ToLowerInvariant();
        var multiplier = 1L;
        foreach (var (suffix, unit) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal))
            {
                trimmed = trimmed[..^suffix.Length];
                multiplier = unit;
                break;
            }
        }
        if (!long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / multiplier)
        {
            return false;
        }
        bytes = count * multiplier;
        return true;
    }
}
