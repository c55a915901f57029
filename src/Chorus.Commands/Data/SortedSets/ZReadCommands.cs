using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZCARD (the count, from the record), ZSCORE and ZMSCORE (one point read per member), ZRANK and
/// ZREVRANK (a walk from the nearer end: O(rank)), ZCOUNT and ZLEXCOUNT (a seek and a walk).
/// </summary>
internal static class ZReadCommands
{
    private const CommandFlags Fast = CommandFlags.ReadOnly | CommandFlags.Fast;

    public static readonly CommandSpec ZCardSpec = new("ZCARD", 2, Fast, 1, 1, 1, Read: ExecuteZCard);

    public static readonly CommandSpec ZScoreSpec = new("ZSCORE", 3, Fast, 1, 1, 1, Read: ExecuteZScore);

    public static readonly CommandSpec ZMScoreSpec = new("ZMSCORE", -3, Fast, 1, 1, 1, Read: ExecuteZMScore);

    public static readonly CommandSpec ZRankSpec = new("ZRANK", 3, Fast, 1, 1, 1, Read: (c, cmd, r) => ExecuteRank(c, cmd, r, reverse: false));

    public static readonly CommandSpec ZRevRankSpec = new("ZREVRANK", 3, Fast, 1, 1, 1, Read: (c, cmd, r) => ExecuteRank(c, cmd, r, reverse: true));

    public static readonly CommandSpec ZCountSpec = new("ZCOUNT", 4, Fast, 1, 1, 1, Read: ExecuteZCount);

    public static readonly CommandSpec ZLexCountSpec = new("ZLEXCOUNT", 4, Fast, 1, 1, 1, Read: ExecuteZLexCount);

    private static void ExecuteZCard(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (TypedLookup.Find(context.GetLive(command[1]), DataType.SortedSet, out var set) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteInteger(set.Count);
    }

    private static void ExecuteZScore(ReadContext context, RespCommand command, RespWriter reply)
    {
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.SortedSet, out var set))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                break;
            case LookupStatus.Found when SortedSetReads.Score(context, set.CollectionId, command[2]) is { } score:
                ScoreText.Write(reply, score);
                break;
            default:
                reply.WriteNull();
                break;
        }
    }

    private static void ExecuteZMScore(ReadContext context, RespCommand command, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.SortedSet, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        reply.WriteArrayHeader(command.ArgumentCount - 2);
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (status == LookupStatus.Found && SortedSetReads.Score(context, set.CollectionId, command[i]) is { } score)
            {
                ScoreText.Write(reply, score);
            }
            else
            {
                reply.WriteNull();
            }
        }
    }

    private static void ExecuteRank(ReadContext context, RespCommand command, RespWriter reply, bool reverse)
    {
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.SortedSet, out var set))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                break;
            case LookupStatus.Found when SortedSetReads.Rank(context, set, command[2], reverse) is { } rank:
                reply.WriteInteger(rank);
                break;
            default:
                reply.WriteNull();
                break;
        }
    }

    private static void ExecuteZCount(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!ScoreRange.TryParse(command[2], command[3], out var range))
        {
            reply.WriteError(ScoreRange.Error);
            return;
        }
        if (TypedLookup.TryFind(context.GetLive(command[1]), DataType.SortedSet, reply, AbsentReply.Zero, out var set))
        {
            reply.WriteInteger(SortedSetReads.ByScore(context, set.CollectionId, range, reverse: false).Count);
        }
    }

    private static void ExecuteZLexCount(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!LexRange.TryParse(command[2], command[3], out var range))
        {
            reply.WriteError(LexRange.Error);
            return;
        }
        if (TypedLookup.TryFind(context.GetLive(command[1]), DataType.SortedSet, reply, AbsentReply.Zero, out var set))
        {
            reply.WriteInteger(SortedSetReads.ByLex(context, set.CollectionId, range, reverse: false).Count);
        }
    }
}
