using System.Globalization;
using System.Net;

namespace Chorus.Client;

/// <summary>Reads a node's state from its <c>INFO replication</c> text (the <c>chorus_*</c> fields).</summary>
internal static class InfoReplication
{
    public static NodeState Parse(EndPoint endPoint, string info)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !line.StartsWith('#'))
            {
                fields[line[..colon]] = line[(colon + 1)..].TrimEnd('\r');
            }
        }
        var role = fields.GetValueOrDefault("chorus_role") ?? (fields.GetValueOrDefault("role") == "master" ? "leader" : "follower");
        return new NodeState(
            endPoint,
            fields.GetValueOrDefault("chorus_node_id", ""),
            role,
            Number(fields, "chorus_epoch"),
            Number(fields, "chorus_lag_ms"),
            Number(fields, "chorus_lag_entries"),
            role == "leader" || fields.GetValueOrDefault("master_link_status") == "up");
    }

    public static NodeState Unreachable(EndPoint endPoint) => new(endPoint, "", NodeState.Unreachable, 0, long.MaxValue, long.MaxValue, false);

    private static long Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
