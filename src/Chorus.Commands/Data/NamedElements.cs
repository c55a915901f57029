using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;

namespace Chorus.Commands.Data;

/// <summary>A hash's fields and values, or a set's members (empty values), read whole: for commands that are O(n) anyway.</summary>
internal static class NamedElements
{
    public static List<(byte[] Name, byte[] Value)> Collect(IKeyspaceView view, ulong collectionId)
    {
        var items = new List<(byte[] Name, byte[] Value)>();
        using var elements = view.OpenElements(collectionId);
        for (elements.SeekToFirst(); elements.Valid; elements.Next())
        {
            items.Add((ElementKey.NameOf(elements.SubKey).ToArray(), elements.Value.ToArray()));
        }
        return items;
    }

    /// <summary>The names only (set members, hash fields).</summary>
    public static List<byte[]> Names(IKeyspaceView view, ulong collectionId)
    {
        var names = new List<byte[]>();
        using var elements = view.OpenElements(collectionId);
        for (elements.SeekToFirst(); elements.Valid; elements.Next())
        {
            names.Add(ElementKey.NameOf(elements.SubKey).ToArray());
        }
        return names;
    }
}
