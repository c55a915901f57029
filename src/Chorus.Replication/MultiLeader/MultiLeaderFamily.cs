using Chorus.Replication.SingleLeader;

namespace Chorus.Replication.MultiLeader;

/// <summary>Makes multi-leader cores: a single-leader group for the node's site, linked to the other sites.</summary>
public sealed record MultiLeaderFamily(MultiLeaderOptions Options, SingleLeaderFamily Site) : IReplicationFamily
{
    public Core.Messaging.MessageFamily Family => Core.Messaging.MessageFamily.MultiLeader;

    public IReplicationCore Create(CoreStart start) => new MultiLeaderCore(Options, (SingleLeaderCore)Site.Create(start));
}
