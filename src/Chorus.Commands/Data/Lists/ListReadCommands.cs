using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// LLEN key (the count, from the record), LINDEX key index (one point read; negative indices count
/// from the tail) and LRANGE key start stop (a seek and a walk; Redis's index rules).
/// </summary>
internal static class ListReadCommands
{
    public static readonly CommandSpec LLenSpec = new("LLEN", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: ExecuteLLen);

    public static readonly CommandSpec LIndexSpec = new("LINDEX", 3, CommandFlags.ReadOnly, 1, 1, 1, Read: ExecuteLIndex);

    public static readonly CommandSpec LRangeSpec = new("LRANGE", 4, CommandFlags.ReadOnly, 1, 1, 1, Read: ExecuteLRange);

    private static void ExecuteLLen(ReadContext context, RespCommand command, RespWriter reply)
    {
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.List, out var list))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                break;
            default:
                reply.WriteInteger(list.Count);
                break;
        }
    }

    private static void ExecuteLIndex(ReadContext context, RespCommand command, RespWriter reply)
    {
        // Redis looks the key up before it reads the index: LINDEX missing abc answers nil.
        if (!TypedLookup.TryFind(context.GetLive(command[1]), DataType.List, reply, AbsentReply.Nil, out var list))
        {
            return;
        }
        if (!IntegerText.TryParse(command[2], out var index))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        index = index < 0 ? list.Count + index : index;
        if (index < 0 || index >= list.Count || ListReads.At(context, list, index) is not { } element)
        {
            reply.WriteNull();
            return;
        }
        reply.WriteBulkString(element);
    }

    private static void ExecuteLRange(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var start) || !IntegerText.TryParse(command[3], out var stop))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.List, out var list);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var elements = new CountedReply(reply);
        if (status == LookupStatus.Found && ListReads.Normalize(start, stop, list.Count) is { } range)
        {
            ListReads.Range(context, list, range.Start, range.Stop - range.Start + 1, value =>
            {
                elements.Body.WriteBulkString(value);
                elements.Count++;
            });
        }
        elements.FinishArray();
    }
}
