using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

/// <summary>
/// Interval bounds as XRANGE, XREVRANGE, XPENDING and XAUTOCLAIM read them: <c>-</c>, <c>+</c>, an
/// id, or <c>(id</c> (exclusive); a missing sequence is 0 at the start and the maximum at the end.
/// </summary>
internal static class IntervalBounds
{
    public static bool TryParseStart(ReadOnlySpan<byte> text, RespWriter reply, out StreamId start) =>
        TryParse(text, reply, isStart: true, out start);

    public static bool TryParseEnd(ReadOnlySpan<byte> text, RespWriter reply, out StreamId end) =>
        TryParse(text, reply, isStart: false, out end);

    /// <summary>An exclusive bound becomes the inclusive one next to it; there is none past the first or last id.</summary>
    private static bool TryParse(ReadOnlySpan<byte> text, RespWriter reply, bool isStart, out StreamId bound)
    {
        if (!StreamIds.TryParseInterval(text, isStart ? 0 : ulong.MaxValue, out bound, out var exclusive))
        {
            reply.WriteError(StreamErrors.InvalidId);
            return false;
        }
        if (exclusive && !(isStart ? bound.TryNext(out bound) : bound.TryPrevious(out bound)))
        {
            reply.WriteError(isStart ? StreamErrors.InvalidStart : StreamErrors.InvalidEnd);
            return false;
        }
        return true;
    }
}
