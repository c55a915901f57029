using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Execution;

/// <summary>
/// What a write command sees and does: the staged keyspace (stored state plus earlier writes of
/// the same group), the time and randomness it may use (inputs, so a run is reproducible), and
/// the row changes it records. Recording a change applies it to the staged keyspace with the
/// same code followers use.
/// </summary>
public sealed class WriteContext(StagedKeyspace keyspace, Random random)
{
    private readonly List<RowChange> _changes = [];
    private readonly Dictionary<byte[], byte[]?> _beforeImages = new(Core.ByteArrayComparer.Instance);
    private long _payloadBytes;

    public StagedKeyspace Keyspace { get; } = keyspace;

    /// <summary>Randomness for SPOP and friends; its choices are logged as row changes.</summary>
    public Random Random { get; } = random;

    /// <summary>The leader's time for this command, in Unix milliseconds.</summary>
    public long NowMs { get; set; }

    public IReadOnlyList<RowChange> Changes => _changes;

    /// <summary>How large this write may be (see <see cref="WriteLimits"/>); set by the host.</summary>
    public WriteLimits Limits { get; set; } = WriteLimits.Default;

    /// <summary>The encoded value of a live key, or null if it is absent or expired.</summary>
    public byte[]? GetLive(ReadOnlySpan<byte> key)
    {
        var value = Keyspace.Get(key);
        return value is not null && StoredValue.Parse(value).IsExpiredAt(NowMs) ? null : value;
    }

    /// <summary>
    /// Whether to remember, per key, the stored record as it was before the first change the
    /// current command records to it (version metadata included): a multi-leader site versions
    /// each changed key from it (<see cref="TakeBeforeImages"/>).
    /// </summary>
    public bool TrackBeforeImages { get; set; }

    /// <summary>
    /// Applies <paramref name="change"/> to the staged keyspace and records it for the log entry.
    /// Throws <see cref="WriteTooLargeException"/> (the executor undoes what was recorded) when
    /// the entry would outgrow <see cref="WriteLimits.EntryBytesMax"/> or the key would hold more
    /// than <see cref="WriteLimits.WriteBytesMax"/>.
    /// </summary>
    public void Record(RowChange change)
    {
        var payloadBytes = _payloadBytes + LogicalPayload.EncodedLength(change);
        if (payloadBytes > Limits.EntryBytesMax)
        {
            throw new WriteTooLargeException(Limits.EntryTooLarge(payloadBytes));
        }
        if (TrackBeforeImages && change is not FlushAllChange && !_beforeImages.ContainsKey(change.Key))
        {
            _beforeImages[change.Key] = Keyspace.Get(change.Key);
        }
        RowChangeApplier.Apply(change, Keyspace);
        _changes.Add(change);
        _payloadBytes = payloadBytes;
        if (change is not (DeleteChange or FlushAllChange) && Keyspace.Get(change.Key) is { } stored && stored.Length > Limits.WriteBytesMax
            && StoredValue.Parse(stored).Payload.Length is var valueBytes && valueBytes > Limits.WriteBytesMax)
        {
            throw new WriteTooLargeException(Limits.ValueTooLarge(valueBytes));
        }
    }

    /// <summary>The key now holds <paramref name="encodedValue"/>.</summary>
    public void Put(ReadOnlySpan<byte> key, byte[] encodedValue) =>
        Record(new PutChange(key.ToArray(), encodedValue, Keyspace.Get(key)));

    /// <summary>Deletes the key if it is stored (expired or not); false if there was nothing.</summary>
    public bool Delete(ReadOnlySpan<byte> key, DeleteReason reason = DeleteReason.Command)
    {
        var before = Keyspace.Get(key);
        if (before is null || StoredValue.IsTombstoneRecord(before))
        {
            return false;
        }
        Record(new DeleteChange(key.ToArray(), before, reason));
        return true;
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
