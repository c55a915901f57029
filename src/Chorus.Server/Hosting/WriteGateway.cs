using System.Buffers;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Server.Configuration;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Server.Resp;
using Chorus.Transport.Grpc;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Where a connection's write commands go: into the local node loop on the leader; on a
/// follower, forwarded to the leader (default) or refused with Redis's -READONLY. A forwarded
/// write's reply is held until the write is visible on this follower, so the client can read
/// its own write here.
/// </summary>
internal sealed class WriteGateway(
    NodeDriver driver,
    NodeInbox inbox,
    GrpcTransport transport,
    ReplicaWritePolicy replicaWrites,
    TimeSpan forwardTimeout,
    TimeSpan visibilityWait,
    ServerStats stats,
    ILogger logger)
{
    /// <summary>This node's scripts: a forwarded EVALSHA of a script known here carries its body, so the leader runs it even if it never saw it.</summary>
    public Scripting.ScriptCache? Scripts { get; init; }

    /// <param name="session">The named session (CHORUS.SESSION) the writes belong to: a forwarded batch names it, so the leader records its position.</param>
    public async Task ExecuteAsync(ClientWriteBatch batch, CancellationToken cancellationToken, string? session = null)
    {
        // Routed by the published status, never by the core's live state (another thread owns
        // it); the loop re-checks, and refuses with the current leader if this view was stale.
        // A transaction that only reads runs on this node, whatever its role.
        if (driver.Status.Role == NodeRole.Leader || (batch.IsTransaction && !batch.TransactionWrites))
        {
            inbox.Post(new ClientWritesInput(batch));
            await BlockedWait.CompletionAsync(inbox, batch, cancellationToken);
            return;
        }
        switch (replicaWrites)
        {
            case ReplicaWritePolicy.Reject:
                batch.Fail(OutcomeText.ReadOnlyReplica);
                return;
            case ReplicaWritePolicy.Redirect:
                batch.Fail(Redirect());
                return;
        }
        await ForwardAsync(batch, session, waitVisible: true, cancellationToken);
    }

    /// <summary>
    /// Has the leader serve one read for this follower (a read-your-writes strategy or a guarantee
    /// this replica cannot meet in time): the same path as a forwarded write, as a one-command
    /// read-only transaction, so the leader runs it on its loop against its latest state. The
    /// reply is not held for local visibility: the read is the leader's.
    /// </summary>
    public async Task ForwardReadAsync(ClientWriteBatch read, CancellationToken cancellationToken)
    {
        Invariant.That(read.IsTransaction && read.Commands.Count == 1, "a forwarded read is one command run as a transaction");
        if (driver.Status.Leader == inbox.Self)
        {
            read.Fail("TRYAGAIN this node became the leader while the read was on its way; retry");
            return;
        }
        stats.CountForwardedRead();
        await ForwardAsync(read, null, waitVisible: false, cancellationToken);
    }

    private async Task ForwardAsync(ClientWriteBatch batch, string? session, bool waitVisible, CancellationToken cancellationToken)
    {
        if (driver.Status.Leader is not { } leader)
        {
            batch.Fail(Refusal());
            return;
        }
        if (waitVisible)
        {
            stats.CountForwarded(batch.Commands.Count);
        }
        ForwardReply reply;
        try
        {
            // A blocking command waits on the leader as long as its own timeout says (0: forever).
            var request = ToRequest(batch);
            request.Session = session ?? "";
            reply = await transport.ForwardAsync(leader, request, batch.MayBlock ? null : forwardTimeout, cancellationToken);
        }
        catch (RpcException e)
        {
            logger.LogDebug("forwarding to {Leader} failed: {Status}", leader, e.Status);
            batch.Fail($"MASTERDOWN Link with the leader {leader} is down ({e.StatusCode}); the write was not applied, retry later");
            return;
        }
        if (!string.IsNullOrEmpty(reply.Error))
        {
            batch.Fail(reply.Error);
            return;
        }
        batch.WatchAborted = reply.Aborted;
        if (batch.IsTransaction && PhysicalDb.IsValidLogical((int)Math.Min(reply.Db, int.MaxValue)))
        {
            batch.Db = (int)reply.Db;
        }
        batch.ReplyEnds.AddRange(reply.ReplyEnds.Select(e => (int)e));
        var waitFor = new Lsn(reply.WaitLsn);
        if (waitVisible && !await driver.Applied.WaitAsync(waitFor, visibilityWait, cancellationToken))
        {
            logger.LogDebug("forwarded write at LSN {Lsn} not yet visible locally after {Wait}", waitFor, visibilityWait);
        }
        batch.Replies.Write(reply.Replies.Span);
        batch.WaitFor = waitFor;
        batch.CompleteForwarded();
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

    private ForwardRequest ToRequest(ClientWriteBatch batch)
    {
        var request = new ForwardRequest { Protocol = (uint)batch.Protocol, From = inbox.Self.Value, Db = (uint)batch.Db, Transaction = batch.IsTransaction };
        if (batch.IsTransaction && batch.Watch is { } watch)
        {
            // The leader checks its own log after this node's position: a change this node has
            // not applied yet must abort the transaction too.
            request.WatchAfterLsn = watch.WatchedAt.Value;
            foreach (var (db, key, _, _) in driver.Watches.KeysOf(watch))
            {
                request.Watched.Add(new WatchedKey { Db = (uint)db, Key = ByteString.CopyFrom(key) });
            }
        }
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var command = batch.Commands[i];
            var forwarded = new Command();
            for (var a = 0; a < command.ArgumentCount; a++)
            {
                forwarded.Args.Add(ByteString.CopyFrom(command[a]));
            }
            if ((command.NameIs("EVALSHA"u8) || command.NameIs("EVALSHA_RO"u8)) && command.ArgumentCount > 1
                && Scripts is { } scripts && scripts.TryGet(System.Text.Encoding.ASCII.GetString(command[1]), out var body))
            {
                forwarded.Args[0] = ByteString.CopyFromUtf8(command.NameIs("EVALSHA"u8) ? "EVAL" : "EVAL_RO");
                forwarded.Args[1] = ByteString.CopyFrom(body);
            }
            request.Commands.Add(forwarded);
        }
        return request;
    }
}
