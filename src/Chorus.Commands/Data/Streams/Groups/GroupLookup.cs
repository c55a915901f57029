using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>Point reads of group items for the read commands (XPENDING, XINFO).</summary>
internal static class GroupLookup
{
    public static GroupState? Find(IKeyspaceView view, ulong collection, byte[] group) =>
        view.GetElement(ElementKey.Stream(collection, StreamItemKind.Group, group)) is { } value ? GroupState.Decode(value) : null;

    public static PendingEntry? Pending(IKeyspaceView view, ulong collection, byte[] group, StreamId id) =>
        view.GetElement(ElementKey.Stream(collection, StreamItemKind.Pending, GroupNames.Pending(group, id))) is { } value ? PendingEntry.Decode(value) : null;

    /// <summary>The greatest pending id of the group (it has at least one).</summary>
    public static StreamId LastPending(IKeyspaceView view, ulong collection, byte[] group)
    {
        using var cursor = view.OpenElements(collection);
        cursor.SeekForPrev([(byte)StreamItemKind.Pending, .. GroupNames.Pending(group, StreamId.Max)]);
        var prefix = GroupNames.Prefix(group);
        return StreamId.Read(cursor.SubKey[(1 + prefix.Length)..]);
    }
}

/// <summary>Range bounds as XPENDING and XAUTOCLAIM read them: <c>-</c>, <c>+</c>, an id, or <c>(id</c> (exclusive).</summary>
internal static class GroupRange
{
    public static bool TryParseStart(ReadOnlySpan<byte> text, RespWriter reply, out StreamId start)
    {
        if (!StreamIds.TryParseInterval(text, 0, out start, out var exclusive))
        {
            reply.WriteError(StreamErrors.InvalidId);
            return false;
        }
        if (exclusive && !start.TryNext(out start))
        {
            reply.WriteError(StreamErrors.InvalidStart);
            return false;
        }
        return true;
    }

    public static bool TryParseEnd(ReadOnlySpan<byte> text, RespWriter reply, out StreamId end)
    {
        if (!StreamIds.TryParseInterval(text, ulong.MaxValue, out end, out var exclusive))
        {
            reply.WriteError(StreamErrors.InvalidId);
            return false;
        }
        if (exclusive && !end.TryPrevious(out end))
        {
            reply.WriteError(StreamErrors.InvalidEnd);
            return false;
        }
        return true;
    }
}
