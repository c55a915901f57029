using Chorus.Commands.Keyspace;

namespace Chorus.Commands.Execution;

/// <summary>
/// What a command may read, the same way on a connection (<see cref="ReadContext"/>: the local
/// replica) and on the leader's loop (<see cref="WriteContext"/>: the staged keyspace), so reads
/// shared by read and write commands (ranges, set algebra, sorting) are written once.
/// </summary>
public interface IKeyspaceView
{
    /// <summary>The time used to decide expiry, in Unix milliseconds.</summary>
    long NowMs { get; }

    /// <summary>The connection's selected database (0–15).</summary>
    int Db { get; }

    /// <summary>Randomness for commands that pick at random.</summary>
    Random Random { get; }

    /// <summary>The record of a live key of database <paramref name="db"/>, or null if it is absent or expired.</summary>
    byte[]? GetLive(int db, ReadOnlySpan<byte> key);

    /// <summary>One element (see <see cref="ElementKey"/>), or null.</summary>
    byte[]? GetElement(ReadOnlySpan<byte> elementKey);

    /// <summary>A cursor over a collection's elements; dispose it.</summary>
    IElementCursor OpenElements(ulong collectionId);
}

public static class KeyspaceViews
{
    /// <summary>The record of a live key of the selected database, or null.</summary>
    public static byte[]? GetLive(this IKeyspaceView view, ReadOnlySpan<byte> key) => view.GetLive(view.Db, key);
}
