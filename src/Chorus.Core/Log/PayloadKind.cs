namespace Chorus.Core.Log;

/// <summary>
/// What a log entry's payload is. The replication cores treat payloads as opaque bytes; the
/// command layer decides how each kind is applied.
/// </summary>
public enum PayloadKind : byte
{
    /// <summary>No data change: the entry a new leader appends to open its epoch.</summary>
    Noop = 0,

    /// <summary>Row-based change images (the default format).</summary>
    Logical = 1,

    /// <summary>The client's command, made deterministic by the leader.</summary>
    Statement = 2,

    /// <summary>The storage engine's own write-batch bytes (WAL shipping).</summary>
    Physical = 3,

    /// <summary>New cluster settings: membership and the acknowledgement policy.</summary>
    ClusterConfig = 4,

    /// <summary>
    /// Whole key images with their version blocks (<see cref="KeyImagesPayload"/>): a leaderless
    /// replica's own log of the versions it stored. Never shipped to other nodes.
    /// </summary>
    KeyImages = 5,

    /// <summary>
    /// A multi-leader site change: its origin site, sequence number and version vectors, the
    /// operations other sites resolve, and this site's resolved data changes (see Sites/SiteEntry).
    /// </summary>
    MultiLeader = 6,

    /// <summary>
    /// A log-format marker: from here on the leader writes entries in the format it names
    /// (docs/log-formats.md). No data change.
    /// </summary>
    LogFormat = 8,
}
