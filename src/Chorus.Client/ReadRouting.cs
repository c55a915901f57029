namespace Chorus.Client;

/// <summary>
/// Which node a read goes to first. Followers exist to spread reads, so every level except
/// <c>strong</c> starts at a follower whose link to the leader is up (for <c>bounded</c>, one whose
/// last measured lag is within the bound); the follower itself enforces the guarantee, and the
/// session falls back to the leader if it cannot in time. Strong reads go to the leader: a
/// follower would need a round trip to the leader for its read index anyway.
/// </summary>
internal static class ReadRouting
{
    public static NodeState? Follower(ClusterTopology topology, ReadConsistency consistency, bool readFromFollowers, int turn)
    {
        if (!readFromFollowers || consistency.Level == ReadLevel.Strong)
        {
            return null;
        }
        var bound = (long)consistency.Bound.TotalMilliseconds;
        var candidates = topology.Followers
            .Where(f => f.LinkUp && (consistency.Level != ReadLevel.Bounded || f.LagMs <= bound))
            .ToList();
        return candidates.Count == 0 ? null : candidates[turn % candidates.Count];
    }
}
