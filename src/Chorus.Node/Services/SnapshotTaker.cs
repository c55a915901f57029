using Chorus.Core;
using Chorus.Replication;
using Chorus.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// The leader's side of a snapshot (DESIGN §4.3): a consistent copy of this node's storage — a
/// RocksDB checkpoint in production, an in-memory copy in the simulator — taken on the loop at a
/// known log position, after which the core keeps the log for the follower's catch-up.
/// </summary>
/// <param name="storeStaged">Carries out everything staged (the copy must hold every change up to its position).</param>
internal sealed class SnapshotTaker(IStorageEngine storage, IReplicationCore core, LogWriter log, Action storeStaged, ILogger logger)
{
    /// <summary>
    /// Writes a consistent copy of this node's database to <paramref name="directory"/> and returns
    /// the log position it holds. Runs on the loop, after everything staged is stored, so the copy
    /// is exactly the state after that position.
    /// </summary>
    public LogPosition CreateCheckpoint(string directory, string requester) =>
        Take(
            storage => (storage as ICheckpointable ?? throw new InvalidOperationException("this storage engine cannot create checkpoints")).CreateCheckpoint(directory),
            requester);

    /// <summary>
    /// How far the log is committed, at most <paramref name="position"/>: read on the loop right
    /// after a copy at <paramref name="position"/> was taken, so it speaks of the copy's own log.
    /// </summary>
    public Lsn CommittedThrough(LogPosition position) =>
        core.Committed is { } committed ? Lsn.Min(committed.Lsn, position.Lsn) : Lsn.Zero;

    /// <summary>
    /// Has <paramref name="copy"/> copy this node's storage for the follower <paramref name="requester"/>,
    /// and returns the log position the copy holds. Runs on the loop, after everything staged is stored.
    /// </summary>
    public LogPosition Take(Action<IStorageEngine> copy, string requester)
    {
        // Writes submitted earlier in this loop round are staged, not yet stored: carry them to
        // storage first, or the copy would claim a position whose changes it lacks.
        storeStaged();
        copy(storage);
        var position = log.Applied;
        if (NodeId.TryParse(requester, out var follower))
        {
            core.OnSnapshotTaken(follower, position);
        }
        return position;
    }

    /// <summary>A checkpoint asked for through the inbox; a failure reaches the asker (and the log), never the loop.</summary>
    public void CreateCheckpoint(CreateCheckpointInput checkpoint)
    {
        try
        {
            var position = CreateCheckpoint(checkpoint.Directory, checkpoint.Requester);
            checkpoint.Completion.TrySetResult(new CheckpointTaken(position, CommittedThrough(position)));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            logger.LogError(e, "could not create a checkpoint in {Directory}", checkpoint.Directory);
            checkpoint.Completion.TrySetException(e);
        }
    }
}
