using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Node;
using Chorus.Node.Sessions;
using Chorus.Replication;
using Chorus.Resp;
using Chorus.Server.Commands;
using Chorus.Server.Consistency;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Resp;

/// <summary>
/// Executes a connection's parsed commands in order. Reads run right here against the local
/// replica; consecutive writes — and commands the replication core serves itself (leaderless
/// reads) — go to the write gateway as one group (one trip through the node loop for a whole
/// pipeline); server commands get the session and the node.
/// </summary>
internal sealed class CommandDispatcher
{
    private readonly NodeServices node;
    private readonly WriteGateway gateway;
    private readonly IReadOnlyDictionary<CommandSpec, ServerHandler> serverHandlers;
    private readonly ILogger logger;

    public CommandDispatcher(NodeServices node, WriteGateway gateway, IReadOnlyDictionary<CommandSpec, ServerHandler> serverHandlers, ILogger logger)
    {
        this.node = node;
        this.gateway = gateway;
        this.serverHandlers = serverHandlers;
        this.logger = logger;
        GuardedReads = new GuardedReads(node, gateway, ExecuteRead);
    }

    /// <summary>Reads under a consistency guarantee (the connection's level, or CHORUS.READ's).</summary>
    public GuardedReads GuardedReads { get; }

    /// <summary>Replies go out once this much is waiting, so a pipeline of large replies is never held whole.</summary>
    private const long FlushThresholdBytes = 64 * 1024;

    public async ValueTask ExecuteAsync(ClientSession session, PipeWriter output, CancellationToken cancellationToken)
    {
        var requests = session.Requests;
        var reads = session.Reads;
        reads.NowMs = node.NowMs;
        node.Stats.CountCommands(requests.Count);
        var i = 0;
        while (i < requests.Count && !session.CloseRequested)
        {
            var reply = new RespWriter(output, session.Protocol);
            var command = requests[i];
            if (!TryResolve(command, reply, out var spec) || !Permitted(session, spec, command, reply))
            {
                RefusedInTransaction(session, spec);
                i++;
                continue;
            }
            if (BusyScriptGate.Refusal(node.Scripts, spec, command) is { } busy)
            {
                // Redis refuses before queuing; a refused EXEC discards the transaction.
                reply.WriteError(spec.Name == "EXEC" ? TransactionCommands.ExecAbort(busy) : busy);
                node.Stats.CountError();
                RefusedInTransaction(session, spec);
                i++;
                continue;
            }
            if (session.Bound is { } bound && bound.LatestNotice > session.NoticesDelivered && spec.Name != "CHORUS.SESSION")
            {
                // Once per notice, the session's next command is not run but answered with what was lost.
                reply.WriteError(SessionCommand.RolledBackError(session));
                node.Stats.CountError();
                RefusedInTransaction(session, spec);
                i++;
                continue;
            }
            if (session.InSubscribedContext && !PubSub.PubSubCommands.AllowedWhileSubscribed(spec.Name))
            {
                // Redis refuses before queuing; a refused EXEC discards the transaction.
                var error = PubSub.PubSubCommands.NotAllowedWhileSubscribed(Subcommands.FullName(spec, command));
                reply.WriteError(spec.Name == "EXEC" ? TransactionCommands.ExecAbort(error) : error);
                node.Stats.CountError();
                RefusedInTransaction(session, spec);
                i++;
                continue;
            }
            if (session.Transaction.Active && !TransactionCommands.RunsInsideMulti(spec.Name))
            {
                Queue(session, spec, command, reply);
                i++;
                continue;
            }
            if ((spec.Write is not null || (spec.Request is not null && spec.IsWrite)) && node.Limits.Writes.CheckArguments(command) is { } tooLarge)
            {
                // Refused at the door: never executed, forwarded or logged.
                node.Stats.CountError();
                reply.WriteError(tooLarge);
                i++;
                continue;
            }
            if (spec.RunsOnLoopFor(command))
            {
                i = await ExecuteWritesAsync(session, i, output, cancellationToken);
                continue;
            }
            if (spec.Read is not null && session.Consistency.Level != ConsistencyLevel.Eventual)
            {
                await GuardedReads.ExecuteAsync(session, session.Consistency, spec, command, reply);
            }
            else if (spec.Read is not null)
            {
                if (node.ReadResolution is not { } onRead || !await onRead.TryReadAsync(session, spec, command, reply))
                {
                    ExecuteRead(spec, reads, command, reply);
                }
                session.Position.Saw(node.Driver.Applied.Applied);
                node.FollowerReads.Served(node.Driver.Status, reads.NowMs);
            }
            else
            {
                session.LastCommand = spec.Name;
                await serverHandlers[spec](new ServerCommandContext(node, session) { Dispatcher = this }, command, reply);
            }
            i++;
            await FlushIfLargeAsync(session, output, cancellationToken);
        }
    }

