namespace Chorus.Core.Crdts;

/// <summary>
/// A replicated hash (a "row": field → value) where every field is its own register, so two
/// sites that change different fields of one hash concurrently both keep their change, and only
/// concurrent changes to the same field conflict. A deleted field keeps its register as a
/// tombstone (a null value), so a delete is ordered against concurrent writes like any write.
/// Tombstones are never collected here; when to drop them is the replication family's decision.
/// </summary>
public abstract class FieldMap<TRegister>
    where TRegister : class
{
    private readonly Dictionary<byte[], TRegister> _registers = new(ByteArrayComparer.Instance);

    /// <summary>Fields with a value (not deleted).</summary>
    public int Count => _registers.Values.Count(IsPresent);

    public IEnumerable<byte[]> Fields => _registers.Where(r => IsPresent(r.Value)).Select(r => r.Key);

    /// <summary>Every field's register, tombstones included (what is encoded and merged).</summary>
    public IEnumerable<KeyValuePair<byte[], TRegister>> Registers => _registers;

    public bool TryGetRegister(ReadOnlySpan<byte> field, out TRegister register) =>
        _registers.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(field, out register!);

    /// <summary>Whether a register holds a value rather than only tombstones.</summary>
    protected abstract bool IsPresent(TRegister register);

    protected void SetRegister(ReadOnlySpan<byte> field, TRegister register) =>
        _registers.GetAlternateLookup<ReadOnlySpan<byte>>()[field] = register;

    /// <summary>Merges field by field; a field only one side has is taken as it is.</summary>
    protected void MergeFields(FieldMap<TRegister> other, Func<byte[], TRegister, TRegister, TRegister> mergeField)
    {
        if (ReferenceEquals(this, other))
        {
            return;
        }
        foreach (var (field, theirs) in other._registers)
        {
            _registers[field] = _registers.TryGetValue(field, out var ours) ? mergeField(field, ours, theirs) : theirs;
        }
    }

    protected void CopyTo(FieldMap<TRegister> copy)
    {
        foreach (var (field, register) in _registers)
        {
            copy._registers.Add(field, register);
        }
    }

    protected bool SameFields(FieldMap<TRegister> other, Func<TRegister, TRegister, bool> same) =>
        _registers.Count == other._registers.Count
        && _registers.All(r => other._registers.TryGetValue(r.Key, out var theirs) && same(r.Value, theirs));

    /// <summary>Adds a decoded field (the decoder has checked that fields are distinct).</summary>
    internal void Restore(byte[] field, TRegister register) => _registers.Add(field, register);
}
