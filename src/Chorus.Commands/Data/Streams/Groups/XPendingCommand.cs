using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]] (Redis 7.0): the summary
/// (how many, the smallest and greatest pending ids, and each consumer's count), or the pending
/// entries in a range with their consumer, idle time (from the node's time) and delivery count.
/// A read: it runs on the replica that serves the connection.
/// </summary>
internal static class XPendingCommand
{
    public static readonly CommandSpec Spec = new("XPENDING", -3, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private sealed record Extended(long MinIdleMs, StreamId Start, StreamId End, long Count, byte[]? Consumer);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var argc = command.ArgumentCount;
        if (argc != 3 && argc is < 6 or > 9)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        Extended? extended = null;
        if (argc >= 6 && !TryParse(command, reply, out extended))
        {
            return;
        }
        var key = command[1];
        var group = command[2].ToArray();
        var live = context.GetLive(key);
        if (TypedLookup.Find(live, DataType.Stream, out var record) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (live is null || GroupLookup.Find(context, record.CollectionId, group) is not { } state)
        {
            reply.WriteError(GroupErrors.NoKeyOrGroup(key, group));
            return;
        }
        if (extended is null)
        {
            Summary(context, record.CollectionId, group, state, reply);
        }
        else
        {
            Entries(context, record.CollectionId, group, extended, reply);
        }
    }

    private static bool TryParse(RespCommand command, RespWriter reply, out Extended? extended)
    {
        extended = null;
        var at = 3;
        long minIdleMs = 0;
        if (command.ArgumentIs(3, "IDLE"u8))
        {
            if (!IntegerText.TryParse(command[4], out minIdleMs))
            {
                reply.WriteError(Errors.NotInteger);
                return false;
            }
            if (command.ArgumentCount < 8)
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
            at = 5;
        }
        if (!IntegerText.TryParse(command[at + 2], out var count))
        {
            reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (!IntervalBounds.TryParseStart(command[at], reply, out var start) || !IntervalBounds.TryParseEnd(command[at + 1], reply, out var end))
        {
            return false;
        }
        var consumer = at + 3 < command.ArgumentCount ? command[at + 3].ToArray() : null;
        extended = new Extended(minIdleMs, start, end, Math.Max(0, count), consumer);
        return true;
    }

    private static void Summary(ReadContext context, ulong collection, byte[] group, GroupState state, RespWriter reply)
    {
        reply.WriteArrayHeader(4);
        reply.WriteInteger(state.Pending);
        if (state.Pending == 0)
        {
            reply.WriteNull();
            reply.WriteNull();
            reply.WriteNullArray();
            return;
        }
        var first = GroupScans.Range(context, collection, group, StreamId.Zero, StreamId.Max, 1)[0].Id;
        reply.WriteBulkString(first.ToText());
        reply.WriteBulkString(GroupLookup.LastPending(context, collection, group).ToText());
        var owners = GroupScans.Consumers(context, collection, group).Where(c => c.State.Pending > 0).ToList();
        reply.WriteArrayHeader(owners.Count);
        foreach (var (name, consumer) in owners)
        {
            reply.WriteArrayHeader(2);
            reply.WriteBulkString(name);
            reply.WriteBulkString(consumer.Pending);
        }
    }

    /// <summary>IDLE's filter; without it every entry counts, even one delivered after this replica's clock (a leader's time ahead of it).</summary>
    private static bool IdleEnough(ReadContext context, PendingEntry entry, Extended query) =>
        query.MinIdleMs <= 0 || context.NowMs - entry.DeliveredMs >= query.MinIdleMs;

    private static void Entries(ReadContext context, ulong collection, byte[] group, Extended query, RespWriter reply)
    {
        var rows = new List<GroupScans.Pending>();
        if (query.Consumer is { } consumer)
        {
            if (!GroupLookup.HasConsumer(context, collection, group, consumer))
            {
                reply.WriteArrayHeader(0);
                return;
            }
            foreach (var id in GroupScans.OfConsumer(context, collection, group, consumer, query.Start, -1).TakeWhile(id => id <= query.End))
            {
                if (rows.Count == query.Count)
                {
                    break;
                }
                var entry = GroupLookup.Pending(context, collection, group, id)!;
                if (IdleEnough(context, entry, query))
                {
                    rows.Add(new GroupScans.Pending(id, entry));
                }
            }
        }
        else
        {
            var limit = query.MinIdleMs > 0 ? -1 : query.Count;
            rows = GroupScans.Range(context, collection, group, query.Start, query.End, limit)
                .Where(p => IdleEnough(context, p.Entry, query))
                .Take((int)Math.Min(int.MaxValue, query.Count))
                .ToList();
        }
        reply.WriteArrayHeader(rows.Count);
        foreach (var (id, entry) in rows)
        {
            reply.WriteArrayHeader(4);
            reply.WriteBulkString(id.ToText());
            reply.WriteBulkString(entry.Consumer);
            reply.WriteInteger(Math.Max(0, context.NowMs - entry.DeliveredMs));
            reply.WriteInteger(entry.DeliveryCount);
        }
    }
}
