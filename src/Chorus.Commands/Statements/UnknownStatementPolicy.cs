namespace Chorus.Commands.Statements;

/// <summary>
/// What a follower does with a statement entry naming a command it cannot run — a command this
/// build does not know (a newer leader's), or one that is not a write (docs/log-formats.md,
/// "A statement a follower cannot run"). Per node: `--unknown-statement`, default stop.
/// </summary>
public enum UnknownStatementPolicy
{
    /// <summary>Stop replicating before storing the entry, with the reason in INFO and chorus status: the replica stays a true prefix of the leader.</summary>
    Stop,

    /// <summary>Store the entry without running it, count it and name it in INFO: the node goes on, but its data may now differ from the leader's (CHORUS.DIGEST shows it).</summary>
    Skip,
}

public static class UnknownStatementPolicies
{
    public static bool TryParse(string text, out UnknownStatementPolicy policy)
    {
        switch (text.ToLowerInvariant())
        {
            case "stop":
                policy = UnknownStatementPolicy.Stop;
                return true;
            case "skip":
                policy = UnknownStatementPolicy.Skip;
                return true;
            default:
                policy = UnknownStatementPolicy.Stop;
                return false;
        }
    }

    public static string Name(UnknownStatementPolicy policy) => policy == UnknownStatementPolicy.Skip ? "skip" : "stop";
}
