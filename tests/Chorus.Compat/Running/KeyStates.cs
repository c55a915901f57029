using System.Text;
using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Compat.Running;

/// <summary>
/// What each server holds under the keys of a mismatch (type, time to live, value), read right
/// after it, so a report shows where the states went apart. A new data type adds its read here.
/// </summary>
internal static class KeyStates
{
    /// <summary>TYPE's answer → the command (after the key) that reads a whole value of that type.</summary>
    private static readonly Dictionary<string, string[]> Reads = new(StringComparer.Ordinal)
    {
        ["string"] = ["GET"],
        ["hash"] = ["HGETALL"],
        ["set"] = ["SMEMBERS"],
        ["list"] = ["LRANGE", "{key}", "0", "-1"],
        ["zset"] = ["ZRANGE", "{key}", "0", "-1", "WITHSCORES"],
    };

    /// <summary>Keys shown at most (a DBSIZE mismatch concerns the whole, small, keyspace).</summary>
    private const int KeysMax = 12;

    public static async Task<string> DescribeAsync(ServerPair servers, Step step, CancellationToken cancellationToken)
    {
        var keys = step.TouchesEveryKey ? Fuzz.Keyspace : step.Keys.Distinct(ByteArrayComparer.Instance).ToList();
        var text = new StringBuilder();
        foreach (var key in keys.Take(KeysMax))
        {
            var redis = await ReadAsync(servers.Redis, key, cancellationToken);
            var chorus = await ReadAsync(servers.Chorus, key, cancellationToken);
            var marker = redis == chorus ? "  " : "≠ ";
            text.AppendLine($"    {marker}{RespValue.BulkString(key)}: redis {redis}");
            if (redis != chorus)
            {
                text.AppendLine($"      {new string(' ', RespValue.BulkString(key).ToString().Length)}  chorus {chorus}");
            }
        }
        return text.ToString();
    }

    private static async Task<string> ReadAsync(ServerProcess server, byte[] key, CancellationToken cancellationToken)
    {
        var replies = await ServerPair.SendToAsync(server, [Step.Build("TYPE", key), Step.Build("PTTL", key)], cancellationToken);
        var type = replies[0].AsString() ?? "?";
        if (type == "none")
        {
            return "(absent)";
        }
        var ttl = replies[1].Integer == -1 ? "no expiry" : "expiring";
        if (!Reads.TryGetValue(type, out var read))
        {
            return $"{type}, {ttl}";
        }
        object[] command = read.Length == 1 ? [read[0], key] : [.. read.Select(a => a == "{key}" ? (object)key : a)];
        var value = (await ServerPair.SendToAsync(server, [Step.Build(command)], cancellationToken))[0];
        return $"{type}, {ttl}: {Shorten(value.ToString().ReplaceLineEndings(" "))}";
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
