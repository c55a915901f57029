using System.Globalization;
using System.Text.RegularExpressions;

namespace Chorus.Replication.Quorum;

/// <summary>When the leader acknowledges a write to its client (DESIGN §4.2).</summary>
public enum AckMode : byte
{
    /// <summary>After the leader's local commit.</summary>
    Async = 0,

    /// <summary>After <see cref="AckPolicy.Count"/> followers confirm (PostgreSQL's ANY K).</summary>
    SemiSync = 1,

    /// <summary>After every voting follower confirms.</summary>
    SyncAll = 2,
}

/// <summary>What a follower's confirmation means.</summary>
public enum AckLevel : byte
{
    /// <summary>The entries are in the follower's memory.</summary>
    Received = 0,

    /// <summary>The entries are on the follower's stable storage (fsynced).</summary>
    Flushed = 1,

    /// <summary>The entries are applied: visible to reads on the follower.</summary>
    Applied = 2,
}

/// <summary>What happens when too few followers confirm within the timeout.</summary>
public enum AckTimeoutAction : byte
{
    /// <summary>The client gets -NOREPLICAS; new writes are refused while too few followers are connected.</summary>
    Fail = 0,

    /// <summary>The leader degrades to async until enough followers catch up again.</summary>
    Degrade = 1,
}

/// <summary>
/// The cluster's acknowledgement policy. Part of the replicated cluster settings, so every node
/// (and a future leader) knows it.
/// </summary>
public sealed partial record AckPolicy(AckMode Mode, int Count, AckLevel Level, int TimeoutMs, AckTimeoutAction OnTimeout)
{
    public static readonly AckPolicy Default = new(AckMode.Async, 0, AckLevel.Flushed, 1000, AckTimeoutAction.Fail);

    public bool WaitsForFollowers => Mode != AckMode.Async;

    /// <summary>"async", "semi-sync any 2", "sync all".</summary>
    public string ModeText => Mode switch
    {
        AckMode.Async => "async",
        AckMode.SemiSync => $"semi-sync any {Count.ToString(CultureInfo.InvariantCulture)}",
        _ => "sync all",
    };

    public static string LevelText(AckLevel level) => level.ToString().ToLowerInvariant();

    public static string TimeoutActionText(AckTimeoutAction action) => action == AckTimeoutAction.Fail ? "fail" : "degrade";

    /// <summary>Parses a mode as written in CONFIG SET or a flag ("async", "semi-sync any 1", "sync all").</summary>
    public static bool TryParseMode(string text, out AckMode mode, out int count)
    {
        var normalized = Whitespace().Replace(text.Trim().ToLowerInvariant(), " ");
        mode = AckMode.Async;
        count = 0;
        if (normalized == "async")
        {
            return true;
        }
        if (normalized is "sync all" or "sync")
        {
            mode = AckMode.SyncAll;
            return true;
        }
        var match = SemiSync().Match(normalized);
        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1)
        {
            mode = AckMode.SemiSync;
            return true;
        }
        return false;
    }

    public static bool TryParseLevel(string text, out AckLevel level) =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out level) && Enum.IsDefined(level);

    public static bool TryParseTimeoutAction(string text, out AckTimeoutAction action)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "fail":
                action = AckTimeoutAction.Fail;
                return true;
            case "degrade":
                action = AckTimeoutAction.Degrade;
                return true;
            default:
                action = AckTimeoutAction.Fail;
                return false;
        }
    }

    public override string ToString() =>
        $"{ModeText}, level {LevelText(Level)}, timeout {TimeoutMs} ms, on timeout {TimeoutActionText(OnTimeout)}";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^semi-sync(?: any)? (\d+)$")]
    private static partial Regex SemiSync();
}
