using Chorus.Replication.Messages;

namespace Chorus.Simulation.Network;

/// <summary>
/// Rewrites a peer message on its way into a node. Only deliberately broken variants use this,
/// to show that a checker notices a bug; a correct run has no tamper.
/// </summary>
public interface IMessageTamper
{
    PeerMessage Tamper(PeerMessage message);
}
