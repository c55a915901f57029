namespace Chorus.Core.Sites;

/// <summary>How concurrent writes to one key, made at different sites, are resolved (DDIA ch. 5, "Handling write conflicts").</summary>
public enum ConflictPolicy : byte
{
    /// <summary>Last write wins by HLC timestamp, site id breaking ties; every losing value goes to the conflict log.</summary>
    Lww = 1,

    /// <summary>Concurrent values are all kept (siblings); a later write that saw them replaces them.</summary>
    Siblings = 2,

    /// <summary>Siblings, merged by a resolver the user supplies: on write (what reads show), and on read when it has an on-read handler (<see cref="IReadResolver"/>: the read's answer, written back).</summary>
    Custom = 3,

    /// <summary>A PN-counter: INCR/DECR/INCRBY/DECRBY at every site all count; no conflicts.</summary>
    Counter = 4,
}

/// <summary>A key pattern (Redis glob, stored as Latin-1 text so any bytes round-trip) and the policy of the keys it matches.</summary>
public sealed record PolicyRule(string Pattern, ConflictPolicy Policy, string? Resolver = null)
{
    /// <summary>"lww", "siblings", "counter" or "custom:&lt;resolver&gt;".</summary>
    public string PolicyText => Policy == ConflictPolicy.Custom ? $"custom:{Resolver}" : Name(Policy);

    public static string Name(ConflictPolicy policy) => policy switch
    {
        ConflictPolicy.Lww => "lww",
        ConflictPolicy.Siblings => "siblings",
        ConflictPolicy.Counter => "counter",
        _ => "custom",
    };

    /// <summary>Parses "lww", "siblings", "counter" or "custom:&lt;name&gt;"; false with a message otherwise.</summary>
    public static bool TryParsePolicy(string text, out ConflictPolicy policy, out string? resolver, out string error)
    {
        resolver = null;
        error = "";
        var lower = text.Trim().ToLowerInvariant();
        policy = lower switch
        {
            "lww" => ConflictPolicy.Lww,
            "siblings" => ConflictPolicy.Siblings,
            "counter" => ConflictPolicy.Counter,
            _ => 0,
        };
        if (policy != 0)
        {
            return true;
        }
        if (lower.StartsWith("custom:", StringComparison.Ordinal) && lower.Length > "custom:".Length)
        {
            policy = ConflictPolicy.Custom;
            resolver = text.Trim()["custom:".Length..];
            return true;
        }
        error = $"unknown conflict policy '{text}' (known: lww, siblings, counter, custom:<resolver>)";
        return false;
    }
}

/// <summary>A key pattern whose writes all go to one site (conflict avoidance), unless that site is declared failed.</summary>
public sealed record HomeRule(string Pattern, NodeId Site);
