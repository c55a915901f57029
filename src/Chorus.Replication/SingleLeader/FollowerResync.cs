namespace Chorus.Replication;

/// <summary>
/// How a follower whose next entry is no longer in the leader's log catches up (DESIGN §4.3).
/// Decided by the leader, carried in <see cref="Messages.InstallSnapshot"/>.
/// </summary>
public enum FollowerResync : byte
{
    /// <summary>Download a checkpoint of the leader's whole database and restart on it.</summary>
    Snapshot = 0,

    /// <summary>
    /// Compare Merkle trees of the follower's database and a checkpoint of the leader's, and copy
    /// only the rows of the leaves that differ (no full-resync storm after a short outage).
    /// </summary>
    Merkle = 1,
}

public static class FollowerResyncs
{
    public static bool TryParse(string text, out FollowerResync method)
    {
        (var known, method) = text.ToLowerInvariant() switch
        {
            "snapshot" => (true, FollowerResync.Snapshot),
            "merkle" => (true, FollowerResync.Merkle),
            _ => (false, FollowerResync.Snapshot),
        };
        return known;
    }
}
