using Chorus.Core.Encoding;
using Chorus.Replication.Messages;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Transport.Grpc;

/// <summary>The server side of the peer protocol: receives streams and forwarded writes.</summary>
public sealed class PeerService(IPeerInbox inbox, IForwardHandler forwards, IHostApplicationLifetime lifetime, ILogger<PeerService> logger) : Peer.PeerBase
{
    public override async Task<StreamSummary> Stream(IAsyncStreamReader<PeerFrame> requestStream, ServerCallContext context)
    {
        // Streams never end on their own: end them when the node stops, so shutdown is prompt.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        ulong frames = 0;
        try
        {
            await foreach (var frame in requestStream.ReadAllAsync(ended.Token))
            {
                frames++;
                foreach (var bytes in frame.Messages)
                {
                    Deliver(frame.From, bytes);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // this node is stopping
        }
        return new StreamSummary { Frames = frames };
    }

    public override async Task<ForwardReply> Forward(ForwardRequest request, ServerCallContext context)
    {
        var commands = request.Commands
            .Select(c => (IReadOnlyList<ReadOnlyMemory<byte>>)[.. c.Args.Select(a => a.Memory)])
            .ToArray();
        var result = await forwards.ForwardAsync(new ForwardedWrites((int)request.Protocol, commands, request.From), context.CancellationToken);
        return new ForwardReply
        {
            Replies = UnsafeByteOperations.UnsafeWrap(result.Replies),
            WaitLsn = result.WaitLsn.Value,
            Error = result.Error ?? "",
        };
    }

    private void Deliver(string from, ByteString bytes)
    {
        PeerMessage message;
        try
        {
            message = PeerMessageCodec.Decode(bytes.Memory);
        }
        catch (CorruptDataException e)
        {
            logger.LogWarning("dropped an undecodable message from {From}: {Reason}", from, e.Message);
            return;
        }
        if (message.From.Value != from || message.To != inbox.Self)
        {
            logger.LogWarning("dropped a message from {Claimed} to {To} that arrived on {From}'s stream", message.From, message.To, from);
            return;
        }
        inbox.Deliver(message);
    }
}
