using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// XRANGE key start end [COUNT n], XREVRANGE key end start [COUNT n] (bounds: ids, <c>-</c>,
/// <c>+</c>, <c>(id</c> exclusive; a missing sequence is 0 at the start, the maximum at the end)
/// and XLEN key. A range is one seek and a scan of the entries returned.
/// </summary>
internal static class XRangeCommands
{
    public static readonly CommandSpec XRangeSpec = new("XRANGE", -4, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Range(c, cmd, r, reverse: false));

    public static readonly CommandSpec XRevRangeSpec = new("XREVRANGE", -4, CommandFlags.ReadOnly, 1, 1, 1, Read: (c, cmd, r) => Range(c, cmd, r, reverse: true));

    public static readonly CommandSpec XLenSpec = new("XLEN", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Read: Length);

    private static void Range(ReadContext context, RespCommand command, RespWriter reply, bool reverse)
    {
        var (startAt, endAt) = reverse ? (3, 2) : (2, 3);
        if (!IntervalBounds.TryParseStart(command[startAt], reply, out var start) || !IntervalBounds.TryParseEnd(command[endAt], reply, out var end))
        {
            return;
        }
        long count = -1;
        for (var i = 4; i < command.ArgumentCount; i++)
        {
            if (command.ArgumentIs(i, "COUNT"u8) && i + 1 < command.ArgumentCount)
            {
                if (!IntegerText.TryParse(command[++i], out count))
                {
                    reply.WriteError(Errors.NotInteger);
                    return;
                }
                count = Math.Max(0, count);
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (!TypedLookup.TryFind(context.GetLive(command[1]), DataType.Stream, reply, AbsentReply.EmptyArray, out var record))
        {
            return;
        }
        if (count == 0)
        {
            reply.WriteNullArray();
            return;
        }
        StreamReads.WriteEntries(reply, StreamReads.Range(context, record.CollectionId, start, end, Math.Max(0, count), reverse));
    }

    private static void Length(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (TypedLookup.TryFind(context.GetLive(command[1]), DataType.Stream, reply, AbsentReply.Zero, out var record))
        {
            reply.WriteInteger(record.Count);
        }
    }
}
