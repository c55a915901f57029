using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZREM key member [member ...] and ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min
/// max: remove members (logging each with its score); reply with how many. Removing the last member
/// deletes the key.
/// </summary>
internal static class ZRemCommands
{
    public static readonly CommandSpec ZRemSpec = new("ZREM", -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: ExecuteZRem);

    public static readonly CommandSpec ZRemRangeByRankSpec = RangeSpec("ZREMRANGEBYRANK", RangeQuery.Kind.Rank);

    public static readonly CommandSpec ZRemRangeByScoreSpec = RangeSpec("ZREMRANGEBYSCORE", RangeQuery.Kind.Score);

    public static readonly CommandSpec ZRemRangeByLexSpec = RangeSpec("ZREMRANGEBYLEX", RangeQuery.Kind.Lex);

    private static void ExecuteZRem(WriteContext context, RespCommand command, RespWriter reply)
    {
        var key = command[1];
        var live = context.GetLive(key);
        if (!TypedLookup.TryFind(live, DataType.SortedSet, reply, AbsentReply.Zero, out var set))
        {
            return;
        }
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var removed = new List<ScoredMember>();
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            var member = command[i].ToArray();
            if (seen.Add(member) && SortedSetReads.Score(context, set.CollectionId, member) is { } score)
            {
                removed.Add(new ScoredMember(member, score));
            }
        }
        SortedSetWrites.Remove(context, context.Db, key, live!, removed);
        reply.WriteInteger(removed.Count);
    }

    private static CommandSpec RangeSpec(string name, RangeQuery.Kind kind) =>
        new(name, 4, CommandFlags.Write, 1, 1, 1, Write: (context, command, reply) =>
        {
            if (!RangeQuery.TryParse(command, 2, kind, false, store: true, reply, out var query))
            {
                return;
            }
            var live = context.GetLive(command[1]);
            if (!TypedLookup.TryFind(live, DataType.SortedSet, reply, AbsentReply.Zero, out var set))
            {
                return;
            }
            var removed = query.Run(context, set);
            SortedSetWrites.Remove(context, context.Db, command[1], live!, removed);
            reply.WriteInteger(removed.Count);
        });
}
