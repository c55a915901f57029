namespace Chorus.Cli;

/// <summary>Parses INFO's "field:value" lines.</summary>
internal static class InfoText
{
    public static Dictionary<string, string> Parse(string info)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !trimmed.StartsWith('#'))
            {
                fields[trimmed[..colon]] = trimmed[(colon + 1)..];
            }
        }
        return fields;
    }
}
