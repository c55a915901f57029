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
/// arguments (name included), negative means at least that many.
/// </summary>
public sealed record CommandSpec(
    string Name,
    int Arity,
    CommandFlags Flags,
    int FirstKey,
    int LastKey,
    int Step,
    ReadHandler? Read = null,
    WriteHandler? Write = null)
{
    /// <summary>Redis's command group (string, list, sorted-set, generic...), as COMMAND DOCS reports it.</summary>
    public string? Group { get; init; }

    public bool IsWrite => (Flags & CommandFlags.Write) != 0;

    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}
