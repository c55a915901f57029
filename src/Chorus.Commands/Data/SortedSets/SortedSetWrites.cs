using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>Changes sorted sets by recording score changes with the scores they replace.</summary>
internal static class SortedSetWrites
{
    /// <summary>Records <paramref name="changes"/> on the set whose live record is <paramref name="live"/> (null: a new set).</summary>
    public static void Record(WriteContext context, int db, ReadOnlySpan<byte> key, byte[]? live, IReadOnlyList<ScoreChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }
        if (live is null)
        {
            context.RemoveExpired(db, key);
        }
        context.Record(new SortedSetChange(db, key.ToArray(), live is null ? null : Records.ImageOf(live), changes));
    }

    /// <summary>Removes <paramref name="members"/> (with the scores they have) from the set; removing the last deletes the key.</summary>
    public static void Remove(WriteContext context, int db, ReadOnlySpan<byte> key, byte[] live, IEnumerable<ScoredMember> members) =>
        Record(context, db, key, live, [.. members.Select(m => new ScoreChange(m.Member, null, m.Score))]);

    /// <summary>The destination (of the selected database) becomes a sorted set of <paramref name="members"/>, or goes when there are none.</summary>
    public static void Store(WriteContext context, ReadOnlySpan<byte> destination, IReadOnlyCollection<ScoredMember> members)
    {
        context.Overwrite(context.Db, destination);
        Record(context, context.Db, destination, null, [.. members.Select(m => new ScoreChange(m.Member, m.Score, null))]);
    }
}
