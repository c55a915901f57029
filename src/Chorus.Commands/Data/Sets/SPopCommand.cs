using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SPOP key [count] — removes and returns random members: one (or nil) without a count, else a
/// set of up to count. The leader draws them (walking the set: O(n)); the log names the members
/// removed, so followers need no randomness.
/// </summary>
internal static class SPopCommand
{
    public static readonly CommandSpec Spec = new("SPOP", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount > 3)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        long count = 1;
        if (command.ArgumentCount == 3 && !PositiveCount.TryParse(command[2], reply, out count))
        {
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        var status = TypedLookup.Find(live, DataType.Set, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var single = command.ArgumentCount == 2;
        if (status == LookupStatus.Absent || count == 0)
        {
            WriteEmpty(reply, single);
            return;
        }
        var members = NamedElements.Names(context, set.CollectionId);
        var popped = Pick(context.Random, members, count);
        SetWrites.Remove(context, key, live!, popped);
        if (single)
        {
            reply.WriteBulkString(popped[0]);
            return;
        }
        reply.WriteSetHeader(popped.Count);
        foreach (var member in popped)
        {
            reply.WriteBulkString(member);
        }
    }

    /// <summary>Up to <paramref name="count"/> distinct random members; all of them, in order, when count covers the set.</summary>
    private static List<byte[]> Pick(Random random, List<byte[]> members, long count) =>
        count >= members.Count ? members : [.. RandomSample.DistinctIndices(random, members.Count, (int)count).Select(i => members[i])];

    private static void WriteEmpty(RespWriter reply, bool single)
    {
        if (single)
        {
            reply.WriteNull();
        }
        else
        {
            reply.WriteSetHeader(0);
        }
    }
}
