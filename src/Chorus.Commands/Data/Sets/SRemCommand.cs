using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SREM key member [member ...] — removes members; replies with how many were there. Removing
/// the last member deletes the key (an empty set does not exist).
/// </summary>
internal static class SRemCommand
{
    public static readonly CommandSpec Spec = new("SREM", -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        if (!TypedLookup.TryFind(live, DataType.Set, reply, AbsentReply.Zero, out _))
        {
            return;
        }
        reply.WriteInteger(SetWrites.Remove(context, key, live!, Arguments.From(command, 2)));
    }
}
