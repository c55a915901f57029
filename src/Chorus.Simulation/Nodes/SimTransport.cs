using Chorus.Replication.Messages;
using Chorus.Server.Node;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Nodes;

/// <summary>The production transport seam, plugged into the simulated network.</summary>
internal sealed class SimTransport(SimNetwork network) : ITransport
{
    public void Send(PeerMessage message) => network.Send(message);
}
