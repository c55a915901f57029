using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Nodes;

/// <summary>The production transport seam, plugged into the simulated network.</summary>
internal sealed class SimTransport(SimNetwork network) : ITransport
{
    public void Send(Envelope message) => network.Send(message);
}
