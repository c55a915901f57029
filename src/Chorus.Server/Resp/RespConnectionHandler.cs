using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Commands;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Resp;

/// <summary>
/// The RESP listener: Kestrel hands each TCP connection's pipes here. The loop parses every
/// complete request in the buffer (pipelining), owns AdvanceTo, executes, then flushes once.
/// A protocol error gets Redis's error reply and closes that connection only.
/// </summary>
internal sealed class RespConnectionHandler(NodeServices node, CommandDispatcher dispatcher, IHostApplicationLifetime lifetime, ILogger<RespConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>Stop parsing and execute once this many argument bytes are buffered.</summary>
    private const long ArenaBytesPerRoundMax = 64L << 20;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        using var session = new ClientSession(connection.RemoteEndPoint, node.NowMs, new ReadContext(node.Storage, new Random(Random.Shared.Next())));
        session.Id = node.Clients.Register(session);
        var limits = node.Limits.Resp;
        // Close idle connections as soon as the node starts stopping. Not on ConnectionClosed:
        // Kestrel signals it when the client half-closes (shutdown(SHUT_WR)), and a client that
        // sends its requests and then its FIN still gets every reply, as Redis gives it.
        var closing = lifetime.ApplicationStopping;
        try
        {
            await ServeAsync(connection, session, limits, closing);
        }
        catch (ConnectionResetException)
        {
            // the client went away
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // the client went away, or the node is stopping
        }
        catch (Exception e) when (e is not Core.InvariantViolationException)
        {
            logger.LogWarning(e, "connection {Id} from {Remote} failed", session.Id, connection.RemoteEndPoint);
        }
        finally
        {
            node.Clients.Unregister(session.Id);
        }
    }

    private async Task ServeAsync(ConnectionContext connection, ClientSession session, RespLimits limits, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (!session.CloseRequested)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var (consumed, protocolError, full) = Parse(buffer, session, limits);
            input.AdvanceTo(consumed, protocolError is null && !full ? buffer.End : consumed);
            await dispatcher.ExecuteAsync(session, output, cancellationToken);
            session.Requests.Clear();
            if (protocolError is not null)
            {
                new RespWriter(output, session.Protocol).WriteError("ERR " + protocolError);
                await output.FlushAsync(cancellationToken);
                return;
            }
            var flushed = await output.FlushAsync(cancellationToken);
            if (flushed.IsCompleted || (read.IsCompleted && !full))
            {
                return;
            }
        }
        await output.FlushAsync(cancellationToken);
    }

    private (SequencePosition Consumed, string? ProtocolError, bool Full) Parse(ReadOnlySequence<byte> buffer, ClientSession session, RespLimits limits)
    {
        var reader = new SequenceReader<byte>(buffer);
        var requests = session.Requests;
        while (true)
        {
            if (requests.Count >= node.Options.PipelineCommandsMax || requests.ArenaBytes >= ArenaBytesPerRoundMax)
            {
                return (reader.Position, null, true);
            }
            var status = RespRequestParser.TryParse(ref reader, requests, limits, out var error);
            if (status != OperationStatus.Done)
            {
                return (reader.Position, status == OperationStatus.InvalidData ? error ?? "Protocol error" : null, false);
            }
        }
    }
}