    /// <summary>
    /// Sends replies once enough wait, applying Redis's client-output-buffer-limit for normal
    /// clients: a reply larger than the hard limit, or a client that has not taken replies over
    /// the soft limit within the soft seconds, is disconnected.
    /// </summary>
    private async ValueTask FlushIfLargeAsync(ClientSession session, PipeWriter output, CancellationToken cancellationToken)
    {
        if (!output.CanGetUnflushedBytes || output.UnflushedBytes < FlushThresholdBytes)
        {
            return;
        }
        var limit = node.Limits.Output;
        var pending = output.UnflushedBytes;
        if (limit.HardBytes > 0 && pending > limit.HardBytes)
        {
            Disconnect(session, $"its replies ({pending} bytes) passed the client-output-buffer-limit hard limit ({limit.HardBytes})");
        }
        var flush = output.FlushAsync(cancellationToken);
        if (!flush.IsCompleted && limit.SoftBytes > 0 && pending > limit.SoftBytes && limit.SoftSeconds > 0)
        {
            try
            {
                await flush.AsTask().WaitAsync(TimeSpan.FromSeconds(limit.SoftSeconds), cancellationToken);
                return;
            }
            catch (TimeoutException)
            {
                Disconnect(session, $"it left {pending} bytes of replies unread, over the client-output-buffer-limit soft limit ({limit.SoftBytes}), for {limit.SoftSeconds} s");
            }
        }
        await flush;
    }

    private void Disconnect(ClientSession session, string reason)
    {
        node.Clients.CountEviction();
        session.Evict(reason);
        throw new Microsoft.AspNetCore.Connections.ConnectionAbortedException(reason);
    }

    /// <summary>Sends the run of write commands starting at <paramref name="first"/> as one group; returns the index after it.</summary>
    private async ValueTask<int> ExecuteWritesAsync(ClientSession session, int first, PipeWriter output, CancellationToken cancellationToken)
    {
        var requests = session.Requests;
        var writes = session.Writes;
        writes.Reset();
        writes.Protocol = session.Protocol;
        writes.Quorum = session.Quorum;
        var i = first;
        var limits = node.Limits.Writes;
        var home = new HomeGroup(node.Driver.Status);
        while (i < requests.Count && node.Commands.TryGet(requests[i][0], out var spec) && spec.RunsOnLoopFor(requests[i]) && spec.AcceptsArgumentCount(requests[i].ArgumentCount)
            && (i == first || (limits.CheckArguments(requests[i]) is null && writes.Commands.ArenaBytes + ArgumentBytes(requests[i]) <= limits.EntryBytesMax
                && session.User is { } user && node.Access.Check(user, spec, requests[i], log: false) is null && !spec.IsBlocking && !writes.MayBlock))
            && home.Admits(spec, requests[i], i == first))
        {
            // A blocking command goes alone: the commands after it wait until it is served, as in Redis.
            writes.MayBlock = spec.IsBlocking;
            // A group stays within one entry's size, so a follower forwards it in one peer message.
            writes.Commands.AddFrom(requests[i]);
            i++;
        }
        // A pipeline's write group must finish before later commands run, even if the client
        // went away meanwhile: the node loop still reads this batch's commands.
        // A blocked command ends early only when its client goes away (Redis frees a closed client).
        await gateway.ExecuteAsync(writes, writes.MayBlock ? session.Disconnected : CancellationToken.None, session.Bound?.Id);
        RecordWrites(session, writes);
        output.Write(writes.Replies.WrittenSpan);
        await FlushIfLargeAsync(session, output, cancellationToken);
        session.LastCommand = Encoding.ASCII.GetString(requests[i - 1][0]);
        return i;
    }

