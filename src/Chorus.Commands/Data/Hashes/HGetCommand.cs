using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>HGET key field (one value or nil) and HMGET key field [field ...] (an array of values or nils): one element read per field.</summary>
internal static class HGetCommand
{
    public static readonly CommandSpec HGetSpec = new("HGET", 3, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: ExecuteHGet);

    public static readonly CommandSpec HMGetSpec = new("HMGET", -3, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: ExecuteHMGet);

    private static void ExecuteHGet(ReadContext context, RespCommand command, RespWriter reply)
    {
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.Hash, out var hash))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                break;
            case LookupStatus.Found when ElementReads.GetNamed(context, hash.CollectionId, command[2]) is { } value:
                reply.WriteBulkString(value);
                break;
            default:
                reply.WriteNull();
                break;
        }
    }

    private static void ExecuteHMGet(ReadContext context, RespCommand command, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.Hash, out var hash);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteArrayHeader(command.ArgumentCount - 2);
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (status == LookupStatus.Found && ElementReads.GetNamed(context, hash.CollectionId, command[i]) is { } value)
            {
                reply.WriteBulkString(value);
            }
            else
            {
                reply.WriteNull();
            }
        }
    }
}
