using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>SETNX key value — SET NX replying 1 when it set the key, 0 when the key exists (any type).</summary>
internal static class SetNxCommand
{
    public static readonly CommandSpec Spec = new("SETNX", 3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (context.GetLive(command[1]) is not null)
        {
            reply.WriteInteger(0);
            return;
        }
        StringWrites.Put(context, command[1], command[2], 0);
        reply.WriteInteger(1);
    }
}
