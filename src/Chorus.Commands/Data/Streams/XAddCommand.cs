using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
/// (Redis 7.0). <c>*</c> takes the id from the leader's time for the command
/// (<see cref="WriteContext.NowMs"/>), or the last id + 1 when that time is not past the last id's
/// milliseconds (the clock went back, or many adds in one millisecond); <c>ms-*</c> takes the next
/// sequence in that millisecond. The statement log carries the id chosen (docs/commands.md).
/// </summary>
internal static class XAddCommand
{
    public static readonly CommandSpec Spec = new("XADD", -5, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, Write: Execute);

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        var idAt = StreamTrim.Parse(command, xadd: true, reply, out var trim);
        if (idAt < 0)
        {
            return;
        }
        // The id is parsed with the options (its error comes first), then the arity is checked.
        var auto = idAt >= command.ArgumentCount || command[idAt].SequenceEqual("*"u8);
        var seqStar = new Ref<bool>(false);
        var given = StreamId.Zero;
        if (!auto && !StreamId.TryParse(command[idAt], 0, out given, seqStar))
        {
            reply.WriteError(StreamErrors.InvalidId);
            return;
        }
        var fieldsAt = idAt + 1;
        if (command.ArgumentCount - fieldsAt < 2 || (command.ArgumentCount - fieldsAt) % 2 == 1)
        {
            reply.WriteError(Errors.WrongArgumentCount("xadd"));
            return;
        }
        if (!auto && !seqStar.Value && given == StreamId.Zero)
        {
            reply.WriteError(StreamErrors.IdZero);
            return;
        }
        var key = command[1];
        var live = context.GetLive(key);
        switch (TypedLookup.Find(live, DataType.Stream, out _))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent when trim.NoMakeStream:
                reply.WriteNull();
                return;
        }
        var last = live is null ? StreamId.Zero : StreamWrites.Meta(live).LastId;
        if (last == StreamId.Max)
        {
            reply.WriteError(StreamErrors.Exhausted);
            return;
        }
        if (!TryChooseId(last, auto, seqStar.Value, given, context.NowMs, out var id))
        {
            reply.WriteError(StreamErrors.IdTooSmall);
            return;
        }
        StreamWrites.Add(context, key, live, id, StreamEntry.Encode(Arguments.From(command, fieldsAt)));
        if (trim.Strategy != TrimStrategy.None)
        {
            StreamWrites.Trim(context, key, context.GetLive(key)!, trim);
        }
        reply.WriteBulkString(id.ToText());
    }

    /// <summary>Redis's streamAppendItem: the new id, which must be above <paramref name="last"/>.</summary>
    private static bool TryChooseId(StreamId last, bool auto, bool seqStar, StreamId given, long nowMs, out StreamId id)
    {
        if (auto)
        {
            var ms = (ulong)Math.Max(0, nowMs);
            // Monotonic whatever the clock does: at or behind the last id's millisecond, count on from it.
            id = ms > last.Ms ? new StreamId(ms, 0) : Next(last);
            return true;
        }
        if (seqStar)
        {
            if (given.Ms == last.Ms)
            {
                id = Next(last);
                return last.Seq != ulong.MaxValue;
            }
            id = given;
        }
        else
        {
            id = given;
        }
        return id > last;
    }

    private static StreamId Next(StreamId last)
    {
        last.TryNext(out var next);
        return next;
    }
}
