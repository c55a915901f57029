using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Resp;
using Chorus.Server.Commands;
using Chorus.Server.Resp;

namespace Chorus.Server.Consistency;

/// <summary>
/// Runs a read command under a session's consistency settings. When local state already meets
/// the guarantee (the applied LSN and the published freshness say so) the read runs right here
/// on the connection, as an eventual read does; otherwise it goes to the node loop's read gate,
/// which runs it once the guarantee holds — a wait that holds no thread — or holds it back, and
/// the client gets TRYAGAIN with the reason, or MOVED to the leader if it asked for a redirect.
/// </summary>
internal sealed class GuardedReads(NodeServices node, Action<CommandSpec, ReadContext, RespCommand, RespWriter> execute)
{
    public async ValueTask ExecuteAsync(ClientSession session, ConsistencySettings settings, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        var driver = node.Driver;
        var reads = session.Reads;
        var guard = settings.GuardFor(session.Position);
        if (TokenFromTheFuture(settings, driver.Status, driver.Applied.Applied) is { } futureError)
        {
            node.Stats.CountError();
            reply.WriteError(futureError);
            return;
        }
        if (guard.IsSatisfiedBy(driver.Applied.Applied, driver.Status.CurrentAsOfMs, node.NowMs))
        {
            reads.NowMs = node.NowMs;
            execute(spec, reads, command, reply);
            session.Position.Saw(driver.Applied.Applied);
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        var completion = new TaskCompletionSource<ReadVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Inbox.Post(new GuardedReadInput(
            guard,
            () =>
            {
                reads.NowMs = node.NowMs;
                execute(spec, reads, command, new RespWriter(buffer, session.Protocol));
            },
            completion));
        switch (await completion.Task.ConfigureAwait(false))
        {
            case ReadServed served:
                reply.WriteRaw(buffer.WrittenSpan);
                session.Position.Saw(served.At);
                break;
            case ReadHeldBack heldBack:
                node.Stats.CountError();
                reply.WriteError(HeldBackError(settings, heldBack.Reason, driver.Status));
                break;
        }
    }

    /// <summary>
    /// At the leader, a token beyond the end of the log cannot be a position of this cluster's
    /// history. The leader applies a write before acknowledging it, so its applied LSN (read live,
    /// not from the published status, which may be a moment old) covers every token it handed out.
    /// </summary>
    private static string? TokenFromTheFuture(ConsistencySettings settings, NodeStatus status, Chorus.Core.Lsn applied)
    {
        var last = Chorus.Core.Lsn.Max(status.Last.Lsn, applied);
        return status.Role == NodeRole.Leader && settings.After.Lsn > last
            ? $"ERR session token {settings.After} is ahead of this cluster's log (it ends at LSN {last}): a token from another cluster, or from a history a failover discarded"
            : null;
    }

    private static string HeldBackError(ConsistencySettings settings, ReadRefusal reason, NodeStatus status)
    {
        if (settings.OnTimeout == OnTimeout.Redirect && status.Role != NodeRole.Leader && status.Link is { LeaderClientEndpoint: { Length: > 0 } endpoint })
        {
            return $"MOVED 0 {endpoint}";
        }
        return ReadText.Error(reason);
    }
}
