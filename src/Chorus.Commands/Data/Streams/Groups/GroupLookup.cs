using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>Point reads of group items for the read commands (XPENDING, XINFO).</summary>
internal static class GroupLookup
{
    public static GroupState? Find(IKeyspaceView view, ulong collection, byte[] group) =>
        view.GetElement(ElementKey.Stream(collection, StreamItemKind.Group, group)) is { } value ? GroupState.Decode(value) : null;

    public static PendingEntry? Pending(IKeyspaceView view, ulong collection, byte[] group, StreamId id) =>
        view.GetElement(ElementKey.Stream(collection, StreamItemKind.Pending, GroupNames.Pending(group, id))) is { } value ? PendingEntry.Decode(value) : null;

    public static bool HasConsumer(IKeyspaceView view, ulong collection, byte[] group, byte[] consumer) =>
        view.GetElement(ElementKey.Stream(collection, StreamItemKind.Consumer, GroupNames.Consumer(group, consumer))) is not null;

    /// <summary>The greatest pending id of the group (it has at least one).</summary>
    public static StreamId LastPending(IKeyspaceView view, ulong collection, byte[] group)
    {
        using var cursor = view.OpenElements(collection);
        cursor.SeekForPrev([(byte)StreamItemKind.Pending, .. GroupNames.Pending(group, StreamId.Max)]);
        var prefix = GroupNames.Prefix(group);
        return StreamId.Read(cursor.SubKey[(1 + prefix.Length)..]);
    }
}
