using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// COPY source destination [DB destination-db] [REPLACE] — copies a value with its TTL: 1 when
/// copied, 0 when the source is absent or the destination exists (without REPLACE). The log
/// carries only the two keys: every node copies a collection's elements itself (O(n) there).
/// </summary>
internal static class CopyCommand
{
    public static readonly CommandSpec Spec = new("COPY", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var targetDb = context.Db;
        var replace = false;
        for (var j = 3; j < command.ArgumentCount; j++)
        {
            if (command.ArgumentIs(j, "REPLACE"u8))
            {
                replace = true;
            }
            else if (command.ArgumentIs(j, "DB"u8) && j + 1 < command.ArgumentCount)
            {
                if (!DatabaseIndex.TryParse(command[++j], reply, out targetDb))
                {
                    return;
                }
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return;
            }
        }
        var source = command[1];
        var target = command[2];
        if (targetDb == context.Db && source.SequenceEqual(target))
        {
            reply.WriteError("ERR source and destination objects are the same");
            return;
        }
        var record = context.GetLive(source);
        if (record is null || (!replace && context.GetLive(targetDb, target) is not null))
        {
            reply.WriteInteger(0);
            return;
        }
        var before = context.GetStored(targetDb, target);
        context.Record(new CopyChange(context.Db, source.ToArray(), targetDb, target.ToArray(), Records.ImageOf(record), before is null ? null : Records.ImageOf(before)));
        reply.WriteInteger(1);
    }
}
