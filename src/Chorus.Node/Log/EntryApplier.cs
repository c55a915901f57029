using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Physical;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// Applies log entries to the node's data and undoes them: an entry from a leader is replayed
/// (a statement), applied as row changes (logical) or written as storage bytes (physical); an
/// entry this node proposed was staged by the command layer already, and only its undo images
/// are kept. Undoing reverses an entry from itself, or a statement from its undo images.
/// </summary>
internal sealed class EntryApplier(IStorageEngine storage, StagedKeyspace keyspace, StatementReplayer statements)
{
    private readonly Dictionary<Lsn, byte[]> _proposedUndo = [];

    /// <summary>Keyspace notifications for the entries a follower applies (a statement's fire as its replayed commands run).</summary>
    public Chorus.Commands.Notifications.KeyspaceNotifier? Notifications { get; set; }

    /// <summary>Keeps a proposed statement's row changes until its entry is appended (see <see cref="LogWriter.RememberUndo"/>).</summary>
    public void RememberUndo(Lsn lsn, byte[] logicalPayload) => _proposedUndo[lsn] = logicalPayload;

    /// <summary>A rollback discards every proposed entry not yet appended.</summary>
    public void ForgetProposed() => _proposedUndo.Clear();

    /// <summary>
    /// Writes a physical entry's bytes into <paramref name="batch"/> (the leader's own too: it
    /// captured them instead of staging them) and returns its undo record. An entry from a leader
    /// is first checked against this node's layout.
    /// </summary>
    public byte[] ApplyPhysical(LogEntry entry, bool proposed, IStorageBatch batch)
    {
        var physical = PhysicalPayload.Decode(entry.Payload.Span);
        if (!proposed)
        {
            PhysicalStreamCheck.Layout(entry.Lsn, physical, storage);
        }
        return PhysicalApplier.Apply(physical, storage, batch);
    }

    /// <summary>Applies an entry from a leader; returns the undo images of a statement entry.</summary>
    public byte[]? Apply(LogEntry entry, long nowMs)
    {
        if (entry.Kind == PayloadKind.Statement)
        {
            return statements.Replay(entry.Payload.Span, nowMs, entry.Lsn);
        }
        LogApplier.Apply(entry, keyspace);
        if (Notifications is { Enabled: true } notifications && entry.Kind == PayloadKind.Logical)
        {
            // The logical log carries row changes, not commands: events are named by the change.
            notifications.Record(null, Chorus.Commands.Notifications.EventHints.None, LogicalPayload.Decode(entry.Payload.Span), 0, keyspace.Exists);
        }
        return null;
    }

    public byte[]? TakeProposedUndo(LogEntry entry)
    {
        if (entry.Kind != PayloadKind.Statement)
        {
            return null;
        }
        Invariant.That(_proposedUndo.Remove(entry.Lsn, out var undo), $"the statement this node proposed at {entry.Lsn} left its row changes");
        return undo;
    }

    /// <summary>Undoes one entry: a statement from its undo images, any other kind from itself.</summary>
    public void Undo(LogEntry entry)
    {
        if (entry.Kind != PayloadKind.Statement)
        {
            LogApplier.Undo(entry, keyspace);
            return;
        }
        if (UndoImages.Read(storage, entry.Lsn) is not { } undo)
        {
            return; // the statement changed nothing on this node
        }
        var changes = LogicalPayload.Decode(undo);
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(changes[i], keyspace);
        }
    }
}
