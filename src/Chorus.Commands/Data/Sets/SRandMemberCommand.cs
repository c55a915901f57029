using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SRANDMEMBER key [count] — random members without removing them: one (or nil) without a
/// count; with a positive count that many distinct ones (the whole set at most); with a
/// negative count that many draws, repeats allowed. Always an array, never a set.
/// </summary>
internal static class SRandMemberCommand
{
    public static readonly CommandSpec Spec = new("SRANDMEMBER", -2, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount > 3)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        long count = 1;
        if (command.ArgumentCount == 3 && !RandomSample.TryParseCount(command[2], reply, out count))
        {
            return;
        }
        var single = command.ArgumentCount == 2;
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.Set, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (status == LookupStatus.Absent || count == 0)
        {
            if (single)
            {
                reply.WriteNull();
            }
            else
            {
                reply.WriteArrayHeader(0);
            }
            return;
        }
        // A replica's walk can find the set emptied since its record was read: then nothing is picked.
        var members = NamedElements.Names(context, set.CollectionId);
        var picks = members.Count == 0 ? [] : RandomSample.Pick(context.Random, members.Count, count);
        if (single && picks.Length == 0)
        {
            reply.WriteNull();
            return;
        }
        if (!single)
        {
            reply.WriteArrayHeader(picks.Length);
        }
        foreach (var i in picks)
        {
            reply.WriteBulkString(members[i]);
        }
    }
}
