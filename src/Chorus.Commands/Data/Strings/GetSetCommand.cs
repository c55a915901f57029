using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// GETSET key value (replaces the string and drops its TTL) and GETDEL key (deletes it): both
/// reply with the old string, nil when absent, WRONGTYPE for other types.
/// </summary>
internal static class GetSetCommand
{
    public static readonly CommandSpec GetSetSpec = new("GETSET", 3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: ExecuteGetSet);

    public static readonly CommandSpec GetDelSpec = new("GETDEL", 2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: ExecuteGetDel);

    private static void ExecuteGetSet(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (ReplyOldValue(context, command[1], reply) != LookupStatus.WrongType)
        {
            StringWrites.Put(context, command[1], command[2], 0);
        }
    }

    private static void ExecuteGetDel(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (ReplyOldValue(context, command[1], reply) == LookupStatus.Found)
        {
            context.Delete(command[1], DeleteReason.Command);
        }
    }

    private static LookupStatus ReplyOldValue(WriteContext context, ReadOnlySpan<byte> key, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(key), DataType.String, out var old);
        switch (status)
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                break;
            case LookupStatus.Found:
                reply.WriteBulkString(old.Payload);
                break;
            default:
                reply.WriteNull();
                break;
        }
        return status;
    }
}
