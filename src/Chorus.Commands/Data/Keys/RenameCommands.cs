using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// RENAME key newkey (replies OK, replacing newkey) and RENAMENX (1, or 0 when newkey exists):
/// the value moves with its TTL. A missing source is "ERR no such key". The record moves and a
/// collection's elements stay where they are, so renaming a collection of any size is O(1).
/// </summary>
internal static class RenameCommands
{
    public static readonly CommandSpec RenameSpec = new("RENAME", 3, CommandFlags.Write, 1, 2, 1, Write: (c, cmd, r) => Execute(c, cmd, r, onlyIfAbsent: false));

    public static readonly CommandSpec RenameNxSpec = new("RENAMENX", 3, CommandFlags.Write | CommandFlags.Fast, 1, 2, 1, Write: (c, cmd, r) => Execute(c, cmd, r, onlyIfAbsent: true));

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply, bool onlyIfAbsent)
    {
        var source = command[1];
        var target = command[2];
        var value = context.GetLive(source);
        if (value is null)
        {
            reply.WriteError(Errors.NoSuchKey);
            return;
        }
        var blocked = source.SequenceEqual(target) || (onlyIfAbsent && context.GetLive(target) is not null);
        if (!blocked)
        {
            Move(context, source, context.Db, target, value);
        }
        if (onlyIfAbsent)
        {
            reply.WriteInteger(blocked ? 0 : 1);
        }
        else
        {
            reply.WriteOk();
        }
    }

    /// <summary>Records the move of <paramref name="record"/> from the selected database to (<paramref name="targetDb"/>, <paramref name="target"/>).</summary>
    public static void Move(WriteContext context, ReadOnlySpan<byte> source, int targetDb, ReadOnlySpan<byte> target, byte[] record)
    {
        var targetBefore = context.GetStored(targetDb, target);
        context.Record(new RenameChange(
            context.Db, source.ToArray(), targetDb, target.ToArray(), Records.ImageOf(record), targetBefore is null ? null : Records.ImageOf(targetBefore)));
    }
}
