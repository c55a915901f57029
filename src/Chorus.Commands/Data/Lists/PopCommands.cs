using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// LPOP / RPOP key [count] (one element or nil; with a count an array of up to count, nil when the
/// key is absent) and LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] (from the first
/// non-empty list: [key, elements], or nil). Popping the last element deletes the key. The log
/// names the elements popped.
/// </summary>
internal static class PopCommands
{
    public static readonly CommandSpec LPopSpec = new("LPOP", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: (c, cmd, r) => ExecutePop(c, cmd, r, left: true));

    public static readonly CommandSpec RPopSpec = new("RPOP", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: (c, cmd, r) => ExecutePop(c, cmd, r, left: false));

    public static readonly CommandSpec LMPopSpec = new("LMPOP", -4, CommandFlags.Write | CommandFlags.MovableKeys, 0, 0, 0, Write: (c, cmd, r) =>
    {
        if (!TryPopFirst(c, cmd, r, numKeysAt: 1))
        {
            r.WriteNullArray();
        }
    });

    private static void ExecutePop(WriteContext context, RespCommand command, RespWriter reply, bool left)
    {
        if (command.ArgumentCount > 3)
        {
            reply.WriteError(Errors.WrongArgumentCount(left ? "lpop" : "rpop"));
            return;
        }
        var hasCount = command.ArgumentCount == 3;
        long count = 1;
        if (hasCount && !PositiveCount.TryParse(command[2], reply, out count))
        {
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        switch (TypedLookup.Find(live, DataType.List, out _))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                if (hasCount)
                {
                    reply.WriteNullArray();
                }
                else
                {
                    reply.WriteNull();
                }
                return;
        }
        var popped = count == 0 ? [] : ListWrites.Pop(context, context.Db, key, live!, count, left);
        if (!hasCount)
        {
            reply.WriteBulkString(popped[0]);
            return;
        }
        WriteElements(reply, popped);
    }

    /// <summary>
    /// LMPOP's work from its numkeys argument at <paramref name="numKeysAt"/> (BLMPOP has a timeout
    /// before it): true when it replied (an error, or what it popped), false when every list was
    /// empty and nothing was written. <paramref name="parsed"/> runs once the arguments parsed
    /// (BLMPOP reads its timeout then, as Redis does); false stops with its error written.
    /// </summary>
    internal static bool TryPopFirst(WriteContext context, RespCommand command, RespWriter reply, int numKeysAt, Func<bool>? parsed = null)
    {
        if (!MultiKeyOptions.TryParseKeys(command, numKeysAt, reply, out var keys))
        {
            return true;
        }
        var first = numKeysAt + 1;
        var rest = first + keys;
        bool left;
        if (rest >= command.ArgumentCount)
        {
            reply.WriteError(Errors.Syntax);
            return true;
        }
        if (command.ArgumentIs(rest, "LEFT"u8))
        {
            left = true;
        }
        else if (command.ArgumentIs(rest, "RIGHT"u8))
        {
            left = false;
        }
        else
        {
            reply.WriteError(Errors.Syntax);
            return true;
        }
        if (!MultiKeyOptions.TryParseCount(command, rest + 1, reply, out var count) || (parsed is not null && !parsed()))
        {
            return true;
        }
        for (var i = first; i < rest; i++)
        {
            var live = context.GetLive(command[i]);
            switch (TypedLookup.Find(live, DataType.List, out _))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    return true;
                case LookupStatus.Found:
                    var popped = ListWrites.Pop(context, context.Db, command[i], live!, count, left);
                    reply.WriteArrayHeader(2);
                    reply.WriteBulkString(command[i]);
                    WriteElements(reply, popped);
                    return true;
            }
        }
        return false;
    }

    internal static void WriteElements(RespWriter reply, List<byte[]> elements)
    {
        reply.WriteArrayHeader(elements.Count);
        foreach (var element in elements)
        {
            reply.WriteBulkString(element);
        }
    }
}
