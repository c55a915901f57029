using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XACK key group id [id ...]: removes the ids from the group's PEL (and their consumers'), and
/// answers how many were pending. A missing key or group acknowledges nothing (0, whatever the
/// ids), as Redis 7.0 answers; otherwise every id is parsed before anything changes. Each id costs a constant number of item reads and
/// writes, whatever the PEL's size.
/// </summary>
internal static class XAckCommand
{
    public static readonly CommandSpec Spec = new("XACK", -4, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        if (TypedLookup.Find(live, DataType.Stream, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var edit = live is null ? null : new StreamEdit(context, key, live);
        if (edit is null || GroupSession.Open(edit, command[2].ToArray()) is not { } group)
        {
            reply.WriteInteger(0);
            return;
        }
        var ids = new StreamId[command.ArgumentCount - 3];
        for (var i = 0; i < ids.Length; i++)
        {
            if (!StreamIds.TryParseStrict(command[i + 3], 0, out ids[i]))
            {
                reply.WriteError(StreamErrors.InvalidId);
                return;
            }
        }
        var acknowledged = ids.Count(group.Acknowledge);
        edit.Commit();
        reply.WriteInteger(acknowledged);
    }
}