    /// <summary>
    /// The session's position moves past a group of writes before their replies leave. A named
    /// session's leader records it (a follower's forwarded group was recorded by the leader
    /// already; this node keeps its own view for INFO).
    /// </summary>
    private void RecordWrites(ClientSession session, ClientWriteBatch batch)
    {
        session.LastWriteGroup = batch.Failed ? default : new WriteGroup(batch.FirstWrittenLsn, batch.LastWrittenLsn, batch.WrittenEpoch);
        if (batch.LastWrittenLsn == Lsn.Zero && batch.WaitFor <= session.LastWriteLsn)
        {
            return;
        }
        session.LastWriteLsn = Lsn.Max(session.LastWriteLsn, batch.WaitFor);
        session.Position.WrittenAtMs = node.NowMs;
        if (session.Bound is not { } named || batch.Failed)
        {
            return;
        }
        var status = node.Driver.Status;
        if (status.Role == NodeRole.Leader)
        {
            named.Wrote(batch.WaitFor, new WriteGroup(batch.FirstWrittenLsn, batch.LastWrittenLsn, batch.WrittenEpoch), status.Epoch, node.NowMs);
        }
        else
        {
            named.Learned(batch.WaitFor);
            named.Counters.CountWrite();
        }
    }

    private static long ArgumentBytes(RespCommand command)
    {
        long bytes = 0;
        for (var a = 0; a < command.ArgumentCount; a++)
        {
            bytes += command[a].Length;
        }
        return bytes;
    }

    private void ExecuteRead(CommandSpec spec, ReadContext reads, RespCommand command, RespWriter reply)
    {
        try
        {
            spec.Read!(reads, command, reply);
        }
        catch (CorruptDataException e)
        {
            logger.LogError(e, "stored data did not decode while running {Command}", spec.Name);
            node.Stats.CountError();
            reply.WriteError($"ERR stored value does not decode: {e.Message}");
        }
    }

    /// <summary>
    /// A command refused before it ran, inside MULTI: EXEC will answer EXECABORT and apply nothing.
    /// A refused EXEC itself discards the transaction at once (its error said so).
    /// </summary>
    private void RefusedInTransaction(ClientSession session, CommandSpec? spec)
    {
        var transaction = session.Transaction;
        if (spec?.Name == "EXEC")
        {
            transaction.End(node.Driver.Watches);
        }
        else if (transaction.Active)
        {
            transaction.Refused = true;
        }
    }

    /// <summary>
    /// Inside MULTI: the command is queued (+QUEUED), or refused for its size (which also dooms the
    /// transaction, like any refusal while queuing). A transaction's arguments are bounded by one
    /// log entry's size, since its changes become one entry.
    /// </summary>
    private void Queue(ClientSession session, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        var transaction = session.Transaction;
        var limits = node.Limits.Writes;
        var refusal = Subcommands.Refusal(spec, command) ?? (spec.Write is not null ? limits.CheckArguments(command) : null);
        if (refusal is null && transaction.Queued.ArenaBytes + ArgumentBytes(command) > limits.EntryBytesMax)
        {
            refusal = string.Create(CultureInfo.InvariantCulture, $"ERR transaction too large: its queued commands would pass {limits.EntryBytesMax} bytes (one log entry); split it");
        }
        if (refusal is not null)
        {
            node.Stats.CountError();
            transaction.Refused = true;
            reply.WriteError(refusal);
            return;
        }
        transaction.Queue(command, spec.Write is not null);
        reply.WriteSimpleString("QUEUED"u8);
    }

