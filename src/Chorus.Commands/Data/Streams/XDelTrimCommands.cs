using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// XDEL key id [id ...] (the number of entries removed; the stream stays, even empty) and
/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] (the number of entries trimmed).
/// </summary>
internal static class XDelTrimCommands
{
    public static readonly CommandSpec XDelSpec = new("XDEL", -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Delete);

    public static readonly CommandSpec XTrimSpec = new("XTRIM", -4, CommandFlags.Write, 1, 1, 1, Write: Trim);

    private static void Delete(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        if (!TypedLookup.TryFind(live, DataType.Stream, reply, AbsentReply.Zero, out _))
        {
            return;
        }
        var ids = new StreamId[command.ArgumentCount - 2];
        for (var i = 0; i < ids.Length; i++)
        {
            if (!StreamIds.TryParseStrict(command[i + 2], 0, out ids[i]))
            {
                reply.WriteError(StreamErrors.InvalidId);
                return;
            }
        }
        reply.WriteInteger(StreamWrites.Delete(context, key, live!, ids));
    }

    private static void Trim(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (StreamTrim.Parse(command, xadd: false, reply, out var trim) < 0)
        {
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        if (TypedLookup.TryFind(live, DataType.Stream, reply, AbsentReply.Zero, out _))
        {
            reply.WriteInteger(StreamWrites.Trim(context, key, live!, trim));
        }
    }
}
