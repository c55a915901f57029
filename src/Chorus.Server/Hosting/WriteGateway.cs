using Chorus.Server.Configuration;
using Chorus.Node;
using Chorus.Replication;

namespace Chorus.Server.Hosting;

/// <summary>
/// Where a connection's write commands go: into the local node loop — which runs them on the
/// leader and, on a follower, forwards them to the leader (the default; the node shell's
/// <c>WriteForwarding</c>, over <see cref="GrpcForwardLink"/>) — or, with replica-writes reject
/// or redirect, refused on a follower with Redis's -READONLY or -MOVED.
/// </summary>
internal sealed class WriteGateway(NodeDriver driver, NodeInbox inbox, ReplicaWritePolicy replicaWrites)
{
    public async Task ExecuteAsync(ClientWriteBatch batch, CancellationToken cancellationToken)
    {
        // Routed by the published status, never by the core's live state (another thread owns
        // it); the loop re-checks: a stale view is forwarded or refused there, with the current leader.
        // A transaction that only reads runs on this node, whatever its role.
        if (replicaWrites == ReplicaWritePolicy.Forward || driver.Status.Role == NodeRole.Leader || (batch.IsTransaction && !batch.TransactionWrites))
        {
            batch.Forwardable = replicaWrites == ReplicaWritePolicy.Forward;
            inbox.Post(new ClientWritesInput(batch));
            await BlockedWait.CompletionAsync(inbox, batch, cancellationToken);
            return;
        }
        batch.Fail(replicaWrites == ReplicaWritePolicy.Redirect ? Redirect() : OutcomeText.ReadOnlyReplica);
    }

    /// <summary>Redis Cluster's MOVED shape (slot 0), so cluster-aware clients follow it to the leader.</summary>
    private string Redirect()
    {
        var status = driver.Status;
        var endpoint = status.Leader is { } leader ? status.Settings.Find(leader)?.ClientEndpoint : null;
        endpoint = string.IsNullOrEmpty(endpoint) ? status.Link?.LeaderClientEndpoint : endpoint;
        return string.IsNullOrEmpty(endpoint)
            ? Refusal()
            : $"MOVED 0 {endpoint}";
    }

    private string Refusal() => driver.Status.Admission.Refusal is { } refusal ? OutcomeText.Error(refusal) : "TRYAGAIN no leader is known yet; retry";
}
