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
        switch (TypedLookup.Find(context.GetLive(key), DataType.Set, out var set))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteInteger(0);
                return;
        }
        var members = MemberList.Decode(set.Payload);
        var removed = new List<byte[]>();
        for (var i = 2; i < command.ArgumentCount && members.Count > 0; i++)
        {
            if (members.Remove(command[i]))
            {
                removed.Add(command[i].ToArray());
            }
        }
        SetWrites.RecordRemoval(context, key, removed, members.Count);
        reply.WriteInteger(removed.Count);
    }
}
