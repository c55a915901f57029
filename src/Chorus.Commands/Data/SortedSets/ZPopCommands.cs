using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZPOPMIN / ZPOPMAX key [count] (the lowest or highest members with their scores; an empty array
/// when the key is absent) and ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] (from the first
/// non-empty set: [key, [[member, score], ...]], or nil). The log names what was popped.
/// </summary>
internal static class ZPopCommands
{
    public static readonly CommandSpec ZPopMinSpec = new("ZPOPMIN", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: (c, cmd, r) => ExecutePop(c, cmd, r, max: false));

    public static readonly CommandSpec ZPopMaxSpec = new("ZPOPMAX", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: (c, cmd, r) => ExecutePop(c, cmd, r, max: true));

    public static readonly CommandSpec ZMPopSpec = new("ZMPOP", -4, CommandFlags.Write | CommandFlags.MovableKeys, 0, 0, 0, Write: (c, cmd, r) =>
    {
        if (!TryPopFirst(c, cmd, r, numKeysAt: 1))
        {
            r.WriteNullArray();
        }
    });

    private static void ExecutePop(WriteContext context, RespCommand command, RespWriter reply, bool max)
    {
        if (command.ArgumentCount > 3)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        long count = 1;
        if (command.ArgumentCount == 3)
        {
            if (!PositiveCount.TryParse(command[2], reply, out count))
            {
                return;
            }
        }
        var live = context.GetLive(command[1]);
        var status = TypedLookup.Find(live, DataType.SortedSet, out _);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var popped = status == LookupStatus.Absent || count == 0 ? [] : Pop(context, command[1], live!, count, max);
        if (command.ArgumentCount == 3)
        {
            ScoreReplies.Write(reply, popped, withScores: true);
            return;
        }
        // Without a count Redis replies with a flat member, score pair in both protocols.
        reply.WriteArrayHeader(popped.Count * 2);
        foreach (var member in popped)
        {
            reply.WriteBulkString(member.Member);
            ScoreText.Write(reply, member.Score);
        }
    }

    /// <summary>
    /// ZMPOP's work from its numkeys argument at <paramref name="numKeysAt"/> (BZMPOP has a timeout
    /// before it): true when it replied (an error, or what it popped), false when every sorted set
    /// was empty and nothing was written. <paramref name="parsed"/> runs once the arguments parsed
    /// (BZMPOP reads its timeout then, as Redis does); false stops with its error written.
    /// </summary>
    internal static bool TryPopFirst(WriteContext context, RespCommand command, RespWriter reply, int numKeysAt, Func<bool>? parsed = null)
    {
        if (!MultiKeyOptions.TryParseKeys(command, numKeysAt, reply, out var keys))
        {
            return true;
        }
        var first = numKeysAt + 1;
        var rest = first + keys;
        if (rest >= command.ArgumentCount || !(command.ArgumentIs(rest, "MIN"u8) || command.ArgumentIs(rest, "MAX"u8)))
        {
            reply.WriteError(Errors.Syntax);
            return true;
        }
        var max = command.ArgumentIs(rest, "MAX"u8);
        if (!MultiKeyOptions.TryParseCount(command, rest + 1, reply, out var count) || (parsed is not null && !parsed()))
        {
            return true;
        }
        for (var i = first; i < rest; i++)
        {
            var live = context.GetLive(command[i]);
            switch (TypedLookup.Find(live, DataType.SortedSet, out _))
            {
                case LookupStatus.WrongType:
                    reply.WriteError(Errors.WrongType);
                    return true;
                case LookupStatus.Found:
                    var popped = Pop(context, command[i], live!, count, max);
                    reply.WriteArrayHeader(2);
                    reply.WriteBulkString(command[i]);
                    ScoreReplies.WriteNested(reply, popped);
                    return true;
            }
        }
        return false;
    }

    internal static List<ScoredMember> Pop(WriteContext context, ReadOnlySpan<byte> key, byte[] live, long count, bool max)
    {
        var set = KeyRecord.Parse(live);
        var popped = SortedSetReads.ByRank(context, set.CollectionId, 0, Math.Min(count, set.Count) - 1, reverse: max);
        SortedSetWrites.Remove(context, context.Db, key, live, popped);
        return popped;
    }
}
