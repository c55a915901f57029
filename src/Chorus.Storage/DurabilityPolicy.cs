namespace Chorus.Storage;

/// <summary>
/// When committed writes reach stable storage (Redis's appendfsync).
/// </summary>
public enum DurabilityPolicy
{
    /// <summary>fsync before acknowledging; concurrent writes share one fsync (group commit).</summary>
    Always,

    /// <summary>fsync once a second in the background: a power loss may lose up to a second.</summary>
    EverySecond,

    /// <summary>Leave it to the operating system.</summary>
    No,
}

public static class DurabilityPolicies
{
    public static bool TryParse(string? text, out DurabilityPolicy policy)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "always":
                policy = DurabilityPolicy.Always;
                return true;
            case "everysec":
                policy = DurabilityPolicy.EverySecond;
                return true;
            case "no":
                policy = DurabilityPolicy.No;
                return true;
            default:
                policy = DurabilityPolicy.EverySecond;
                return false;
        }
    }

    public static string Name(DurabilityPolicy policy) => policy switch
    {
        DurabilityPolicy.Always => "always",
        DurabilityPolicy.EverySecond => "everysec",
        DurabilityPolicy.No => "no",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };
}
