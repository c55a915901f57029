using Chorus.Resp;

namespace Chorus.Commands.Execution;

/// <summary>Reads the local replica and writes the reply. Runs on the client's connection.</summary>
public delegate void ReadHandler(ReadContext context, RespCommand command, RespWriter reply);

/// <summary>
/// Decides a write: reads the staged keyspace, records row changes, writes the reply.
/// Runs on the leader's apply loop, one command at a time.
/// </summary>
public delegate void WriteHandler(WriteContext context, RespCommand command, RespWriter reply);

/// <summary>
/// A command's table entry. <see cref="Arity"/> follows Redis: positive means exactly that many
/// arguments (name included), negative means at least that many. A command runs one way:
/// <see cref="Read"/> on the connection against the local replica, <see cref="Write"/> on the
/// node loop against the staged keyspace, or <see cref="Request"/> on the node loop as requests
/// the replication core serves itself (leaderless: reads and writes go to a quorum of replicas).
/// </summary>
public sealed record CommandSpec(
    string Name,
    int Arity,
    CommandFlags Flags,
    int FirstKey,
    int LastKey,
    int Step,
    ReadHandler? Read = null,
    WriteHandler? Write = null,
    RequestTranslator? Request = null)
{
    /// <summary>Redis's command group (string, list, sorted-set, generic...), as COMMAND DOCS reports it.</summary>
    public string? Group { get; init; }

    /// <summary>Runs on the node loop (a write, or a request the core serves), not on the connection.</summary>
    public bool RunsOnLoop => Write is not null || Request is not null;

    /// <summary>
    /// For a write command with subcommands that only read (FUNCTION LIST, STATS, KILL): true for
    /// those, which the connection runs with <see cref="Read"/> against its replica instead of
    /// sending them to the loop (where <see cref="Write"/> would answer them too).
    /// </summary>
    public Func<RespCommand, bool>? ReadsWhen { get; init; }

    /// <summary>Whether <paramref name="command"/> goes to the loop (see <see cref="ReadsWhen"/>).</summary>
    public bool RunsOnLoopFor(RespCommand command) => RunsOnLoop && (ReadsWhen is null || !ReadsWhen(command));

    public bool IsWrite => (Flags & CommandFlags.Write) != 0;

    /// <summary>May wait for data (BLPOP...): the connection sends it to the loop alone.</summary>
    public bool IsBlocking => (Flags & CommandFlags.Blocking) != 0;

    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;

    /// <summary>The key arguments of <paramref name="command"/>, from <see cref="FirstKey"/>, <see cref="LastKey"/> and <see cref="Step"/> (Redis's legacy key positions).</summary>
    public IEnumerable<ReadOnlyMemory<byte>> KeysOf(RespCommand command)
    {
        if (FirstKey <= 0)
        {
            yield break;
        }
        var last = LastKey < 0 ? command.ArgumentCount + LastKey : Math.Min(LastKey, command.ArgumentCount - 1);
        for (var i = FirstKey; i <= last; i += Math.Max(1, Step))
        {
            yield return command.GetMemory(i);
        }
    }
}
