using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Resp;
using Chorus.Server.Commands;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Resp;

/// <summary>
/// Executes a connection's parsed commands in order. Reads run right here against the local
/// replica; consecutive writes go to the write gateway as one group (one trip through the node
/// loop for a whole pipeline); server commands get the session and the node.
/// </summary>
internal sealed class CommandDispatcher(NodeServices node, WriteGateway gateway, IReadOnlyDictionary<CommandSpec, ServerHandler> serverHandlers, ILogger logger)
{
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
                i++;
                continue;
            }
            if (spec.Write is not null && node.Limits.Writes.CheckArguments(command) is { } tooLarge)
            {
                // Refused at the door: never executed, forwarded or logged.
                node.Stats.CountError();
                reply.WriteError(tooLarge);
                i++;
                continue;
            }
            if (spec.Write is not null)
            {
                i = await ExecuteWritesAsync(session, i, output, cancellationToken);
                continue;
            }
            if (spec.Read is not null)
            {
                ExecuteRead(spec, reads, command, reply);
            }
            else
            {
                session.LastCommand = spec.Name;
                await serverHandlers[spec](new ServerCommandContext(node, session), command, reply);
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
        var i = first;
        var limits = node.Limits.Writes;
        while (i < requests.Count && node.Commands.TryGet(requests[i][0], out var spec) && spec.Write is not null && spec.AcceptsArgumentCount(requests[i].ArgumentCount)
            && (i == first || (limits.CheckArguments(requests[i]) is null && writes.Commands.ArenaBytes + ArgumentBytes(requests[i]) <= limits.EntryBytesMax
                && session.User is { } user && node.Access.Check(user, spec, requests[i], log: false) is null)))
        {
            // A group stays within one entry's size, so a follower forwards it in one peer message.
            writes.Commands.AddFrom(requests[i]);
            i++;
        }
        // A pipeline's write group must finish before later commands run, even if the client
        // went away meanwhile: the node loop still reads this batch's commands.
        await gateway.ExecuteAsync(writes, CancellationToken.None);
        output.Write(writes.Replies.WrittenSpan);
        await FlushIfLargeAsync(session, output, cancellationToken);
        if (writes.LastWrittenLsn > Lsn.Zero || writes.WaitFor > session.LastWriteLsn)
        {
            session.LastWriteLsn = Lsn.Max(session.LastWriteLsn, writes.WaitFor);
        }
        session.LastCommand = Encoding.ASCII.GetString(requests[i - 1][0]);
        return i;
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
    /// Authentication and ACLs: a connection that has not authenticated may only AUTH, HELLO or
    /// QUIT; an authenticated one only what its user's rules allow (Redis's NOAUTH and NOPERM).
    /// </summary>
    private bool Permitted(ClientSession session, CommandSpec spec, RespCommand command, RespWriter reply)
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
            reply.WriteError(Errors.WrongArgumentCount(spec.Name));
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
