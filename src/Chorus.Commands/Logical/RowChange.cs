namespace Chorus.Commands.Logical;

/// <summary>
/// One row-based change in a logical log entry (docs/storage-layout.md, "The logical log"). Each
/// change names a logical database (0–15) and carries the before-image it replaces, so a node can
/// roll back a divergent suffix of its log (and change-data-capture consumers see both sides).
/// Images are key records without their node-local parts: a collection's image is its header and
/// element count, never its elements.
/// </summary>
public abstract record RowChange;

/// <summary>A change to one key of database <see cref="Db"/>.</summary>
public abstract record KeyChange(int Db, byte[] Key) : RowChange;

/// <summary>The key now holds the string <paramref name="After"/> (an image); <paramref name="Before"/> is what it replaced.</summary>
public sealed record PutChange(int Db, byte[] Key, byte[] After, byte[]? Before) : KeyChange(Db, Key);

/// <summary>The key is gone; <paramref name="Reason"/> tells deletions and expiries apart. A collection becomes garbage.</summary>
public sealed record DeleteChange(int Db, byte[] Key, byte[] Before, DeleteReason Reason) : KeyChange(Db, Key);

/// <summary>The key's expiry changed (0 = none).</summary>
public sealed record ExpireChange(int Db, byte[] Key, long ExpiresAtMs, long PreviousExpiresAtMs) : KeyChange(Db, Key);

/// <summary>
/// <paramref name="Bytes"/> were written into a string at <paramref name="Offset"/> (zero-padding
/// it as needed): APPEND, SETRANGE, SETBIT, BITFIELD. <paramref name="Replaced"/> holds the bytes
/// it overwrote (those below <paramref name="LengthBefore"/>); <paramref name="Created"/> says the
/// key did not exist. The log carries the patch, not the string.
/// </summary>
public sealed record PatchChange(int Db, byte[] Key, long Offset, byte[] Bytes, byte[] Replaced, long LengthBefore, bool Created) : KeyChange(Db, Key);

/// <summary>
/// Element changes of one collection. <see cref="Before"/> is the collection's image before the
/// change, or null when the change creates it; removing the last element removes the key.
/// </summary>
public abstract record ElementsChange(int Db, byte[] Key, byte[]? Before) : KeyChange(Db, Key);

/// <summary>Fields set (<see cref="FieldChange.Value"/>) or removed (null), each with the value it replaced.</summary>
public sealed record HashChange(int Db, byte[] Key, byte[]? Before, IReadOnlyList<FieldChange> Fields) : ElementsChange(Db, Key, Before);

/// <summary>Members added (only ones that were absent) or removed (only ones that were present).</summary>
public sealed record SetChange(int Db, byte[] Key, byte[]? Before, IReadOnlyList<MemberChange> Members) : ElementsChange(Db, Key, Before);

/// <summary>Scores set, changed or removed (null), each with the score it replaced.</summary>
public sealed record SortedSetChange(int Db, byte[] Key, byte[]? Before, IReadOnlyList<ScoreChange> Members) : ElementsChange(Db, Key, Before);

/// <summary>Pushes, pops, sets, inserts and removals, in order.</summary>
public sealed record ListChange(int Db, byte[] Key, byte[]? Before, IReadOnlyList<ListEdit> Edits) : ElementsChange(Db, Key, Before);

/// <summary>
/// Stream entries added or removed (consumer-group state later rides the same items, with other
/// kinds). <paramref name="Meta"/> is the stream's metadata after the change (<c>StreamMeta</c>:
/// last id, entries added, max deleted id); the metadata before it is in <see cref="ElementsChange.Before"/>.
/// A stream may be empty: removing its last entry keeps the key, as in Redis.
/// </summary>
public sealed record StreamChange(int Db, byte[] Key, byte[]? Before, byte[] Meta, IReadOnlyList<StreamItem> Items) : ElementsChange(Db, Key, Before);

