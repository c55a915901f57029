using System.Globalization;
using Chorus.Core;
using Chorus.Replication.Membership;

namespace Chorus.Server.Consistency;

/// <summary>
/// A session's position as text a client can keep and pass on: a vector with one component per
/// log — <c>v1:sl.3f9c0a1b2c3d4e5f=42</c> today (the single-leader log of cluster 3f9c…, at LSN
/// 42). With one log it is a plain LSN; as a vector it keeps its meaning once there are several
/// logs (multi-leader sites, partitions), where consistent prefix needs a position per log. A read
/// "after" a token waits until the replica holds every component.
/// <para>
/// The log is named after its cluster (<see cref="ClusterId"/>), so a token from another cluster is
/// refused (<see cref="ForeignTo"/>) instead of being read as a position in this one. A token
/// without a cluster (<c>v1:sl=42</c>: issued before clusters had an identity, or by a node that
/// has not learned its cluster's yet) is accepted everywhere, as it always was.
/// </para>
/// </summary>
/// <param name="Cluster">The cluster whose log the LSN is in; empty: not said.</param>
internal readonly record struct SessionToken(Lsn Lsn, string Cluster = "")
{
    public const string Version = "v1";

    /// <summary>The one log a single-leader cluster has.</summary>
    public const string SingleLeaderLog = "sl";

    /// <summary>Components at most (a bound on what a client can make us parse).</summary>
    private const int ComponentsMax = 64;

    private const string Expected = $"expected {Version}:{SingleLeaderLog}.<cluster-id>=<lsn>, as CHORUS.TOKEN returns";

    public static readonly SessionToken Empty = default;

    public bool IsEmpty => Lsn == Lsn.Zero;

    /// <summary>The position <paramref name="lsn"/> in the log of <paramref name="cluster"/> (empty: a cluster without an identity).</summary>
    public static SessionToken Of(Lsn lsn, string cluster) => new(lsn, cluster);

    public override string ToString() => string.IsNullOrEmpty(Cluster)
        ? string.Create(CultureInfo.InvariantCulture, $"{Version}:{SingleLeaderLog}={Lsn.Value}")
        : string.Create(CultureInfo.InvariantCulture, $"{Version}:{SingleLeaderLog}.{Cluster}={Lsn.Value}");

    /// <summary>
    /// The client's error when this token is from another cluster than <paramref name="cluster"/>
    /// (this node's; empty when it has none yet), or null when it may be used here.
    /// </summary>
    public string? ForeignTo(string cluster) =>
        string.IsNullOrEmpty(Cluster) || cluster.Length == 0 || Cluster == cluster
            ? null
            : $"ERR session token is from another cluster ('{Cluster}'; this is cluster '{cluster}'): a token holds only in the cluster that issued it";

    /// <summary>Parses a token; on failure <paramref name="error"/> is the client's error (Redis wording style).</summary>
    public static bool TryParse(string text, out SessionToken token, out string error)
    {
        token = Empty;
        error = "";
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"ERR malformed session token '{Clip(text)}' ({Expected})";
            return false;
        }
        if (text[..colon] != Version)
        {
            error = $"ERR session token version '{Clip(text[..colon])}' is not supported (this node speaks {Version})";
            return false;
        }
        var components = text[(colon + 1)..].Split(',');
        if (components.Length > ComponentsMax)
        {
            error = $"ERR session token has more than {ComponentsMax} components";
            return false;
        }
        var lsn = Lsn.Zero;
        var cluster = "";
        foreach (var component in components)
        {
            var eq = component.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !ulong.TryParse(component.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"ERR malformed session token '{Clip(text)}' ({Expected})";
                return false;
            }
            if (!TryLogCluster(component[..eq], out var named, out error))
            {
                return false;
            }
            if (named.Length > 0 && cluster.Length > 0 && named != cluster)
            {
                error = $"ERR session token names the logs of two clusters ('{cluster}' and '{named}'): a token holds only in the cluster that issued it";
                return false;
            }
            cluster = named.Length > 0 ? named : cluster;
            lsn = Lsn.Max(lsn, new Lsn(value));
        }
        token = new SessionToken(lsn, cluster);
        return true;
    }

    /// <summary>A log name: <c>sl</c> (no cluster said) or <c>sl.&lt;cluster-id&gt;</c>.</summary>
    private static bool TryLogCluster(string log, out string cluster, out string error)
    {
        cluster = "";
        error = "";
        if (log == SingleLeaderLog)
        {
            return true;
        }
        if (!log.StartsWith(SingleLeaderLog + ".", StringComparison.Ordinal))
        {
            error = $"ERR session token names log '{Clip(log)}', which this cluster does not have (it has '{SingleLeaderLog}'): a token from another kind of cluster?";
            return false;
        }
        cluster = log[(SingleLeaderLog.Length + 1)..];
        if (ClusterId.Invalid(cluster) is { } invalid)
        {
            error = $"ERR malformed session token: {invalid} ('{Clip(cluster)}')";
            return false;
        }
        return true;
    }

    private static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
