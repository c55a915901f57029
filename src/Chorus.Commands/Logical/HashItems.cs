using Chorus.Commands.Keyspace;

namespace Chorus.Commands.Logical;

/// <summary>Hash fields and set members: one named element each (see <see cref="ElementKey"/>).</summary>
internal static class HashItems
{
    public static void Apply(StagedKeyspace keyspace, IReadOnlyList<FieldChange> fields, ref CollectionApplier.State state, bool undo)
    {
        for (var n = 0; n < fields.Count; n++)
        {
            var field = fields[undo ? fields.Count - 1 - n : n];
            var (from, to) = undo ? (field.Value, field.Previous) : (field.Previous, field.Value);
            keyspace.SetElement(ElementKey.Named(state.Id, field.Field), to);
            state.Count += (to is null ? 0 : 1) - (from is null ? 0 : 1);
        }
    }
}

internal static class SetItems
{
    public static readonly byte[] PresentValue = [];

    public static void Apply(StagedKeyspace keyspace, IReadOnlyList<MemberChange> members, ref CollectionApplier.State state, bool undo)
    {
        for (var n = 0; n < members.Count; n++)
        {
            var member = members[undo ? members.Count - 1 - n : n];
            var add = member.Added != undo;
            keyspace.SetElement(ElementKey.Named(state.Id, member.Member), add ? PresentValue : null);
            state.Count += add ? 1 : -1;
        }
    }
}

/// <summary>Sorted-set members: the member → score entry and the (score, member) index entry move together.</summary>
internal static class SortedSetItems
{
    public static void Apply(StagedKeyspace keyspace, IReadOnlyList<ScoreChange> members, ref CollectionApplier.State state, bool undo)
    {
        for (var n = 0; n < members.Count; n++)
        {
            var member = members[undo ? members.Count - 1 - n : n];
            var (from, to) = undo ? (member.Score, member.Previous) : (member.Previous, member.Score);
            if (from is { } old)
            {
                keyspace.SetElement(ElementKey.Score(state.Id, old, member.Member), null);
            }
            if (to is { } score)
            {
                keyspace.SetElement(ElementKey.Score(state.Id, score, member.Member), SetItems.PresentValue);
            }
            keyspace.SetElement(ElementKey.Member(state.Id, member.Member), to is { } value ? ScoreBytes.Encode(value) : null);
            state.Count += (to is null ? 0 : 1) - (from is null ? 0 : 1);
        }
    }
}
