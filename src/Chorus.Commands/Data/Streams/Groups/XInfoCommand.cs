using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XINFO STREAM key [FULL [COUNT n]] | GROUPS key | CONSUMERS key group | HELP (Redis 7.0's
/// fields, in its order). Chorus keeps no radix tree: radix-tree-keys and radix-tree-nodes are
/// the numbers a Redis stream of the same length would roughly have (one node per 100 entries),
/// documented in docs/compatibility.md. Idle times are measured from the node's time.
/// </summary>
internal static class XInfoCommand
{
    public static readonly CommandSpec Spec = new("XINFO", -2, CommandFlags.ReadOnly, 2, 2, 1, Read: Execute);

    private static readonly Dictionary<string, int> Arities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CONSUMERS"] = 4, ["GROUPS"] = 3, ["STREAM"] = -3, ["HELP"] = 2,
    };

    private static readonly string[] Help =
    [
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Print this help.",
    ];

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!Subcommand.TryResolve("XINFO", Arities, command, reply, out var sub))
        {
            return;
        }
        if (sub == "HELP")
        {
            Subcommand.WriteHelp(reply, Help);
            return;
        }
        var live = context.GetLive(command[2]);
        switch (TypedLookup.Find(live, DataType.Stream, out var record))
        {
            case LookupStatus.Absent:
                reply.WriteError(Errors.NoSuchKey);
                return;
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
        }
        var facts = StreamFacts.Of(context, live!);
        switch (sub)
        {
            case "GROUPS":
                Groups(context, record.CollectionId, facts, reply);
                break;
            case "CONSUMERS":
                Consumers(context, record.CollectionId, command, reply);
                break;
            default:
                Stream(context, record.CollectionId, facts, command, reply);
                break;
        }
    }

    private static void Groups(ReadContext context, ulong collection, StreamFacts facts, RespWriter reply)
    {
        var groups = GroupScans.Groups(context, collection);
        reply.WriteArrayHeader(groups.Count);
        foreach (var (name, state) in groups)
        {
            reply.WriteMapHeader(6);
            Field(reply, "name").WriteBulkString(name);
            Field(reply, "consumers").WriteInteger(state.Consumers);
            Field(reply, "pending").WriteInteger(state.Pending);
            Field(reply, "last-delivered-id").WriteBulkString(state.LastDelivered.ToText());
            EntriesReadAndLag(reply, facts, state);
        }
    }

    private static void EntriesReadAndLag(RespWriter reply, StreamFacts facts, GroupState state)
    {
        Optional(Field(reply, "entries-read"), state.EntriesRead == GroupState.UnknownEntriesRead ? null : state.EntriesRead);
        Optional(Field(reply, "lag"), GroupLag.Lag(facts, state));
    }

    private static void Consumers(ReadContext context, ulong collection, RespCommand command, RespWriter reply)
    {
        var group = command[3].ToArray();
        if (GroupLookup.Find(context, collection, group) is null)
        {
            reply.WriteError(GroupErrors.NoGroup(command[2], group));
            return;
        }
        var consumers = GroupScans.Consumers(context, collection, group);
        reply.WriteArrayHeader(consumers.Count);
        foreach (var (name, state) in consumers)
        {
            reply.WriteMapHeader(3);
            Field(reply, "name").WriteBulkString(name);
            Field(reply, "pending").WriteInteger(state.Pending);
            Field(reply, "idle").WriteInteger(Math.Max(0, context.NowMs - state.SeenMs));
        }
    }

    private static void Stream(ReadContext context, ulong collection, StreamFacts facts, RespCommand command, RespWriter reply)
    {
        var optionCount = command.ArgumentCount - 3;
        long count = 10;
        if (optionCount is not 0 and not 1 and not 3
            || optionCount > 0 && !command.ArgumentIs(3, "FULL"u8)
            || optionCount == 3 && !command.ArgumentIs(4, "COUNT"u8))
        {
            reply.WriteError(GroupErrors.SubcommandSyntax("XINFO", command[1]));
            return;
        }
        if (optionCount == 3)
        {
            if (!IntegerText.TryParse(command[5], out count))
            {
                reply.WriteError(Errors.NotInteger);
                return;
            }
            count = count < 0 ? 10 : count;
        }
        var full = optionCount > 0;
        var groups = GroupScans.Groups(context, collection);
        reply.WriteMapHeader(full ? 9 : 10);
        Field(reply, "length").WriteInteger(facts.Length);
        var nodes = (facts.Length + 99) / 100;
        Field(reply, "radix-tree-keys").WriteInteger(nodes);
        Field(reply, "radix-tree-nodes").WriteInteger(nodes + 1);
        Field(reply, "last-generated-id").WriteBulkString(facts.Meta.LastId.ToText());
        Field(reply, "max-deleted-entry-id").WriteBulkString(facts.Meta.MaxDeletedId.ToText());
        Field(reply, "entries-added").WriteInteger((long)facts.Meta.EntriesAdded);
        Field(reply, "recorded-first-entry-id").WriteBulkString((facts.FirstId ?? StreamId.Zero).ToText());
        if (full)
        {
            Field(reply, "entries");
            StreamReads.WriteEntries(reply, StreamReads.Range(context, collection, StreamId.Zero, StreamId.Max, count, reverse: false));
            Field(reply, "groups").WriteArrayHeader(groups.Count);
            foreach (var (name, state) in groups)
            {
                StreamInfoFull.Group(context, collection, facts, name, state, count, reply);
            }
            return;
        }
        Field(reply, "groups").WriteInteger(groups.Count);
        Edge(reply, "first-entry", context, collection, last: false);
        Edge(reply, "last-entry", context, collection, last: true);
    }

    private static void Edge(RespWriter reply, string name, ReadContext context, ulong collection, bool last)
    {
        Field(reply, name);
        var edge = StreamReads.Range(context, collection, StreamId.Zero, StreamId.Max, 1, reverse: last);
        if (edge.Count == 0)
        {
            reply.WriteNull();
            return;
        }
        StreamEntry.Write(reply, edge[0].Id, edge[0].Value);
    }

    internal static RespWriter Field(RespWriter reply, string name)
    {
        reply.WriteBulkString(name);
        return reply;
    }

    private static void Optional(RespWriter reply, long? value)
    {
        if (value is { } number)
        {
            reply.WriteInteger(number);
        }
        else
        {
            reply.WriteNull();
        }
    }

    /// <summary>XINFO STREAM FULL's group part: its PEL and consumers, each list at most <c>count</c> long (0: all).</summary>
    private static class StreamInfoFull
    {
        public static void Group(ReadContext context, ulong collection, StreamFacts facts, byte[] name, GroupState state, long count, RespWriter reply)
        {
            var limit = count == 0 ? -1 : count;
            reply.WriteMapHeader(7);
            Field(reply, "name").WriteBulkString(name);
            Field(reply, "last-delivered-id").WriteBulkString(state.LastDelivered.ToText());
            EntriesReadAndLag(reply, facts, state);
            Field(reply, "pel-count").WriteInteger(state.Pending);
            var pending = GroupScans.Range(context, collection, name, StreamId.Zero, StreamId.Max, limit);
            Field(reply, "pending").WriteArrayHeader(pending.Count);
            foreach (var (id, entry) in pending)
            {
                reply.WriteArrayHeader(4);
                reply.WriteBulkString(id.ToText());
                reply.WriteBulkString(entry.Consumer);
                reply.WriteInteger(entry.DeliveredMs);
                reply.WriteInteger(entry.DeliveryCount);
            }
            var consumers = GroupScans.Consumers(context, collection, name);
            Field(reply, "consumers").WriteArrayHeader(consumers.Count);
            foreach (var (consumer, consumerState) in consumers)
            {
                reply.WriteMapHeader(4);
                Field(reply, "name").WriteBulkString(consumer);
                Field(reply, "seen-time").WriteInteger(consumerState.SeenMs);
                Field(reply, "pel-count").WriteInteger(consumerState.Pending);
                var ids = GroupScans.OfConsumer(context, collection, name, consumer, StreamId.Zero, limit);
                Field(reply, "pending").WriteArrayHeader(ids.Count);
                foreach (var id in ids)
                {
                    var entry = GroupLookup.Pending(context, collection, name, id)!;
                    reply.WriteArrayHeader(3);
                    reply.WriteBulkString(id.ToText());
                    reply.WriteInteger(entry.DeliveredMs);
                    reply.WriteInteger(entry.DeliveryCount);
                }
            }
        }
    }
}
