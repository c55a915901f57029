using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Sets;

/// <summary>
/// SPOP key [count] — removes and returns random members: one (or nil) without a count, else a
/// set of up to count. The leader draws them; the log names the members removed, so followers
/// need no randomness.
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
        if (command.ArgumentCount == 3 && !TryParseCount(command[2], reply, out count))
        {
            return;
        }
        var key = command[1];
        var status = TypedLookup.Find(context.GetLive(key), DataType.Set, out var set);
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
        var members = MemberList.Decode(set.Payload);
        var popped = Pop(context.Random, members, count);
        SetWrites.RecordRemoval(context, key, popped, members.Count);
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

    /// <summary>Removes up to <paramref name="count"/> random members; all of them, in order, when count covers the set.</summary>
    private static List<byte[]> Pop(Random random, MemberList members, long count)
    {
        if (count >= members.Count)
        {
            var all = members.ToList();
            foreach (var member in all)
            {
                members.Remove(member);
            }
            return all;
        }
        var popped = new List<byte[]>((int)count);
        for (var i = 0; i < count; i++)
        {
            var member = members[random.Next(members.Count)];
            members.Remove(member);
            popped.Add(member);
        }
        return popped;
    }

    private static bool TryParseCount(ReadOnlySpan<byte> text, RespWriter reply, out long count)
    {
        if (!IntegerText.TryParse(text, out count))
        {
            reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (count < 0)
        {
            reply.WriteError(Errors.OutOfRangePositive);
            return false;
        }
        return true;
    }

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
