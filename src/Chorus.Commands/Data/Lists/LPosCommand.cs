using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] — positions of matches: the
/// rank-th match (negative: from the tail), up to COUNT of them (0: all), looking at no more than
/// MAXLEN elements (0: all). One position or nil without COUNT, an array with it.
/// </summary>
internal static class LPosCommand
{
    public static readonly CommandSpec Spec = new("LPOS", -3, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!TryParseOptions(command, reply, out var rank, out var count, out var maxLength))
        {
            return;
        }
        var status = TypedLookup.Find(context.GetLive(command[1]), DataType.List, out var list);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var positions = status == LookupStatus.Absent ? [] : Find(context, list, command[2].ToArray(), rank, count ?? 1, maxLength);
        if (count is null)
        {
            if (positions.Count == 0)
            {
                reply.WriteNull();
            }
            else
            {
                reply.WriteInteger(positions[0]);
            }
            return;
        }
        reply.WriteArrayHeader(positions.Count);
        foreach (var position in positions)
        {
            reply.WriteInteger(position);
        }
    }

    private static List<long> Find(ReadContext context, KeyRecord list, byte[] element, long rank, long count, long maxLength)
    {
        var fromTail = rank < 0;
        // Redis negates the rank without a check: LONG_MIN stays negative and matches the first from the tail.
        var skip = rank == long.MinValue ? 0 : Math.Abs(rank) - 1;
        var limit = maxLength == 0 ? list.Count : Math.Min(maxLength, list.Count);
        var elements = ListReads.Collect(context, list, fromTail ? list.Count - limit : 0, limit);
        var positions = new List<long>();
        for (var n = 0; n < elements.Count && (count == 0 || positions.Count < count); n++)
        {
            var i = fromTail ? elements.Count - 1 - n : n;
            if (!elements[i].AsSpan().SequenceEqual(element))
            {
                continue;
            }
            if (skip > 0)
            {
                skip--;
                continue;
            }
            positions.Add(fromTail ? list.Count - limit + i : i);
        }
        return positions;
    }

    private static bool TryParseOptions(RespCommand command, RespWriter reply, out long rank, out long? count, out long maxLength)
    {
        rank = 1;
        count = null;
        maxLength = 0;
        for (var i = 3; i < command.ArgumentCount; i += 2)
        {
            if (i + 1 >= command.ArgumentCount || !IsOption(command, i))
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
            var text = command[i + 1];
            if (command.ArgumentIs(i, "RANK"u8))
            {
                if (!IntegerText.TryParse(text, out rank))
                {
                    reply.WriteError(Errors.NotInteger);
                    return false;
                }
                // Redis 7.0 negates a negative rank and counts matches up to it: LONG_MIN stays
                // negative, so every match qualifies, the first from the tail: RANK -1.
                rank = rank == long.MinValue ? -1 : rank;
                if (rank == 0)
                {
                    reply.WriteError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return false;
                }
            }
            else if (command.ArgumentIs(i, "COUNT"u8))
            {
                if (!PositiveCount.TryParse(text, reply, out var parsed, "ERR COUNT can't be negative"))
                {
                    return false;
                }
                count = parsed;
            }
            else if (!PositiveCount.TryParse(text, reply, out maxLength, "ERR MAXLEN can't be negative"))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsOption(RespCommand command, int i) =>
        command.ArgumentIs(i, "RANK"u8) || command.ArgumentIs(i, "COUNT"u8) || command.ArgumentIs(i, "MAXLEN"u8);
}
