using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.Progress;

/// <summary>How far a leader believes one follower has got (etcd raft's Progress).</summary>
public sealed class FollowerProgress(NodeId id, MemberRole role)
{
    public NodeId Id { get; } = id;

    public MemberRole Role { get; internal set; } = role;

    public FollowerState State { get; internal set; } = FollowerState.Probing;

    /// <summary>The follower's RESP endpoint ("host:port"), as it announced it.</summary>
    public string ClientEndpoint { get; internal set; } = "";

    /// <summary>The last LSN the follower holds in memory (received).</summary>
    public Lsn Received { get; internal set; }

    /// <summary>The last LSN the follower has appended and applied.</summary>
    public Lsn Match { get; internal set; }

    /// <summary>The last LSN on the follower's stable storage.</summary>
    public Lsn Flushed { get; internal set; }

    /// <summary>The next LSN to send.</summary>
    public Lsn Next { get; internal set; } = new(1);

    /// <summary>Encoded bytes sent beyond <see cref="Match"/> (flow control).</summary>
    public long InflightBytes { get; internal set; }

    public long LastHeardAtMs { get; internal set; } = -1;

    public long LastSentAtMs { get; internal set; } = -1;

    /// <summary>The latest stamp the follower put on an acknowledgement (its own clock; −1: none since it subscribed), echoed back to it for bounded staleness.</summary>
    public long StampMs { get; internal set; } = -1;

    /// <summary>Where the follower's log ended when it was told to load a snapshot.</summary>
    internal LogPosition SnapshotRequestedAt { get; set; }

    /// <summary>The position of the snapshot this follower is loading (retention keeps the log after it), or zero.</summary>
    public Lsn SnapshotLsn { get; internal set; }

    /// <summary>Where the follower's latest subscription started, for visibility.</summary>
    public Lsn SubscribedFrom { get; internal set; }

    /// <summary>Smoothed time from an entry's commit on the leader to its confirmation at the cluster's ack level.</summary>
    public double AckLatencyMs { get; internal set; }

    /// <summary>When entries were last shipped, or <see cref="Match"/> last advanced.</summary>
    internal long LastProgressAtMs { get; set; } = -1;

    /// <summary>The latest read round this follower echoed back in this epoch (it still followed this leader after that round began).</summary>
    public ulong AckedReadRound { get; internal set; }

    /// <summary>A log read is outstanding for this follower.</summary>
    internal bool ReadPending { get; set; }

    /// <summary>The LSN the follower has confirmed at <paramref name="level"/>.</summary>
    public Lsn ConfirmedAt(AckLevel level) => level switch
    {
        AckLevel.Received => Received,
        AckLevel.Flushed => Flushed,
        _ => Match,
    };
}

public enum FollowerState
{
    /// <summary>Where the follower's log ends is unknown; waiting for it to subscribe.</summary>
    Probing,

    /// <summary>The follower was told to roll back a divergent suffix.</summary>
    Truncating,

    /// <summary>Streaming entries.</summary>
    Replicating,

    /// <summary>The follower needs entries this leader no longer has (a snapshot).</summary>
    NeedsSnapshot,
}
