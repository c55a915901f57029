using System.Collections.Concurrent;
using Chorus.Core;
using Chorus.Core.Messaging;

namespace Chorus.Node;

/// <summary>
/// The node loop's inbox: many producers (connections, peer streams, timers), one consumer, two
/// lanes. Peer and control inputs (heartbeats, acknowledgements, votes, syncs, operator
/// commands) go in the control lane, which each round empties first; client writes wait in their
/// own lane, so thousands of them never delay the messages that keep leadership alive. The
/// consumer only sleeps when both lanes are empty, and producers only signal it then.
/// </summary>
public sealed class NodeInbox(NodeId self) : IDisposable
{
    private readonly ConcurrentQueue<NodeInput> _control = new();
    private readonly ConcurrentQueue<ClientWritesInput> _clients = new();
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 50);
    private int _sleeping;

    public NodeId Self => self;

    /// <summary>Inputs waiting in both lanes (for the simulator's starved-node model and for tests).</summary>
    public int Count => _control.Count + _clients.Count;

    public void Post(NodeInput input)
    {
        if (input is ClientWritesInput writes)
        {
            _clients.Enqueue(writes);
        }
        else
        {
            _control.Enqueue(input);
        }
        if (Volatile.Read(ref _sleeping) == 1)
        {
            _signal.Set();
        }
    }

    public void Deliver(Envelope message) => Post(new PeerMessageInput(message));

    public void PeerConnected(NodeId peer) => Post(new PeerConnectedInput(peer));

    public bool TryTakeControl(out NodeInput input) => _control.TryDequeue(out input!);

    public bool TryTakeClient(out ClientWritesInput input) => _clients.TryDequeue(out input!);

    /// <summary>Any input, control first (for draining a stopped loop).</summary>
    public bool TryTake(out NodeInput input)
    {
        if (TryTakeControl(out input))
        {
            return true;
        }
        var taken = TryTakeClient(out var writes);
        input = writes;
        return taken;
    }

    /// <summary>Blocks until an input may be available or <paramref name="timeout"/> passes.</summary>
    public void WaitForInput(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _sleeping, 1);
        try
        {
            if (_control.IsEmpty && _clients.IsEmpty)
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