/// <summary>
/// RENAME, RENAMENX, MOVE: the record (and so a collection with all its elements) moves from
/// (<see cref="KeyChange.Db"/>, <see cref="KeyChange.Key"/>) to (<paramref name="TargetDb"/>,
/// <paramref name="Target"/>). <paramref name="Image"/> is what moves; <paramref name="TargetBefore"/>
/// what the target held.
/// </summary>
public sealed record RenameChange(int Db, byte[] Key, int TargetDb, byte[] Target, byte[] Image, byte[]? TargetBefore) : KeyChange(Db, Key);

/// <summary>COPY: the target becomes a copy of the source (a collection is copied by each node, with its own id).</summary>
public sealed record CopyChange(int Db, byte[] Key, int TargetDb, byte[] Target, byte[] Image, byte[]? TargetBefore) : KeyChange(Db, Key);

/// <summary>
/// The key's record (of any type) now carries the version block <paramref name="Block"/> in place
/// of <paramref name="Previous"/> (empty: none). A multi-leader site versions collections element
/// by element: the element changes travel as usual, and this change stores the versions beside them.
/// </summary>
public sealed record VersionBlockChange(int Db, byte[] Key, byte[] Block, byte[] Previous) : KeyChange(Db, Key);

/// <summary>FLUSHDB: database <paramref name="Db"/> is empty (its old contents become garbage).</summary>
public sealed record FlushDbChange(int Db) : RowChange;

/// <summary>FLUSHALL: every database is empty.</summary>
public sealed record FlushAllChange() : RowChange;

/// <summary>SWAPDB: two databases trade contents.</summary>
public sealed record SwapDbChange(int Db, int OtherDb) : RowChange;

/// <summary>
/// A record of the function libraries (physical database <c>Functions</c>: a library, a function's
/// library, the directory of libraries) now holds <paramref name="After"/> (null: removed) in place
/// of <paramref name="Before"/> (null: absent). Both are whole stored records: libraries are small,
/// and a follower, a snapshot and a rollback then need no Lua to know them.
/// </summary>
public sealed record FunctionRecordChange(byte[] Key, byte[]? After, byte[]? Before) : RowChange;

/// <summary>A hash field's new value (null: removed) and the value it replaced (null: it was new).</summary>
public sealed record FieldChange(byte[] Field, byte[]? Value, byte[]? Previous);

/// <summary>A set member added (<paramref name="Added"/>) or removed.</summary>
public sealed record MemberChange(byte[] Member, bool Added);

/// <summary>A sorted-set member's new score (null: removed) and the one it replaced (null: it was new).</summary>
public sealed record ScoreChange(byte[] Member, double? Score, double? Previous);

/// <summary>
/// What a stream item names (docs/storage-layout.md, "Streams"): an entry (by its 16-byte id), a
/// consumer group (by its name), a consumer of a group, a group's pending entry, or the same
/// pending entry indexed under its consumer. Entries sort first, so a range scan stops at the groups.
/// </summary>
public enum StreamItemKind : byte
{
    Entry = 0,
    Group = 1,
    Consumer = 2,
    Pending = 3,
    ConsumerPending = 4,
}

/// <summary>A stream element set (<paramref name="Value"/>) or removed (null), with what it replaced (null: absent).</summary>
public sealed record StreamItem(StreamItemKind Kind, byte[] Name, byte[]? Value, byte[]? Previous);

public enum ListEditKind : byte
{
    PushLeft = 1,
    PushRight = 2,
    PopLeft = 3,
    PopRight = 4,
    Set = 5,
    Insert = 6,
    Remove = 7,
}

/// <summary>
/// One list edit. <see cref="Index"/> is a position from the head at the moment of the edit (Set,
/// Insert, Remove); <see cref="Value"/> the element pushed, popped, set, inserted or removed;
/// <see cref="Previous"/> what a Set replaced.
/// </summary>
public sealed record ListEdit(ListEditKind Kind, long Index, byte[] Value, byte[]? Previous = null);

public enum DeleteReason : byte
{
    Command = 0,
    Expired = 1,
}
