namespace Chorus.Commands.Logical;

/// <summary>
/// One row-based change in a logical log entry. Each change carries the before-image it
/// replaces, so a node can roll back a divergent suffix of its log (and change-data-capture
/// consumers see both sides).
/// </summary>
public abstract record RowChange(byte[] Key);

/// <summary>The key now holds <paramref name="After"/> (a whole encoded value).</summary>
public sealed record PutChange(byte[] Key, byte[] After, byte[]? Before) : RowChange(Key);

/// <summary>The key is gone; <paramref name="Reason"/> tells deletions and expiries apart.</summary>
public sealed record DeleteChange(byte[] Key, byte[] Before, DeleteReason Reason) : RowChange(Key);

/// <summary>Fields of an existing hash were set.</summary>
public sealed record HashSetChange(byte[] Key, IReadOnlyList<FieldChange> Fields) : RowChange(Key);

/// <summary>Fields of a hash were removed; the hash keeps at least one field.</summary>
public sealed record HashDeleteChange(byte[] Key, IReadOnlyList<FieldChange> Fields) : RowChange(Key);

/// <summary>Members were added to an existing set (only members that were absent).</summary>
public sealed record SetAddChange(byte[] Key, IReadOnlyList<byte[]> Members) : RowChange(Key);

/// <summary>Members were removed from a set that keeps at least one member.</summary>
public sealed record SetRemoveChange(byte[] Key, IReadOnlyList<byte[]> Members) : RowChange(Key);

/// <summary>The key's expiry changed (0 = none).</summary>
public sealed record ExpireChange(byte[] Key, long ExpiresAtMs, long PreviousExpiresAtMs) : RowChange(Key);

/// <summary>Every key was deleted (FLUSHALL). Carries no before-images: it cannot be undone in place.</summary>
public sealed record FlushAllChange() : RowChange([]);

/// <summary>
/// A field's new value and the value it replaced (null when the field was new). For
/// <see cref="HashDeleteChange"/>, <see cref="Value"/> is empty and <see cref="Previous"/> holds
/// the removed value.
/// </summary>
public sealed record FieldChange(byte[] Field, byte[] Value, byte[]? Previous);

public enum DeleteReason : byte
{
    Command = 0,
    Expired = 1,
}
