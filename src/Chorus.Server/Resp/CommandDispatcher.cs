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
/// replica; consecutive writes go to the write gateway as one group (one trip through the node
/// loop for a whole pipeline); server commands get the session and the node.
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
        }
    }

    /// <summary>Sends the run of write commands starting at <paramref name="first"/> as one group; returns the index after it.</summary>
    private async ValueTask<int> ExecuteWritesAsync(ClientSession session, int first, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        var requests = session.Requests;
        var writes = session.Writes;
        writes.Reset();
        writes.Protocol = session.Protocol;
        var i = first;
        while (i < requests.Count && node.Commands.TryGet(requests[i][0], out var spec) && spec.Write is not null && spec.AcceptsArgumentCount(requests[i].ArgumentCount))
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
