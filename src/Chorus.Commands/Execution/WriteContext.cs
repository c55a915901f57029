using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Execution;

/// <summary>
/// What a write command sees and does: the staged keyspace (stored state plus earlier writes of
/// the same group), the time and randomness it may use (inputs, so a run is reproducible), the
/// connection's database, and the row changes it records. Recording a change applies it to the
/// staged keyspace with the same code followers use.
/// </summary>
public sealed class WriteContext(StagedKeyspace keyspace, Random random) : IKeyspaceView
{
    private readonly List<RowChange> _changes = [];
    /// <summary>Database byte, then key → the record before the command (see <see cref="TrackBeforeImages"/>).</summary>
    private readonly Dictionary<byte[], byte[]?> _beforeImages = new(Core.ByteArrayComparer.Instance);
    private long _payloadBytes;

    public StagedKeyspace Keyspace { get; } = keyspace;

    private readonly DrawCountingRandom _random = new(random);

    /// <summary>Randomness for SPOP and friends; its choices are logged as row changes.</summary>
    public Random Random => _random;

    /// <summary>
    /// Whether running the command again — same data, arguments and leader clock — on a replica
    /// would do the same: it drew no randomness, and nothing marked it <see cref="Unrepeatable"/>.
    /// What the statement format needs to log a script as the script (docs/log-formats.md).
    /// </summary>
    public bool Repeatable => _random.Draws == 0 && !Unrepeatable;

    /// <summary>Set by a command whose outcome depends on more than data, arguments and clock (a script near its time limit).</summary>
    public bool Unrepeatable { get; set; }

    /// <summary>The Lua source of the script the command ran (EVAL, EVALSHA), or null: the statement format logs EVALSHA as EVAL of it.</summary>
    public byte[]? ScriptBody { get; set; }

    /// <summary>A client command begins: <see cref="Repeatable"/> and <see cref="ScriptBody"/> start afresh.</summary>
    public void BeginTrace()
    {
        _random.Reset();
        Unrepeatable = false;
        ScriptBody = null;
    }

    /// <summary>The leader's time for this command, in Unix milliseconds.</summary>
    public long NowMs { get; set; }

    /// <summary>The database the command's connection selected (0–15).</summary>
    public int Db { get; set; }

    public IReadOnlyList<RowChange> Changes => _changes;

    /// <summary>
    /// Whether a blocking command (BLPOP, BZPOPMIN...) that finds nothing may wait: the host sets
    /// it for a command run on its own; inside a transaction or a script (and on replay) it stays
    /// false and the command answers as if it timed out, as Redis does.
    /// </summary>
    public bool BlockingAllowed { get; set; }

    /// <summary>Set by a blocking command that found nothing and may wait: what it waits for (the host takes it).</summary>
    public BlockRequest? Block { get; set; }

    /// <summary>How large this write may be (see <see cref="WriteLimits"/>); set by the host.</summary>
    public WriteLimits Limits { get; set; } = WriteLimits.Default;

    /// <summary>The record of a live key of database <paramref name="db"/>, or null if it is absent or expired.</summary>
    public byte[]? GetLive(int db, ReadOnlySpan<byte> key)
    {
        var value = Keyspace.Get(Keyspace.Physical(db), key);
        return value is not null && KeyRecord.Parse(value).IsExpiredAt(NowMs) ? null : value;
    }

    /// <summary>The record as staged, expired or not (what a change's before-image must be).</summary>
    public byte[]? GetStored(int db, ReadOnlySpan<byte> key) => Keyspace.Get(Keyspace.Physical(db), key);

    public byte[]? GetElement(ReadOnlySpan<byte> elementKey) => Keyspace.GetElement(elementKey);

    public IElementCursor OpenElements(ulong collectionId) => Keyspace.OpenElements(collectionId);

    /// <summary>
    /// Whether to remember, per key, the stored record as it was before the first change the
    /// current command records to it (version metadata included): a multi-leader site versions
    /// each changed key from it (<see cref="TakeBeforeImages"/>).
    /// </summary>
    public bool TrackBeforeImages { get; set; }

