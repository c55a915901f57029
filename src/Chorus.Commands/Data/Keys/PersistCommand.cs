using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>PERSIST key — removes the key's expiry; 1 if it had one, 0 otherwise.</summary>
internal static class PersistCommand
{
    public static readonly CommandSpec Spec = new("PERSIST", 2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var live = context.GetLive(command[1]);
        var expiresAtMs = live is null ? 0 : KeyRecord.ExpiryOf(live);
        if (expiresAtMs == 0)
        {
            reply.WriteInteger(0);
            return;
        }
        context.Record(new ExpireChange(context.Db, command[1].ToArray(), 0, expiresAtMs));
        reply.WriteInteger(1);
    }
}
