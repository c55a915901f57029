using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Data.Sets;

/// <summary>Changes sets by recording member changes: one element read per distinct member named.</summary>
internal static class SetWrites
{
    /// <summary>Adds the members the set (live record <paramref name="live"/>, or none) lacks; returns how many.</summary>
    public static int Add(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, IEnumerable<byte[]> members)
    {
        var id = live is null ? 0 : KeyRecord.Parse(live).CollectionId;
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var added = new List<MemberChange>();
        foreach (var member in members)
        {
            if (seen.Add(member) && (live is null || !ElementReads.HasNamed(context, id, member)))
            {
                added.Add(new MemberChange(member, Added: true));
            }
        }
        if (added.Count == 0)
        {
            return 0;
        }
        if (live is null)
        {
            context.RemoveExpired(context.Db, key);
        }
        context.Record(new SetChange(context.Db, key.ToArray(), live is null ? null : Records.ImageOf(live), added));
        return added.Count;
    }

    /// <summary>Removes the members the set has (removing the last deletes the key); returns how many.</summary>
    public static int Remove(WriteContext context, ReadOnlySpan<byte> key, byte[] live, IEnumerable<byte[]> members)
    {
        var id = KeyRecord.Parse(live).CollectionId;
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var removed = new List<MemberChange>();
        foreach (var member in members)
        {
            if (seen.Add(member) && ElementReads.HasNamed(context, id, member))
            {
                removed.Add(new MemberChange(member, Added: false));
            }
        }
        if (removed.Count > 0)
        {
            context.Record(new SetChange(context.Db, key.ToArray(), Records.ImageOf(live), removed));
        }
        return removed.Count;
    }

    /// <summary>
    /// The *STORE commands: the destination (of the selected database) becomes a set of
    /// <paramref name="members"/> (distinct), replacing whatever it held; an empty result deletes it.
    /// </summary>
    public static void Store(WriteContext context, ReadOnlySpan<byte> destination, IReadOnlyCollection<byte[]> members)
    {
        context.Overwrite(context.Db, destination);
        if (members.Count > 0)
        {
            context.Record(new SetChange(context.Db, destination.ToArray(), null, [.. members.Select(m => new MemberChange(m, Added: true))]));
        }
    }
}
