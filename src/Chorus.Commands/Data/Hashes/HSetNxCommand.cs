using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>HSETNX key field value — sets the field only if it is new; 1 if set, 0 otherwise.</summary>
internal static class HSetNxCommand
{
    public static readonly CommandSpec Spec = new("HSETNX", 4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var status = TypedLookup.Find(context.GetLive(key), DataType.Hash, out var hash);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var exists = status == LookupStatus.Found;
        if (exists && HashValue.TryGet(hash.Payload, command[2], out _))
        {
            reply.WriteInteger(0);
            return;
        }
        HashWrites.SetField(context, key, exists, hash.Payload, command[2], command[3]);
        reply.WriteInteger(1);
    }
}
