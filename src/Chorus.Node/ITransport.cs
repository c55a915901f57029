using Chorus.Core.Messaging;

namespace Chorus.Node;

/// <summary>
/// Sends peer messages as opaque bytes tagged with their family. Fire and forget: a message may
/// be lost (the protocols retransmit), and Send never blocks the node's loop. gRPC streams in
/// production, a simulated network in the simulator.
/// </summary>
public interface ITransport
{
    void Send(Envelope message);
}
