using Chorus.Core;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Server.Configuration;
using Chorus.Server.Resp;

namespace Chorus.Server.Hosting;

/// <summary>
/// Where a connection's write commands go: into the local node loop — which runs them on the
/// leader and, on a follower, forwards them to the leader (the default; the node shell's
/// <c>WriteForwarding</c>, over <see cref="GrpcForwardLink"/>) — or, with replica-writes reject
/// or redirect, refused on a follower with Redis's -READONLY or -MOVED. A read a guarantee wants
/// served by the leader takes the same forwarding path (<see cref="ForwardReadAsync"/>).
/// </summary>
internal sealed class WriteGateway(NodeDriver driver, NodeInbox inbox, ReplicaWritePolicy replicaWrites, ServerStats stats)
{
    /// <param name="session">The named session (CHORUS.SESSION) the writes belong to: a forwarded batch names it, so the leader records its position.</param>
    public async Task ExecuteAsync(ClientWriteBatch batch, CancellationToken cancellationToken, string? session = null)
    {
        // Routed by the published status, never by the core's live state (another thread owns
        // it); the loop re-checks: a stale view is forwarded or refused there, with the current leader.
        // A transaction that only reads runs on this node, whatever its role.
        if (replicaWrites == ReplicaWritePolicy.Forward || driver.Status.Role == NodeRole.Leader || (batch.IsTransaction && !batch.TransactionWrites))
        {
            batch.Forwardable = replicaWrites == ReplicaWritePolicy.Forward;
            batch.Session = session;
            inbox.Post(new ClientWritesInput(batch));
            await BlockedWait.CompletionAsync(inbox, batch, cancellationToken);
            return;
        }
        batch.Fail(replicaWrites == ReplicaWritePolicy.Redirect ? Redirect() : OutcomeText.ReadOnlyReplica);
    }

    /// <summary>
    /// Has the leader serve one read for this follower (a read-your-writes strategy or a guarantee
    /// this replica cannot meet in time): a one-command read-only transaction that the loop
    /// forwards like a write (or runs itself, if this node leads by then), so the leader runs it
    /// on its loop against its latest state. The reply is not held for local visibility: the read
    /// is the leader's.
    /// </summary>
    public async Task ForwardReadAsync(ClientWriteBatch read, CancellationToken cancellationToken)
    {
        Invariant.That(read.IsTransaction && read.Commands.Count == 1, "a forwarded read is one command run as a transaction");
        stats.CountForwardedRead();
        read.Forwardable = true;
        read.ReadAtLeader = true;
        inbox.Post(new ClientWritesInput(read));
        await BlockedWait.CompletionAsync(inbox, read, cancellationToken);
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
