using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Lists;

/// <summary>
/// LSET key index element (one point write), LINSERT key BEFORE|AFTER pivot element (finds the
/// pivot by walking, then shifts the shorter side: O(n)), LREM key count element (removes matches
/// from the head for count &gt; 0, from the tail for count &lt; 0, all for 0) and LTRIM key start
/// stop (pops from both ends, logging the elements it drops).
/// </summary>
internal static class ListEditCommands
{
    public static readonly CommandSpec LSetSpec = new("LSET", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: ExecuteLSet);

    public static readonly CommandSpec LInsertSpec = new("LINSERT", 5, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: ExecuteLInsert);

    public static readonly CommandSpec LRemSpec = new("LREM", 4, CommandFlags.Write, 1, 1, 1, Write: ExecuteLRem);

    public static readonly CommandSpec LTrimSpec = new("LTRIM", 4, CommandFlags.Write, 1, 1, 1, Write: ExecuteLTrim);

    private static void ExecuteLSet(WriteContext context, RespCommand command, RespWriter reply)
    {
        // Redis looks the key up before it reads the index: LSET missing abc answers "no such key".
        var live = context.GetLive(command[1]);
        var status = TypedLookup.Find(live, DataType.List, out var list);
        if (status != LookupStatus.Found)
        {
            reply.WriteError(status == LookupStatus.WrongType ? Errors.WrongType : Errors.NoSuchKey);
            return;
        }
        if (!IntegerText.TryParse(command[2], out var index))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        index = index < 0 ? list.Count + index : index;
        if (index < 0 || index >= list.Count)
        {
            reply.WriteError("ERR index out of range");
            return;
        }
        var previous = ListReads.At(context, list, index)!;
        if (!previous.AsSpan().SequenceEqual(command[3]))
        {
            ListWrites.Record(context, context.Db, command[1], live, [new ListEdit(ListEditKind.Set, index, command[3].ToArray(), previous)]);
        }
        else
        {
            context.Touch(context.Db, command[1]);
        }
        reply.WriteOk();
    }

    private static void ExecuteLInsert(WriteContext context, RespCommand command, RespWriter reply)
    {
        var after = command.ArgumentIs(2, "AFTER"u8);
        if (!after && !command.ArgumentIs(2, "BEFORE"u8))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        var live = context.GetLive(command[1]);
        if (!TypedLookup.TryFind(live, DataType.List, reply, AbsentReply.Zero, out var list))
        {
            return;
        }
        var pivot = command[3].ToArray();
        var position = -1L;
        var at = 0L;
        ListReads.Range(context, list, 0, list.Count, value =>
        {
            if (position < 0 && value.SequenceEqual(pivot))
            {
                position = at;
            }
            at++;
        });
        if (position < 0)
        {
            reply.WriteInteger(-1);
            return;
        }
        ListWrites.Record(context, context.Db, command[1], live, [new ListEdit(ListEditKind.Insert, position + (after ? 1 : 0), command[4].ToArray())]);
        reply.WriteInteger(list.Count + 1);
    }

    private static void ExecuteLRem(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var count))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        // Redis 7.0 negates a negative count: LONG_MIN stays negative and is never reached, so
        // every match goes, as with 0.
        count = count == long.MinValue ? 0 : count;
        var live = context.GetLive(command[1]);
        if (!TypedLookup.TryFind(live, DataType.List, reply, AbsentReply.Zero, out var list))
        {
            return;
        }
        var element = command[3].ToArray();
        var matches = new List<long>();
        var at = 0L;
        ListReads.Range(context, list, 0, list.Count, value =>
        {
            if (value.SequenceEqual(element))
            {
                matches.Add(at);
            }
            at++;
        });
        var limit = count == 0 ? matches.Count : (int)Math.Min(Math.Abs(count), matches.Count);
        // From the head, each removal moves later matches one place left; from the tail, earlier
        // matches stay where they are.
        var edits = count >= 0
            ? matches.Take(limit).Select((position, i) => new ListEdit(ListEditKind.Remove, position - i, element))
            : matches.AsEnumerable().Reverse().Take(limit).Select(position => new ListEdit(ListEditKind.Remove, position, element));
        var recorded = edits.ToList();
        ListWrites.Record(context, context.Db, command[1], live, recorded);
        reply.WriteInteger(recorded.Count);
    }

    private static void ExecuteLTrim(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[2], out var start) || !IntegerText.TryParse(command[3], out var stop))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        var live = context.GetLive(command[1]);
        if (!TypedLookup.TryFind(live, DataType.List, reply, AbsentReply.Ok, out var list))
        {
            return;
        }
        var range = ListReads.Normalize(start, stop, list.Count);
        var (left, right) = range is { } kept ? (kept.Start, list.Count - 1 - kept.Stop) : (list.Count, 0L);
        var edits = ListReads.Collect(context, list, 0, left).Select(v => new ListEdit(ListEditKind.PopLeft, 0, v)).ToList();
        var tail = ListReads.Collect(context, list, list.Count - right, right);
        tail.Reverse();
        edits.AddRange(tail.Select(v => new ListEdit(ListEditKind.PopRight, 0, v)));
        ListWrites.Record(context, context.Db, command[1], live, edits);
        if (edits.Count == 0)
        {
            context.Touch(context.Db, command[1]); // Redis signals the key modified (WATCH fails) all the same
        }
        reply.WriteOk();
    }
}
