using Chorus.Core;

namespace Chorus.Simulation.Clients;

/// <summary>
/// A refusal that did nothing and says to try elsewhere: READONLY (a follower; "the leader is
/// nX"), MOVED (a redirect to the leader's endpoint), TRYAGAIN before anything was applied (no
/// leader known, or leadership moved while the write waited), a refused connection.
/// <see cref="Leader"/> is the node it names, if any.
/// </summary>
internal sealed record Redirect(string Error, NodeId? Leader)
{
    public static Redirect? From(string? error)
    {
        if (error is null || ReplyReader.InDoubt(error))
        {
            return null;
        }
        var refused = error.StartsWith("READONLY", StringComparison.Ordinal)
            || error.StartsWith("MOVED", StringComparison.Ordinal)
            || error.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || error.StartsWith("MASTERDOWN", StringComparison.Ordinal);
        return refused ? new Redirect(error, NamedLeader(error)) : null;
    }

    /// <summary>"(the leader is n2)", "leadership moved to n2 (…", "MOVED 0 n2.sim:6379".</summary>
    public static NodeId? NamedLeader(string error)
    {
        foreach (var marker in (string[])["the leader is ", "leadership moved to ", "MOVED 0 "])
        {
            var at = error.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            var name = new string([.. error[(at + marker.Length)..].TakeWhile(char.IsLetterOrDigit)]);
            if (NodeId.TryParse(name, out var node))
            {
                return node;
            }
        }
        return null;
    }
}
