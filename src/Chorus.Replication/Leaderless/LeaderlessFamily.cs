using Chorus.Core;
using Chorus.Core.Messaging;

namespace Chorus.Replication.Leaderless;

/// <summary>Makes leaderless cores: the family a host plugs into the node shell for Dynamo-style replication.</summary>
public sealed record LeaderlessFamily(LeaderlessSettings Settings, RingConfig InitialRing) : IReplicationFamily
{
    public MessageFamily Family => MessageFamily.Leaderless;

    public IReplicationCore Create(CoreStart start)
    {
        // Version 0 is a node about to join: it starts outside the ring and is added by CHORUS.RING ADD.
        Invariant.That(InitialRing.Find(start.Self) is not null || InitialRing.Version == 0, $"{start.Self} is a member of the ring it starts with");
        return new LeaderlessCore(Settings, InitialRing, start);
    }
}
