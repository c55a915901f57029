using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Hosting;

/// <summary>The gRPC transport's view of the node's inbox: what arrives from peers goes into the control lane.</summary>
internal sealed class PeerInbox(NodeInbox inbox) : IPeerInbox
{
    public NodeId Self => inbox.Self;

    public void Deliver(Envelope message) => inbox.Deliver(message);

    public void PeerConnected(NodeId peer) => inbox.PeerConnected(peer);
}
