namespace Chorus.Core.Versions;

/// <summary>Binary search in the per-node arrays versions and CRDTs keep sorted by node id.</summary>
internal static class SortedByNode
{
    /// <summary>The index of <paramref name="node"/>'s item, or the complement of where it would go.</summary>
    public static int IndexOf<TItem>(ReadOnlySpan<TItem> items, NodeId node, Func<TItem, NodeId> nodeOf)
    {
        var (low, high) = (0, items.Length - 1);
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = VersionVector.CompareIds(nodeOf(items[middle]), node);
            if (order == 0)
            {
                return middle;
            }
            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }
        return ~low;
    }
}
