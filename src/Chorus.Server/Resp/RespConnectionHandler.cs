using System.Buffers;
using System.IO.Pipelines;
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
/// A protocol error gets Redis's error reply and closes that connection only. Connections past
/// maxclients are refused; a large request still arriving waits in a <see cref="QuerySpill"/>;
/// what every connection buffers counts against maxmemory-clients.
/// </summary>
internal sealed class RespConnectionHandler(NodeServices node, CommandDispatcher dispatcher, IHostApplicationLifetime lifetime, ILogger<RespConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>Stop parsing and execute once this many argument bytes are buffered.</summary>
    private const long ArenaBytesPerRoundMax = 64L << 20;

    public const string MaxClientsError = "ERR max number of clients reached";

    /// <summary>Redis's protected-mode explanation, word for word but for the server's name and how to start it.</summary>
    public const string ProtectedModeError =
        "DENIED Chorus is running in protected mode because protected mode is enabled and no password is set for the default user. " +
        "In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Chorus you may adopt one of the following solutions: " +
        "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Chorus from the same host the server is running, however MAKE SURE Chorus is not publicly accessible from internet if you do so. " +
        "2) Alternatively you can just disable the protected mode by setting ProtectedMode to 'no' in the node's configuration, and then restarting the server. " +
        "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
        "4) Set up an authentication password for the default user (--requirepass, or an ACL file). " +
        "NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (node.Access.RefusesRemote(connection.RemoteEndPoint, node.ProtectedMode))
        {
            await RefuseAsync(connection, ProtectedModeError);
            return;
        }
        using var session = new ClientSession(connection.RemoteEndPoint, node.NowMs, new ReadContext(node.Storage, new Random(Random.Shared.Next())))
        {
            User = node.Access.InitialUser(),
            UserVersion = node.Access.Version,
        };
        if (!node.Clients.TryRegister(session, Math.Min(node.Limits.MaxClients, node.MaxClientsCeiling)))
        {
            await RefuseAsync(connection, MaxClientsError);
            return;
        }
        session.Evict = reason =>
        {
            logger.LogWarning("closing client {Id} from {Remote}: {Reason}", session.Id, connection.RemoteEndPoint, reason);
            connection.Abort(new ConnectionAbortedException(reason));
        };
        // Close idle connections as soon as the node starts stopping. Not on ConnectionClosed:
        // Kestrel signals it when the client half-closes (shutdown(SHUT_WR)), and a client that
        // sends its requests and then its FIN still gets every reply, as Redis gives it.
        var closing = lifetime.ApplicationStopping;
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(closing);
        session.Closing = closed.Token;
        using var disconnected = CancellationTokenSource.CreateLinkedTokenSource(closed.Token, connection.ConnectionClosed);
        session.Disconnected = disconnected.Token;
        session.Output = connection.Transport.Output;
        try
        {
            await ServeAsync(connection, session, closing);
        }
        catch (Exception e) when (e is ConnectionResetException or ConnectionAbortedException)
        {
            // the client went away, or was closed for passing a limit
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // the node is stopping
        }
        catch (Exception e) when (e is not Core.InvariantViolationException)
        {
            logger.LogWarning(e, "connection {Id} from {Remote} failed", session.Id, connection.RemoteEndPoint);
        }
        finally
        {
            node.Driver.Watches.Unwatch(session.Transaction.Watch);
            if (session.Subscriber is { } subscriber)
            {
                node.PubSub.RemoveAll(subscriber);
                subscriber.Complete();
            }
            await closed.CancelAsync();
            node.Clients.Unregister(session);
            LargeBufferReclaim.Released(session.Spill.Capacity + session.Requests.ArenaCapacity);
        }
    }

    /// <summary>Answers with <paramref name="error"/> and closes, as Redis does for refused connections.</summary>
    public static async Task RefuseAsync(ConnectionContext connection, string error)
    {
        new RespWriter(connection.Transport.Output, RespProtocol.Resp2).WriteError(error);
        await connection.Transport.Output.FlushAsync();
        await connection.Transport.Output.CompleteAsync();
    }

    private async Task ServeAsync(ConnectionContext connection, ClientSession session, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var spill = session.Spill;
        var inputEnded = false;
        var moreInSpill = false;
        while (!session.CloseRequested)
        {
            ParseRound round;
            if (moreInSpill)
            {
                round = ParseFromSpill(session);
            }
            else
            {
                var read = await input.ReadAsync(cancellationToken);
                inputEnded = read.IsCompleted;
                if (spill.IsActive)
                {
                    spill.Append(read.Buffer);
                    input.AdvanceTo(read.Buffer.End);
                    round = ParseFromSpill(session);
                }
                else
                {
                    round = ParseFromPipe(input, read.Buffer, session);
                }
            }
            // After the client's FIN, a round that was not cut short has run everything complete.
            if (!await ExecuteAsync(session, output, round, cancellationToken) || (inputEnded && !round.Full))
            {
                return;
            }
            // A full round from the pipe is read again at once (AdvanceTo examined only what it consumed).
            moreInSpill = spill.IsActive && round.Full;
        }
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>Parses what the pipe holds; a large request still arriving moves to the spill.</summary>
    private ParseRound ParseFromPipe(PipeReader input, ReadOnlySequence<byte> buffer, ClientSession session)
    {
        var round = Parse(buffer, session, node.Limits.Resp);
        var unparsed = buffer.Slice(round.Consumed);
        if (round.ProtocolError is null && !round.Full && unparsed.Length > QuerySpill.ThresholdBytes)
        {
            session.Spill.Append(unparsed);
            input.AdvanceTo(buffer.End);
            ReportBuffered(session, 0);
        }
        else
        {
            input.AdvanceTo(round.Consumed, round.ProtocolError is null && !round.Full ? buffer.End : round.Consumed);
            ReportBuffered(session, unparsed.Length);
        }
        return round;
    }

    private ParseRound ParseFromSpill(ClientSession session)
    {
        var round = Parse(session.Spill.Sequence, session, node.Limits.Resp);
        var held = session.Spill.Capacity;
        session.Spill.Consume(round.Consumed);
        ReportBuffered(session, 0);
        LargeBufferReclaim.Released(held - session.Spill.Capacity);
        return round;
    }

    /// <summary>Runs what a round parsed; false when the connection must close (a protocol error, or the client is gone).</summary>
    private async ValueTask<bool> ExecuteAsync(ClientSession session, PipeWriter output, ParseRound round, CancellationToken cancellationToken)
    {
        // Pub/sub messages wait while replies are written, so none lands inside a reply.
        await session.OutputLock.WaitAsync(cancellationToken);
        try
        {
            return await ExecuteLockedAsync(session, output, round, cancellationToken);
        }
        finally
        {
            session.OutputLock.Release();
        }
    }

    private async ValueTask<bool> ExecuteLockedAsync(ClientSession session, PipeWriter output, ParseRound round, CancellationToken cancellationToken)
    {
        await dispatcher.ExecuteAsync(session, output, cancellationToken);
        var held = session.Requests.ArenaCapacity;
        session.Requests.Clear();
        ReportBuffered(session, 0);
        LargeBufferReclaim.Released(held - session.Requests.ArenaCapacity);
        if (round.ProtocolError is not null)
        {
            new RespWriter(output, session.Protocol).WriteError("ERR " + round.ProtocolError);
            await output.FlushAsync(cancellationToken);
            return false;
        }
        var flushed = await output.FlushAsync(cancellationToken);
        return !flushed.IsCompleted;
    }

    /// <summary>Counts this connection's buffers toward maxmemory-clients, and enforces it.</summary>
    private void ReportBuffered(ClientSession session, long pipeBytes)
    {
        var bytes = session.Spill.Capacity + session.Requests.ArenaCapacity + pipeBytes;
        node.Clients.ReportBuffered(session, bytes);
        node.Clients.EvictOverLimit(node.Limits.MaxMemoryClientsBytes);
    }

    private readonly record struct ParseRound(SequencePosition Consumed, string? ProtocolError, bool Full);

    private ParseRound Parse(ReadOnlySequence<byte> buffer, ClientSession session, RespLimits limits)
    {
        var reader = new SequenceReader<byte>(buffer);
        var requests = session.Requests;
        while (true)
        {
            if (requests.Count >= node.Options.PipelineCommandsMax || requests.ArenaBytes >= ArenaBytesPerRoundMax)
            {
                return new ParseRound(reader.Position, null, true);
            }
            var status = RespRequestParser.TryParse(ref reader, requests, limits, out var error);
            if (status != OperationStatus.Done)
            {
                return new ParseRound(reader.Position, status == OperationStatus.InvalidData ? error ?? "Protocol error" : null, false);
            }
        }
    }
}
