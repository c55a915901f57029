using Chorus.Core;

namespace Chorus.Replication.Quorum;

/// <summary>
/// Quorum arithmetic for acknowledgements: the highest LSN that the policy's followers have
/// confirmed at its level. Pure functions over the voters' confirmations.
/// </summary>
public static class AckTracker
{
    /// <summary>
    /// The highest LSN confirmed by enough voters for <paramref name="policy"/>: the K-th highest
    /// confirmation for semi-sync ANY K, the lowest for sync all. Zero when there are too few voters.
    /// </summary>
    public static Lsn QuorumLsn(AckPolicy policy, IEnumerable<Lsn> voterConfirmations)
    {
        var confirmed = voterConfirmations.OrderByDescending(l => l.Value).ToArray();
        return policy.Mode switch
        {
            AckMode.SemiSync => policy.Count <= confirmed.Length ? confirmed[policy.Count - 1] : Lsn.Zero,
            AckMode.SyncAll => confirmed.Length == 0 ? new Lsn(ulong.MaxValue) : confirmed[^1],
            _ => new Lsn(ulong.MaxValue),
        };
    }

    /// <summary>How many followers must confirm under <paramref name="policy"/> with <paramref name="voterCount"/> voters.</summary>
    public static int Required(AckPolicy policy, int voterCount) => policy.Mode switch
    {
        AckMode.SemiSync => policy.Count,
        AckMode.SyncAll => voterCount,
        _ => 0,
    };
}
