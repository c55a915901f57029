using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>A follower's view of its leader, for INFO replication and lag reporting.</summary>
public sealed class LeaderLink
{
    /// <summary>Heard from the leader recently (within the resubscribe timeout).</summary>
    public bool IsUp { get; internal set; }

    public long LastHeardAtMs { get; internal set; } = -1;

    /// <summary>The leader's last LSN as of its latest message.</summary>
    public Lsn LeaderLastLsn { get; internal set; }

    /// <summary>Where clients reach the leader ("host:port").</summary>
    public string LeaderClientEndpoint { get; internal set; } = "";

    /// <summary>The leader's clock as of its latest message.</summary>
    public HlcTimestamp LeaderTime { get; internal set; }

    /// <summary>Where this follower resumed when it started: the LSN after its last stored entry (catch-up recovery).</summary>
    public Lsn ResumedFrom { get; internal set; }

    /// <summary>Subscriptions sent (first connect, reconnects, mismatches, truncations).</summary>
    public long Subscriptions { get; internal set; }

    /// <summary>The leader asked this follower to reload from a snapshot.</summary>
    public bool SnapshotRequested { get; internal set; }

    /// <summary>Log truncations (rollbacks of a divergent suffix) carried out.</summary>
    public long Truncations { get; internal set; }
}
