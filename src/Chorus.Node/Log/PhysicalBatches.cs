using Chorus.Commands.Keyspace;
using Chorus.Commands.Physical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// A physical entry writes storage bytes, and reads what they replace from storage: it is
/// appended, and undone, in a storage batch of its own, after the entries before it are stored
/// (or, when undoing, after the entries after it are undone).
/// </summary>
internal sealed class PhysicalBatches(IStorageEngine storage, StagedKeyspace keyspace, EntryApplier applier, EpochHistory history)
{
    public static bool IsPhysical(LogEntry entry) => entry.Kind == PayloadKind.Physical;

    /// <summary>The entries cut so that every physical entry is a group of its own.</summary>
    public static List<IReadOnlyList<LogEntry>> Groups(IReadOnlyList<LogEntry> entries)
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

    /// <summary>
    /// Undoes a suffix that holds physical entries, newest first, a group at a time (each physical
    /// entry alone: its undo record writes storage bytes, which the row changes undone before it
    /// must read). Each group's batch also cuts the log and the applied position back to before
    /// it, so a crash between two leaves a consistent, shorter log; the first batch stages the
    /// whole rollback record for the rollback file (a crash part-way can only repeat entries in a
    /// second rollback file, never lose one).
    /// </summary>
    public void UndoInGroups(IReadOnlyList<LogEntry> discarded, Lsn keepThrough, RollbackRecord rollback)
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
            using var batch = storage.NewBatch();
            if (first)
            {
                PendingRollbacks.Stage(batch, rollback);
                first = false;
            }
            for (var i = end - 1; i >= start; i--)
            {
                if (!IsPhysical(discarded[i]))
                {
                    applier.Undo(discarded[i]);
                }
                else if (UndoImages.Read(storage, discarded[i].Lsn) is { } undo)
                {
                    PhysicalApplier.Undo(undo, batch);
                }
            }
            var cut = start == 0 ? new LogPosition(history.EpochAt(keepThrough) ?? Epoch.Zero, keepThrough) : discarded[start - 1].Position;
            keyspace.FlushTo(batch, cut.Lsn);
            LogStore.DeleteAfter(batch, cut.Lsn);
            UndoImages.DeleteAfter(batch, cut.Lsn);
            NodeMetadata.WriteApplied(batch, cut);
            storage.Write(batch, sync: true);
            end = start;
        }
    }
}
