using Chorus.Commands.Keyspace;
using Chorus.Commands.Physical;
using Chorus.Commands.Statements;
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
/// metadata (epoch history, the latest configuration entry) in step with the log. Applying and
/// undoing one entry is <see cref="EntryApplier"/>'s; the batches a physical entry needs of its
/// own are <see cref="PhysicalBatches"/>'.
/// </summary>
internal sealed class LogWriter
{
    private readonly IStorageEngine _storage;
    private readonly StagedKeyspace _keyspace;
    private readonly RollbackExport _rollbacks;
    private readonly DurabilityPolicy _durability;
    private readonly ILogger _logger;
    private readonly LogStore _log;
    private readonly EntryApplier _applier;
    private readonly PhysicalBatches _physical;
    private (int Count, Epoch Last) _persistedEpochs;
    private ConfigEntry? _config;

    public LogWriter(IStorageEngine storage, StagedKeyspace keyspace, StatementReplayer statements, RollbackExport rollbacks, DurabilityPolicy durability, ILogger logger, NodeMetadata metadata)
    {
        Formats = LogFormatHistory.Load(storage);
        _storage = storage;
        _keyspace = keyspace;
        _rollbacks = rollbacks;
        _durability = durability;
        _logger = logger;
        _log = new LogStore(storage);
        var lastStored = _log.LastLsn();
        Invariant.That(lastStored == metadata.Applied.Lsn, $"the log ends at {lastStored} where the applied LSN is {metadata.Applied.Lsn}: they are written in one batch");
        History = metadata.History;
        _applier = new EntryApplier(storage, keyspace, statements);
        _physical = new PhysicalBatches(storage, keyspace, _applier, History);
        _persistedEpochs = EpochsMark(metadata.History);
        Applied = metadata.Applied;
        _config = metadata.Config;
    }

    public LogStore Log => _log;

    /// <summary>WATCHed keys: told about every change once it is stored, and about rollbacks.</summary>
    public KeyWatches? Watches { get; init; }

    /// <summary>Keyspace notifications for the entries a follower applies (a statement's fire as its replayed commands run).</summary>
    public Chorus.Commands.Notifications.KeyspaceNotifier? Notifications { get => _applier.Notifications; init => _applier.Notifications = value; }

    /// <summary>This node's storage format version: physical entries written for another are refused.</summary>
    public uint StorageFormatVersion { get; init; } = Storage.StorageFormatVersion.Current;

    /// <summary>The log-format markers in the log.</summary>
    public LogFormatHistory Formats { get; }

    /// <summary>
    /// The row changes of a statement this node proposed (as leader), kept as the entry's undo
    /// images when it is appended.
    /// </summary>
    public void RememberUndo(Lsn lsn, byte[] logicalPayload) => _applier.RememberUndo(lsn, logicalPayload);

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
    public bool Append(AppendOperation append, long nowMs)
    {
        var entries = append.Entries;
        if (!entries.Any(PhysicalBatches.IsPhysical))
        {
            return AppendGroup(entries, append.Proposed, append.Sync, nowMs);
        }
        if (!append.Proposed)
        {
            // Refused before anything is stored: a stream for another storage format is never half-applied.
            foreach (var entry in entries.Where(PhysicalBatches.IsPhysical))
            {
                PhysicalStreamCheck.Version(entry.Lsn, entry.Payload.Span, StorageFormatVersion);
            }
        }
        // A physical entry writes storage bytes, and reads what they replace from storage: each
        // goes in a batch of its own, after the entries before it are stored. Each batch is a
        // prefix of the log with its data, so a crash between two leaves a consistent node; the
        // last one syncs (and with it every earlier one).
        var synced = false;
        var groups = PhysicalBatches.Groups(entries);
        for (var i = 0; i < groups.Count; i++)
        {
            synced = AppendGroup(groups[i], append.Proposed, append.Sync, nowMs, last: i == groups.Count - 1);
        }
        return synced;
    }

