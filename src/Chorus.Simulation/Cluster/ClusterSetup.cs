using Chorus.Simulation.Modes;
using Chorus.Simulation.Network;
using Chorus.Storage;

namespace Chorus.Simulation.Cluster;

/// <summary>The shape of a simulated cluster: how many nodes, which mode, how durable, what network.</summary>
internal sealed record ClusterSetup(int NodeCount, ClusterMode Mode, DurabilityPolicy Durability, NetworkProfile Network);
