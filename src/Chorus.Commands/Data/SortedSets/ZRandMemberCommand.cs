using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZRANDMEMBER key [count [WITHSCORES]] — random members, by HRANDFIELD's rules: one (or nil)
/// without a count, distinct ones for a positive count, draws with repeats for a negative one.
/// Walks the set (O(n)).
/// </summary>
internal static class ZRandMemberCommand
{
    public static readonly CommandSpec Spec = new("ZRANDMEMBER", -2, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        long count = 1;
        if (command.ArgumentCount >= 3 && !RandomSample.TryParseCount(command[2], reply, out count))
        {
            return;
        }
        if (command.ArgumentCount > 4 || (command.ArgumentCount == 4 && !command.ArgumentIs(3, "WITHSCORES"u8)))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        var withScores = command.ArgumentCount == 4;
        if (withScores && (count < -long.MaxValue / 2 || count > long.MaxValue / 2))
        {
            reply.WriteError(Errors.OutOfRange);
            return;
        }
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.SortedSet, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var members = status == LookupStatus.Found ? SortedSetReads.ByRank(context, set.CollectionId, 0, set.Count - 1, reverse: false) : [];
        if (command.ArgumentCount == 2)
        {
            if (members.Count == 0)
            {
                reply.WriteNull();
            }
            else
            {
                reply.WriteBulkString(members[context.Random.Next(members.Count)].Member);
            }
            return;
        }
        var picks = members.Count == 0 || count == 0 ? [] : RandomSample.Pick(context.Random, members.Count, count);
        ScoreReplies.Write(reply, [.. picks.Select(i => members[i])], withScores);
    }
}
