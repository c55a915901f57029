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

    public StagedKeyspace Keyspace { get; } = keyspace;

    /// <summary>Randomness for SPOP and friends; its choices are logged as row changes.</summary>
    public Random Random { get; } = random;

    /// <summary>The leader's time for this command, in Unix milliseconds.</summary>
    public long NowMs { get; set; }

    /// <summary>The database the command's connection selected (0–15).</summary>
    public int Db { get; set; }

    public IReadOnlyList<RowChange> Changes => _changes;

    public byte[]? GetLive(int db, ReadOnlySpan<byte> key)
    {
        var value = Keyspace.Get(Keyspace.Physical(db), key);
        return value is not null && KeyRecord.Parse(value).IsExpiredAt(NowMs) ? null : value;
    }

    /// <summary>The record as staged, expired or not (what a change's before-image must be).</summary>
    public byte[]? GetStored(int db, ReadOnlySpan<byte> key) => Keyspace.Get(Keyspace.Physical(db), key);

    public byte[]? GetElement(ReadOnlySpan<byte> elementKey) => Keyspace.GetElement(elementKey);

    public IElementCursor OpenElements(ulong collectionId) => Keyspace.OpenElements(collectionId);

    public void Record(RowChange change)
    {
        RowChangeApplier.Apply(change, Keyspace);
        _changes.Add(change);
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
        if (before is null)
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
        _changes.Clear();
        return payload;
    }

    /// <summary>Forgets recorded changes without encoding them (the staged keyspace keeps them).</summary>
    public void ClearChanges() => _changes.Clear();
}
