using System.Collections.Concurrent;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Hosting;

/// <summary>
/// The node loop's inbox: many producers (connections, peer streams, timers), one consumer.
/// The consumer only sleeps when the queue is empty, and producers only signal it then.
/// </summary>
internal sealed class NodeInbox(NodeId self) : IPeerInbox, IDisposable
{
    private readonly ConcurrentQueue<NodeInput> _queue = new();
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 50);
    private int _sleeping;

    public NodeId Self => self;

    public void Post(NodeInput input)
    {
        _queue.Enqueue(input);
        if (Volatile.Read(ref _sleeping) == 1)
        {
            _signal.Set();
        }
    }

    public void Deliver(Envelope message) => Post(new PeerMessageInput(message));

    public void PeerConnected(NodeId peer) => Post(new PeerConnectedInput(peer));

    public bool TryTake(out NodeInput input) => _queue.TryDequeue(out input!);

    /// <summary>Blocks until an input may be available or <paramref name="timeout"/> passes.</summary>
    public void WaitForInput(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _sleeping, 1);
        try
        {
            if (_queue.IsEmpty)
            {
                _signal.Wait(timeout, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop checks the token itself.
        }
        finally
        {
            Interlocked.Exchange(ref _sleeping, 0);
            _signal.Reset();
        }
    }

    public void Dispose() => _signal.Dispose();
}
