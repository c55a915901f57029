using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// MOVE key db (1 when the key moved, 0 when it is absent here or present there; its TTL moves
/// with it) and SWAPDB index1 index2 (two databases trade contents, for every connection). Both are
/// O(1): MOVE moves a record (a collection's elements stay where they are), SWAPDB swaps two
/// entries of the replicated database map.
/// </summary>
internal static class DatabaseCommands
{
    public static readonly CommandSpec MoveSpec = new("MOVE", 3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: ExecuteMove);

    public static readonly CommandSpec SwapDbSpec = new("SWAPDB", 3, CommandFlags.Write | CommandFlags.Fast, 0, 0, 0, Write: ExecuteSwapDb);

    private static void ExecuteMove(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!DatabaseIndex.TryParse(command[2], reply, out var target))
        {
            return;
        }
        if (target == context.Db)
        {
            reply.WriteError("ERR source and destination objects are the same");
            return;
        }
        var key = command[1];
        var record = context.GetLive(key);
        if (record is null || context.GetLive(target, key) is not null)
        {
            reply.WriteInteger(0);
            return;
        }
        RenameCommands.Move(context, key, target, key, record);
        reply.WriteInteger(1);
    }

    private static void ExecuteSwapDb(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntArgument.TryParse(command[1], reply, out var first, "ERR invalid first DB index")
            || !IntArgument.TryParse(command[2], reply, out var second, "ERR invalid second DB index"))
        {
            return;
        }
        if (!PhysicalDb.IsValidLogical(first) || !PhysicalDb.IsValidLogical(second))
        {
            reply.WriteError(DatabaseIndex.OutOfRange);
            return;
        }
        if (first != second)
        {
            context.Record(new SwapDbChange(first, second));
        }
        reply.WriteOk();
    }
}
