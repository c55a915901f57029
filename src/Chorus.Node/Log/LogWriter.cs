using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
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
    private readonly StatementReplayer _statements;
    private readonly Dictionary<Lsn, byte[]> _proposedUndo = [];
    private int _persistedEpochCount;
    private ConfigEntry? _config;

    public LogWriter(IStorageEngine storage, StagedKeyspace keyspace, StatementReplayer statements, RollbackExport rollbacks, DurabilityPolicy durability, ILogger logger, NodeMetadata metadata)
    {
        _statements = statements;
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
        _persistedEpochCount = metadata.History.Epochs.Count;
        Applied = metadata.Applied;
        _config = metadata.Config;
    }

    public LogStore Log => _log;

    /// <summary>WATCHed keys: told about every change once it is stored, and about rollbacks.</summary>
    public KeyWatches? Watches { get; init; }

    /// <summary>Keyspace notifications for the entries a follower applies (a statement's fire as its replayed commands run).</summary>
    public Chorus.Commands.Notifications.KeyspaceNotifier? Notifications { get; init; }

    /// <summary>This node's storage format version: physical entries written for another are refused.</summary>
    public uint StorageFormatVersion { get; init; } = Storage.StorageFormatVersion.Current;

    /// <summary>The log-format markers in the log.</summary>
    public LogFormatHistory Formats { get; }

    /// <summary>
    /// The row changes of a statement this node proposed (as leader), kept as the entry's undo
    /// images when it is appended.
    /// </summary>
    public void RememberUndo(Lsn lsn, byte[] logicalPayload) => _proposedUndo[lsn] = logicalPayload;

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
        if (!entries.Any(IsPhysical))
        {
            return AppendGroup(entries, append.Proposed, append.Sync, nowMs);
        }
        if (!append.Proposed)
        {
            // Refused before anything is stored: a stream for another storage format is never half-applied.
            foreach (var entry in entries.Where(IsPhysical))
            {
                PhysicalStreamCheck.Version(entry.Lsn, entry.Payload.Span, StorageFormatVersion);
            }
        }
        // A physical entry writes storage bytes, and reads what they replace from storage: each
        // goes in a batch of its own, after the entries before it are stored. Each batch is a
        // prefix of the log with its data, so a crash between two leaves a consistent node; the
        // last one syncs (and with it every earlier one).
        var synced = false;
        var groups = PhysicalGroups(entries);
        for (var i = 0; i < groups.Count; i++)
        {
            synced = AppendGroup(groups[i], append.Proposed, append.Sync, nowMs, last: i == groups.Count - 1);
        }
        return synced;
    }

    private static bool IsPhysical(LogEntry entry) => entry.Kind == PayloadKind.Physical;

    /// <summary>The entries cut so that every physical entry is a group of its own.</summary>
    private static List<IReadOnlyList<LogEntry>> PhysicalGroups(IReadOnlyList<LogEntry> entries)
    {
        var groups = new List<IReadOnlyList<LogEntry>>();
        var run = new List<LogEntry>();
        foreach (var entry in entries)
        {
            if (IsPhysical(entry))
            {
                if (run.Count > 0)
                {
                    groups.Add(run);
                    run = [];
                }
                groups.Add([entry]);
                continue;
            }
            run.Add(entry);
        }
        if (run.Count > 0)
        {
            groups.Add(run);
        }
        return groups;
    }

    private bool AppendGroup(IReadOnlyList<LogEntry> entries, bool proposed, bool syncAsked, long nowMs, bool last = true)
    {
        var lastEntry = entries[^1];
        using var batch = _storage.NewBatch();
        // A statement's row changes (its undo images) are what a WATCH must hear about.
        Dictionary<Lsn, byte[]>? statementChanges = null;
        foreach (var entry in entries)
        {
            if (IsPhysical(entry))
            {
                UndoImages.Stage(batch, entry.Lsn, ApplyPhysical(entry, proposed, batch));
                continue;
            }
            var undo = proposed ? TakeProposedUndo(entry) : Apply(entry, nowMs);
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
    /// Writes a physical entry's bytes into <paramref name="batch"/> (the leader's own too: it
    /// captured them instead of staging them) and returns its undo record. An entry from a leader
    /// is first checked against this node's layout.
    /// </summary>
    private byte[] ApplyPhysical(LogEntry entry, bool proposed, IStorageBatch batch)
    {
        var physical = PhysicalPayload.Decode(entry.Payload.Span);
        if (!proposed)
        {
            PhysicalStreamCheck.Layout(entry.Lsn, physical, _storage);
        }
        return PhysicalApplier.Apply(physical, _storage, batch);
    }

    /// <summary>Applies an entry from a leader; returns the undo images of a statement entry.</summary>
    private byte[]? Apply(LogEntry entry, long nowMs)
    {
        if (entry.Kind == PayloadKind.Statement)
        {
            return _statements.Replay(entry.Payload.Span, nowMs, entry.Lsn);
        }
        LogApplier.Apply(entry, _keyspace);
        if (Notifications is { Enabled: true } notifications && entry.Kind == PayloadKind.Logical)
        {
            // The logical log carries row changes, not commands: events are named by the change.
            notifications.Record(null, Chorus.Commands.Notifications.EventHints.None, LogicalPayload.Decode(entry.Payload.Span), 0, _keyspace.Exists);
        }
        return null;
    }

    private byte[]? TakeProposedUndo(LogEntry entry)
    {
        if (entry.Kind != PayloadKind.Statement)
        {
            return null;
        }
        Invariant.That(_proposedUndo.Remove(entry.Lsn, out var undo), $"the statement this node proposed at {entry.Lsn} left its row changes");
        return undo;
    }

    /// <summary>Undoes one entry: a statement from its undo images, any other kind from itself.</summary>
    private void Undo(LogEntry entry)
    {
        if (entry.Kind != PayloadKind.Statement)
        {
            LogApplier.Undo(entry, _keyspace);
            return;
        }
        if (UndoImages.Read(_storage, entry.Lsn) is not { } undo)
        {
            return; // the statement changed nothing on this node
        }
        var changes = LogicalPayload.Decode(undo);
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(changes[i], _keyspace);
        }
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
        var staged = discarded.Any(IsPhysical);
        if (staged)
        {
            UndoInGroups(discarded, keepThrough, rollback);
        }
        else
        {
            for (var i = discarded.Count - 1; i >= 0; i--)
            {
                Undo(discarded[i]);
            }
        }
        _proposedUndo.Clear();
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
        _persistedEpochCount = History.Epochs.Count;
        _storage.Write(batch, sync: true);
        Watches?.TouchAll();
        _config = config;
        _logger.LogWarning("rolled back {Count} entries after LSN {KeepThrough} that the leader does not have; they go to a rollback file", discarded.Count, keepThrough);
        _rollbacks.Export(nowMs);
        return config;
    }

    /// <summary>
    /// Undoes a suffix that holds physical entries, newest first, a group at a time (each physical
    /// entry alone: its undo record writes storage bytes, which the row changes undone before it
    /// must read). Each group's batch also cuts the log and the applied position back to before
    /// it, so a crash between two leaves a consistent, shorter log; the first batch stages the
    /// whole rollback record for the rollback file (a crash part-way can only repeat entries in a
    /// second rollback file, never lose one).
    /// </summary>
    private void UndoInGroups(IReadOnlyList<LogEntry> discarded, Lsn keepThrough, RollbackRecord rollback)
    {
        var end = discarded.Count;
        var first = true;
        while (end > 0)
        {
            var start = end - 1;
            while (!IsPhysical(discarded[end - 1]) && start > 0 && !IsPhysical(discarded[start - 1]))
            {
                start--;
            }
            using var batch = _storage.NewBatch();
            if (first)
            {
                PendingRollbacks.Stage(batch, rollback);
                first = false;
            }
            for (var i = end - 1; i >= start; i--)
            {
                if (!IsPhysical(discarded[i]))
                {
                    Undo(discarded[i]);
                }
                else if (UndoImages.Read(_storage, discarded[i].Lsn) is { } undo)
                {
                    PhysicalApplier.Undo(undo, batch);
                }
            }
            var cut = start == 0 ? new LogPosition(History.EpochAt(keepThrough) ?? Epoch.Zero, keepThrough) : discarded[start - 1].Position;
            _keyspace.FlushTo(batch, cut.Lsn);
            LogStore.DeleteAfter(batch, cut.Lsn);
            UndoImages.DeleteAfter(batch, cut.Lsn);
            NodeMetadata.WriteApplied(batch, cut);
            _storage.Write(batch, sync: true);
            end = start;
        }
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
        _persistedEpochCount = History.Epochs.Count;
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
        if (History.Epochs.Count != _persistedEpochCount)
        {
            NodeMetadata.WriteHistory(batch, History);
            _persistedEpochCount = History.Epochs.Count;
        }
    }
}
