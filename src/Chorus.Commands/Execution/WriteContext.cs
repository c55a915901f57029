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
    private readonly Dictionary<byte[], byte[]?> _beforeImages = new(Core.ByteArrayComparer.Instance);
    private long _payloadBytes;

    public StagedKeyspace Keyspace { get; } = keyspace;

    /// <summary>Randomness for SPOP and friends; its choices are logged as row changes.</summary>
    public Random Random { get; } = random;

    /// <summary>The leader's time for this command, in Unix milliseconds.</summary>
    public long NowMs { get; set; }

    /// <summary>The database the command's connection selected (0–15).</summary>
    public int Db { get; set; }

    public IReadOnlyList<RowChange> Changes => _changes;

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
            Delete(db, key, DeleteReason.Expired);
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
            Delete(db, key, KeyRecord.Parse(stored).IsExpiredAt(NowMs) ? DeleteReason.Expired : DeleteReason.Command);
        }
    }

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

    /// <summary>Forgets recorded changes without encoding them (the staged keyspace keeps them).</summary>
    public void ClearChanges()
    {
        _changes.Clear();
        _payloadBytes = 0;
    }

    /// <summary>
    /// Remembers the key's record before the command's first change to it. Multi-leader versions
    /// whole key records of database 0 (a site refuses SELECT of another); in storage format 2 a
    /// collection's elements live outside its record, so a collection write is refused rather
    /// than replicated as a record that names elements other sites do not have.
    /// </summary>
    private void TrackBeforeImage(KeyChange change)
    {
        if (_beforeImages.ContainsKey(change.Key))
        {
            return;
        }
        var before = GetStored(change.Db, change.Key);
        if (change is ElementsChange || (before is not null && KeyRecord.Parse(before).IsCollection))
        {
            throw new WriteRefusedException(CollectionsRefusal);
        }
        _beforeImages[change.Key] = before;
    }

    /// <summary>The reply to a collection write at a multi-leader site.</summary>
    public const string CollectionsRefusal = "ERR multi-leader replication supports string keys only for now (hashes, sets, sorted sets and lists are not replicated between sites)";

    /// <summary>Forgets the before-images of earlier commands (each command starts with none).</summary>
    public void ForgetBeforeImages() => _beforeImages.Clear();

    /// <summary>The keys the command changed and their records before it (see <see cref="TrackBeforeImages"/>); forgets them.</summary>
    public List<KeyValuePair<byte[], byte[]?>> TakeBeforeImages()
    {
        var images = _beforeImages.ToList();
        _beforeImages.Clear();
        return images;
    }
}
