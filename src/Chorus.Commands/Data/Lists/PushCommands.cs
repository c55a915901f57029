using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// LPUSH / RPUSH key element [element ...] (creating the list) and LPUSHX / RPUSHX (only onto an
/// existing list): each element is pushed in turn, so LPUSH a b c leaves c first. Replies with the
/// new length (0 for the X forms on a missing key). O(1) per element.
/// </summary>
internal static class PushCommands
{
    private const CommandFlags Flags = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;

    public static readonly CommandSpec LPushSpec = new("LPUSH", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, left: true, onlyIfExists: false));

    public static readonly CommandSpec RPushSpec = new("RPUSH", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, left: false, onlyIfExists: false));

    public static readonly CommandSpec LPushXSpec = new("LPUSHX", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, left: true, onlyIfExists: true));

    public static readonly CommandSpec RPushXSpec = new("RPUSHX", -3, Flags, 1, 1, 1, Write: (c, cmd, r) => Execute(c, cmd, r, left: false, onlyIfExists: true));

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply, bool left, bool onlyIfExists)
    {
        var key = command[1];
        var live = context.GetLive(key);
        switch (TypedLookup.Find(live, DataType.List, out _))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent when onlyIfExists:
                reply.WriteInteger(0);
                return;
        }
        reply.WriteInteger(ListWrites.Push(context, key, live, Arguments.From(command, 2), left));
    }
}
