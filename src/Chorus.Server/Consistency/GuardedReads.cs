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
/// the client gets TRYAGAIN with the reason, MOVED to the leader if it asked for a redirect, or
/// the leader's answer if it asked for a forward. The leader-window and leader-for-owned
/// read-your-writes strategies send their reads to the leader (forwarded, on a follower).
/// </summary>
internal sealed class GuardedReads(NodeServices node, Hosting.WriteGateway gateway, Action<CommandSpec, ReadContext, RespCommand, RespWriter> execute)
{
    public async ValueTask ExecuteAsync(ClientSession session, ConsistencySettings settings, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        var named = session.Bound;
        if (settings.SessionId is { } id)
        {
            named = node.Sessions?.Directory.Open(id, node.NowMs);
            if (named is null)
            {
                node.Stats.CountError();
                reply.WriteError(node.Sessions is null
                    ? "ERR named sessions are not available on this node"
                    : "ERR this node " + SessionDirectory.FullReason);
                return;
            }
        }
        var outcome = await RouteAsync(session, named, settings, spec, command, reply);
        named?.Counters.Count(outcome);
        if (outcome == ReadOutcome.Refused)
        {
            node.Stats.CountError();
        }
    }

    private async ValueTask<ReadOutcome> RouteAsync(ClientSession session, NamedSession? named, ConsistencySettings settings, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        var driver = node.Driver;
        if (TokenFromTheFuture(settings, driver.Status, driver.Applied.Applied) is { } futureError)
        {
            reply.WriteError(futureError);
            return ReadOutcome.Refused;
        }
        if (await SessionRefreshAsync(session, named, settings) is { } unknown)
        {
            node.FollowerReads.CountRefused();
            reply.WriteError(unknown);
            return ReadOutcome.Refused;
        }
        if (settings.SessionId is not null && named is not null && PerCommandSessions.Untold(named) is { } rolledBack)
        {
            // Named per command: the session learns of its lost writes on its next read, as a bound connection on its next command.
            reply.WriteError(rolledBack);
            return ReadOutcome.Refused;
        }
        var atLeader = settings.ReadsAtLeader(session.Position, node.NowMs, pattern => AnyKeyMatches(spec, command, pattern));
        if (atLeader == true && driver.Status.Role != NodeRole.Leader)
        {
            return await ForwardAsync(session, command, reply);
        }
        // Under leader-window and leader-for-owned, every other read is local (it still honours AFTER).
        var guard = atLeader is null ? settings.GuardFor(session.Position) : (settings with { Level = ConsistencyLevel.Eventual }).GuardFor(session.Position);
        if (guard.IsSatisfiedBy(driver.Applied.Applied, driver.Status.CurrentAsOfMs, node.NowMs, driver.Status.Committed))
        {
            ServeHere(session, spec, command, reply);
            return ReadOutcome.Served;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        var completion = new TaskCompletionSource<ReadVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = session.Reads;
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
                node.FollowerReads.Served(driver.Status, node.NowMs);
                return ReadOutcome.Waited;
            case ReadHeldBack when settings.OnTimeout == OnTimeout.Forward && driver.Status.Role != NodeRole.Leader:
                return await ForwardAsync(session, command, reply);
            case ReadHeldBack heldBack:
                var error = HeldBackError(settings, heldBack.Reason, driver.Status);
                if (error.StartsWith("MOVED", StringComparison.Ordinal))
                {
                    node.FollowerReads.CountRedirected();
                }
                else
                {
                    node.FollowerReads.CountRefused();
                }
                reply.WriteError(error);
                return ReadOutcome.Refused;
            default:
                throw new InvalidOperationException("a read gate verdict is served or held back");
        }
    }

    private void ServeHere(ClientSession session, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        var reads = session.Reads;
        reads.NowMs = node.NowMs;
        execute(spec, reads, command, reply);
        session.Position.Saw(node.Driver.Applied.Applied);
        node.FollowerReads.Served(node.Driver.Status, reads.NowMs);
    }

    /// <summary>
    /// A read for a named session (the connection is bound to it, or the read names it) reads
    /// after everything the session wrote or read on any device: read-your-writes and monotonic
    /// reads first bring the position up to the leader's record of it (at a follower, one round
    /// trip). Returns the refusal when that fails. A read that names its session moves the
    /// connection's position too, which other sessions sharing the connection then also wait for:
    /// more than they need, never less.
    /// </summary>
    private async ValueTask<string?> SessionRefreshAsync(ClientSession session, NamedSession? named, ConsistencySettings settings)
    {
        if (named is null || node.Sessions is not { } sessions
            || !(settings.Level == ConsistencyLevel.Monotonic
                 || (settings.Level == ConsistencyLevel.ReadYourWrites && settings.Strategy is ReadYourWritesStrategy.Token or ReadYourWritesStrategy.LeaderWindow)))
        {
            return null;
        }
        // The lookup waits as the read may (a follower that just heard of a new leader, a leader
        // still being elected), retrying with a growing pause; then the read is refused.
        var deadline = node.NowMs + settings.WaitMs;
        var pauseMs = 10;
        while (await sessions.RefreshAsync(named, session.Position.Seen, session.Closing) is { } error)
        {
            var leftMs = deadline - node.NowMs;
            if (leftMs <= 0)
            {
                return error;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(pauseMs, leftMs)), node.Clock, session.Closing);
            pauseMs = Math.Min(pauseMs * 2, 200);
        }
        session.Position.Written = Chorus.Core.Lsn.Max(session.Position.Written, named.Written);
        session.Position.Saw(named.Seen);
        // leader-window: the window runs from the session's last write on any device, not only this connection's.
        session.Position.WrittenAtMs = Math.Max(session.Position.WrittenAtMs, named.LastWriteAtMs);
        return null;
    }

    /// <summary>The leader serves the read on this follower's behalf (the write-forwarding path, as a one-command read-only transaction).</summary>
    private async ValueTask<ReadOutcome> ForwardAsync(ClientSession session, RespCommand command, RespWriter reply)
    {
        using var read = new ClientWriteBatch { Protocol = session.Protocol, Db = session.Db, IsTransaction = true, TransactionWrites = true };
        read.Commands.AddFrom(command);
        await gateway.ForwardReadAsync(read, session.Closing);
        if (read.Failed)
        {
            node.FollowerReads.CountRefused();
            reply.WriteError(read.Error!);
            return ReadOutcome.Refused;
        }
        reply.WriteRaw(read.Replies.WrittenSpan);
        session.Position.Saw(read.WaitFor);
        return ReadOutcome.Forwarded;
    }

    /// <summary>Whether a key argument of the command matches <paramref name="pattern"/> (Redis's legacy key positions, as ACLs use them).</summary>
    private static bool AnyKeyMatches(CommandSpec spec, RespCommand command, byte[] pattern) =>
        Security.AccessControl.Keys(spec, command).Any(k => Chorus.Commands.Data.Keys.GlobPattern.IsMatch(pattern, k.Key));

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
