namespace Chorus.Replication;

/// <summary>Protocol timing and limits. Every limit has a unit in its name.</summary>
public sealed record ReplicationOptions
{
    /// <summary>How often a leader tells each follower it is alive (an empty AppendEntries).</summary>
    public int HeartbeatIntervalMs { get; init; } = 100;

    /// <summary>A follower that hears nothing from its leader this long subscribes again.</summary>
    public int ResubscribeAfterMs { get; init; } = 1000;

    /// <summary>Unacknowledged entries are sent again after this long (messages can be lost).</summary>
    public int RetransmitAfterMs { get; init; } = 1000;

    /// <summary>Encoded entry bytes per AppendEntries message.</summary>
    public long BatchBytesMax { get; init; } = 1 << 20;

    /// <summary>Encoded entry bytes sent to one follower and not yet acknowledged.</summary>
    public long InflightBytesMax { get; init; } = 16 << 20;

    /// <summary>Recent entries a leader keeps in memory to ship without reading its disk.</summary>
    public long EntryCacheBytesMax { get; init; } = 64 << 20;
}
