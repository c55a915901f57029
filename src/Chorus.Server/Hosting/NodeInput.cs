using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Core.Messaging;
using Chorus.Node;

namespace Chorus.Server.Hosting;

/// <summary>Something for the node's loop to handle. Everything that changes node state arrives as one.</summary>
internal abstract record NodeInput;

internal sealed record ClientWritesInput(ClientWriteBatch Batch) : NodeInput;

internal sealed record PeerMessageInput(Envelope Message) : NodeInput;

internal sealed record PeerConnectedInput(NodeId Peer) : NodeInput;

internal sealed record FlushedInput(Lsn Lsn) : NodeInput;

internal sealed record ChangeSettingsInput(Func<ClusterSettings, ClusterSettings> Change, TaskCompletionSource<string?> Completion) : NodeInput;

internal sealed record CreateCheckpointInput(string Directory, string Requester, TaskCompletionSource<LogPosition> Completion) : NodeInput;

/// <summary>Runs an administrative action on the node loop and hands back its result (an error, or null).</summary>
internal sealed record AdminInput(Func<NodeDriver, string?> Action, TaskCompletionSource<string?> Completion) : NodeInput;

internal sealed record WaitReplicasInput(Lsn Lsn, int Count, long TimeoutMs, TaskCompletionSource<int> Completion) : NodeInput;
