using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZRANGE key min max [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES] and its older
/// forms ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE; ZRANGESTORE dst
/// src ... stores the selection (replacing dst, or deleting it when empty) and replies with its size.
/// </summary>
internal static class ZRangeCommands
{
    public static readonly CommandSpec ZRangeSpec = ReadSpec("ZRANGE", -4, RangeQuery.Kind.Auto, null);

    public static readonly CommandSpec ZRangeByScoreSpec = ReadSpec("ZRANGEBYSCORE", -4, RangeQuery.Kind.Score, false);

    public static readonly CommandSpec ZRevRangeByScoreSpec = ReadSpec("ZREVRANGEBYSCORE", -4, RangeQuery.Kind.Score, true);

    public static readonly CommandSpec ZRangeByLexSpec = ReadSpec("ZRANGEBYLEX", -4, RangeQuery.Kind.Lex, false);

    public static readonly CommandSpec ZRevRangeByLexSpec = ReadSpec("ZREVRANGEBYLEX", -4, RangeQuery.Kind.Lex, true);

    public static readonly CommandSpec ZRevRangeSpec = ReadSpec("ZREVRANGE", -4, RangeQuery.Kind.Rank, true);

    public static readonly CommandSpec ZRangeStoreSpec = new("ZRANGESTORE", -5, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, Write: ExecuteStore);

    private static CommandSpec ReadSpec(string name, int arity, RangeQuery.Kind kind, bool? reverse) =>
        new(name, arity, CommandFlags.ReadOnly, 1, 1, 1, Read: (context, command, reply) =>
        {
            if (!RangeQuery.TryParse(command, 2, kind, reverse, store: false, reply, out var query))
            {
                return;
            }
            switch (TypedLookup.Find(context.GetLive(command[1]), DataType.SortedSet, out var set))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    break;
                case LookupStatus.Absent:
                    reply.WriteArrayHeader(0);
                    break;
                default:
                    ScoreReplies.Write(reply, query.Run(context, set), query.WithScores);
                    break;
            }
        });

    private static void ExecuteStore(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!RangeQuery.TryParse(command, 3, RangeQuery.Kind.Auto, null, store: true, reply, out var query))
        {
            return;
        }
        var status = TypedLookup.Find(context.GetLive(command[2]), DataType.SortedSet, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var result = status == LookupStatus.Found ? query.Run(context, set) : [];
        SortedSetWrites.Store(context, command[1], result);
        reply.WriteInteger(result.Count);
    }
}
