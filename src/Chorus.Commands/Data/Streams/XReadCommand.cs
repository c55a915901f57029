using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...] (Redis 7.0): the entries after
/// each id, from the streams that have any (<c>$</c>: after the stream's last id). With BLOCK and
/// nothing to read it waits on the leader's loop like BLPOP (<see cref="BlockRequest"/>), its
/// <c>$</c> ids replaced by the ids they stood for, so an entry added while it waits is what it
/// gets. Inside MULTI or a script it answers at once, as Redis does. It runs on the node's loop
/// (on a follower: forwarded to the leader, which is where a wait can be woken).
/// </summary>
internal static class XReadCommand
{
    public static readonly CommandSpec Spec = new("XREAD", -4, CommandFlags.ReadOnly | CommandFlags.Blocking | CommandFlags.MovableKeys, 0, 0, 0, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        long timeoutMs = -1;
        long count = 0;
        var streamsAt = 0;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var moreArgs = command.ArgumentCount - i - 1;
            if (command.ArgumentIs(i, "BLOCK"u8) && moreArgs > 0)
            {
                if (!TryParseTimeout(command[++i], context.NowMs, reply, out timeoutMs))
                {
                    return;
                }
            }
            else if (command.ArgumentIs(i, "COUNT"u8) && moreArgs > 0)
            {
                if (!IntegerText.TryParse(command[++i], out count))
                {
                    reply.WriteError(Errors.NotInteger);
                    return;
                }
                count = Math.Max(0, count);
            }
            else if (command.ArgumentIs(i, "STREAMS"u8) && moreArgs > 0)
            {
                streamsAt = i + 1;
                if ((command.ArgumentCount - streamsAt) % 2 != 0)
                {
                    reply.WriteError(StreamErrors.Unbalanced("XREAD", '$'));
                    return;
                }
                break;
            }
            else if (command.ArgumentIs(i, "GROUP"u8) && moreArgs >= 2)
            {
                reply.WriteError(StreamErrors.GroupOnlyInXReadGroup);
                return;
            }
            else if (command.ArgumentIs(i, "NOACK"u8))
            {
                reply.WriteError(StreamErrors.NoAckOnlyInXReadGroup);
                return;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (streamsAt == 0)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        var streams = (command.ArgumentCount - streamsAt) / 2;
        var after = new StreamId[streams];
        for (var s = 0; s < streams; s++)
        {
            var live = context.GetLive(command[streamsAt + s]);
            if (TypedLookup.Find(live, DataType.Stream, out _) == LookupStatus.WrongType)
            {
                reply.WriteError(Errors.WrongType);
                return;
            }
            var idText = command[streamsAt + streams + s];
            if (idText.SequenceEqual("$"u8))
            {
                after[s] = live is null ? StreamId.Zero : StreamWrites.Meta(live).LastId;
            }
            else if (idText.SequenceEqual(">"u8))
            {
                reply.WriteError(StreamErrors.GreaterOnlyInGroup);
                return;
            }
            else if (!StreamIds.TryParseStrict(idText, 0, out after[s]))
            {
                reply.WriteError(StreamErrors.InvalidId);
                return;
            }
        }
        if (Serve(context, command, reply, streamsAt, after, count))
        {
            return;
        }
        if (timeoutMs >= 0 && context.BlockingAllowed)
        {
            context.Block = new BlockRequest(timeoutMs, Arguments.From(command, streamsAt)[..streams], Retry(command, streamsAt, after));
            return;
        }
        reply.WriteNullArray();
    }

    /// <summary>Replies with the entries after each id, from the streams that have any; false (nothing written) when none has.</summary>
    private static bool Serve(WriteContext context, RespCommand command, RespWriter reply, int streamsAt, StreamId[] after, long count)
    {
        var served = new List<(int Stream, List<StreamReads.Entry> Entries)>();
        for (var s = 0; s < after.Length; s++)
        {
            if (TypedLookup.Find(context.GetLive(command[streamsAt + s]), DataType.Stream, out var record) != LookupStatus.Found
                || !after[s].TryNext(out var start))
            {
                continue;
            }
            var entries = StreamReads.Range(context, record.CollectionId, start, StreamId.Max, count, reverse: false);
            if (entries.Count > 0)
            {
                served.Add((s, entries));
            }
        }
        if (served.Count == 0)
        {
            return false;
        }
        if (reply.Protocol == RespProtocol.Resp3)
        {
            reply.WriteMapHeader(served.Count);
        }
        else
        {
            reply.WriteArrayHeader(served.Count);
        }
        foreach (var (stream, entries) in served)
        {
            if (reply.Protocol != RespProtocol.Resp3)
            {
                reply.WriteArrayHeader(2);
            }
            reply.WriteBulkString(command[streamsAt + stream]);
            StreamReads.WriteEntries(reply, entries);
        }
        return true;
    }

    /// <summary>The command to run when woken: the same, with each id replaced by the one it stood for.</summary>
    private static byte[][] Retry(RespCommand command, int streamsAt, StreamId[] after)
    {
        var retry = Arguments.From(command, 0);
        for (var s = 0; s < after.Length; s++)
        {
            retry[streamsAt + after.Length + s] = after[s].ToText();
        }
        return retry;
    }

    /// <summary>BLOCK's milliseconds, as Redis's getTimeoutFromObjectOrReply reads them (an integer; 0 waits forever).</summary>
    internal static bool TryParseTimeout(ReadOnlySpan<byte> text, long nowMs, RespWriter reply, out long timeoutMs)
    {
        if (!IntegerText.TryParse(text, out timeoutMs))
        {
            reply.WriteError(StreamErrors.TimeoutNotInteger);
            return false;
        }
        if (timeoutMs < 0)
        {
            reply.WriteError(StreamErrors.TimeoutNegative);
            return false;
        }
        if (timeoutMs > 0 && timeoutMs > long.MaxValue - nowMs)
        {
            reply.WriteError(StreamErrors.TimeoutOutOfRange);
            return false;
        }
        return true;
    }
}
