using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SADD key member [member ...] — adds members; replies with how many were new. An existing set
/// logs only the members it did not have (each once); a new set is logged whole.
/// </summary>
internal static class SAddCommand
{
    public static readonly CommandSpec Spec = new("SADD", -3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var status = TypedLookup.Find(context.GetLive(key), DataType.Set, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var members = status == LookupStatus.Found ? MemberList.Decode(set.Payload) : new MemberList();
        var added = new List<byte[]>();
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            var member = command[i].ToArray();
            if (members.Add(member))
            {
                added.Add(member);
            }
        }
        if (status == LookupStatus.Absent)
        {
            context.Put(key, SetValue.Encode(members, 0));
        }
        else if (added.Count > 0)
        {
            context.Record(new SetAddChange(key.ToArray(), added));
        }
        reply.WriteInteger(added.Count);
    }
}
