using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key [key ...] id [id ...]
/// (Redis 7.0). <c>&gt;</c> delivers entries after the group's last delivered id and adds them to
/// the PEL under the consumer (not with NOACK); any other id re-reads the consumer's own pending
/// entries after it (a deleted one as <c>[id, nil]</c>), counting another delivery. Delivery
/// times are the leader's command time, so a follower replaying the statement gets the same PEL.
/// With BLOCK and nothing new it waits like XREAD, changing nothing until it is served (a stream
/// that serves nothing creates no consumer, as in Redis 7.0).
/// </summary>
internal static class XReadGroupCommand
{
    public static readonly CommandSpec Spec = new("XREADGROUP", -7, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.MovableKeys, 0, 0, 0, Write: Execute);

    private sealed record Options(byte[] Group, byte[] Consumer, long Count, long TimeoutMs, bool NoAck, int StreamsAt);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (ParseOptions(command, context.NowMs, reply) is not { } options)
        {
            return;
        }
        var streams = (command.ArgumentCount - options.StreamsAt) / 2;
        var after = new StreamId?[streams]; // null: ">"
        for (var s = 0; s < streams; s++)
        {
            var key = command[options.StreamsAt + s];
            var live = context.GetLive(key);
            if (TypedLookup.Find(live, DataType.Stream, out _) == LookupStatus.WrongType)
            {
                reply.WriteError(Errors.WrongType);
                return;
            }
            if (live is null || new StreamEdit(context, key, live).Get(Logical.StreamItemKind.Group, options.Group) is null)
            {
                reply.WriteError(GroupErrors.NoGroupForRead(key, options.Group));
                return;
            }
            var idText = command[options.StreamsAt + streams + s];
            if (idText.SequenceEqual("$"u8))
            {
                reply.WriteError(GroupErrors.DollarInGroup);
                return;
            }
            if (!idText.SequenceEqual(">"u8))
            {
                if (!StreamIds.TryParseStrict(idText, 0, out var id))
                {
                    reply.WriteError(StreamErrors.InvalidId);
                    return;
                }
                // Redis marks ">" internally as the maximum id, so an explicit maximum id reads new entries too.
                after[s] = id == StreamId.Max ? null : id;
            }
        }
        var anything = after.Any(a => a is not null);
        for (var s = 0; s < streams && !anything; s++)
        {
            anything = HasNew(context, command[options.StreamsAt + s], options.Group);
        }
        if (!anything && options.TimeoutMs >= 0 && context.BlockingAllowed)
        {
            // Nothing is recorded before a wait: the host drops a blocked command's staged work.
            context.Block = new BlockRequest(options.TimeoutMs, Arguments.From(command, options.StreamsAt)[..streams]);
            return;
        }
        Serve(context, command, options, after, reply);
    }

    private static Options? ParseOptions(RespCommand command, long nowMs, RespWriter reply)
    {
        byte[]? group = null, consumer = null;
        long count = 0, timeoutMs = -1;
        var noAck = false;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var moreArgs = command.ArgumentCount - i - 1;
            if (command.ArgumentIs(i, "BLOCK"u8) && moreArgs > 0)
            {
                if (!XReadCommand.TryParseTimeout(command[++i], nowMs, reply, out timeoutMs))
                {
                    return null;
                }
            }
            else if (command.ArgumentIs(i, "COUNT"u8) && moreArgs > 0)
            {
                if (!IntegerText.TryParse(command[++i], out count))
                {
                    reply.WriteError(Errors.NotInteger);
                    return null;
                }
                count = Math.Max(0, count);
            }
            else if (command.ArgumentIs(i, "STREAMS"u8) && moreArgs > 0)
            {
                if ((command.ArgumentCount - i - 1) % 2 != 0)
                {
                    reply.WriteError(StreamErrors.Unbalanced("XREADGROUP", '>'));
                    return null;
                }
                if (group is null)
                {
                    reply.WriteError(GroupErrors.MissingGroup);
                    return null;
                }
                return new Options(group, consumer!, count, timeoutMs, noAck, i + 1);
            }
            else if (command.ArgumentIs(i, "GROUP"u8) && moreArgs >= 2)
            {
                group = command[++i].ToArray();
                consumer = command[++i].ToArray();
            }
            else if (command.ArgumentIs(i, "NOACK"u8))
            {
                noAck = true;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return null;
            }
        }
        reply.WriteError(Errors.Syntax);
        return null;
    }

    /// <summary>Whether the stream has an entry after the group's last delivered id (Redis compares its last valid id).</summary>
    private static bool HasNew(WriteContext context, ReadOnlySpan<byte> key, byte[] group)
    {
        var live = context.GetLive(key)!;
        var state = GroupState.Decode(new StreamEdit(context, key, live).Get(Logical.StreamItemKind.Group, group)!);
        return StreamFacts.LastValid(context, live) > state.LastDelivered;
    }

    private static void Serve(WriteContext context, RespCommand command, Options options, StreamId?[] after, RespWriter reply)
    {
        var served = new List<(int Stream, List<GroupDelivery.Delivered> Entries)>();
        for (var s = 0; s < after.Length; s++)
        {
            var key = command[options.StreamsAt + s];
            var edit = new StreamEdit(context, key, context.GetLive(key));
            var group = GroupSession.Open(edit, options.Group)!;
            // As in Redis, the consumer is created (and marked seen) only by a stream that is served.
            if (after[s] is { } id)
            {
                group.SeeConsumer(options.Consumer);
                served.Add((s, GroupDelivery.History(group, options.Consumer, id, options.Count)));
            }
            else if (StreamFacts.LastValid(context, context.GetLive(key)!) > group.State.LastDelivered)
            {
                group.SeeConsumer(options.Consumer);
                served.Add((s, GroupDelivery.New(group, options.Consumer, options.Count, options.NoAck)));
            }
            edit.Commit();
        }
        if (served.Count == 0)
        {
            reply.WriteNullArray();
            return;
        }
        WriteStreams(reply, command, options.StreamsAt, served);
    }

    private static void WriteStreams(RespWriter reply, RespCommand command, int streamsAt, List<(int Stream, List<GroupDelivery.Delivered> Entries)> served)
    {
        var resp3 = reply.Protocol == RespProtocol.Resp3;
        if (resp3)
        {
            reply.WriteMapHeader(served.Count);
        }
        else
        {
            reply.WriteArrayHeader(served.Count);
        }
        foreach (var (stream, entries) in served)
        {
            if (!resp3)
            {
                reply.WriteArrayHeader(2);
            }
            reply.WriteBulkString(command[streamsAt + stream]);
            GroupDelivery.Write(reply, entries);
        }
    }
}
