using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// FLUSHALL and FLUSHDB [ASYNC | SYNC] — delete every key (there is one database). The mode
/// only changes when Redis frees memory, so both are accepted and behave alike. The change is
/// always logged, even on an empty keyspace: it marks a point a replica cannot roll back past.
/// </summary>
internal static class FlushCommands
{
    public static readonly CommandSpec FlushAllSpec = new("FLUSHALL", -1, CommandFlags.Write, 0, 0, 0, Write: Execute);

    public static readonly CommandSpec FlushDbSpec = new("FLUSHDB", -1, CommandFlags.Write, 0, 0, 0, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var valid = command.ArgumentCount == 1 ||
            (command.ArgumentCount == 2 && (command.ArgumentIs(1, "ASYNC"u8) || command.ArgumentIs(1, "SYNC"u8)));
        if (!valid)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        context.Record(new FlushAllChange());
        reply.WriteOk();
    }
}
