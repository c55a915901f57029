using System.Text;
using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// The log a snapshot for a joiner carries (DESIGN §4.3). A joiner restarts on a snapshot at
/// position S and takes the log from S+1 from the leader; the committed entries before S are
/// history it never reads, yet with 1 KiB values they are as large as the data (half of every
/// snapshot's bytes). So the copy's log is retired before it is sent, as retention retires a
/// prefix: the epoch history keeps which epoch wrote which LSN, its base moves. Kept: the last
/// entry (the log and the applied position end together, and the leader's first append checks the
/// entry at S), and every entry not known to be committed when the copy was taken, because a
/// failover may still discard those, and the joiner can undo them only from its log.
/// </summary>
public static class SnapshotLog
{
    /// <summary>
    /// Retires the log of <paramref name="copy"/> — a checkpoint, never a live node's storage —
    /// through <paramref name="committedThrough"/>, keeping at least its last entry. Returns the
    /// LSN retired through, or Zero when nothing was (the caller may then free the space of
    /// <see cref="RetiredKeys"/>).
    /// </summary>
    public static Lsn RetireCommittedPrefix(IStorageEngine copy, Lsn committedThrough)
    {
        var owner = copy.Get(StorageColumn.Meta, MetaKeys.NodeId) ?? throw new InvalidOperationException("the checkpoint holds no node id");
        var metadata = NodeMetadata.LoadOrCreate(copy, new NodeId(Encoding.ASCII.GetString(owner)));
        var history = metadata.History;
        var through = Lsn.Min(committedThrough, metadata.Applied.Lsn.Previous);
        if (through <= history.Base.Lsn)
        {
            return Lsn.Zero;
        }
        using var batch = copy.NewBatch();
        LogStore.DeleteThrough(batch, through);
        UndoImages.DeleteThrough(batch, through);
        history.RetireThrough(through);
        NodeMetadata.WriteHistory(batch, history);
        copy.Write(batch, sync: true);
        return through;
    }

    /// <summary>The log column's keys from the first LSN through <paramref name="through"/>, both inclusive.</summary>
    public static (byte[] From, byte[] Through) RetiredKeys(Lsn through) => (LogStore.Key(Lsn.Zero), LogStore.Key(through));
}
