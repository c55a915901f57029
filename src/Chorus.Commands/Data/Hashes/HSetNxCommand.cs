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
        var live = context.GetLive(key);
        var status = TypedLookup.Find(live, DataType.Hash, out var hash);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (status == LookupStatus.Found && ElementReads.HasNamed(context, hash.CollectionId, command[2]))
        {
            reply.WriteInteger(0);
            return;
        }
        HashWrites.SetField(context, key, live, command[2], command[3]);
        reply.WriteInteger(1);
    }
}
