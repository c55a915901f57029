using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SADD key member [member ...] — adds members; replies with how many were new. Only the new
/// members (each once) are logged. O(members named), whatever the set's size.
/// </summary>
internal static class SAddCommand
{
    public static readonly CommandSpec Spec = new("SADD", -3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        if (TypedLookup.Find(live, DataType.Set, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteInteger(SetWrites.Add(context, key, live, Arguments.From(command, 2)));
    }
}
