using Chorus.Core.Versions;

namespace Chorus.Core.Crdts;

/// <summary>
/// A hash whose fields are last-write-wins registers (HSET/HDEL under multi-leader's
/// <c>lww</c> policy): concurrent writes to one field are resolved by HLC timestamp and site id,
/// and each losing value is reported so the conflict log can keep it.
/// </summary>
public sealed class LwwFieldMap : FieldMap<LwwRegister<byte[]?>>
{
    public bool TryGet(ReadOnlySpan<byte> field, out byte[] value)
    {
        value = TryGetRegister(field, out var register) ? register.Value! : null!;
        return value is not null;
    }

    /// <summary>HSET of one field at <paramref name="site"/>; true if the field was absent.</summary>
    public bool Set(ReadOnlySpan<byte> field, byte[] value, HlcTimestamp timestamp, NodeId site) =>
        Write(field, value, timestamp, site);

    /// <summary>HDEL of one field: a tombstone write; true if the field was present.</summary>
    public bool Delete(ReadOnlySpan<byte> field, HlcTimestamp timestamp, NodeId site)
    {
        if (!TryGetRegister(field, out var current) || !IsPresent(current))
        {
            return false;
        }
        Write(field, null, timestamp, site);
        return true;
    }

    /// <summary>
    /// Takes in another replica's state. Each field that lost a concurrent write adds a
    /// <see cref="FieldConflict"/> to <paramref name="losers"/> (when given). Commutative,
    /// associative and idempotent in the resulting state.
    /// </summary>
    public void Merge(LwwFieldMap other, ICollection<FieldConflict>? losers = null) =>
        MergeFields(other, (field, ours, theirs) =>
        {
            var merge = LwwRegister<byte[]?>.Merge(ours, theirs);
            if (merge.Outcome == LwwOutcome.ConflictResolved)
            {
                losers?.Add(new FieldConflict(field, merge.Result, merge.Loser!));
            }
            return merge.Result;
        });

    public LwwFieldMap Clone()
    {
        var copy = new LwwFieldMap();
        CopyTo(copy);
        return copy;
    }

    /// <summary>Same fields with the same writes and versions.</summary>
    public bool SameStateAs(LwwFieldMap other) =>
        SameFields(other, static (a, b) => a.IsSameWrite(b) && a.Version.Equals(b.Version));

    protected override bool IsPresent(LwwRegister<byte[]?> register) => register.Value is not null;

    private bool Write(ReadOnlySpan<byte> field, byte[]? value, HlcTimestamp timestamp, NodeId site)
    {
        var existed = TryGetRegister(field, out var current);
        SetRegister(field, LwwRegister<byte[]?>.Write(existed ? current : null, value, timestamp, site));
        return !existed || current.Value is null;
    }
}

/// <summary>A field whose concurrent write lost: the value kept and the one to log.</summary>
public sealed record FieldConflict(byte[] Field, LwwRegister<byte[]?> Winner, LwwRegister<byte[]?> Loser);
