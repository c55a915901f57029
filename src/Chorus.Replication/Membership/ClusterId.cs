namespace Chorus.Replication.Membership;

/// <summary>
/// A cluster's identity: a name no other cluster has, chosen once by the first leader of a new
/// cluster (the host supplies a random candidate in <see cref="ClusterConfig.NewClusterId"/>) and
/// recorded in the bootstrap <see cref="ClusterSettings"/> entry. It lives in the log and the
/// settings, not in any node's options, so it is the same on every node, survives restarts and
/// failovers, travels in snapshots, and a node that joins later learns it from the log.
/// Session tokens carry it (<c>v1:sl.&lt;id&gt;=42</c>), so a token from another cluster is refused
/// instead of read as a position in this one.
/// </summary>
public static class ClusterId
{
    /// <summary>At most this many characters (a generated id has 16).</summary>
    public const int LengthMax = 64;

    /// <summary>Why <paramref name="id"/> cannot be a cluster id, or null. Tokens separate components with ',', '=' and ':'.</summary>
    public static string? Invalid(string id) =>
        id.Length is 0 or > LengthMax ? $"a cluster id has 1 to {LengthMax} characters, not {id.Length}"
        : id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? null
        : "a cluster id holds only letters, digits, '-' and '_'";
}
