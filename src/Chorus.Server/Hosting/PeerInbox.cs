using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Hosting;

/// <summary>The gRPC transport's view of the node's inbox: what arrives from peers goes into the control lane (unless <paramref name="hold"/> holds it).</summary>
internal sealed class PeerInbox(NodeInbox inbox, PeerLinkHold hold) : IPeerInbox
{
    public NodeId Self => inbox.Self;

    public void Deliver(Envelope message)
    {
        if (!hold.TryHold(message))
        {
            inbox.Deliver(message);
        }
    }

    public void PeerConnected(NodeId peer) => inbox.PeerConnected(peer);
}

/// <summary>
/// A fault for tests and demonstrations (CHORUS.FAULT LINK PAUSE|RESUME, only with
/// --fault-commands): while paused, every message from peers waits here, in order, and is handed
/// to the node when the link resumes — a follower that lags behind its leader without its process
/// being stopped, so clients can still read from it. At most <see cref="HeldMax"/> are kept; a
/// message beyond that is dropped (peers retransmit, as after any network loss).
/// </summary>
internal sealed class PeerLinkHold(NodeInbox inbox)
{
    public const int HeldMax = 100_000;

    private readonly Lock _lock = new();
    private readonly Queue<Envelope> _held = new();
    private bool _paused;

    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _paused;
            }
        }
    }

    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
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
            _paused = false;
            return released;
        }
    }

    public bool TryHold(Envelope message)
    {
        lock (_lock)
        {
            if (!_paused)
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
