using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication;
using Chorus.Replication.Log;
using Chorus.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// Carries out a core's log operations against the node's storage: an append stores the entries,
/// their data changes and the applied position in one atomic batch; a truncation undoes a
/// divergent suffix and stages it for its rollback file in the same batch (see
/// <see cref="RollbackExport"/>); retirement deletes a prefix. It also keeps the node's log
/// metadata (epoch history, the latest configuration entry) in step with the log.
/// </summary>
internal sealed class LogWriter
{
    private readonly IStorageEngine _storage;
    private readonly StagedKeyspace _keyspace;
    private readonly RollbackExport _rollbacks;
    private readonly DurabilityPolicy _durability;
    private readonly ILogger _logger;
    private readonly LogStore _log;
    private int _persistedEpochCount;
    private ConfigEntry? _config;

    public LogWriter(IStorageEngine storage, StagedKeyspace keyspace, RollbackExport rollbacks, DurabilityPolicy durability, ILogger logger, NodeMetadata metadata)
    {
        _storage = storage;
        _keyspace = keyspace;
        _rollbacks = rollbacks;
        _durability = durability;
        _logger = logger;
        _log = new LogStore(storage);
        var lastStored = _log.LastLsn();
        Invariant.That(lastStored == metadata.Applied.Lsn, $"the log ends at {lastStored} where the applied LSN is {metadata.Applied.Lsn}: they are written in one batch");
        History = metadata.History;
        _persistedEpochCount = metadata.History.Epochs.Count;
        Applied = metadata.Applied;
        _config = metadata.Config;
    }

    public LogStore Log => _log;

    /// <summary>The node's epoch history as stored (the core extends the same object).</summary>
    public EpochHistory History { get; }

    /// <summary>The position of the last entry stored (and applied).</summary>
    public LogPosition Applied { get; private set; }

    public long RetiredEntries { get; private set; }

    public long Rollbacks { get; private set; }

    public long RolledBackEntries { get; private set; }

    public void PersistHardState(HardState hardState)
    {
        using var batch = _storage.NewBatch();
        NodeMetadata.WriteHardState(batch, hardState);
        _storage.Write(batch, sync: true);
    }

    /// <summary>
    /// Appends and applies entries in one atomic batch: log records, data changes, applied
    /// position. Entries this node proposed were staged by the command layer already; others
    /// (from a leader) are applied to the staged keyspace here. Returns whether it was synced.
    /// </summary>
    public bool Append(AppendOperation append)
    {
        var entries = append.Entries;
        if (!append.Proposed)
        {
            foreach (var entry in entries)
            {
                LogApplier.Apply(entry, _keyspace);
            }
        }
        var last = entries[^1];
        using var batch = _storage.NewBatch();
        _keyspace.FlushTo(batch);
        ConfigEntry? config = null;
        foreach (var entry in entries)
        {
            LogStore.Append(batch, entry);
            if (entry.Kind == PayloadKind.ClusterConfig)
            {
                config = new ConfigEntry(entry.Lsn, entry.Payload);
            }
        }
        NodeMetadata.WriteApplied(batch, last.Position);
        WriteHistoryIfChanged(batch);
        if (config is { } latest)
        {
            NodeMetadata.WriteConfig(batch, latest);
            _config = latest;
        }
        var sync = append.Sync || _durability == DurabilityPolicy.Always;
        _storage.Write(batch, sync);
        Applied = last.Position;
        return sync;
    }

    /// <summary>
    /// Rolls back every entry after <paramref name="keepThrough"/>; returns the latest
    /// configuration entry that remains. The discarded entries move from the log to the pending
    /// rollbacks in the same atomic batch, then go to a rollback file.
    /// </summary>
    public ConfigEntry? Truncate(Lsn keepThrough, NodeId self, Epoch epoch, long nowMs)
    {
        var discarded = _log.Read(keepThrough.Next, long.MaxValue);
        for (var i = discarded.Count - 1; i >= 0; i--)
        {
            LogApplier.Undo(discarded[i], _keyspace);
        }
        Rollbacks++;
        RolledBackEntries += discarded.Count;
        var config = ConfigAt(keepThrough);
        using var batch = _storage.NewBatch();
        PendingRollbacks.Stage(batch, new RollbackRecord(self, epoch, keepThrough, nowMs, discarded));
        _keyspace.FlushTo(batch);
        LogStore.DeleteAfter(batch, keepThrough);
        Applied = new LogPosition(History.EpochAt(keepThrough) ?? Epoch.Zero, keepThrough);
        NodeMetadata.WriteApplied(batch, Applied);
        NodeMetadata.WriteHistory(batch, History);
        if (config is { } kept)
        {
            NodeMetadata.WriteConfig(batch, kept);
        }
        else
        {
            NodeMetadata.DeleteConfig(batch);
        }
        _persistedEpochCount = History.Epochs.Count;
        _storage.Write(batch, sync: true);
        _config = config;
        _logger.LogWarning("rolled back {Count} entries after LSN {KeepThrough} that the leader does not have; they go to a rollback file", discarded.Count, keepThrough);
        _rollbacks.Export(nowMs);
        return config;
    }

    /// <summary>Deletes the log's prefix through <paramref name="through"/> (the history already moved its base).</summary>
    public void Retire(Lsn through)
    {
        using var batch = _storage.NewBatch();
        LogStore.DeleteThrough(batch, through);
        NodeMetadata.WriteHistory(batch, History);
        _persistedEpochCount = History.Epochs.Count;
        _storage.Write(batch, sync: false);
        RetiredEntries = (long)through.Value;
        _logger.LogInformation("retired the log through LSN {Through}; it now starts at {First}", through, through.Next);
    }

    /// <summary>The latest configuration entry at or before <paramref name="lsn"/>: a truncation may remove newer ones.</summary>
    private ConfigEntry? ConfigAt(Lsn lsn)
    {
        if (_config is not { } latest || latest.Lsn <= lsn)
        {
            return _config;
        }
        foreach (var entry in _log.ReadBackwards(lsn))
        {
            if (entry.Kind == PayloadKind.ClusterConfig)
            {
                return new ConfigEntry(entry.Lsn, entry.Payload);
            }
        }
        return null;
    }

    private void WriteHistoryIfChanged(IStorageBatch batch)
    {
        if (History.Epochs.Count != _persistedEpochCount)
        {
            NodeMetadata.WriteHistory(batch, History);
            _persistedEpochCount = History.Epochs.Count;
        }
    }
}
