using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication;

namespace Chorus.Node;

/// <summary>Something for the node's loop to handle. Everything that changes node state arrives as one.</summary>
public abstract record NodeInput;

/// <summary>A client connection's group of write commands (the client lane: peers go first).</summary>
public sealed record ClientWritesInput(ClientWriteBatch Batch) : NodeInput;

public sealed record PeerMessageInput(Envelope Message) : NodeInput;

public sealed record PeerConnectedInput(NodeId Peer) : NodeInput;

/// <summary>A background sync made everything up to <paramref name="Lsn"/> durable.</summary>
public sealed record FlushedInput(Lsn Lsn) : NodeInput;

/// <summary>Copies the node's storage for a follower's snapshot (see <see cref="NodeDriver.TakeSnapshot"/>); completes with the position the copy holds.</summary>
public sealed record SnapshotInput(string Requester, Action<Chorus.Storage.IStorageEngine> Copy, TaskCompletionSource<LogPosition> Completion) : NodeInput;

/// <summary>Writes a checkpoint of the node's storage to <paramref name="Directory"/> (see <see cref="NodeDriver.CreateCheckpoint"/>).</summary>
public sealed record CreateCheckpointInput(string Directory, string Requester, TaskCompletionSource<CheckpointTaken> Completion) : NodeInput;

/// <summary>
/// A checkpoint's log position, and how far its log was committed when it was taken (Zero when the
/// family does not say): entries up to there can never be rolled back, so a copy sent to a joiner
/// may leave them out (<see cref="SnapshotLog"/>).
/// </summary>
public readonly record struct CheckpointTaken(LogPosition Position, Lsn CommittedThrough);

/// <summary>
/// Runs an operator's action against the core on the loop (FAILOVER, CHORUS.ELECT, a settings
/// change: family-specific, so the host supplies it) and hands back its result — an error, or
/// null — once the Ready it produced is carried out (a settings change is then stored).
/// </summary>
public sealed record AdminInput(Func<IReplicationCore, string?> Action, TaskCompletionSource<string?> Completion) : NodeInput;

/// <summary>WAIT: complete with the number of replicas holding <paramref name="Lsn"/> once <paramref name="Count"/> do, or after <paramref name="TimeoutMs"/> (0: no timeout).</summary>
public sealed record WaitReplicasInput(Lsn Lsn, int Count, long TimeoutMs, TaskCompletionSource<int> Completion) : NodeInput;

/// <summary>Publish the status now (INFO after a write must show it).</summary>
public sealed record RefreshStatusInput(TaskCompletionSource<string?> Completion) : NodeInput;

/// <summary>
/// A read that must wait before this node may serve it (<see cref="ReadGuard"/>): the loop runs
/// <paramref name="Serve"/> (the read against local storage) once the guard holds, and completes
/// <paramref name="Completion"/> when the reply may leave.
/// </summary>
public sealed record GuardedReadInput(ReadGuard Guard, Action Serve, TaskCompletionSource<ReadVerdict> Completion) : NodeInput;
