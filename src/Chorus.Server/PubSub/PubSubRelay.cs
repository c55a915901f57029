using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Messaging;
using Chorus.Node;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.PubSub;

/// <summary>
/// Makes a PUBLISH reach subscribers on every node (docs/pubsub.md, "Every node hears a
/// PUBLISH"). The node a client publishes on delivers to its own subscribers, then sends the
/// message once to each peer, which delivers it to its subscribers and sends it nowhere else (no
/// loops, no duplicates). A message is not data: it is never logged, so a restart replays nothing,
/// and a node that is down or cut off misses it, as a disconnected Redis subscriber does.
/// <para>
/// Order: messages from one node reach each peer in the order they were published there (one
/// ordered stream per peer: the bulk one, where log entries travel, so a burst of messages cannot
/// push heartbeats out of the control stream's bounded queue). A message waits on a receiver
/// that replicates the same log until it has applied the publisher's position
/// (<see cref="PeerPublication.AfterLsn"/>), for at most <see cref="CatchUpWaitMsMax"/>; later
/// messages from the same node wait behind it.
/// </para>
/// Thread-safe: connection threads publish, the peer service's threads receive.
/// </summary>
internal sealed class PubSubRelay(
    PubSubHub hub,
    NodeId self,
    Func<IEnumerable<NodeId>> peers,
    Action<Envelope> send,
    AppliedLsnWaiters applied,
    Func<NodeId, bool> sharesLog,
    ILogger logger)
{
    /// <summary>How long a message may wait for its receiver to apply the publisher's writes before it is delivered anyway.</summary>
    public const int CatchUpWaitMsMax = 5_000;

    /// <summary>Messages from one peer that may wait for the log at once; more are dropped (counted), as a full Redis output buffer would drop the subscriber.</summary>
    public const int WaitingPerPeerMax = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<NodeId, PeerQueue> _queues = [];
    private long _sent;
    private long _received;
    private long _dropped;

    /// <summary>Messages this node sent to peers (one per peer).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages from peers this node delivered to its subscribers.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages from peers dropped: malformed, or too many waiting.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>A client's PUBLISH: delivers here, passes it to every peer; returns this node's receivers (PUBLISH's reply).</summary>
    public int Publish(byte[] channel, byte[] message)
    {
        var receivers = hub.Publish(channel, message);
        var bytes = new PeerPublication(applied.Applied, channel, message).Encode();
        foreach (var peer in peers())
        {
            if (peer != self)
            {
                // The bulk stream, with the log entries: a burst of messages never crowds heartbeats out of the control stream's queue.
                send(new Envelope(self, peer, MessageFamily.PubSub, bytes, MessageLane.Bulk));
                Interlocked.Increment(ref _sent);
            }
        }
        return receivers;
    }

    /// <summary>A message a peer passed on: delivered here once this node has caught up with its publisher.</summary>
    public void Receive(Envelope envelope)
    {
        PeerPublication publication;
        try
        {
            publication = PeerPublication.Decode(envelope.Bytes.Span);
        }
        catch (CorruptDataException e)
        {
            Interlocked.Increment(ref _dropped);
            logger.LogWarning("dropped a pub/sub message from {From}: {Reason}", envelope.From, e.Message);
            return;
        }
        if (!sharesLog(envelope.From))
        {
            publication = publication with { AfterLsn = Lsn.Zero }; // another log's positions mean nothing here
        }
        lock (_lock)
        {
            if (!_queues.TryGetValue(envelope.From, out var queue))
            {
                _queues[envelope.From] = queue = new PeerQueue();
            }
            if (queue.Waiting.Count == 0 && applied.Applied >= publication.AfterLsn)
            {
                Deliver(publication); // the usual case: caught up, nothing ahead of it
                return;
            }
            if (queue.Waiting.Count >= WaitingPerPeerMax)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            queue.Waiting.Enqueue(publication);
            if (!queue.Draining)
            {
                queue.Draining = true;
                _ = DrainAsync(queue);
            }
        }
    }

    /// <summary>Delivers one peer's waiting messages in order, each once the log has caught up with it (or the wait ran out).</summary>
    private async Task DrainAsync(PeerQueue queue)
    {
        while (true)
        {
            PeerPublication next;
            lock (_lock)
            {
                if (!queue.Waiting.TryPeek(out next))
                {
                    queue.Draining = false;
                    return;
                }
            }
            await applied.WaitAsync(next.AfterLsn, TimeSpan.FromMilliseconds(CatchUpWaitMsMax), CancellationToken.None).ConfigureAwait(false);
            lock (_lock)
            {
                queue.Waiting.Dequeue();
                Deliver(next);
            }
        }
    }

    private void Deliver(PeerPublication publication)
    {
        hub.Publish(publication.Channel, publication.Message);
        Interlocked.Increment(ref _received);
    }

    private sealed class PeerQueue
    {
        public Queue<PeerPublication> Waiting { get; } = new();

        /// <summary>Whether a drain runs for this peer (at most one does, so order holds).</summary>
        public bool Draining { get; set; }
    }
}
