using Chorus.Core;

namespace Chorus.Transport.Grpc;

/// <summary>Creates snapshots of the local node for followers to fetch; implemented by the node host.</summary>
public interface ISnapshotSource
{
    /// <summary>A consistent copy of the database in a directory of its own, and the log position it holds.</summary>
    Task<Snapshot> CreateAsync(string requester, SnapshotContents contents, CancellationToken cancellationToken);
}

/// <summary>What a snapshot holds.</summary>
public enum SnapshotContents
{
    /// <summary>Everything, the whole log included (a Merkle resync compares every row).</summary>
    Whole,

    /// <summary>
    /// What a node installing it needs: the data, and of the log only what could still be rolled
    /// back and the last entry (the joiner takes the rest of the log from the leader).
    /// </summary>
    ForInstall,
}

/// <summary>A checkpoint directory; disposing it deletes the directory.</summary>
public sealed class Snapshot(string directory, LogPosition position, Action<Snapshot> release) : IDisposable
{
    public string Directory { get; } = directory;

    public LogPosition Position { get; } = position;

    public void Dispose() => release(this);
}

/// <summary>Serves followers' Merkle resyncs (the Resync call); implemented by the node host.</summary>
public interface IResyncSource
{
    /// <summary>
    /// Answers <paramref name="follower"/>'s frames (the first one included) with
    /// <paramref name="send"/> until it stops sending.
    /// </summary>
    Task ServeAsync(NodeId follower, IAsyncEnumerable<ReadOnlyMemory<byte>> frames, Func<byte[], CancellationToken, Task> send, CancellationToken cancellationToken);
}
