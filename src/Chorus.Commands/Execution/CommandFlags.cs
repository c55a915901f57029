namespace Chorus.Commands.Execution;

/// <summary>Command properties, as Redis's COMMAND INFO reports them.</summary>
[Flags]
public enum CommandFlags
{
    None = 0,

    /// <summary>Changes data: runs on the leader's apply loop and produces a log entry.</summary>
    Write = 1 << 0,

    /// <summary>Reads data: runs on the connection, against the local replica.</summary>
    ReadOnly = 1 << 1,

    Admin = 1 << 2,
    Fast = 1 << 3,
    DenyOom = 1 << 4,
    Random = 1 << 5,
    Loading = 1 << 6,
    Stale = 1 << 7,
    NoScript = 1 << 8,

    /// <summary>The keys' positions depend on the arguments (a numkeys argument, SORT's BY/GET/STORE).</summary>
    MovableKeys = 1 << 9,

    /// <summary>May wait for data (BLPOP and friends): runs alone, and waits only outside MULTI and scripts.</summary>
    Blocking = 1 << 10,
}

public static class CommandFlagNames
{
    private static readonly (CommandFlags Flag, string Name)[] Names =
    [
        (CommandFlags.Write, "write"),
        (CommandFlags.ReadOnly, "readonly"),
        (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"),
        (CommandFlags.NoScript, "noscript"),
        (CommandFlags.Random, "random"),
        (CommandFlags.Loading, "loading"),
        (CommandFlags.Stale, "stale"),
        (CommandFlags.Blocking, "blocking"),
        (CommandFlags.Fast, "fast"),
        (CommandFlags.MovableKeys, "movablekeys"),
    ];

    public static IEnumerable<string> Of(CommandFlags flags) =>
        Names.Where(n => (flags & n.Flag) != 0).Select(n => n.Name);
}
