using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// DEL key [key ...] — deletes keys; replies with how many existed. UNLINK is the same here:
/// Redis frees memory in the background for it, a storage engine has nothing to free inline.
/// </summary>
internal static class DelCommand
{
    public static readonly CommandSpec Spec = new("DEL", -2, CommandFlags.Write, 1, -1, 1, Write: Execute);

    public static readonly CommandSpec UnlinkSpec = new("UNLINK", -2, CommandFlags.Write | CommandFlags.Fast, 1, -1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var deleted = 0;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var key = command[i];
            var live = context.GetLive(key) is not null;
            // A logically expired key counts as absent, but is removed all the same.
            if (context.Delete(key, live ? DeleteReason.Command : DeleteReason.Expired) && live)
            {
                deleted++;
            }
        }
        reply.WriteInteger(deleted);
    }
}
