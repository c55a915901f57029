using Chorus.Replication.Messages;

namespace Chorus.Server.Node;

/// <summary>
/// Sends peer messages. Fire and forget: a message may be lost (the protocol retransmits), and
/// Send never blocks the node's loop. gRPC streams in production, a simulated network in tests.
/// </summary>
public interface ITransport
{
    void Send(PeerMessage message);
}
