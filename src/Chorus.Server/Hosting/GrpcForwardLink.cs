using System.Collections.Concurrent;
using System.Net.Sockets;
using Chorus.Core;
using Chorus.Node;
using Chorus.Transport.Grpc;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using NodeForwardRequest = Chorus.Node.ForwardRequest;
using WireForwardRequest = Chorus.Transport.Grpc.Protocol.ForwardRequest;

namespace Chorus.Server.Hosting;

/// <summary>
/// The network part of forwarding in production: one gRPC unary call per forwarded batch, its
/// answer (or failure) posted back to the node's inbox. The protocol part — when to forward,
/// waiting, timeouts, leader changes, counting — is the node shell's <c>WriteForwarding</c>.
/// </summary>
internal sealed class GrpcForwardLink(GrpcTransport transport, NodeInbox inbox, ILogger logger) : IForwardLink
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _calls = new();

    /// <summary>This node's scripts: a forwarded EVALSHA of a script known here carries its body, so the leader runs it even if it never saw it.</summary>
    public Scripting.ScriptCache? Scripts { get; init; }

    public void Send(NodeId leader, NodeForwardRequest request)
    {
        var wire = ToWire(request); // on the loop: the batch is the loop's
        if (TooLarge(wire) is { } refusal)
        {
            // gRPC would refuse to send it, and report that like a call that broke (in doubt).
            inbox.Post(new ForwardAnsweredInput(request.Id, ForwardAnswer.Failed(refusal)));
            return;
        }
        var call = new CancellationTokenSource();
        _calls[request.Id] = call;
        _ = CallAsync(leader, request.Id, wire, request.TimeoutMs, call.Token);
    }

    // The token source is not disposed: it has no timer, and Cancel may race with the call's end.
    public void Cancel(long id)
    {
        if (_calls.TryRemove(id, out var call))
        {
            call.Cancel();
        }
    }

    private async Task CallAsync(NodeId leader, long id, WireForwardRequest wire, long timeoutMs, CancellationToken cancellationToken)
    {
        ForwardAnswer answer;
        try
        {
            var reply = await transport.ForwardAsync(leader, wire, timeoutMs < 0 ? null : TimeSpan.FromMilliseconds(timeoutMs), cancellationToken);
            answer = string.IsNullOrEmpty(reply.Error)
                ? new ForwardAnswer(reply.Replies.Memory, [.. reply.ReplyEnds.Select(e => (int)e)], new Lsn(reply.WaitLsn), reply.Aborted, (int)Math.Min(reply.Db, int.MaxValue))
                {
                    FirstWritten = new Lsn(reply.FirstLsn),
                    LastWritten = new Lsn(reply.LastLsn),
                    WrittenEpoch = new Epoch(reply.Epoch),
                }
                : ForwardAnswer.Failed(reply.Error);
        }
        catch (RpcException e)
        {
            logger.LogDebug("forwarding to {Leader} failed: {Status}", leader, e.Status);
            answer = ForwardAnswer.LinkFailed(Failure(e));
        }
        catch (InvalidOperationException e)
        {
            // No address is known for the leader (the transport has no link to it): nothing was sent.
            logger.LogDebug("forwarding to {Leader} failed: {Reason}", leader, e.Message);
            answer = ForwardAnswer.LinkFailed(ForwardFailure.NotDelivered);
        }
        _calls.TryRemove(id, out _);
        inbox.Post(new ForwardAnsweredInput(id, answer));
    }

    /// <summary>
    /// What a failed call means for the write. "Not applied" only when that is certain: the
    /// leader's service refused the caller before running anything (not a member, not
    /// authenticated, no such method), or no connection to the leader could be made. Anything else
    /// is in doubt — a deadline, and an Unavailable from a connection that broke during the call:
    /// the leader may have applied the write and died before it answered.
    /// </summary>
    internal static ForwardFailure Failure(RpcException e) => e.StatusCode switch
    {
        StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.Unimplemented => ForwardFailure.NotDelivered,
        StatusCode.Unavailable when NoConnection(e.Status.DebugException) => ForwardFailure.NotDelivered,
        _ => ForwardFailure.InDoubt,
    };

    /// <summary>
    /// The call failed for want of a connection: the channel's connect failed (Grpc.Net.Client's
    /// "Error connecting to subchannel", a <see cref="SocketException"/>), or HttpClient could not
    /// connect. A request is only sent over a connection, so none was.
    /// </summary>
    private static bool NoConnection(Exception? debug)
    {
        if (debug is SocketException)
        {
            return true;
        }
        for (var e = debug; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Why a forward cannot travel in one peer message, or null when it can. Each write is within
    /// chorus-max-write-bytes, but a pipeline of them is forwarded as one call, and one call is
    /// capped at <see cref="GrpcTransport.MessageBytesMax"/>: such a pipeline is refused, each of
    /// its commands answered with this error, before anything is sent (nothing ran).
    /// </summary>
    internal static string? TooLarge(WireForwardRequest wire)
    {
        var bytes = wire.CalculateSize();
        return bytes <= GrpcTransport.MessageBytesMax - ForwardHeadroomBytes
            ? null
            : $"ERR pipelined writes of {bytes} bytes are more than a follower forwards to the leader at once ({GrpcTransport.MessageBytesMax - ForwardHeadroomBytes} bytes); nothing ran: send them to the leader, or fewer at a time";
    }

    /// <summary>Room for gRPC's own framing within the message cap.</summary>
    private const int ForwardHeadroomBytes = 64 << 10;

    private WireForwardRequest ToWire(NodeForwardRequest forwarded)
    {
        var batch = forwarded.Batch;
        var request = new WireForwardRequest { Protocol = (uint)batch.Protocol, From = inbox.Self.Value, Db = (uint)batch.Db, Transaction = batch.IsTransaction, Session = batch.Session ?? "" };
        if (batch.IsTransaction && batch.Watch is not null)
        {
            // The leader checks its own log after this node's position: a change this node has
            // not applied yet must abort the transaction too.
            request.WatchAfterLsn = forwarded.WatchAfter.Value;
            foreach (var (db, key) in forwarded.Watched)
            {
                request.Watched.Add(new WatchedKey { Db = (uint)db, Key = ByteString.CopyFrom(key) });
            }
        }
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var command = batch.Commands[i];
            var wire = new Command();
            for (var a = 0; a < command.ArgumentCount; a++)
            {
                wire.Args.Add(ByteString.CopyFrom(command[a]));
            }
            if ((command.NameIs("EVALSHA"u8) || command.NameIs("EVALSHA_RO"u8)) && command.ArgumentCount > 1
                && Scripts is { } scripts && scripts.TryGet(System.Text.Encoding.ASCII.GetString(command[1]), out var body))
            {
                wire.Args[0] = ByteString.CopyFromUtf8(command.NameIs("EVALSHA"u8) ? "EVAL" : "EVAL_RO");
                wire.Args[1] = ByteString.CopyFrom(body);
            }
            request.Commands.Add(wire);
        }
        return request;
    }
}
