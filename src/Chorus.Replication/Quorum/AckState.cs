namespace Chorus.Replication.Quorum;

/// <summary>The leader's acknowledgement state, for INFO replication and metrics.</summary>
public sealed class AckState
{
    /// <summary>Acknowledging as async because too few followers confirmed in time (degrade policy).</summary>
    public bool IsDegraded { get; internal set; }

    /// <summary>When the current (or last) degradation began, or -1.</summary>
    public long DegradedSinceMs { get; internal set; } = -1;

    /// <summary>Times the leader degraded to async.</summary>
    public long Degradations { get; internal set; }

    /// <summary>Writes failed with -NOREPLICAS because too few followers confirmed in time.</summary>
    public long TimedOutWrites { get; internal set; }
}