    /// <summary>
    /// EXEC: the queued commands run as one unit on the node's loop (on the leader when one
    /// writes); the reply is their replies in one array, nil when a WATCHed key changed, or one
    /// error when the transaction could not run (no leader, leadership lost: nothing applied, or
    /// in doubt as a single write would be). Server commands run here once it is back.
    /// </summary>
    public async ValueTask ExecuteTransactionAsync(ClientSession session, RespWriter reply)
    {
        var transaction = session.Transaction;
        try
        {
            if (transaction.Watch.IsDirty)
            {
                reply.WriteNullArray();
                return;
            }
            var batch = session.Writes;
            batch.Reset();
            batch.Protocol = session.Protocol;
            for (var i = 0; i < transaction.Queued.Count; i++)
            {
                batch.Commands.AddFrom(transaction.Queued[i]);
            }
            batch.IsTransaction = true;
            batch.TransactionWrites = transaction.Writes;
            batch.Watch = transaction.Watch.IsEmpty ? null : transaction.Watch;
            await gateway.ExecuteAsync(batch, CancellationToken.None, session.Bound?.Id);
            if (batch.Failed)
            {
                reply.WriteRaw(batch.Replies.WrittenSpan);
                return;
            }
            if (batch.WatchAborted)
            {
                reply.WriteNullArray();
                return;
            }
            RecordWrites(session, batch);
            await WriteTransactionRepliesAsync(session, batch, reply);
            session.Db = batch.Db;
        }
        finally
        {
            transaction.End(node.Driver.Watches);
        }
    }

    private async ValueTask WriteTransactionRepliesAsync(ClientSession session, ClientWriteBatch batch, RespWriter reply)
    {
        reply.WriteArrayHeader(batch.Commands.Count);
        var start = 0;
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var end = batch.ReplyEnds[i];
            if (end > start)
            {
                reply.WriteRaw(batch.Replies.WrittenSpan[start..end]);
            }
            else if (node.Commands.TryGet(batch.Commands[i][0], out var spec) && serverHandlers.TryGetValue(spec, out var handler))
            {
                await handler(new ServerCommandContext(node, session) { Dispatcher = this }, batch.Commands[i], reply);
            }
            else
            {
                reply.WriteError($"ERR '{spec?.Name}' cannot run inside a transaction");
            }
            start = end;
        }
    }

    /// <summary>
    /// Authentication and ACLs: a connection that has not authenticated may only AUTH, HELLO or
    /// QUIT; an authenticated one only what its user's rules allow (Redis's NOAUTH and NOPERM).
    /// </summary>
    /// <summary>Whether the session's user may run <paramref name="spec"/> (with its keys); if not, the ACL error is written. CHORUS.READ checks its inner command too.</summary>
    internal bool Permitted(ClientSession session, CommandSpec spec, RespCommand command, RespWriter reply)
    {
        var access = node.Access;
        if (session.UserVersion != access.Version)
        {
            session.User = access.Refresh(session.User);
            session.UserVersion = access.Version;
        }
        if (session.User is not { } user)
        {
            if (spec.Name is "AUTH" or "HELLO" or "QUIT")
            {
                return true;
            }
            node.Stats.CountError();
            reply.WriteError(AccessControl.NoAuthError);
            return false;
        }
        if (user.AllowsEverything || access.Check(user, spec, command, () => ClientCommand.Describe(node, session)) is not { } denial)
        {
            return true;
        }
        node.Stats.CountError();
        reply.WriteError(denial.Reply);
        return false;
    }

    private bool TryResolve(RespCommand command, RespWriter reply, out CommandSpec spec)
    {
        if (!node.Commands.TryGet(command[0], out spec))
        {
            node.Stats.CountError();
            reply.WriteError(UnknownCommand(command));
            return false;
        }
        if (!spec.AcceptsArgumentCount(command.ArgumentCount))
        {
            node.Stats.CountError();
            var error = Errors.WrongArgumentCount(spec.Name);
            reply.WriteError(spec.Name == "EXEC" ? TransactionCommands.ExecAbort(error) : error);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Redis 7's wording, byte for byte: the name and the arguments read as C strings (up to a
    /// NUL byte), the name cut at 128 bytes, arguments quoted until 128 bytes of them are shown.
    /// </summary>
    private static byte[] UnknownCommand(RespCommand command)
    {
        const int ShownMax = 128;
        var message = new ArrayBufferWriter<byte>();
        message.Write("ERR unknown command '"u8);
        message.Write(CString.Of(command[0], ShownMax));
        message.Write("', with args beginning with: "u8);
        var shown = 0;
        for (var i = 1; i < command.ArgumentCount && shown < ShownMax; i++)
        {
            var argument = CString.Of(command[i], ShownMax - shown);
            message.Write("'"u8);
            message.Write(argument);
            message.Write("' "u8);
            shown += argument.Length + 3;
        }
        return message.WrittenSpan.ToArray();
    }
}
