using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// FLUSHALL and FLUSHDB [ASYNC | SYNC] — delete every key of every database, or of the selected
/// one. The mode only changes when Redis frees memory, so both are accepted and behave alike. Each
/// is O(1) and reversible: the database points at a fresh physical one and the old one becomes
/// garbage (docs/storage-layout.md). The change is always logged, even on an empty keyspace.
/// </summary>
internal static class FlushCommands
{
    public static readonly CommandSpec FlushAllSpec = new("FLUSHALL", -1, CommandFlags.Write, 0, 0, 0, Write: (c, cmd, r) => Execute(c, cmd, r, all: true));

    public static readonly CommandSpec FlushDbSpec = new("FLUSHDB", -1, CommandFlags.Write, 0, 0, 0, Write: (c, cmd, r) => Execute(c, cmd, r, all: false));

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply, bool all)
    {
        var valid = command.ArgumentCount == 1 ||
            (command.ArgumentCount == 2 && (command.ArgumentIs(1, "ASYNC"u8) || command.ArgumentIs(1, "SYNC"u8)));
        if (!valid)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        context.Record(all ? new FlushAllChange() : new FlushDbChange(context.Db));
        reply.WriteOk();
    }
}
