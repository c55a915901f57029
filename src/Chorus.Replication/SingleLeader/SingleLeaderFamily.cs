namespace Chorus.Replication.SingleLeader;

/// <summary>Makes single-leader cores: the family a host plugs into the node shell for single-leader replication.</summary>
public sealed record SingleLeaderFamily(ReplicationOptions Options, ClusterConfig Cluster, string ClientEndpoint = "") : IReplicationFamily
{
    public Core.Messaging.MessageFamily Family => Core.Messaging.MessageFamily.SingleLeader;

    public IReplicationCore Create(CoreStart start)
    {
        Invariant(start.Self == Cluster.Self);
        return new SingleLeaderCore(Options, Cluster, start, ClientEndpoint);
    }

    private static void Invariant(bool holds) => Core.Invariant.That(holds, "the core is made for the node that starts it");
}
