using System.Threading.Channels;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Chorus.Transport.Grpc;

/// <summary>
/// The outbound stream of one <see cref="MessageLane"/> to one peer: a bounded queue drained into
/// one long-lived client stream, re-established with backoff whenever it breaks. Messages queued
/// while the peer is away are dropped (as TCP would lose them); the protocol retransmits what
/// matters. The control lane's stream is the one that tells the node a peer (re)connected.
/// </summary>
internal sealed class PeerConnection(NodeId self, NodeId peer, Peer.PeerClient client, IPeerInbox inbox, ILogger logger, MessageLane lane)
{
    public const int QueueLengthMax = 65_536;
    public const int FrameMessagesMax = 512;

    /// <summary>A frame stops taking messages past this size, so frames stay far below the gRPC message cap.</summary>
    public const int FrameBytesMax = 4 << 20;
    private static readonly TimeSpan BackoffMin = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan BackoffMax = TimeSpan.FromSeconds(1);

    private readonly Channel<Envelope> _queue = Channel.CreateBounded<Envelope>(
        new BoundedChannelOptions(QueueLengthMax) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public NodeId Peer => peer;

    public Peer.PeerClient Client => client;

    public bool IsConnected { get; private set; }

    public void Enqueue(Envelope message) => _queue.Writer.TryWrite(message);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = BackoffMin;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                if (IsConnected)
                {
                    logger.LogInformation("{Lane} stream to {Peer} broke: {Reason}", Name, peer, e.Message);
                }
                IsConnected = false;
                DropQueued(); // like TCP: what is sent while the link is down is lost; the protocol resends
                try
                {
                    await Task.Delay(backoff, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopping while the peer is unreachable: the catch below cannot see this one,
                    // and the node's shutdown used to fail with it.
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, BackoffMax.Ticks));
                continue;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopping: gRPC reports the cancelled call as an RpcException
            }
        }
    }

    private string Name => lane == MessageLane.Control ? "control" : "bulk";

    private void DropQueued()
    {
        while (_queue.Reader.TryRead(out _))
        {
        }
    }

    private async Task StreamAsync(CancellationToken cancellationToken)
    {
        using var call = client.Stream(cancellationToken: cancellationToken);
        // An empty first frame establishes the stream, so "connected" means the peer answered.
        await call.RequestStream.WriteAsync(new PeerFrame { From = self.Value }, cancellationToken);
        IsConnected = true;
        logger.LogInformation("{Lane} stream to {Peer} established", Name, peer);
        if (lane == MessageLane.Control)
        {
            inbox.PeerConnected(peer);
        }
        var reader = _queue.Reader;
        Envelope? carried = null;
        while (carried is not null || await reader.WaitToReadAsync(cancellationToken))
        {
            var first = carried ?? (reader.TryRead(out var next) ? next : (Envelope?)null);
            carried = null;
            if (first is not { } head)
            {
                continue;
            }
            if (MessageChunks.NeedsSplitting(head))
            {
                foreach (var piece in MessageChunks.Split(self.Value, head))
                {
                    await call.RequestStream.WriteAsync(piece, cancellationToken);
                }
                continue;
            }
            // One frame holds consecutive messages of one family (the frame carries the tag), up to a size.
            var frame = new PeerFrame { From = self.Value, Family = head.Family.Value };
            frame.Messages.Add(UnsafeByteOperations.UnsafeWrap(head.Bytes));
            var frameBytes = head.Bytes.Length;
            while (frame.Messages.Count < FrameMessagesMax && frameBytes < FrameBytesMax && reader.TryRead(out var message))
            {
                if (message.Family != head.Family || MessageChunks.NeedsSplitting(message))
                {
                    carried = message;
                    break;
                }
                frame.Messages.Add(UnsafeByteOperations.UnsafeWrap(message.Bytes));
                frameBytes += message.Bytes.Length;
            }
            await call.RequestStream.WriteAsync(frame, cancellationToken);
        }
    }
}
