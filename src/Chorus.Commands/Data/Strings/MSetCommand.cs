using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>
/// MSET key value [key value ...] (replies OK) and MSETNX (sets all only if none exists, replies
/// 1 or 0). Both replace values of any type and drop TTLs; all pairs land in one log entry.
/// </summary>
internal static class MSetCommand
{
    public static readonly CommandSpec MSetSpec = new("MSET", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, -1, 2, Write: ExecuteMSet);

    public static readonly CommandSpec MSetNxSpec = new("MSETNX", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, -1, 2, Write: ExecuteMSetNx);

    private static void ExecuteMSet(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (IsMissingValue(command, reply, MSetSpec.Name))
        {
            return;
        }
        SetAll(context, command);
        reply.WriteOk();
    }

    private static void ExecuteMSetNx(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (IsMissingValue(command, reply, MSetNxSpec.Name))
        {
            return;
        }
        for (var i = 1; i < command.ArgumentCount; i += 2)
        {
            if (context.GetLive(command[i]) is not null)
            {
                reply.WriteInteger(0);
                return;
            }
        }
        SetAll(context, command);
        reply.WriteInteger(1);
    }

    /// <summary>An odd number of key/value arguments is an arity error, as Redis reports it.</summary>
    private static bool IsMissingValue(RespCommand command, RespWriter reply, string name)
    {
        if (command.ArgumentCount % 2 == 1)
        {
            return false;
        }
        reply.WriteError(Errors.WrongArgumentCount(name));
        return true;
    }

    private static void SetAll(WriteContext context, RespCommand command)
    {
        for (var i = 1; i < command.ArgumentCount; i += 2)
        {
            StringWrites.Put(context, command[i], command[i + 1], 0);
        }
    }
}
