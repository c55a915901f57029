using Chorus.Core;
using Chorus.Core.Messaging;

namespace Chorus.Replication.Leaderless;

/// <summary>Makes leaderless cores: the family a host plugs into the node shell for Dynamo-style replication.</summary>
public sealed record LeaderlessFamily(LeaderlessSettings Settings, RingConfig InitialRing) : IReplicationFamily
{
    public MessageFamily Family => MessageFamily.Leaderless;

    public IReplicationCore Create(CoreStart start)
    {
        Invariant.That(InitialRing.Find(start.Self) is not null, $"{start.Self} is a member of the ring it starts with");
        return new LeaderlessCore(Settings, InitialRing, start);
    }
}