    /// <summary>
    /// Applies <paramref name="change"/> to the staged keyspace and records it for the log entry.
    /// Throws <see cref="WriteTooLargeException"/> (the executor undoes what was recorded) when
    /// the entry would outgrow <see cref="WriteLimits.EntryBytesMax"/> or a string it writes would
    /// hold more than <see cref="WriteLimits.WriteBytesMax"/>. A collection has no such bound: its
    /// elements are arguments (each within the limit) and deleting or overwriting it logs only its
    /// image, whatever its size (docs/storage-layout.md).
    /// </summary>
    public void Record(RowChange change)
    {
        var payloadBytes = _payloadBytes + LogicalPayload.EncodedLength(change);
        if (payloadBytes > Limits.EntryBytesMax)
        {
            throw new WriteTooLargeException(Limits.EntryTooLarge(payloadBytes));
        }
        if (TrackBeforeImages && change is KeyChange keyChange)
        {
            TrackBeforeImage(keyChange);
        }
        RowChangeApplier.Apply(change, Keyspace);
        _changes.Add(change);
        _payloadBytes = payloadBytes;
        switch (change)
        {
            case PutChange put:
                CheckStringSize(put.Db, put.Key);
                break;
            case PatchChange patch:
                CheckStringSize(patch.Db, patch.Key);
                break;
            case RenameChange rename:
                CheckStringSize(rename.TargetDb, rename.Target);
                break;
            case CopyChange copy:
                CheckStringSize(copy.TargetDb, copy.Target);
                break;
        }
    }

    /// <summary>
    /// A string a write leaves behind is at most <see cref="WriteLimits.WriteBytesMax"/>, so any
    /// later entry about it (an overwrite, a delete) fits in an entry too.
    /// </summary>
    private void CheckStringSize(int db, ReadOnlySpan<byte> key)
    {
        if (GetStored(db, key) is not { } stored || stored.Length <= Limits.WriteBytesMax)
        {
            return;
        }
        var record = KeyRecord.Parse(stored);
        if (!record.IsCollection && record.Payload.Length > Limits.WriteBytesMax)
        {
            throw new WriteTooLargeException(Limits.ValueTooLarge(record.Payload.Length));
        }
    }

    /// <summary>The key (of the selected database) now holds the string record <paramref name="record"/>.</summary>
    public void PutString(ReadOnlySpan<byte> key, byte[] record) => PutString(Db, key, record);

    public void PutString(int db, ReadOnlySpan<byte> key, byte[] record)
    {
        var before = GetStored(db, key);
        Record(new PutChange(db, key.ToArray(), record, before is null ? null : Records.ImageOf(before)));
    }

    /// <summary>Deletes the key if it is stored (expired or not); false if there was nothing.</summary>
    public bool Delete(ReadOnlySpan<byte> key, DeleteReason reason = DeleteReason.Command) => Delete(Db, key, reason);

    public bool Delete(int db, ReadOnlySpan<byte> key, DeleteReason reason = DeleteReason.Command)
    {
        var before = GetStored(db, key);
        if (before is null || KeyRecord.IsTombstoneRecord(before))
        {
            return false;
        }
        Record(new DeleteChange(db, key.ToArray(), Records.ImageOf(before), reason));
        return true;
    }

    /// <summary>
    /// Deletes the key if it is stored but logically expired (reason: expired), so a command that
    /// creates a value where a dead one lingers starts from nothing, as in Redis.
    /// </summary>
    public void RemoveExpired(int db, ReadOnlySpan<byte> key)
    {
        var stored = GetStored(db, key);
        if (stored is not null && KeyRecord.Parse(stored).IsExpiredAt(NowMs))
        {
            Remove(db, key, stored, DeleteReason.Expired);
        }
    }

    /// <summary>
    /// Deletes whatever the key holds, live (reason: command) or expired, before a command replaces
    /// it with a value of its own (the *STORE commands, RESTORE, BITOP, SORT ... STORE).
    /// </summary>
    public void Overwrite(int db, ReadOnlySpan<byte> key)
    {
        var stored = GetStored(db, key);
        if (stored is not null)
        {
            Remove(db, key, stored, KeyRecord.Parse(stored).IsExpiredAt(NowMs) ? DeleteReason.Expired : DeleteReason.Command);
        }
    }

    /// <summary>Removes a stored record, a multi-leader tombstone included (which <see cref="Delete(int, ReadOnlySpan{byte}, DeleteReason)"/>, reading it as absent, leaves).</summary>
    private void Remove(int db, ReadOnlySpan<byte> key, byte[] stored, DeleteReason reason) =>
        Record(new DeleteChange(db, key.ToArray(), Records.ImageOf(stored), reason));

