using System.Globalization;
using Chorus.Core;

namespace Chorus.Server.Consistency;

/// <summary>
/// A session's position as text a client can keep and pass on: a vector with one component per
/// log — <c>v1:sl=42</c> today (the single-leader log at LSN 42). With one log it is a plain LSN;
/// as a vector it keeps its meaning once there are several logs (multi-leader sites, partitions),
/// where consistent prefix needs a position per log. A read "after" a token waits until the
/// replica holds every component.
/// </summary>
internal readonly record struct SessionToken(Lsn Lsn)
{
    public const string Version = "v1";

    /// <summary>The one log a single-leader cluster has.</summary>
    public const string SingleLeaderLog = "sl";

    /// <summary>Components at most (a bound on what a client can make us parse).</summary>
    private const int ComponentsMax = 64;

    public static readonly SessionToken Empty = default;

    public bool IsEmpty => Lsn == Lsn.Zero;

    public static SessionToken Of(Lsn lsn) => new(lsn);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Version}:{SingleLeaderLog}={Lsn.Value}");

    /// <summary>Parses a token; on failure <paramref name="error"/> is the client's error (Redis wording style).</summary>
    public static bool TryParse(string text, out SessionToken token, out string error)
    {
        token = Empty;
        error = "";
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"ERR malformed session token '{Clip(text)}' (expected {Version}:{SingleLeaderLog}=<lsn>, as CHORUS.TOKEN returns)";
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
        foreach (var component in components)
        {
            var eq = component.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !ulong.TryParse(component.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"ERR malformed session token '{Clip(text)}' (expected {Version}:{SingleLeaderLog}=<lsn>, as CHORUS.TOKEN returns)";
                return false;
            }
            if (component[..eq] != SingleLeaderLog)
            {
                error = $"ERR session token names log '{Clip(component[..eq])}', which this cluster does not have (it has '{SingleLeaderLog}'): a token from another cluster?";
                return false;
            }
            lsn = Lsn.Max(lsn, new Lsn(value));
        }
        token = new SessionToken(lsn);
        return true;
    }

    private static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
