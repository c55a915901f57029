using System.Buffers;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Resp;
using Chorus.Server.Commands;
using Chorus.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Resp;

/// <summary>
/// Executes a connection's parsed commands in order. Reads run right here against the local
/// replica; consecutive writes — and commands the replication core serves itself (leaderless
/// reads) — go to the write gateway as one group (one trip through the node loop for a whole
/// pipeline); server commands get the session and the node.
/// </summary>
internal sealed class CommandDispatcher(NodeServices node, WriteGateway gateway, IReadOnlyDictionary<CommandSpec, ServerHandler> serverHandlers, ILogger logger)
{
    public async ValueTask ExecuteAsync(ClientSession session, IBufferWriter<byte> output, CancellationToken cancellationToken)
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
            if (!TryResolve(command, reply, out var spec))
            {
                i++;
                continue;
            }
            if (spec.RunsOnLoop)
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
        }
    }

    /// <summary>Sends the run of write commands starting at <paramref name="first"/> as one group; returns the index after it.</summary>
    private async ValueTask<int> ExecuteWritesAsync(ClientSession session, int first, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var requests = session.Requests;
        var writes = session.Writes;
        writes.Reset();
        writes.Protocol = session.Protocol;
        writes.Quorum = session.Quorum;
        var i = first;
        while (i < requests.Count && node.Commands.TryGet(requests[i][0], out var spec) && spec.RunsOnLoop && spec.AcceptsArgumentCount(requests[i].ArgumentCount))
        {
            writes.Commands.AddFrom(requests[i]);
            i++;
        }
        // A pipeline's write group must finish before later commands run, even if the client
        // went away meanwhile: the node loop still reads this batch's commands.
        await gateway.ExecuteAsync(writes, CancellationToken.None);
        output.Write(writes.Replies.WrittenSpan);
        if (writes.LastWrittenLsn > Lsn.Zero || writes.WaitFor > session.LastWriteLsn)
        {
            session.LastWriteLsn = Lsn.Max(session.LastWriteLsn, writes.WaitFor);
        }
        session.LastCommand = Encoding.ASCII.GetString(requests[i - 1][0]);
        _ = cancellationToken;
        return i;
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

    /// <summary>Redis 7's wording, arguments quoted and cut at 128 characters.</summary>
    private static string UnknownCommand(RespCommand command)
    {
        var args = new StringBuilder();
        for (var i = 1; i < command.ArgumentCount && args.Length < 128; i++)
        {
            var text = Encoding.UTF8.GetString(command[i]);
            args.Append('\'').Append(text.AsSpan(0, Math.Min(text.Length, 128 - args.Length))).Append("' ");
        }
        var name = Encoding.UTF8.GetString(command[0]);
        return $"ERR unknown command '{(name.Length > 128 ? name[..128] : name)}', with args beginning with: {args}";
    }
}
