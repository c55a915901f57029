using Chorus.Core.Versions;

namespace Chorus.Core.Crdts;

/// <summary>
/// A hash whose fields are multi-value registers (dotted version vector sets; HSET/HDEL under
/// the <c>siblings</c> policy): concurrent writes to one field are all kept as siblings until a
/// write that saw them replaces them. A delete writes a tombstone sibling; a field whose
/// siblings are all tombstones is absent.
/// </summary>
public sealed class MultiValueFieldMap : FieldMap<DottedVersionVectorSet<byte[]?>>
{
    /// <summary>The field's live values (one unless concurrent writes left siblings).</summary>
    public IReadOnlyList<byte[]> Get(ReadOnlySpan<byte> field) =>
        TryGetRegister(field, out var register) ? [.. register.Values.OfType<byte[]>()] : [];

    /// <summary>The field's causal context, which a client sends back to replace its siblings.</summary>
    public VersionVector ContextOf(ReadOnlySpan<byte> field) =>
        TryGetRegister(field, out var register) ? register.Context : VersionVector.Empty;

    /// <summary>
    /// Writes a field at <paramref name="site"/>. With a null <paramref name="context"/> the write
    /// replaces every sibling this replica holds (a plain HSET); with a client's context it
    /// replaces only the siblings that client saw. True if the field had no live value before.
    /// </summary>
    public bool Set(ReadOnlySpan<byte> field, byte[] value, NodeId site, VersionVector? context = null) =>
        Write(field, value, site, context);

    /// <summary>HDEL: a tombstone sibling replacing what <paramref name="context"/> (default: all) saw.</summary>
    public bool Delete(ReadOnlySpan<byte> field, NodeId site, VersionVector? context = null)
    {
        if (!TryGetRegister(field, out var current) || !IsPresent(current))
        {
            return false;
        }
        Write(field, null, site, context);
        return true;
    }

    /// <summary>Takes in another replica's state. Commutative, associative and idempotent.</summary>
    public void Merge(MultiValueFieldMap other) => MergeFields(other, static (_, ours, theirs) => ours.Merge(theirs));

    public MultiValueFieldMap Clone()
    {
        var copy = new MultiValueFieldMap();
        CopyTo(copy);
        return copy;
    }

    public bool SameStateAs(MultiValueFieldMap other) => SameFields(other, static (a, b) => a.SameVersionsAs(b));

    protected override bool IsPresent(DottedVersionVectorSet<byte[]?> register) => register.Values.Any(v => v is not null);

    private bool Write(ReadOnlySpan<byte> field, byte[]? value, NodeId site, VersionVector? context)
    {
        var current = TryGetRegister(field, out var register) ? register : DottedVersionVectorSet<byte[]?>.Empty;
        SetRegister(field, current.Update(context ?? current.Context, value, site));
        return !IsPresent(current);
    }
}
