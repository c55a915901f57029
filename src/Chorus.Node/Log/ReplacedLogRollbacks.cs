using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// When a node's database is replaced by another node's copy (a snapshot, a Merkle resync,
/// <c>CHORUS.RESYNC</c>), the entries only this node held — an old leader's writes that never
/// reached the others — would vanish with the old database. This moves them, and any rollback the
/// old database still had waiting for its file, into the new database's pending rollbacks, so
/// the node writes them to a rollback file when it starts, like any other truncation.
/// </summary>
public static class ReplacedLogRollbacks
{
    /// <summary>
    /// Stages in <paramref name="installed"/> (already claimed for <paramref name="self"/>) the
    /// entries of <paramref name="replaced"/> after the point the two logs share, and the
    /// rollbacks <paramref name="replaced"/> had not written yet. The installed copy's own waiting
    /// rollbacks are the other node's, which writes them itself: they are dropped here.
    /// Idempotent for the same <paramref name="atMs"/> (a crash mid-install repeats it). Returns
    /// how many entries this node held that the installed copy does not.
    /// </summary>
    public static int Carry(IStorageEngine replaced, IStorageEngine installed, NodeId self, long atMs)
    {
        var old = NodeMetadata.LoadOrCreate(replaced, self);
        var current = NodeMetadata.LoadOrCreate(installed, self);
        using var batch = installed.NewBatch();
        PendingRollbacks.DeleteAll(batch);
        foreach (var waiting in PendingRollbacks.ReadAll(replaced))
        {
            PendingRollbacks.Stage(batch, waiting);
        }
        var keepThrough = KeepThrough(old.History, current.History);
        var after = keepThrough < old.History.Last.Lsn ? new LogStore(replaced).Read(keepThrough.Next, long.MaxValue) : [];
        var discarded = after.TakeWhile(entry => IsDivergent(entry, current.History)).ToList();
        if (discarded.Count > 0)
        {
            PendingRollbacks.Stage(batch, new RollbackRecord(self, current.History.Last.Epoch, keepThrough, atMs, discarded));
        }
        installed.Write(batch, sync: true);
        return discarded.Count;
    }

    /// <summary>
    /// Whether an entry after the shared point is certainly not in the installed node's history,
    /// now or later. At an LSN the installed log covers, its epoch there differs. Past its end, an entry of an older epoch than the installed log's last can never
    /// appear there (epochs only grow along a log); one of the same or a later epoch may be that
    /// node's own next entry (a healthy follower is usually ahead of the checkpoint it downloads),
    /// so it is not reported: a false rollback notice would make a session retry a write that
    /// happened.
    /// </summary>
    private static bool IsDivergent(LogEntry entry, Replication.Log.EpochHistory installed) =>
        entry.Lsn <= installed.Last.Lsn ? installed.EpochAt(entry.Lsn) != entry.Epoch : entry.Epoch < installed.Last.Epoch;

    /// <summary>
    /// The last LSN both logs hold the same entry at. When the histories share nothing above
    /// their bases, the installed copy's base: what it retired cannot be compared any more (the
    /// core never lets an entry that is not on a majority be retired, so those were committed).
    /// </summary>
    private static Lsn KeepThrough(Replication.Log.EpochHistory old, Replication.Log.EpochHistory installed) =>
        old.CommonPoint(installed) ?? Lsn.Min(old.Last.Lsn, installed.Base.Lsn);
}