    private bool AppendGroup(IReadOnlyList<LogEntry> entries, bool proposed, bool syncAsked, long nowMs, bool last = true)
    {
        var lastEntry = entries[^1];
        using var batch = _storage.NewBatch();
        // A statement's row changes (its undo images) are what a WATCH must hear about.
        Dictionary<Lsn, byte[]>? statementChanges = null;
        foreach (var entry in entries)
        {
            if (PhysicalBatches.IsPhysical(entry))
            {
                UndoImages.Stage(batch, entry.Lsn, _applier.ApplyPhysical(entry, proposed, batch));
                continue;
            }
            var undo = proposed ? _applier.TakeProposedUndo(entry) : _applier.Apply(entry, nowMs);
            if (undo is not null)
            {
                UndoImages.Stage(batch, entry.Lsn, undo);
                (statementChanges ??= [])[entry.Lsn] = undo;
            }
        }
        _keyspace.FlushTo(batch, lastEntry.Lsn);
        ConfigEntry? config = null;
        foreach (var entry in entries)
        {
            LogStore.Append(batch, entry);
            Formats.OnAppended(batch, entry);
            if (entry.Kind == PayloadKind.ClusterConfig)
            {
                config = new ConfigEntry(entry.Lsn, entry.Payload);
            }
        }
        NodeMetadata.WriteApplied(batch, lastEntry.Position);
        WriteHistoryIfChanged(batch);
        if (config is { } latest)
        {
            NodeMetadata.WriteConfig(batch, latest);
            _config = latest;
        }
        var sync = last && (syncAsked || _durability == DurabilityPolicy.Always);
        _storage.Write(batch, sync);
        Applied = lastEntry.Position;
        if (Watches is { Active: true } watches)
        {
            foreach (var entry in entries)
            {
                if (statementChanges is not null && statementChanges.TryGetValue(entry.Lsn, out var changes))
                {
                    watches.Touch(PayloadKind.Logical, changes, _keyspace.Exists);
                }
                else
                {
                    watches.Touch(entry.Kind, entry.Payload.Span, _keyspace.Exists);
                }
            }
        }
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
        var rollback = new RollbackRecord(self, epoch, keepThrough, nowMs, discarded);
        var staged = discarded.Any(PhysicalBatches.IsPhysical);
        if (staged)
        {
            _physical.UndoInGroups(discarded, keepThrough, rollback);
        }
        else
        {
            for (var i = discarded.Count - 1; i >= 0; i--)
            {
                _applier.Undo(discarded[i]);
            }
        }
        _applier.ForgetProposed();
        Rollbacks++;
        RolledBackEntries += discarded.Count;
        var config = ConfigAt(keepThrough);
        using var batch = _storage.NewBatch();
        if (!staged)
        {
            PendingRollbacks.Stage(batch, rollback);
        }
        _keyspace.FlushTo(batch, keepThrough);
        LogStore.DeleteAfter(batch, keepThrough);
        UndoImages.DeleteAfter(batch, keepThrough);
        Formats.OnTruncated(batch, keepThrough);
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
        _persistedEpochs = EpochsMark(History);
        _storage.Write(batch, sync: true);
        Watches?.TouchAll();
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
        UndoImages.DeleteThrough(batch, through);
        // No rollback can reach a retired entry: what its changes left as garbage may go now.
        _keyspace.RetiredThrough = through.Value;
        NodeMetadata.WriteHistory(batch, History);
        _persistedEpochs = EpochsMark(History);
        _storage.Write(batch, sync: false);
        _storage.ReclaimSpace(StorageColumn.Log, LogStore.Key(Lsn.Zero), LogStore.Key(through.Next));
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
        if (EpochsMark(History) != _persistedEpochs)
        {
            NodeMetadata.WriteHistory(batch, History);
            _persistedEpochs = EpochsMark(History);
        }
    }

    // The epoch list only grows at its end (and drops its oldest once full), so its count and last
    // start tell whether it changed; the count alone would miss a new epoch once the list is full.
    private static (int Count, Epoch Last) EpochsMark(EpochHistory history) =>
        (history.Epochs.Count, history.Epochs.Count == 0 ? Epoch.Zero : history.Epochs[^1].Epoch);
}
