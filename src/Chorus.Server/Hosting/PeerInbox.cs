using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Hosting;

/// <summary>
/// The gRPC transport's view of the node's inbox: what arrives from peers goes into the control
/// lane, unless the fault commands drop it (<see cref="PeerLinkHold.Drop"/>) or hold it. Pub/sub
/// messages go to the <see cref="PubSub.PubSubRelay"/> instead (never held: they wait for the log
/// there, which a paused link holds back).
/// </summary>
internal sealed class PeerInbox(NodeInbox inbox, PeerLinkHold hold) : IPeerInbox
{
    public NodeId Self => inbox.Self;

    /// <summary>Where pub/sub messages from peers go; null: they are refused by the node like any unknown family.</summary>
    public PubSub.PubSubRelay? PubSub { get; init; }

    public void Deliver(Envelope message)
    {
        if (message.Family == MessageFamily.PubSub && PubSub is { } relay)
        {
            if (!hold.Drop.ShouldDrop())
            {
                relay.Receive(message);
            }
            return;
        }
        if (!hold.Drop.ShouldDrop() && !hold.TryHold(message))
        {
            inbox.Deliver(message);
        }
    }

    public void PeerConnected(NodeId peer) => inbox.PeerConnected(peer);
}

/// <summary>
/// A fault for tests and demonstrations (CHORUS.FAULT LINK PAUSE|RESUME, only with
/// --fault-commands): while paused, every message from peers — or, paused <c>FROM</c> one peer,
/// every message from that peer — waits here, in order, and is handed to the node when the link
/// resumes: a node that lags behind without its process being stopped, so clients can still read
/// from it. Holding one peer alone makes one sender's messages arrive after a later sender's (the
/// lab's answer-before-the-question scenario). At most <see cref="HeldMax"/> are kept; a message
/// beyond that is dropped (peers retransmit, as after any network loss).
/// </summary>
internal sealed class PeerLinkHold(NodeInbox inbox)
{
    public const int HeldMax = 100_000;

    private readonly Lock _lock = new();
    private readonly Queue<Envelope> _held = new();
    private readonly HashSet<NodeId> _pausedFrom = [];
    private bool _pausedAll;

    /// <summary>The other link fault: a share of arriving messages dropped (CHORUS.FAULT LINK DROP); checked before holding.</summary>
    public PeerLinkDrop Drop { get; } = new();

    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _pausedAll || _pausedFrom.Count > 0;
            }
        }
    }

    /// <summary>Holds every message from peers (<paramref name="from"/> null), or from <paramref name="from"/> only; pausing adds to what is held already.</summary>
    public void Pause(NodeId? from = null)
    {
        lock (_lock)
        {
            if (from is { } peer)
            {
                _pausedFrom.Add(peer);
            }
            else
            {
                _pausedAll = true;
            }
        }
    }

    /// <summary>Hands every held message to the node, in arrival order, and stops holding.</summary>
    public int Resume()
    {
        lock (_lock)
        {
            var released = _held.Count;
            while (_held.TryDequeue(out var message))
            {
                inbox.Deliver(message);
            }
            _pausedAll = false;
            _pausedFrom.Clear();
            return released;
        }
    }

    public bool TryHold(Envelope message)
    {
        lock (_lock)
        {
            if (!_pausedAll && !_pausedFrom.Contains(message.From))
            {
                return false;
            }
            if (_held.Count < HeldMax)
            {
                _held.Enqueue(message);
            }
            return true;
        }
    }
}
