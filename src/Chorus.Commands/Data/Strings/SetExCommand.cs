using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// SETEX key seconds value and PSETEX key milliseconds value — SET with EX or PX, which is what
/// StackExchange.Redis and other clients send for a string with a TTL.
/// </summary>
internal static class SetExCommand
{
    public static readonly CommandSpec SetExSpec = new("SETEX", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, seconds: true));

    public static readonly CommandSpec PSetExSpec = new("PSETEX", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, seconds: false));

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply, bool seconds)
    {
        var name = seconds ? "setex" : "psetex";
        if (!ExpiryArgument.TryResolve(command[2], seconds, relative: true, context.NowMs, name, out var expiresAtMs, out var error))
        {
            reply.WriteError(error);
            return;
        }
        StringWrites.Put(context, command[1], command[3], expiresAtMs);
        reply.WriteOk();
    }
}
