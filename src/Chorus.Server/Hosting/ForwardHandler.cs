using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Resp;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Hosting;

/// <summary>The leader's side of forwarding: runs a follower's client writes like its own clients'.</summary>
internal sealed class ForwardHandler(NodeDriver driver, NodeInbox inbox) : IForwardHandler
{
    /// <summary>Named sessions: a forwarded write of one is recorded before the follower hears back (docs/consistency.md).</summary>
    public Consistency.SessionDirectory? Sessions { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public async Task<ForwardResult> ForwardAsync(ForwardedWrites writes, CancellationToken cancellationToken)
    {
        var status = driver.Status;
        if (status.Role != NodeRole.Leader)
        {
            return new ForwardResult(ReadOnlyMemory<byte>.Empty, Lsn.Zero, status.Admission.Refusal is { } refusal ? OutcomeText.Error(refusal) : $"TRYAGAIN {inbox.Self} is not the leader; retry");
        }
        if (!PhysicalDb.IsValidLogical(writes.Db))
        {
            return new ForwardResult(ReadOnlyMemory<byte>.Empty, Lsn.Zero, "ERR DB index is out of range");
        }
        using var batch = new ClientWriteBatch { Protocol = writes.Protocol == 3 ? RespProtocol.Resp3 : RespProtocol.Resp2, Db = writes.Db, ForwardedBy = new NodeId(writes.From) };
        foreach (var command in writes.Commands)
        {
            batch.Commands.Add([.. command.Select(a => a.ToArray())]);
        }
        if (writes.Transaction is { } transaction)
        {
            batch.IsTransaction = batch.TransactionWrites = true;
            batch.RemoteWatch = transaction.Watched.Count == 0 ? null : new ForwardedWatch(transaction.WatchAfter, transaction.Watched);
        }
        inbox.Post(new ClientWritesInput(batch));
        await BlockedWait.CompletionAsync(inbox, batch, cancellationToken);
        if (!batch.Failed && writes.Session.Length > 0 && Sessions is { } sessions
            && Consistency.SessionDirectory.Invalid(System.Text.Encoding.UTF8.GetBytes(writes.Session)) is null)
        {
            var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
            sessions.Open(writes.Session, now)?.Wrote(batch.WaitFor, new Chorus.Node.Sessions.WriteGroup(batch.FirstWrittenLsn, batch.LastWrittenLsn, batch.WrittenEpoch), driver.Status.Epoch, now);
        }
        // A transaction that failed as a whole (leadership lost): the follower answers EXEC with the error.
        var answer = ForwardAnswer.Served(batch);
        return answer.Error is { } error
            ? new ForwardResult(ReadOnlyMemory<byte>.Empty, Lsn.Zero, error)
            : new ForwardResult(answer.Replies, answer.WaitLsn, null)
            {
                ReplyEnds = answer.ReplyEnds,
                Aborted = answer.Aborted,
                Db = answer.Db,
                FirstWritten = answer.FirstWritten,
                LastWritten = answer.LastWritten,
                WrittenEpoch = answer.WrittenEpoch,
            };
    }

}