    /// <summary>The payload of the changes recorded since the last call, or null if none.</summary>
    public byte[]? TakePayload()
    {
        if (_changes.Count == 0)
        {
            return null;
        }
        var payload = LogicalPayload.Encode(_changes);
        ClearChanges();
        return payload;
    }

    /// <summary>
    /// Keys a command modified in Redis's eyes without changing a stored byte (SET of the value a
    /// key already holds): nothing is logged, but a WATCH on them fails, as in Redis.
    /// </summary>
    public IReadOnlyList<(int Db, byte[] Key)> Touched => _touched;

    private readonly List<(int Db, byte[] Key)> _touched = [];

    public void Touch(int db, ReadOnlySpan<byte> key)
    {
        var touched = (db, key.ToArray());
        _touched.Add(touched);
        _watchTouched.Add(touched);
    }

    /// <summary>The <see cref="Touched"/> keys that fail a WATCH: all but those touched with <see cref="TouchForEventsOnly"/>.</summary>
    public IReadOnlyList<(int Db, byte[] Key)> WatchTouched => _watchTouched;

    private readonly List<(int Db, byte[] Key)> _watchTouched = [];

    /// <summary>
    /// A key a command touched for its keyspace event only: Redis 7.0 fires the event but does not
    /// signal the key modified, so a WATCH on it holds (XGROUP SETID, XSETID: they change no entry).
    /// </summary>
    public void TouchForEventsOnly(int db, ReadOnlySpan<byte> key) => _touched.Add((db, key.ToArray()));

    /// <summary>Forgets <see cref="Touched"/> (the host has reported them).</summary>
    public void ClearTouched()
    {
        _touched.Clear();
        _watchTouched.Clear();
    }

    /// <summary>Where the recorded changes stand now (see <see cref="ResetTo"/>).</summary>
    public ChangeMark Mark() => new(_changes.Count, _payloadBytes);

    /// <summary>Forgets the changes recorded after <paramref name="mark"/> (the staged keyspace keeps them: the caller undid them).</summary>
    public void ResetTo(ChangeMark mark)
    {
        _changes.RemoveRange(mark.Changes, _changes.Count - mark.Changes);
        _payloadBytes = mark.PayloadBytes;
    }

    /// <summary>Forgets recorded changes without encoding them (the staged keyspace keeps them).</summary>
    public void ClearChanges()
    {
        _changes.Clear();
        _payloadBytes = 0;
    }

    /// <summary>
    /// Remembers the record of each key the change touches (a rename's or copy's target too)
    /// before the command's first change to it, after asking <see cref="SiteRefusal"/> whether a
    /// multi-leader site can version the change at all.
    /// </summary>
    private void TrackBeforeImage(KeyChange change)
    {
        var before = GetStored(change.Db, change.Key);
        if (SiteRefusal?.Invoke(change, before) is { } refusal)
        {
            throw new WriteRefusedException(refusal);
        }
        Remember(change.Db, change.Key, before);
        switch (change)
        {
            case RenameChange rename:
                Remember(rename.TargetDb, rename.Target, GetStored(rename.TargetDb, rename.Target));
                break;
            case CopyChange copy:
                Remember(copy.TargetDb, copy.Target, GetStored(copy.TargetDb, copy.Target));
                break;
        }
    }

    private void Remember(int db, byte[] key, byte[]? before)
    {
        byte[] dbKey = [(byte)db, .. key];
        _beforeImages.TryAdd(dbKey, before);
    }

    /// <summary>
    /// Set by a multi-leader site for each command: the reply refusing a change the site cannot
    /// version (given the key's stored record before it), or null to let it through.
    /// </summary>
    public Func<KeyChange, byte[]?, string?>? SiteRefusal { get; set; }

    /// <summary>Forgets the before-images of earlier commands (each command starts with none).</summary>
    public void ForgetBeforeImages() => _beforeImages.Clear();

    /// <summary>The keys the command changed and their records before it (see <see cref="TrackBeforeImages"/>); forgets them.</summary>
    public List<BeforeImage> TakeBeforeImages()
    {
        var images = _beforeImages.Select(static p => new BeforeImage(p.Key[0], p.Key[1..], p.Value)).ToList();
        _beforeImages.Clear();
        return images;
    }
}

/// <summary>How many changes were recorded, and how large their payload is, at one moment.</summary>
public readonly record struct ChangeMark(int Changes, long PayloadBytes);
/// <summary>A key a command changed and its stored record before the command (null: there was none).</summary>
public readonly record struct BeforeImage(int Db, byte[] Key, byte[]? Record);
